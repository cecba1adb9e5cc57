"""Features of a (brief, vendor) pair, each in [0, 1] where 1 is the better fit.

``FEATURES`` is the ordered list of names; ``PairFeatures.matrix`` has one row per
candidate and one column per feature, ``PairFeatures.details`` keeps what each value
was computed from (matched labels, overlap hours, …) for the explanations.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, overload
from zoneinfo import ZoneInfo

import numpy as np

from matchmaking.ranking import catalogue
from matchmaking.ranking.catalogue import Candidates, client_pair
from matchmaking.ranking.data import BriefData, VendorData, region_of
from matchmaking.ranking.history import (
    HistoryItem,
    Record,
    client_key,
    organisation_family,
    visible,
)
from matchmaking.ranking.terms import CHARACTERS, WORDS, TermRows, term_counts

FEATURES = (
    "retrieval",  # stage-1 BM25 score, relative to the best candidate
    "text_word",  # TF-IDF (words): brief vs profile
    "text_char",  # TF-IDF (character 3-grams): brief labels vs profile labels
    "history_best",  # TF-IDF (words): brief vs the closest earlier win or project
    "history_topk",  # ... mean of the closest HISTORY_TOP_K
    "service_overlap",
    "technology_overlap",
    "industry_match",
    "budget_fit",  # the firm's estimate (rates x team x timeline) against the budget
    "value_fit",  # the firm's typical earlier contract value against the budget
    "hours_overlap",
    "language_match",
    "certification_coverage",
    "country_experience",
    "industry_experience",
    "same_buyer",  # earlier wins for this buyer (shrunk count)
    "same_buyer_family",  # ... for its organisation family (e-mail/web domain)
    "past_relationship",  # introduced to this buyer before
    "win_count",  # earlier wins and projects (shrunk count)
    "win_recency",  # how recent the latest of them is
    "reputation",
    "completeness",
    "freshness",
    "reciprocal_fit",
)
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


@dataclass
class PairFeatures:
    matrix: np.ndarray
    details: Sequence[dict[str, Any]]
    # Holds every certification and speaks every language the brief requires.
    meets: np.ndarray


def _overlap(wanted: tuple[str, ...], offered: tuple[str, ...]) -> tuple[float, list[str]]:
    if not wanted:
        return UNKNOWN, []
    matched = [label for label in wanted if label in offered]
    return len(matched) / len(wanted), matched


def _tfidf(brief_text: str, texts: list[str], *also: list[str], **options: Any) -> list[np.ndarray]:
    """Cosine similarity of ``brief_text`` to each of ``texts`` (and of each ``also``
    list), with TF-IDF weights learned from the brief and ``texts`` (the candidates)."""
    if not brief_text.strip() or not any(t.strip() for t in texts):
        return [np.zeros(len(column)) for column in (texts, *also)]
    counts_of = term_counts(**options)
    fitted = counts_of.rows_of([brief_text, *texts])
    others = [counts_of.rows_of(other) for other in also]
    return _cosines(fitted, others, counts_of.width)


def _cosines(fitted: TermRows, others: list[TermRows], width: int) -> list[np.ndarray]:
    """``_tfidf`` over analysed texts: the brief's row first in ``fitted``, then the
    candidates' (the texts the weights are learned from), and ``others`` compared with
    the same weights; ``width`` bounds the column numbers.

    Terms are hashed and memoised per text (``terms.TermCounts``): a firm is a candidate
    for many briefs, and analysing its text and building a vocabulary were most of the
    cost of a match."""
    # Smooth IDF as scikit-learn's TfidfTransformer computes it, from each column's
    # document frequency among the fitted texts (a row holds a column at most once); a
    # column no fitted text has gets the IDF of frequency 0. Columns are numbered in
    # the order the memo first met them (``TermCounts``), so dense arrays over them are
    # small: no vocabulary to sort, no lookups.
    frequency = np.bincount(fitted.columns, minlength=width)
    idf = np.log((1 + fitted.count) / (1 + frequency)) + 1
    weights = fitted.unit_weights(idf)
    brief = np.zeros(width)
    brief_end = fitted.ends[0]
    brief[fitted.columns[:brief_end]] = weights[:brief_end]
    similarities = [fitted.row_sums(weights * brief[fitted.columns])[1:]]
    for rows in others:
        similarities.append(rows.row_sums(rows.unit_weights(idf) * brief[rows.columns]))
    return similarities


def analyse(vendors: list[VendorData]) -> None:
    """Do now, for these firms, what their first match would: analyse their texts,
    summarise their track records and give both rows in the catalogue (``core.runtime``
    does it before a server forks its workers, which then share the result)."""
    # Adding rows analyses their texts (profile, labels, the items of the track record
    # a brief of today sees) in one batch.
    catalogue.catalogue().meet(vendors)


def clear_caches() -> None:
    """Forget every memoised analysis (benchmarks measure a freshly started process)."""
    term_counts.cache_clear()
    catalogue.clear()


def buyer_hours_utc(brief: BriefData) -> tuple[int, int] | None:
    if not brief.buyer_timezone:
        return None
    return _business_hours_utc(brief.buyer_timezone, brief.published_at or date.today())


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


def _budget_fit(brief: BriefData, vendor: VendorData) -> tuple[float, dict[str, Any]]:
    budget = brief.budget_max_usd or brief.budget_min_usd
    if budget is None:
        return UNKNOWN, {}
    if vendor.min_project_usd is not None and vendor.min_project_usd > budget:
        return 0.0, {"min_project_usd": vendor.min_project_usd, "budget": budget}
    if vendor.rate_min is None or not brief.timeline_weeks:
        return 0.75 if vendor.min_project_usd is not None else UNKNOWN, {"budget": budget}
    rate = (vendor.rate_min + (vendor.rate_max or vendor.rate_min)) / 2
    estimate = rate * (brief.team_size or 2) * brief.timeline_weeks * HOURS_PER_WEEK
    ratio = estimate / budget
    # Within budget scores 1; every doubling above it halves the fit.
    fit = 1.0 if ratio <= 1 else 1 / (1 + math.log2(ratio))
    return fit, {"estimate": round(estimate), "budget": budget}


def _value_fit(brief: BriefData, record: Record) -> tuple[float, dict[str, Any]]:
    """The median value of earlier contracts against the budget: 1 when equal, 0 when
    ten times apart either way (firms that win £10k jobs rarely win £1m ones)."""
    budget = brief.budget_max_usd or brief.budget_min_usd
    typical = record.typical_value
    if not budget or typical is None:
        return UNKNOWN, {}
    fit = max(0.0, 1.0 - abs(math.log10(typical / budget)))
    return fit, {"typical": round(typical), "budget": budget}


def _reciprocal(brief: BriefData, vendor: VendorData) -> tuple[float, list[str]]:
    checks: list[tuple[bool, str]] = []
    budget = brief.budget_max_usd or brief.budget_min_usd
    if vendor.preferred_min_budget_usd is not None and budget is not None:
        checks.append((budget >= vendor.preferred_min_budget_usd, "budget"))
    if vendor.preferred_industries and brief.industry:
        checks.append((brief.industry in vendor.preferred_industries, "industry"))
    if vendor.preferred_countries and brief.buyer_country:
        checks.append((brief.buyer_country in vendor.preferred_countries, "country"))
    if vendor.preferred_engagement_models and brief.engagement_model:
        checks.append((brief.engagement_model in vendor.preferred_engagement_models, "engagement"))
    if not checks:
        return UNKNOWN, []
    return sum(ok for ok, _ in checks) / len(checks), [name for ok, name in checks if ok]


def _track_record(
    brief: BriefData, record: Record, day: date
) -> tuple[dict[str, float], dict[str, Any]]:
    """Same buyer, same organisation family, count and recency of earlier wins."""
    same = record.with_buyer(brief.buyer_id, client_key(brief.buyer_name or ""))
    family = organisation_family(brief.buyer_id)
    kin = record.families[family] if family else 0
    count = len(record.items)
    values = {
        "same_buyer": same / (same + BUYER_PRIOR),
        "same_buyer_family": UNKNOWN if family is None else kin / (kin + BUYER_PRIOR),
        "win_count": count / (count + COUNT_PRIOR),
        "win_recency": 0.0
        if record.latest is None
        else math.exp(-max((day - record.latest).days, 0) / RECENCY_DAYS),
    }
    details = {"same_buyer": same, "family": (family, kin), "wins": count}
    return values, details


def _pair(
    brief: BriefData, vendor: VendorData, record: Record, today: date
) -> tuple[dict[str, float], dict[str, Any]]:
    values: dict[str, float] = {}
    details: dict[str, Any] = {}
    values["service_overlap"], details["services"] = _overlap(brief.services, vendor.services)
    values["technology_overlap"], details["technologies"] = _overlap(
        brief.technologies, vendor.technologies
    )
    values["industry_match"] = (
        UNKNOWN
        if not brief.industry
        else float(brief.industry in vendor.industries or brief.industry in record.industries)
    )
    values["budget_fit"], details["budget"] = _budget_fit(brief, vendor)
    values["value_fit"], details["value"] = _value_fit(brief, record)
    buyer_hours = buyer_hours_utc(brief)
    if buyer_hours and vendor.hours_utc:
        common = hours_in_common(buyer_hours, vendor.hours_utc)
        needed = brief.min_overlap_hours or 3
        values["hours_overlap"], details["hours"] = min(1.0, common / max(needed, 1)), common
    else:
        values["hours_overlap"] = UNKNOWN
    values["language_match"], details["languages"] = _overlap(brief.languages, vendor.languages)
    details["missing_languages"] = [x for x in brief.languages if x not in vendor.languages]
    coverage, details["certifications"] = _overlap(
        brief.required_certifications, vendor.certifications
    )
    claimed, details["claimed_certifications"] = _overlap(
        brief.required_certifications, vendor.claimed_certifications
    )
    details["missing_certifications"] = [
        x
        for x in brief.required_certifications
        if x not in vendor.certifications and x not in vendor.claimed_certifications
    ]
    values["certification_coverage"] = (
        1.0 if not brief.required_certifications else coverage + CLAIM_CREDIT * claimed
    )
    countries = record.countries.union(vendor.export_markets)
    if not brief.buyer_country:
        values["country_experience"] = UNKNOWN
    elif brief.buyer_country in countries:
        values["country_experience"], details["country"] = 1.0, brief.buyer_country
    elif region_of(brief.buyer_country) and region_of(brief.buyer_country) in {
        region_of(c) for c in countries
    }:
        values["country_experience"], details["region"] = 0.5, region_of(brief.buyer_country)
    else:
        values["country_experience"] = 0.0
    projects = record.projects.get(brief.industry, 0) if brief.industry else 0
    values["industry_experience"], details["projects"] = 1 - math.exp(-projects), projects
    track, details["record"] = _track_record(brief, record, brief.published_at or today)
    values.update(track)
    values["past_relationship"] = float(vendor.worked_with(brief))
    if vendor.rating_average is not None and vendor.rating_count:
        shrunk = (
            vendor.rating_average * vendor.rating_count + RATING_PRIOR_MEAN * RATING_PRIOR_COUNT
        ) / (vendor.rating_count + RATING_PRIOR_COUNT)
        values["reputation"] = max(0.0, (shrunk - 3.0) / 2.0)
        details["rating"] = (vendor.rating_average, vendor.rating_count)
    else:
        values["reputation"] = UNKNOWN
    values["completeness"] = vendor.completeness
    age = (today - vendor.updated_on).days if vendor.updated_on else 365
    values["freshness"] = math.exp(-max(age, 0) / 365)
    values["reciprocal_fit"], details["wants"] = _reciprocal(brief, vendor)
    return values, details


def _per_item(
    similarities: np.ndarray, owners: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best and mean-of-top-k similarity per vendor, from one value per history item
    (``owners`` gives each item's vendor index; vendors without items get 0), and the
    index of each vendor's closest item (-1 when none is similar at all)."""
    best, closest = np.zeros(count), np.full(count, -1)
    order = np.lexsort((-similarities, owners))  # by vendor, most similar first
    ranked_owners, ranked = owners[order], similarities[order]
    starts = np.searchsorted(ranked_owners, np.arange(count))
    within = np.arange(len(order)) - starts[ranked_owners]  # place among its vendor's
    first = within == 0
    best[ranked_owners[first]] = ranked[first]
    closest[ranked_owners[first & (ranked > 0)]] = order[first & (ranked > 0)]
    # The top k summed in the same order as before (most similar first), then scaled.
    kept = within < HISTORY_TOP_K
    top = np.bincount(ranked_owners[kept], weights=ranked[kept], minlength=count)
    return best, top / HISTORY_TOP_K, closest


def _columns(
    brief: BriefData,
    candidates: Candidates,
    vendors: list[VendorData],
    today: date,
) -> dict[str, np.ndarray]:
    """What ``_pair`` computes for one candidate, for all of them at once: array
    operations over the candidates' rows in the catalogue (``catalogue.Candidates``),
    Python only for the few firms with past relationships.
    ``tests/matchmaking/test_features_vectorised.py`` holds the two to the same values."""
    n = len(vendors)
    columns: dict[str, np.ndarray] = {}

    def coverage(kind: str, wanted: tuple[str, ...]) -> np.ndarray:
        """``_overlap``'s value for each candidate."""
        if not wanted:
            return np.full(n, UNKNOWN)
        return candidates.firm_holds(kind, wanted) / len(wanted)

    columns["service_overlap"] = coverage("services", brief.services)
    columns["technology_overlap"] = coverage("technologies", brief.technologies)
    columns["language_match"] = coverage("languages", brief.languages)
    wanted = brief.required_certifications
    columns["certification_coverage"] = (
        coverage("certifications", wanted)
        + CLAIM_CREDIT * coverage("claimed_certifications", wanted)
        if wanted
        else np.ones(n)
    )
    industry = brief.industry
    columns["industry_match"] = (
        np.maximum(
            candidates.firm_holds("industries", (industry,)),
            candidates.record_holds("industries", (industry,)),
        )
        if industry
        else np.full(n, UNKNOWN)
    )
    budget = brief.budget_max_usd or brief.budget_min_usd
    with np.errstate(divide="ignore", invalid="ignore"):
        if budget is None:
            columns["budget_fit"] = np.full(n, UNKNOWN)
        else:
            rate_min = candidates.firm("rate_min")
            minimum = candidates.firm("min_project_usd")
            estimate = (
                (rate_min + candidates.firm("rate_max"))
                / 2
                * (brief.team_size or 2)
                * (brief.timeline_weeks or 0)
                * HOURS_PER_WEEK
            )
            ratio = estimate / budget
            fit = np.where(ratio <= 1, 1.0, 1 / (1 + np.log2(ratio)))
            unrated = np.isnan(rate_min) | (not brief.timeline_weeks)
            columns["budget_fit"] = np.where(
                minimum > budget,
                0.0,
                np.where(unrated, np.where(np.isnan(minimum), UNKNOWN, 0.75), fit),
            )
        typical = candidates.record("typical_value")
        columns["value_fit"] = (
            np.where(
                np.isnan(typical),
                UNKNOWN,
                np.maximum(0.0, 1.0 - np.abs(np.log10(typical / budget))),
            )
            if budget
            else np.full(n, UNKNOWN)
        )
    columns["hours_overlap"] = _hours_overlap(brief, candidates.firm("hours_utc"))
    country = brief.buyer_country
    if not country:
        columns["country_experience"] = np.full(n, UNKNOWN)
    else:
        region = region_of(country)
        near = (
            (candidates.firm_holds("export_regions", (region,)) > 0)
            | (candidates.record_holds("regions", (region,)) > 0)
            if region
            else np.zeros(n, dtype=bool)
        )
        columns["country_experience"] = np.where(
            (candidates.firm_holds("export_markets", (country,)) > 0)
            | (candidates.record_holds("countries", (country,)) > 0),
            1.0,
            np.where(near, 0.5, 0.0),
        )
    projects = candidates.record_holds("projects", (industry,)) if industry else np.zeros(n)
    columns["industry_experience"] = 1 - np.exp(-projects)
    columns["same_buyer"] = _same_buyer(brief, candidates)
    family = organisation_family(brief.buyer_id)
    if family is None:
        columns["same_buyer_family"] = np.full(n, UNKNOWN)
    else:
        kin = candidates.record_holds("families", (family,))
        columns["same_buyer_family"] = kin / (kin + BUYER_PRIOR)
    count = candidates.record("items")
    columns["win_count"] = count / (count + COUNT_PRIOR)
    day = (brief.published_at or today).toordinal()
    latest = candidates.record("latest")
    columns["win_recency"] = np.where(
        np.isnan(latest), 0.0, np.exp(-np.maximum(day - latest, 0) / RECENCY_DAYS)
    )
    related = np.zeros(n)
    for i in np.flatnonzero(candidates.firm("has_past_buyers")):
        related[i] = vendors[i].worked_with(brief)
    columns["past_relationship"] = related
    average = candidates.firm("rating_average")
    reviews = candidates.firm("rating_count")
    shrunk = (average * reviews + RATING_PRIOR_MEAN * RATING_PRIOR_COUNT) / (
        reviews + RATING_PRIOR_COUNT
    )
    columns["reputation"] = np.where(
        np.isnan(average), UNKNOWN, np.maximum(0.0, (shrunk - 3.0) / 2.0)
    )
    columns["completeness"] = candidates.firm("completeness")
    updated = candidates.firm("updated_on")
    age = np.where(np.isnan(updated), 365, today.toordinal() - updated)
    columns["freshness"] = np.exp(-np.maximum(age, 0) / 365)
    columns["reciprocal_fit"] = _reciprocal_column(brief, candidates)
    return columns


def _same_buyer(brief: BriefData, candidates: Candidates) -> np.ndarray:
    """``same_buyer`` for each candidate: its items for this buyer, by id or by the
    client's name, each counted once (``Record.with_buyer``)."""
    buyer, name = brief.buyer_id, client_key(brief.buyer_name or "")
    same = np.zeros(len(candidates))
    if buyer:
        same += candidates.record_holds("client_ids", (buyer,))
    if name:
        same += candidates.record_holds("client_names", (name,))
    if buyer and name:
        same -= candidates.record_holds("client_pairs", (client_pair(buyer, name),))
    return same / (same + BUYER_PRIOR)


def _hours_overlap(brief: BriefData, spans: np.ndarray) -> np.ndarray:
    """``hours_overlap`` for firms whose business hours in UTC are ``spans`` (start x 24
    + end, NaN when unknown): ``hours_in_common`` once per distinct span."""
    buyer_hours = buyer_hours_utc(brief)
    common = np.full(len(spans), np.nan)
    if buyer_hours:
        known = ~np.isnan(spans)
        distinct, which = np.unique(spans[known], return_inverse=True)
        hours = [hours_in_common(buyer_hours, divmod(int(span), 24)) for span in distinct]
        common[known] = np.asarray(hours, dtype=float)[which]
    needed = max(brief.min_overlap_hours or 3, 1)
    return np.where(np.isnan(common), UNKNOWN, np.minimum(1.0, common / needed))


def _reciprocal_column(brief: BriefData, candidates: Candidates) -> np.ndarray:
    """``_reciprocal``'s value for each candidate: the share of the firm's stated
    preferences (among those the brief can be judged on) that the brief meets."""
    checks, met = np.zeros(len(candidates)), np.zeros(len(candidates))
    budget = brief.budget_max_usd or brief.budget_min_usd
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


def _candidate_tfidf(
    brief_text: str,
    candidates: Candidates,
    kind: str,
    others: list[TermRows],
    **options: Any,
) -> list[np.ndarray]:
    """``_tfidf`` against the candidates' texts of this kind (``profile`` or ``labels``),
    read from the catalogue, and ``others`` (analysed the same way)."""
    blank = candidates.firm(f"{kind}_blank")
    if not brief_text.strip() or blank.all():
        return [np.zeros(len(candidates)), *(np.zeros(rows.count) for rows in others)]
    counts_of = term_counts(**options)
    fitted = counts_of.rows_of([brief_text]).then(candidates.firm_texts(kind))
    return _cosines(fitted, others, counts_of.width)


class Details(Sequence[dict[str, Any]]):
    """What each row's values were computed from (``_pair``'s details), built when
    asked: a page explains twenty rows of the hundreds it ranks. ``pair_at(i)`` gives
    row ``i``'s brief, firm and track record (one brief against many firms, or one firm
    against many briefs), ``closest(i)`` its item most like the brief, if any."""

    def __init__(
        self,
        count: int,
        pair_at: Callable[[int], tuple[BriefData, VendorData, Record]],
        closest: Callable[[int], HistoryItem | None],
        today: date,
    ) -> None:
        self._count, self._pair_at, self._closest, self._today = count, pair_at, closest, today
        self._built: dict[int, dict[str, Any]] = {}

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        index = range(len(self))[index]  # negative indices, and IndexError past the end
        if index not in self._built:
            _, detail = _pair(*self._pair_at(index), self._today)
            item = self._closest(index)
            if item is not None:
                detail["closest"] = item.title or item.text[:80]
            self._built[index] = detail
        return self._built[index]


def extract(
    brief: BriefData,
    vendors: list[VendorData],
    retrieval_scores: list[float] | None = None,
    *,
    today: date | None = None,
) -> PairFeatures:
    """The feature matrix of ``brief`` against each of ``vendors`` (same order)."""
    today = today or date.today()
    brief_labels = " ".join((*brief.services, *brief.technologies, brief.industry or ""))
    brief_text = f"{brief.text} {brief_labels}"
    candidates = catalogue.catalogue().rows_for(brief, vendors)
    item_terms, item_counts = candidates.record_texts("items")
    owners = np.repeat(np.arange(len(vendors)), item_counts)
    # One vocabulary for profile and history words (fitted on the candidates once).
    word, per_item = _candidate_tfidf(brief_text, candidates, "profile", [item_terms], **WORDS)
    (char,) = _candidate_tfidf(brief_labels or brief.text, candidates, "labels", [], **CHARACTERS)
    best, top, nearest = _per_item(per_item, owners, len(vendors))
    firsts = np.cumsum(item_counts) - item_counts

    def closest(i: int) -> HistoryItem | None:
        record = vendors[i].record_for(brief)  # the record of row i (``rows_for``)
        return record.items[nearest[i] - firsts[i]] if nearest[i] >= 0 else None

    columns = _columns(brief, candidates, vendors, today)
    columns.update(
        {"text_word": word, "text_char": char, "history_best": best, "history_topk": top}
    )
    scores = np.asarray(
        retrieval_scores if retrieval_scores is not None else [0.0] * len(vendors), dtype=float
    )
    columns["retrieval"] = (
        scores / scores.max() if len(scores) and scores.max() > 0 else np.zeros(len(vendors))
    )
    matrix = np.column_stack([columns[name] for name in FEATURES]).reshape(
        len(vendors), len(FEATURES)
    )
    meets = (matrix[:, FEATURES.index("language_match")] == 1.0) | (not brief.languages)
    meets &= matrix[:, FEATURES.index("certification_coverage")] == 1.0
    details = Details(
        len(vendors), lambda i: (brief, vendors[i], vendors[i].record_for(brief)), closest, today
    )
    return PairFeatures(matrix=matrix, details=details, meets=meets)


def extract_for_firm(
    vendor: VendorData,
    briefs: list[BriefData],
    retrieval_scores: list[float] | None = None,
    *,
    today: date | None = None,
) -> PairFeatures:
    """The same features in the reverse direction: one firm against each of ``briefs``
    (a row per brief), for the opportunities a firm is shown. Each row is what
    ``extract`` computes for that (brief, firm) pair, except that TF-IDF weights are
    learned from the firm and these briefs (the candidates, as ``extract`` learns them
    from a brief and its candidate firms)."""
    today = today or date.today()
    n = len(briefs)
    labels = [" ".join((*b.services, *b.technologies, b.industry or "")) for b in briefs]
    texts = [f"{b.text} {label}" for b, label in zip(briefs, labels, strict=True)]
    (word,) = _tfidf(vendor.profile_text, texts, **WORDS)
    (char,) = _tfidf(
        vendor.label_text,
        [label or b.text for b, label in zip(briefs, labels, strict=True)],
        **CHARACTERS,
    )
    # Each brief against each earlier item of the firm's, hiding what the brief may not
    # see (``history.visible``: decided on or after its publication, its own outcome).
    items = vendor.history
    similarity = np.zeros((len(items), n))
    for row, item in enumerate(items):
        (similarity[row],) = _tfidf(item.text, texts, **WORDS)
        for column, brief in enumerate(briefs):
            if not visible(item, brief.published_at, brief.id):
                similarity[row, column] = 0.0
    ranked = -np.sort(-similarity, axis=0) if len(items) else np.zeros((0, n))
    best = ranked[0] if len(items) else np.zeros(n)
    top = ranked[:HISTORY_TOP_K].sum(axis=0) / HISTORY_TOP_K if len(items) else np.zeros(n)
    nearest = similarity.argmax(axis=0) if len(items) else np.full(n, -1)
    records = [vendor.record_for(brief) for brief in briefs]
    rows = [
        _pair(brief, vendor, record, today)[0]
        for brief, record in zip(briefs, records, strict=True)
    ]
    columns = (
        {name: np.array([row[name] for row in rows], dtype=float) for name in rows[0]}
        if rows
        else {}
    )
    columns.update(
        {"text_word": word, "text_char": char, "history_best": best, "history_topk": top}
    )
    scores = np.asarray(
        retrieval_scores if retrieval_scores is not None else [0.0] * n, dtype=float
    )
    columns["retrieval"] = scores / scores.max() if n and scores.max() > 0 else np.zeros(n)
    matrix = (
        np.column_stack([columns[name] for name in FEATURES]).reshape(n, len(FEATURES))
        if n
        else np.zeros((0, len(FEATURES)))
    )
    meets = np.array(
        [
            (not b.languages or matrix[i, FEATURES.index("language_match")] == 1.0)
            and matrix[i, FEATURES.index("certification_coverage")] == 1.0
            for i, b in enumerate(briefs)
        ],
        dtype=bool,
    )
    closest = [items[int(nearest[i])] if len(items) and best[i] > 0 else None for i in range(n)]
    details = Details(n, lambda i: (briefs[i], vendor, records[i]), closest.__getitem__, today)
    return PairFeatures(matrix=matrix, details=details, meets=meets)
