"""The features of a (brief, firm) pair, each in [0, 1] where 1 is the better fit, each
defined once.

A ``Feature`` holds all there is to one feature: its name, the default ranker's weight
(``prior``), what it means, how it is computed for one pair (``pair``: the plain
definition, which also says what the value was computed from, for the explanations)
and for all of a brief's candidates at once (``column``: array operations over the
catalogue's rows, held to ``pair`` by tests/matchmaking/test_features_vectorised.py),
and what a buyer and a firm are told when it counts (``to_buyer``, ``to_firm``, and
``gaps``: what the firm lacks that the brief asks for). The text similarities (stage 1's
score, TF-IDF against the profile and each earlier win) are computed together for a
whole list of pairs (``Texts``, ``ranking.extraction``) and read by ``texts``.

``DEFINITIONS`` is the list; ``FEATURES`` (the names, in the order of the matrix's
columns) and ``PRIOR_WEIGHTS`` are read off it, so adding or dropping a feature is one
entry there.

This module is that table (24 entries with their computations side by side), and is
longer than the 400 lines other modules keep to for it: split, a feature's definition
would no longer be read in one place (tests/test_architecture.py names it).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from core.languages import language_name
from matchmaking.ranking.catalogue import CandidateRows, client_pair
from matchmaking.ranking.data import BriefData, VendorData, region_of, service_day
from matchmaking.ranking.history import TrackRecord, client_key, organisation_family

UNKNOWN = 0.5  # a value we cannot judge neither helps nor hurts much
# A certification the firm states but no officer verified counts for half: it may well
# be true, but it does not meet a requirement (see vendors.verification).
CLAIM_CREDIT = 0.5
RATING_PRIOR_MEAN, RATING_PRIOR_COUNT = 4.2, 5.0
BUYER_DAY = (9, 17)  # the buyer's business hours, local time
HOURS_PER_WEEK = 40
HISTORY_TOP_K = 3
COUNT_PRIOR = 3.0  # win_count = n / (n + COUNT_PRIOR): three wins make it half-way
BUYER_PRIOR = 1.0  # same_buyer = n / (n + BUYER_PRIOR)
RECENCY_DAYS = 365.0  # win_recency = exp(-days since the latest win / RECENCY_DAYS)

Detail = dict[str, Any]
Say = Callable[[Detail, BriefData], str | None]


@dataclass(frozen=True)
class Pair:
    """One (brief, firm) pair as the plain definitions read it: the firm's track record
    as the brief may see it (``VendorData.record_for``)."""

    brief: BriefData
    vendor: VendorData
    record: TrackRecord
    today: date


@dataclass(frozen=True)
class Batch:
    """A brief and its candidates as the fast path reads them: their rows in the
    catalogue (``catalogue.CandidateRows``), the firms themselves for the few values that
    need Python."""

    brief: BriefData
    candidates: CandidateRows
    vendors: list[VendorData]
    today: date

    def coverage(self, kind: str, wanted: tuple[str, ...]) -> np.ndarray:
        """``_overlap``'s value for each candidate."""
        if not wanted:
            return np.full(len(self.vendors), UNKNOWN)
        return self.candidates.firm_holds(kind, wanted) / len(wanted)


@dataclass(frozen=True)
class Texts:
    """The text similarities of a list of pairs, computed together."""

    retrieval: np.ndarray  # stage 1's score / the best among the list
    word: np.ndarray
    char: np.ndarray
    history_best: np.ndarray
    history_topk: np.ndarray


def _silent(detail: Detail, brief: BriefData) -> str | None:
    return None


def _no_gaps(detail: Detail, brief: BriefData) -> list[str]:
    return []


@dataclass(frozen=True)
class Feature:
    name: str
    prior: float  # the default ranker's weight (docs/ranking.md says how it was chosen)
    meaning: str
    pair: Callable[[Pair], tuple[float, Detail]] | None = None
    column: Callable[[Batch], np.ndarray] | None = None
    texts: Callable[[Texts], np.ndarray] | None = None
    to_buyer: Say = _silent
    to_firm: Say = _silent
    gaps: Callable[[Detail, BriefData], list[str]] = _no_gaps
    # A requirement of the brief: firms that meet every one rank first
    # (``ranker.ordered``), and what they lack is said first.
    requirement: bool = False


# Shared helpers -------------------------------------------------------------------------
def _join(items: list[str], limit: int = 3) -> str:
    return ", ".join(items[:limit]) + (
        f" and {len(items) - limit} more" if len(items) > limit else ""
    )


def _contracts(count: int) -> str:
    return f"{count} contract{'s' if count != 1 else ''}"


def _overlap(wanted: tuple[str, ...], offered: tuple[str, ...]) -> tuple[float, list[str]]:
    if not wanted:
        return UNKNOWN, []
    matched = [label for label in wanted if label in offered]
    return len(matched) / len(wanted), matched


def _budget(brief: BriefData) -> int | None:
    return brief.budget_max_usd or brief.budget_min_usd


def buyer_hours_utc(brief: BriefData) -> tuple[int, int] | None:
    if not brief.buyer_timezone:
        return None
    return _business_hours_utc(brief.buyer_timezone, brief.published_at or service_day())


@functools.lru_cache(maxsize=4096)  # asked once per candidate: a few zones and days
def _business_hours_utc(timezone: str, day: date) -> tuple[int, int]:
    zone = ZoneInfo(timezone)
    start = datetime(day.year, day.month, day.day, BUYER_DAY[0], tzinfo=zone)
    offset = start.utcoffset() or timedelta()
    begin = int((BUYER_DAY[0] - offset.total_seconds() / 3600) % 24)
    return begin, (begin + BUYER_DAY[1] - BUYER_DAY[0]) % 24


@functools.lru_cache(maxsize=4096)  # 24 x 24 spans at most, per pair of spans
def hours_in_common(a: tuple[int, int], b: tuple[int, int]) -> int:
    def hours(span: tuple[int, int]) -> set[int]:
        start, end = span
        length = (end - start) % 24 or 24
        return {(start + h) % 24 for h in range(length)}

    return len(hours(a) & hours(b))


# Text similarity: computed for the whole list (``ranking.extraction``) ------------------
def _close_profile(detail: Detail, brief: BriefData) -> str | None:
    return "profile close to your brief"


def _close_to_firm(detail: Detail, brief: BriefData) -> str | None:
    return "close to what your profile describes"


def _similar_win(detail: Detail, brief: BriefData) -> str | None:
    return f"has won similar work: “{detail['closest']}”" if detail.get("closest") else None


def _similar_to_firm(detail: Detail, brief: BriefData) -> str | None:
    return f"like work you have won: “{detail['closest']}”" if detail.get("closest") else None


TEXT_FEATURES = (
    Feature(
        "retrieval",
        0.80,  # the most: with no outcomes the ranker is not worse than its retrieval
        "stage 1's BM25 score / the best among the candidates",
        texts=lambda t: t.retrieval,
        to_buyer=_close_profile,
        to_firm=_close_to_firm,
    ),
    Feature(
        "text_word",
        0.04,
        "TF-IDF cosine (words, English stop words removed, sublinear tf), brief vs "
        "profile text + labels; IDF fitted on the brief and its candidates",
        texts=lambda t: t.word,
        to_buyer=_close_profile,
        to_firm=_close_to_firm,
    ),
    Feature(
        "text_char",
        0.04,
        "TF-IDF cosine, character trigrams within words, brief labels vs firm labels",
        texts=lambda t: t.char,
        to_buyer=_close_profile,
        to_firm=_close_to_firm,
    ),
    Feature(
        "history_best",
        0.0,  # hurt on the UK training briefs: boilerplate briefs look alike
        "TF-IDF cosine (the text_word weights) of the brief to each earlier win or "
        "project it may see; the best one",
        texts=lambda t: t.history_best,
        to_buyer=_similar_win,
        to_firm=_similar_to_firm,
    ),
    Feature(
        "history_topk",
        0.0,
        f"the mean of the {HISTORY_TOP_K} best of those",
        texts=lambda t: t.history_topk,
        to_buyer=_similar_win,
        to_firm=_similar_to_firm,
    ),
)


# What the brief asks for ----------------------------------------------------------------
def _services(p: Pair) -> tuple[float, Detail]:
    value, matched = _overlap(p.brief.services, p.vendor.services)
    return value, {"services": matched}


def _services_missing(detail: Detail, brief: BriefData) -> list[str]:
    missing = [s for s in brief.services if s not in detail.get("services", [])]
    return [f"does not list {_join(missing)}"] if missing else []


def _technologies(p: Pair) -> tuple[float, Detail]:
    value, matched = _overlap(p.brief.technologies, p.vendor.technologies)
    return value, {"technologies": matched}


def _industry(p: Pair) -> tuple[float, Detail]:
    industry = p.brief.industry
    if not industry:
        return UNKNOWN, {}
    return float(industry in p.vendor.industries or industry in p.record.industries), {}


def _industry_column(b: Batch) -> np.ndarray:
    industry = b.brief.industry
    if not industry:
        return np.full(len(b.vendors), UNKNOWN)
    return np.maximum(
        b.candidates.firm_holds("industries", (industry,)),
        b.candidates.record_holds("industries", (industry,)),
    )


def _in_industry(detail: Detail, brief: BriefData) -> str | None:
    return f"in {brief.industry}, which you serve" if brief.industry else None


def _budget_fit(p: Pair) -> tuple[float, Detail]:
    brief, vendor = p.brief, p.vendor
    budget = _budget(brief)
    if budget is None:
        return UNKNOWN, {"budget": {}}
    if vendor.min_project_usd is not None and vendor.min_project_usd > budget:
        return 0.0, {"budget": {"min_project_usd": vendor.min_project_usd, "budget": budget}}
    if vendor.rate_min is None or not brief.timeline_weeks:
        return 0.75 if vendor.min_project_usd is not None else UNKNOWN, {
            "budget": {"budget": budget}
        }
    rate = (vendor.rate_min + (vendor.rate_max or vendor.rate_min)) / 2
    estimate = rate * (brief.team_size or 2) * brief.timeline_weeks * HOURS_PER_WEEK
    ratio = estimate / budget
    # Within budget scores 1; every doubling above it halves the fit.
    fit = 1.0 if ratio <= 1 else 1 / (1 + math.log2(ratio))
    return fit, {"budget": {"estimate": round(estimate), "budget": budget}}


def _budget_column(b: Batch) -> np.ndarray:
    budget, brief, candidates = _budget(b.brief), b.brief, b.candidates
    if budget is None:
        return np.full(len(b.vendors), UNKNOWN)
    rate_min = candidates.firm("rate_min")
    minimum = candidates.firm("min_project_usd")
    estimate = (
        (rate_min + candidates.firm("rate_max"))
        / 2
        * (brief.team_size or 2)
        * (brief.timeline_weeks or 0)
        * HOURS_PER_WEEK
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = estimate / budget
        fit = np.where(ratio <= 1, 1.0, 1 / (1 + np.log2(ratio)))
    unrated = np.isnan(rate_min) | (not brief.timeline_weeks)
    return np.where(
        minimum > budget, 0.0, np.where(unrated, np.where(np.isnan(minimum), UNKNOWN, 0.75), fit)
    )


def _fits_budget(detail: Detail, brief: BriefData) -> str | None:
    budget = detail.get("budget", {})
    if "estimate" in budget:
        if budget["estimate"] > budget["budget"]:
            return None  # over budget is a gap, never a reason
        return f"fits the budget (about ${budget['estimate']:,} for the team and timeline)"
    if "budget" in budget and "min_project_usd" not in budget:
        return f"takes projects of ${budget['budget']:,}"
    return None


def _budget_covers(detail: Detail, brief: BriefData) -> str | None:
    budget = detail.get("budget", {})
    if "estimate" in budget and budget["estimate"] <= budget["budget"]:
        return f"its budget (${budget['budget']:,}) covers your rates for the team and timeline"
    return None


def _over_budget(detail: Detail, brief: BriefData) -> list[str]:
    budget, found = detail.get("budget", {}), []
    if budget.get("estimate", 0) > budget.get("budget", float("inf")):
        over = round((budget["estimate"] / budget["budget"] - 1) * 100)
        found.append(
            f"about {max(over, 1)} % over budget "
            f"(estimate ${budget['estimate']:,} for the team and timeline)"
        )
    if budget.get("min_project_usd"):
        found.append(f"takes projects from ${budget['min_project_usd']:,}, above the budget")
    return found


def _value_fit(p: Pair) -> tuple[float, Detail]:
    budget, typical = _budget(p.brief), p.record.typical_value
    if not budget or typical is None:
        return UNKNOWN, {"value": {}}
    fit = max(0.0, 1.0 - abs(math.log10(typical / budget)))
    return fit, {"value": {"typical": round(typical), "budget": budget}}


def _value_column(b: Batch) -> np.ndarray:
    budget = _budget(b.brief)
    if not budget:
        return np.full(len(b.vendors), UNKNOWN)
    typical = b.candidates.record("typical_value")
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = np.maximum(0.0, 1.0 - np.abs(np.log10(typical / budget)))
    return np.where(np.isnan(typical), UNKNOWN, fit)


def _hours(p: Pair) -> tuple[float, Detail]:
    buyer_hours = buyer_hours_utc(p.brief)
    if not (buyer_hours and p.vendor.hours_utc):
        return UNKNOWN, {}
    common = hours_in_common(buyer_hours, p.vendor.hours_utc)
    needed = p.brief.min_overlap_hours or 3
    return min(1.0, common / max(needed, 1)), {"hours": common}


def _hours_column(b: Batch) -> np.ndarray:
    """``hours_in_common`` once per distinct span of the firms' business hours in UTC
    (start x 24 + end, NaN when unknown)."""
    spans = b.candidates.firm("hours_utc")
    buyer_hours = buyer_hours_utc(b.brief)
    common = np.full(len(spans), np.nan)
    if buyer_hours:
        known = ~np.isnan(spans)
        distinct, which = np.unique(spans[known], return_inverse=True)
        hours = [hours_in_common(buyer_hours, divmod(int(span), 24)) for span in distinct]
        common[known] = np.asarray(hours, dtype=float)[which]
    needed = max(b.brief.min_overlap_hours or 3, 1)
    return np.where(np.isnan(common), UNKNOWN, np.minimum(1.0, common / needed))


def _short_of_hours(detail: Detail, brief: BriefData) -> list[str]:
    needed = brief.min_overlap_hours or 0
    if detail.get("hours") is not None and detail["hours"] < needed:
        return [f"only {detail['hours']} h of the {needed} h overlap asked for"]
    return []


def _languages(p: Pair) -> tuple[float, Detail]:
    value, matched = _overlap(p.brief.languages, p.vendor.languages)
    missing = [x for x in p.brief.languages if x not in p.vendor.languages]
    return value, {"languages": matched, "missing_languages": missing}


def _certifications(p: Pair) -> tuple[float, Detail]:
    wanted, vendor = p.brief.required_certifications, p.vendor
    coverage, held = _overlap(wanted, vendor.certifications)
    claimed, claims = _overlap(wanted, vendor.claimed_certifications)
    stated = {*vendor.certifications, *vendor.claimed_certifications}
    missing = [x for x in wanted if x not in stated]
    detail = {"certifications": held, "claimed_certifications": claims}
    value = 1.0 if not wanted else coverage + CLAIM_CREDIT * claimed
    return value, {**detail, "missing_certifications": missing}


def _no_speakers(detail: Detail, brief: BriefData) -> list[str]:
    return [f"no {language_name(c)} speakers" for c in detail.get("missing_languages", [])]


def _certifications_column(b: Batch) -> np.ndarray:
    wanted = b.brief.required_certifications
    if not wanted:
        return np.ones(len(b.vendors))
    held = b.coverage("certifications", wanted)
    return held + CLAIM_CREDIT * b.coverage("claimed_certifications", wanted)


def _uncertified(detail: Detail, brief: BriefData) -> list[str]:
    return [f"not {c} certified" for c in detail.get("missing_certifications", [])] + [
        f"claims {c}, not verified" for c in detail.get("claimed_certifications", [])
    ]


# Experience -------------------------------------------------------------------------------
def _country(p: Pair) -> tuple[float, Detail]:
    country = p.brief.buyer_country
    if not country:
        return UNKNOWN, {}
    countries = p.record.countries.union(p.vendor.export_markets)
    if country in countries:
        return 1.0, {"country": country}
    region = region_of(country)
    if region and region in {region_of(c) for c in countries}:
        return 0.5, {"region": region}
    return 0.0, {}


def _country_column(b: Batch) -> np.ndarray:
    country, candidates = b.brief.buyer_country, b.candidates
    if not country:
        return np.full(len(b.vendors), UNKNOWN)
    region = region_of(country)
    near = (
        (candidates.firm_holds("export_regions", (region,)) > 0)
        | (candidates.record_holds("regions", (region,)) > 0)
        if region
        else np.zeros(len(b.vendors), dtype=bool)
    )
    there = (candidates.firm_holds("export_markets", (country,)) > 0) | (
        candidates.record_holds("countries", (country,)) > 0
    )
    return np.where(there, 1.0, np.where(near, 0.5, 0.0))


def _delivered_there(detail: Detail, brief: BriefData) -> str | None:
    if detail.get("country"):
        return f"has delivered for clients in {detail['country']}"
    if detail.get("region"):
        return f"has delivered in the {detail['region'].replace('_', ' ')} region"
    return None


def _delivered_there_to_firm(detail: Detail, brief: BriefData) -> str | None:
    if detail.get("country"):
        return f"a buyer in {detail['country']}, where you have delivered"
    if detail.get("region"):
        region = detail["region"].replace("_", " ")
        return f"a buyer in the {region} region, where you have delivered"
    return None


def _industry_projects(p: Pair) -> tuple[float, Detail]:
    projects = p.record.projects.get(p.brief.industry, 0) if p.brief.industry else 0
    return 1 - math.exp(-projects), {"projects": projects}


def _industry_projects_column(b: Batch) -> np.ndarray:
    industry = b.brief.industry
    if not industry:
        return np.zeros(len(b.vendors))
    return 1 - np.exp(-b.candidates.record_holds("projects", (industry,)))


def _portfolio_projects(detail: Detail, brief: BriefData) -> str | None:
    count = detail.get("projects")
    if not count:
        return None
    return f"{count} {brief.industry} project{'s' if count > 1 else ''} in its portfolio"


# The buyer's own history with the firm, and its track record ----------------------------
def _same_buyer(p: Pair) -> tuple[float, Detail]:
    same = p.record.with_buyer(p.brief.buyer_id, client_key(p.brief.buyer_name or ""))
    return same / (same + BUYER_PRIOR), {"same_buyer": same}


def _same_buyer_column(b: Batch) -> np.ndarray:
    """Its items for this buyer, by id or by the client's name, each counted once
    (``TrackRecord.with_buyer``)."""
    buyer, name = b.brief.buyer_id, client_key(b.brief.buyer_name or "")
    holds, same = b.candidates.record_holds, np.zeros(len(b.vendors))
    if buyer:
        same += holds("client_ids", (buyer,))
    if name:
        same += holds("client_names", (name,))
    if buyer and name:
        same -= holds("client_pairs", (client_pair(buyer, name),))
    return same / (same + BUYER_PRIOR)


def _won_with_you(detail: Detail, brief: BriefData) -> str | None:
    count = detail.get("same_buyer")
    return f"has won {_contracts(count)} with you before" if count else None


def _family(p: Pair) -> tuple[float, Detail]:
    family = organisation_family(p.brief.buyer_id)
    kin = p.record.families[family] if family else 0
    value = UNKNOWN if family is None else kin / (kin + BUYER_PRIOR)
    return value, {"family": (family, kin)}


def _family_column(b: Batch) -> np.ndarray:
    family = organisation_family(b.brief.buyer_id)
    if family is None:
        return np.full(len(b.vendors), UNKNOWN)
    kin = b.candidates.record_holds("families", (family,))
    return kin / (kin + BUYER_PRIOR)


def _won_with_family(detail: Detail, brief: BriefData) -> str | None:
    family, count = detail.get("family") or (None, 0)
    return f"has won {_contracts(count)} with {family}" if count else None


def _past_relationship_column(b: Batch) -> np.ndarray:
    related = np.zeros(len(b.vendors))
    for i in np.flatnonzero(b.candidates.firm("has_past_buyers")):
        related[i] = b.vendors[i].worked_with(b.brief)
    return related


def _win_count(p: Pair) -> tuple[float, Detail]:
    count = len(p.record.items)
    return count / (count + COUNT_PRIOR), {"wins": count}


def _win_recency(p: Pair) -> tuple[float, Detail]:
    latest, day = p.record.latest, p.brief.published_at or p.today
    value = 0.0 if latest is None else math.exp(-max((day - latest).days, 0) / RECENCY_DAYS)
    return value, {"wins": len(p.record.items)}


def _win_recency_column(b: Batch) -> np.ndarray:
    day = (b.brief.published_at or b.today).toordinal()
    latest = b.candidates.record("latest")
    return np.where(np.isnan(latest), 0.0, np.exp(-np.maximum(day - latest, 0) / RECENCY_DAYS))


def _earlier_wins(detail: Detail, brief: BriefData) -> str | None:
    count = detail.get("wins")
    if not count:
        return None
    return "1 earlier win or project" if count == 1 else f"{count} earlier wins and projects"


# The firm itself ------------------------------------------------------------------------
def _reputation(p: Pair) -> tuple[float, Detail]:
    average, count = p.vendor.rating_average, p.vendor.rating_count
    if average is None or not count:
        return UNKNOWN, {}
    shrunk = (average * count + RATING_PRIOR_MEAN * RATING_PRIOR_COUNT) / (
        count + RATING_PRIOR_COUNT
    )
    return max(0.0, (shrunk - 3.0) / 2.0), {"rating": (average, count)}


def _reputation_column(b: Batch) -> np.ndarray:
    average, reviews = b.candidates.firm("rating_average"), b.candidates.firm("rating_count")
    shrunk = (average * reviews + RATING_PRIOR_MEAN * RATING_PRIOR_COUNT) / (
        reviews + RATING_PRIOR_COUNT
    )
    return np.where(np.isnan(average), UNKNOWN, np.maximum(0.0, (shrunk - 3.0) / 2.0))


def _rated(detail: Detail, brief: BriefData) -> str | None:
    if not detail.get("rating"):
        return None
    average, count = detail["rating"]
    return f"rated {average:.1f} from {count} review{'s' if count != 1 else ''}"


def _freshness(p: Pair) -> tuple[float, Detail]:
    age = (p.today - p.vendor.updated_on).days if p.vendor.updated_on else 365
    return math.exp(-max(age, 0) / 365), {}


def _freshness_column(b: Batch) -> np.ndarray:
    updated = b.candidates.firm("updated_on")
    age = np.where(np.isnan(updated), 365, b.today.toordinal() - updated)
    return np.exp(-np.maximum(age, 0) / 365)


def _reciprocal(p: Pair) -> tuple[float, Detail]:
    brief, vendor = p.brief, p.vendor
    checks: list[tuple[bool, str]] = []
    budget = _budget(brief)
    if vendor.preferred_min_budget_usd is not None and budget is not None:
        checks.append((budget >= vendor.preferred_min_budget_usd, "budget"))
    if vendor.preferred_industries and brief.industry:
        checks.append((brief.industry in vendor.preferred_industries, "industry"))
    if vendor.preferred_countries and brief.buyer_country:
        checks.append((brief.buyer_country in vendor.preferred_countries, "country"))
    if vendor.preferred_engagement_models and brief.engagement_model:
        checks.append((brief.engagement_model in vendor.preferred_engagement_models, "engagement"))
    if not checks:
        return UNKNOWN, {"wants": []}
    value = sum(ok for ok, _ in checks) / len(checks)
    return value, {"wants": [name for ok, name in checks if ok]}


def _reciprocal_column(b: Batch) -> np.ndarray:
    """The share of the firm's stated preferences (among those the brief can be judged
    on) that the brief meets."""
    candidates, brief = b.candidates, b.brief
    checks, met = np.zeros(len(b.vendors)), np.zeros(len(b.vendors))
    budget = _budget(brief)
    if budget is not None:
        floor = candidates.firm("preferred_min_budget_usd")
        checks += ~np.isnan(floor)
        met += budget >= floor  # False where NaN
    for kind, value in (
        ("preferred_industries", brief.industry),
        ("preferred_countries", brief.buyer_country),
        ("preferred_engagement_models", brief.engagement_model),
    ):
        if value:
            checks += candidates.firm(f"{kind}_any")
            met += candidates.firm_holds(kind, (value,)) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(checks > 0, met / checks, UNKNOWN)


def _said(key: str, text: str) -> Say:
    """A reason that says ``text`` when the detail ``key`` is non-empty."""
    return lambda detail, brief: text.format(_join(detail[key])) if detail.get(key) else None


DEFINITIONS: tuple[Feature, ...] = (
    *TEXT_FEATURES,
    Feature(
        "service_overlap",
        0.06,
        "share of the brief's services the firm lists (after taxonomy normalisation)",
        pair=_services,
        column=lambda b: b.coverage("services", b.brief.services),
        to_buyer=_said("services", "offers {}"),
        to_firm=_said("services", "needs {}, which you offer"),
        gaps=_services_missing,
    ),
    Feature(
        "technology_overlap",
        0.24,
        "share of the brief's technologies the firm lists",
        pair=_technologies,
        column=lambda b: b.coverage("technologies", b.brief.technologies),
        to_buyer=_said("technologies", "works with {}"),
        to_firm=_said("technologies", "uses {}, which you work with"),
    ),
    Feature(
        "industry_match",
        0.04,
        "the brief's industry is among the firm's industries or its history's",
        pair=_industry,
        column=_industry_column,
        to_buyer=lambda d, brief: f"serves {brief.industry}" if brief.industry else None,
        to_firm=_in_industry,
    ),
    Feature(
        "budget_fit",
        0.20,
        "0 if the firm's minimum project exceeds the budget; else its estimate (mid "
        "hourly rate x team x weeks x 40 h) against the budget: 1 within it, "
        "1/(1+log2(ratio)) above",
        pair=_budget_fit,
        column=_budget_column,
        to_buyer=_fits_budget,
        to_firm=_budget_covers,
        gaps=_over_budget,
    ),
    Feature(
        "value_fit",
        0.02,
        "median value of earlier contracts vs the budget: 1 - |log10(typical / budget)|, "
        "floored at 0",
        pair=_value_fit,
        column=_value_column,
        to_buyer=lambda d, b: (
            f"has won contracts of about ${d['value']['typical']:,}" if d.get("value") else None
        ),
        to_firm=lambda d, b: (
            f"a budget like the contracts you win (about ${d['value']['typical']:,})"
            if d.get("value")
            else None
        ),
    ),
    Feature(
        "hours_overlap",
        0.12,
        "hours in common between the firm's UTC working hours and 09-17 in the buyer's "
        "time zone, over the hours the brief asks for (default 3)",
        pair=_hours,
        column=_hours_column,
        to_buyer=lambda d, brief: (
            f"{d['hours']} h overlap with "
            + ((brief.buyer_timezone or "").split("/")[-1].replace("_", " ") or "your working day")
            if d.get("hours")
            else None
        ),
        to_firm=lambda d, b: (
            f"{d['hours']} h overlap with the buyer's working day" if d.get("hours") else None
        ),
        gaps=_short_of_hours,
    ),
    Feature(
        "language_match",
        0.08,
        "share of the brief's languages the firm works in",
        pair=_languages,
        column=lambda b: b.coverage("languages", b.brief.languages),
        to_buyer=lambda d, b: (
            f"works in {_join([language_name(c) for c in d['languages']])}"
            if d.get("languages")
            else None
        ),
        to_firm=lambda d, b: (
            f"in {_join([language_name(c) for c in d['languages']])}"
            if d.get("languages")
            else None
        ),
        gaps=_no_speakers,
        requirement=True,
    ),
    Feature(
        "certification_coverage",
        0.16,
        "share of the brief's required certifications the firm has; one it only claims "
        "(not verified by an officer) counts half (CLAIM_CREDIT)",
        pair=_certifications,
        column=_certifications_column,
        to_buyer=_said("certifications", "certified {}"),
        to_firm=_said("certifications", "asks for {}, which you hold"),
        gaps=_uncertified,
        requirement=True,
    ),
    Feature(
        "country_experience",
        0.0,
        "1 if the firm exports to / delivered for the buyer's country, 0.5 the same region, else 0",
        pair=_country,
        column=_country_column,
        to_buyer=_delivered_there,
        to_firm=_delivered_there_to_firm,
    ),
    Feature(
        "industry_experience",
        0.01,
        "1 - e^(-earlier projects in the brief's industry)",
        pair=_industry_projects,
        column=_industry_projects_column,
        to_buyer=_portfolio_projects,
        to_firm=_in_industry,
    ),
    Feature(
        "same_buyer",
        0.06,
        "earlier wins for this buyer (same buyer id, or the same client name in the "
        f"portfolio), shrunk: n / (n + {BUYER_PRIOR:g})",
        pair=_same_buyer,
        column=_same_buyer_column,
        to_buyer=_won_with_you,
        to_firm=lambda d, b: (
            "a buyer you have won work with before" if d.get("same_buyer") else None
        ),
    ),
    Feature(
        "same_buyer_family",
        0.02,
        "earlier wins for the buyer's organisation family (the registrable part of its "
        "e-mail/web domain), n / (n + 1); 0.5 when the buyer's id is not a domain",
        pair=_family,
        column=_family_column,
        to_buyer=_won_with_family,
        to_firm=lambda d, b: (
            "an organisation you have won work with before"
            if (d.get("family") or (None, 0))[1]
            else None
        ),
    ),
    Feature(
        "past_relationship",
        0.01,
        "introduced to this buyer (or further) on an earlier brief",
        pair=lambda p: (float(p.vendor.worked_with(p.brief)), {}),
        column=_past_relationship_column,
        to_buyer=lambda d, b: "has worked with you before",
        to_firm=lambda d, b: "a buyer you were introduced to before",
    ),
    Feature(
        "win_count",
        0.0,  # popular firms are not better fits: it hurt on both training sets
        f"earlier wins and projects, shrunk: n / (n + {COUNT_PRIOR:g})",
        pair=_win_count,
        column=lambda b: (lambda n: n / (n + COUNT_PRIOR))(b.candidates.record("items")),
        to_buyer=_earlier_wins,
    ),
    Feature(
        "win_recency",
        0.0,
        f"e^(-days since the latest earlier win / {RECENCY_DAYS:g}); 0 without one",
        pair=_win_recency,
        column=_win_recency_column,
        to_buyer=_earlier_wins,
    ),
    Feature(
        "reputation",
        0.01,
        f"rating shrunk towards {RATING_PRIOR_MEAN} with a prior weight of "
        f"{RATING_PRIOR_COUNT:g} reviews, 3-5 -> 0-1",
        pair=_reputation,
        column=_reputation_column,
        to_buyer=_rated,
    ),
    Feature(
        "completeness",
        0.0,
        "profile fields filled",
        pair=lambda p: (p.vendor.completeness, {}),
        column=lambda b: b.candidates.firm("completeness"),
    ),
    Feature(
        "freshness",
        0.0,
        "e^(-days since the profile changed / 365)",
        pair=_freshness,
        column=_freshness_column,
    ),
    Feature(
        "reciprocal_fit",
        0.01,
        "share of the firm's own preferences the buyer meets",
        pair=_reciprocal,
        column=_reciprocal_column,
        to_buyer=_said("wants", "is looking for projects like this"),
        to_firm=_said("wants", "the kind of project you said you are looking for"),
    ),
)
FEATURES = tuple(feature.name for feature in DEFINITIONS)
BY_NAME = {feature.name: feature for feature in DEFINITIONS}
# Cold-start weights (docs/ranking.md): the retrieval score carries the most weight, so
# that with no outcomes the ranker is not worse than its own retrieval stage; the other
# features re-order firms BM25 finds about equally close.
PRIOR_WEIGHTS = {feature.name: feature.prior for feature in DEFINITIONS}


def pair_values(
    brief: BriefData, vendor: VendorData, record: TrackRecord, today: date
) -> tuple[dict[str, float], Detail]:
    """Every feature with a plain definition, for one pair, and what each was computed
    from (one dict, for the explanations)."""
    pair = Pair(brief, vendor, record, today)
    values: dict[str, float] = {}
    details: Detail = {}
    for feature in DEFINITIONS:
        if feature.pair is not None:
            values[feature.name], detail = feature.pair(pair)
            details.update(detail)
    return values, details
