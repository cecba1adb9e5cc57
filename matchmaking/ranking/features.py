"""Features of a (brief, vendor) pair, each in [0, 1] where 1 is the better fit.

``FEATURES`` is the ordered list of names; ``PairFeatures.matrix`` has one row per
candidate and one column per feature, ``PairFeatures.details`` keeps what each value
was computed from (matched labels, overlap hours, …) for the explanations.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, overload
from zoneinfo import ZoneInfo

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer

from matchmaking.ranking.data import BriefData, VendorData, region_of
from matchmaking.ranking.history import (
    HistoryItem,
    Record,
    client_key,
    organisation_family,
    visible,
)
from matchmaking.ranking.memo import LRU

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
ANALYSED_TEXTS = 250_000  # texts memoised per analyzer (a firm has 1 + its history's)
N_FEATURES = 2**18  # hashed term columns
WORDS: dict[str, Any] = {"stop_words": "english"}  # profile and history texts
CHARACTERS: dict[str, Any] = {"analyzer": "char_wb", "ngram_range": (3, 3)}  # labels


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
    list), with TF-IDF weights learned from the brief and ``texts`` (the candidates).

    Terms are hashed (``HashingVectorizer``) rather than collected into a vocabulary, and
    each text's terms are memoised (``TermCounts``): a firm is a candidate for many
    briefs, and analysing its text and building a vocabulary were most of the cost of a
    match."""
    if not brief_text.strip() or not any(t.strip() for t in texts):
        return [np.zeros(len(column)) for column in (texts, *also)]
    counts_of = _term_counts(**options)
    fitted = counts_of.rows_of([brief_text, *texts])
    others = [counts_of.rows_of(other) for other in also]
    # Smooth IDF as scikit-learn's TfidfTransformer computes it, from each column's
    # document frequency among the fitted texts (a row holds a column at most once); a
    # column no fitted text has gets the IDF of frequency 0. Columns are numbered in
    # the order the memo first met them (``TermCounts``), so dense arrays over them are
    # small: no vocabulary to sort, no lookups.
    width = counts_of.width
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


@dataclass(frozen=True)
class TermRows:
    """Texts' terms as compressed rows: each row's columns (``TermCounts`` numbering),
    each value's sublinear term frequency (1 + log count), and where each row ends."""

    columns: np.ndarray
    tf: np.ndarray
    ends: np.ndarray

    @property
    def count(self) -> int:
        return len(self.ends)

    @functools.cached_property
    def row_of(self) -> np.ndarray:
        """Each value's row."""
        return np.repeat(np.arange(self.count), np.diff(self.ends, prepend=0))

    def unit_weights(self, idf: np.ndarray) -> np.ndarray:
        """Each value's tf x idf, each row scaled to unit length."""
        data = self.tf * idf[self.columns]
        norms = np.sqrt(np.bincount(self.row_of, weights=data**2, minlength=self.count))
        return data / norms[self.row_of]

    def row_sums(self, values: np.ndarray) -> np.ndarray:
        """The sum of each row's values (a dot product when they are products)."""
        return np.bincount(self.row_of, weights=values, minlength=self.count)


class TermCounts:
    """The terms of texts for one scikit-learn analyzer, memoised per text.

    Texts not seen before are analysed in one ``HashingVectorizer.transform`` call (per
    text calls cost more in scikit-learn's checks than in the analysis itself); each
    text's row is kept as its columns and sublinear term frequencies, and rows for a
    list of texts are assembled from those directly. Hashed columns (2^18 of them) are
    renumbered in the order first met, so that arrays over the columns of a match are
    as small as the terms the catalogue uses, not 2^18 long (a relabelling: every value
    and every sum is computed in the same order as over the hashed columns)."""

    def __init__(self, size: int, **options: Any) -> None:
        analyzer = TfidfVectorizer(**options).build_analyzer()
        self.hasher = HashingVectorizer(
            analyzer=analyzer, n_features=N_FEATURES, alternate_sign=False, norm=None
        )
        self.rows: LRU[str, tuple[np.ndarray, np.ndarray]] = LRU(size)
        self._column_of = np.full(N_FEATURES, -1, dtype=np.int32)  # hashed -> ours
        self.hashed = np.zeros(0, dtype=np.int32)  # ours -> hashed
        self._lock = threading.Lock()

    @property
    def width(self) -> int:
        """How many columns have been met: every column number is below it."""
        return len(self.hashed)

    def _renumber(self, hashed: np.ndarray) -> np.ndarray:
        with self._lock:
            new = np.unique(hashed[self._column_of[hashed] < 0])
            self._column_of[new] = np.arange(len(self.hashed), len(self.hashed) + len(new))
            self.hashed = np.concatenate([self.hashed, new.astype(np.int32)])
            return self._column_of[hashed]

    def rows_of(self, texts: list[str]) -> TermRows:
        known = self.rows.get_many(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:  # analysed outside the memo's lock; another thread may do the same
            analysed = self.hasher.transform(missing)
            columns = self._renumber(analysed.indices)
            tf = 1 + np.log(analysed.data)
            new = {}
            for i, text in enumerate(missing):
                start, end = analysed.indptr[i], analysed.indptr[i + 1]
                new[text] = (columns[start:end], tf[start:end])
            self.rows.put_many(new)
            known |= new
        rows = [known[text] for text in texts]
        ends = np.cumsum([len(columns) for columns, _ in rows], dtype=np.int64)
        if not rows:
            return TermRows(np.zeros(0, dtype=np.int32), np.zeros(0), ends)
        return TermRows(
            np.concatenate([columns for columns, _ in rows]),
            np.concatenate([tf for _, tf in rows]),
            ends,
        )


@functools.cache
def _term_counts(**options: Any) -> TermCounts:
    return TermCounts(ANALYSED_TEXTS, **options)


def analyse(vendors: list[VendorData]) -> None:
    """Do now, for these firms, what their first match would: analyse their texts and
    summarise their track records (``core.runtime`` does it before a server forks its
    workers, which then share the result)."""
    _term_counts(**WORDS).rows_of(
        [text for v in vendors for text in (v.profile_text, *(item.text for item in v.history))]
    )
    _term_counts(**CHARACTERS).rows_of([v.label_text for v in vendors])
    for vendor in vendors:
        vendor.record  # noqa: B018 — a cached property


def clear_caches() -> None:
    """Forget every memoised analysis (benchmarks measure a freshly started process)."""
    _term_counts.cache_clear()


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


def _coverage(wanted: tuple[str, ...], offered: list[tuple[str, ...]]) -> np.ndarray:
    """``_overlap``'s value for each candidate at once."""
    if not wanted:
        return np.full(len(offered), UNKNOWN)
    held = sum(
        np.fromiter((label in labels for labels in offered), float, len(offered))
        for label in wanted
    )
    return np.asarray(held) / len(wanted)


def _numbers(values: list[Any]) -> np.ndarray:
    """A column of optional numbers (``None`` as NaN)."""
    return np.array([np.nan if value is None else value for value in values], dtype=float)


def _columns(
    brief: BriefData, vendors: list[VendorData], records: list[Record], today: date
) -> dict[str, np.ndarray]:
    """What ``_pair`` computes for one candidate, for all of them at once (numpy and
    comprehensions instead of a function, a dict and a dozen calls per pair: this was
    most of a match). ``tests/matchmaking/test_features_vectorised.py`` holds the two to
    the same values."""
    n = len(vendors)
    columns: dict[str, np.ndarray] = {}
    columns["service_overlap"] = _coverage(brief.services, [v.services for v in vendors])
    columns["technology_overlap"] = _coverage(brief.technologies, [v.technologies for v in vendors])
    columns["language_match"] = _coverage(brief.languages, [v.languages for v in vendors])
    wanted = brief.required_certifications
    columns["certification_coverage"] = (
        _coverage(wanted, [v.certifications for v in vendors])
        + CLAIM_CREDIT * _coverage(wanted, [v.claimed_certifications for v in vendors])
        if wanted
        else np.ones(n)
    )
    industry = brief.industry
    columns["industry_match"] = (
        np.fromiter(
            (
                industry in v.industries or industry in r.industries
                for v, r in zip(vendors, records, strict=True)
            ),
            float,
            n,
        )
        if industry
        else np.full(n, UNKNOWN)
    )
    budget = brief.budget_max_usd or brief.budget_min_usd
    with np.errstate(divide="ignore", invalid="ignore"):
        if budget is None:
            columns["budget_fit"] = np.full(n, UNKNOWN)
        else:
            rate_min = _numbers([v.rate_min for v in vendors])
            rate_max = _numbers([v.rate_max or v.rate_min for v in vendors])
            minimum = _numbers([v.min_project_usd for v in vendors])
            estimate = (
                (rate_min + rate_max)
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
        typical = _numbers([r.typical_value for r in records])
        columns["value_fit"] = (
            np.where(
                np.isnan(typical),
                UNKNOWN,
                np.maximum(0.0, 1.0 - np.abs(np.log10(typical / budget))),
            )
            if budget
            else np.full(n, UNKNOWN)
        )
    buyer_hours = buyer_hours_utc(brief)
    common = _numbers(
        [
            hours_in_common(buyer_hours, v.hours_utc) if buyer_hours and v.hours_utc else None
            for v in vendors
        ]
    )
    needed = max(brief.min_overlap_hours or 3, 1)
    columns["hours_overlap"] = np.where(np.isnan(common), UNKNOWN, np.minimum(1.0, common / needed))
    country = brief.buyer_country
    if not country:
        columns["country_experience"] = np.full(n, UNKNOWN)
    else:
        region = region_of(country)
        columns["country_experience"] = np.fromiter(
            (
                1.0
                if country in v.export_markets or country in r.countries
                else 0.5
                if region and any(region_of(c) == region for c in (*v.export_markets, *r.countries))
                else 0.0
                for v, r in zip(vendors, records, strict=True)
            ),
            float,
            n,
        )
    projects = np.fromiter(
        (r.projects.get(industry, 0) if industry else 0 for r in records), float, n
    )
    columns["industry_experience"] = 1 - np.exp(-projects)
    name = client_key(brief.buyer_name or "")
    same = np.fromiter(
        (r.with_buyer(brief.buyer_id, name) if r.clients else 0 for r in records), float, n
    )
    columns["same_buyer"] = same / (same + BUYER_PRIOR)
    family = organisation_family(brief.buyer_id)
    if family is None:
        columns["same_buyer_family"] = np.full(n, UNKNOWN)
    else:
        kin = np.fromiter((r.families[family] if r.families else 0 for r in records), float, n)
        columns["same_buyer_family"] = kin / (kin + BUYER_PRIOR)
    count = np.fromiter((len(r.items) for r in records), float, n)
    columns["win_count"] = count / (count + COUNT_PRIOR)
    day = (brief.published_at or today).toordinal()
    latest = _numbers([r.latest.toordinal() if r.latest else None for r in records])
    columns["win_recency"] = np.where(
        np.isnan(latest), 0.0, np.exp(-np.maximum(day - latest, 0) / RECENCY_DAYS)
    )
    columns["past_relationship"] = np.fromiter(
        (bool(v.past_buyers) and v.worked_with(brief) for v in vendors), float, n
    )
    average = _numbers([v.rating_average if v.rating_count else None for v in vendors])
    reviews = np.fromiter((v.rating_count for v in vendors), float, n)
    shrunk = (average * reviews + RATING_PRIOR_MEAN * RATING_PRIOR_COUNT) / (
        reviews + RATING_PRIOR_COUNT
    )
    columns["reputation"] = np.where(
        np.isnan(average), UNKNOWN, np.maximum(0.0, (shrunk - 3.0) / 2.0)
    )
    columns["completeness"] = np.fromiter((v.completeness for v in vendors), float, n)
    updated = _numbers([v.updated_on.toordinal() if v.updated_on else None for v in vendors])
    age = np.where(np.isnan(updated), 365, today.toordinal() - updated)
    columns["freshness"] = np.exp(-np.maximum(age, 0) / 365)
    columns["reciprocal_fit"] = np.fromiter((_reciprocal(brief, v)[0] for v in vendors), float, n)
    return columns


class Details(Sequence[dict[str, Any]]):
    """What each row's values were computed from (``_pair``'s details), built when
    asked: a page explains twenty rows of the hundreds it ranks. ``pair_at(i)`` gives
    row ``i``'s brief, firm and track record (one brief against many firms, or one firm
    against many briefs)."""

    def __init__(
        self,
        count: int,
        pair_at: Callable[[int], tuple[BriefData, VendorData, Record]],
        closest: list[HistoryItem | None],
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
            item = self._closest[index]
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
    profile_texts = [v.profile_text for v in vendors]
    label_texts = [v.label_text for v in vendors]
    records = [v.record_for(brief) for v in vendors]
    item_texts = [item.text for record in records for item in record.items]
    owners = np.repeat(np.arange(len(vendors)), [len(record.items) for record in records])
    # One vocabulary for profile and history words (fitted on the candidates once).
    word, per_item = _tfidf(brief_text, profile_texts, item_texts, **WORDS)
    (char,) = _tfidf(brief_labels or brief.text, label_texts, **CHARACTERS)
    best, top, nearest = _per_item(per_item, owners, len(vendors))
    items = [item for record in records for item in record.items]
    columns = _columns(brief, vendors, records, today)
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
    closest = [items[i] if i >= 0 else None for i in nearest]
    details = Details(len(vendors), lambda i: (brief, vendors[i], records[i]), closest, today)
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
    details = Details(n, lambda i: (briefs[i], vendor, records[i]), closest, today)
    return PairFeatures(matrix=matrix, details=details, meets=meets)
