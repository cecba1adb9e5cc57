"""Features of a (brief, vendor) pair, each in [0, 1] where 1 is the better fit.

``FEATURES`` is the ordered list of names; ``PairFeatures.matrix`` has one row per
candidate and one column per feature, ``PairFeatures.details`` keeps what each value
was computed from (matched labels, overlap hours, …) for the explanations.
"""

from __future__ import annotations

import functools
import math
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer

from matchmaking.ranking.data import BriefData, VendorData, region_of
from matchmaking.ranking.history import HistoryItem, organisation_family
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
RATING_PRIOR_MEAN, RATING_PRIOR_COUNT = 4.2, 5.0
BUYER_DAY = (9, 17)  # the buyer's business hours, local time
HOURS_PER_WEEK = 40
HISTORY_TOP_K = 3
COUNT_PRIOR = 3.0  # win_count = n / (n + COUNT_PRIOR): three wins make it half-way
BUYER_PRIOR = 1.0  # same_buyer = n / (n + BUYER_PRIOR)
RECENCY_DAYS = 365.0  # win_recency = exp(-days since the latest win / RECENCY_DAYS)
ANALYSED_TEXTS = 60_000  # texts memoised per analyzer (3 analyzers)
N_FEATURES = 2**18  # hashed term columns


@dataclass
class PairFeatures:
    matrix: np.ndarray
    details: list[dict[str, Any]]
    # Holds every certification and speaks every language the brief requires.
    meets: np.ndarray


def _overlap(wanted: tuple[str, ...], offered: tuple[str, ...]) -> tuple[float, list[str]]:
    if not wanted:
        return UNKNOWN, []
    matched = [label for label in wanted if label in set(offered)]
    return len(matched) / len(wanted), matched


def _tfidf(brief_text: str, texts: list[str], *also: list[str], **options: Any) -> list[np.ndarray]:
    """Cosine similarity of ``brief_text`` to each of ``texts`` (and of each ``also``
    list), with TF-IDF weights learned from the brief and ``texts`` (the candidates).

    Terms are hashed (``HashingVectorizer``) rather than collected into a vocabulary, and
    each text's term counts are memoised: a firm is a candidate for many briefs, and
    analysing its text and building a vocabulary were most of the cost of a match."""
    if not brief_text.strip() or not any(t.strip() for t in texts):
        return [np.zeros(len(column)) for column in (texts, *also)]
    counts_of = _term_counts(**options)
    fitted = counts_of.matrix([brief_text, *texts])
    # Smooth IDF as scikit-learn's TfidfTransformer computes it, looked up only for the
    # hashed columns that occur (done in numpy: the transformer's input checks, and an
    # IDF over all 2^18 columns, cost more than the arithmetic on a few hundred texts).
    columns, frequency = np.unique(fitted.indices, return_counts=True)
    idf = Lookup(columns, np.log((1 + fitted.shape[0]) / (1 + frequency)) + 1)
    unseen_idf = float(np.log(1 + fitted.shape[0]) + 1)  # a column no fitted text has
    rows = _unit_rows(fitted, idf, unseen_idf)
    first = slice(0, rows.indptr[1])
    order = np.argsort(rows.indices[first])
    brief = Lookup(rows.indices[first][order], rows.data[first][order])
    similarities = [_dot_rows(rows, brief)[1:]]
    for other in also:
        similarities.append(_dot_rows(_unit_rows(counts_of.matrix(other), idf, unseen_idf), brief))
    return similarities


class Lookup:
    """Values for sorted integer keys, read for many keys at once (``default`` where a
    key is absent): a sparse vector over the hashed columns."""

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        self.keys, self.values = keys, values

    def get(self, wanted: np.ndarray, default: float = 0.0) -> np.ndarray:
        if not len(self.keys):
            return np.full(len(wanted), default)
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        return np.where(self.keys[at] == wanted, self.values[at], default)


def _row_ids(matrix: sparse.csr_matrix) -> np.ndarray:
    return np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))


def _unit_rows(counts: sparse.csr_matrix, idf: Lookup, unseen: float) -> sparse.csr_matrix:
    """Sublinear tf (1 + log count) times idf, each row scaled to unit length."""
    data = (1 + np.log(counts.data)) * idf.get(counts.indices, unseen)
    rows = _row_ids(counts)
    norms = np.sqrt(np.bincount(rows, weights=data**2, minlength=counts.shape[0]))
    data /= norms[rows]
    return sparse.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)


def _dot_rows(rows: sparse.csr_matrix, vector: Lookup) -> np.ndarray:
    """Each row's dot product with a sparse vector."""
    return np.bincount(
        _row_ids(rows), weights=rows.data * vector.get(rows.indices), minlength=rows.shape[0]
    )


class TermCounts:
    """Hashed term counts of texts for one scikit-learn analyzer, memoised per text.

    Texts not seen before are analysed in one ``HashingVectorizer.transform`` call (per
    text calls cost more in scikit-learn's checks than in the analysis itself); each
    text's row is kept as its column indices and counts, and a matrix for a list of
    texts is assembled from those rows directly."""

    def __init__(self, size: int, **options: Any) -> None:
        analyzer = TfidfVectorizer(**options).build_analyzer()
        self.hasher = HashingVectorizer(
            analyzer=analyzer, n_features=N_FEATURES, alternate_sign=False, norm=None
        )
        self.rows: LRU[str, tuple[np.ndarray, np.ndarray]] = LRU(size)

    def matrix(self, texts: list[str]) -> sparse.csr_matrix:
        known = self.rows.get_many(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:  # analysed outside the memo's lock; another thread may do the same
            analysed = self.hasher.transform(missing)
            new = {}
            for i, text in enumerate(missing):
                start, end = analysed.indptr[i], analysed.indptr[i + 1]
                new[text] = (analysed.indices[start:end], analysed.data[start:end])
            self.rows.put_many(new)
            known |= new
        rows = [known[text] for text in texts]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(indices) for indices, _ in rows], out=indptr[1:])
        return sparse.csr_matrix(
            (
                np.concatenate([data for _, data in rows]) if rows else np.zeros(0),
                np.concatenate([indices for indices, _ in rows])
                if rows
                else np.zeros(0, dtype=np.int32),
                indptr,
            ),
            shape=(len(rows), N_FEATURES),
        )


@functools.cache
def _term_counts(**options: Any) -> TermCounts:
    return TermCounts(ANALYSED_TEXTS, **options)


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


def _value_fit(brief: BriefData, history: tuple[HistoryItem, ...]) -> tuple[float, dict[str, Any]]:
    """The median value of earlier contracts against the budget: 1 when equal, 0 when
    ten times apart either way (firms that win £10k jobs rarely win £1m ones)."""
    budget = brief.budget_max_usd or brief.budget_min_usd
    values = [item.value_usd for item in history if item.value_usd]
    if not budget or not values:
        return UNKNOWN, {}
    typical = float(statistics.median(values))  # numpy's costs more on a few values
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


def _when(item: HistoryItem) -> date | None:
    """The day an item was decided, or the middle of its year when only that is known."""
    return item.decided_on or (date(item.year, 7, 1) if item.year else None)


def _track_record(
    brief: BriefData, history: tuple[HistoryItem, ...], day: date
) -> tuple[dict[str, float], dict[str, Any]]:
    """Same buyer, same organisation family, count and recency of earlier wins."""
    name = (brief.buyer_name or "").casefold().strip()
    same = [
        item
        for item in history
        if (brief.buyer_id and item.buyer_id == brief.buyer_id)
        or (name and item.client.casefold().strip() == name)
    ]
    family = organisation_family(brief.buyer_id)
    kin = [item for item in history if family and organisation_family(item.buyer_id) == family]
    dates = [when for when in map(_when, history) if when is not None]
    latest = max(dates, default=None)
    values = {
        "same_buyer": len(same) / (len(same) + BUYER_PRIOR),
        "same_buyer_family": UNKNOWN if family is None else len(kin) / (len(kin) + BUYER_PRIOR),
        "win_count": len(history) / (len(history) + COUNT_PRIOR),
        "win_recency": 0.0
        if latest is None
        else math.exp(-max((day - latest).days, 0) / RECENCY_DAYS),
    }
    details = {"same_buyer": len(same), "family": (family, len(kin)), "wins": len(history)}
    return values, details


def _pair(
    brief: BriefData, vendor: VendorData, history: tuple[HistoryItem, ...], today: date
) -> tuple[dict[str, float], dict[str, Any]]:
    values: dict[str, float] = {}
    details: dict[str, Any] = {}
    values["service_overlap"], details["services"] = _overlap(brief.services, vendor.services)
    values["technology_overlap"], details["technologies"] = _overlap(
        brief.technologies, vendor.technologies
    )
    industries = set(vendor.industries) | {item.industry for item in history if item.industry}
    values["industry_match"] = (
        UNKNOWN if not brief.industry else float(brief.industry in industries)
    )
    values["budget_fit"], details["budget"] = _budget_fit(brief, vendor)
    values["value_fit"], details["value"] = _value_fit(brief, history)
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
    details["missing_certifications"] = [
        x for x in brief.required_certifications if x not in vendor.certifications
    ]
    values["certification_coverage"] = 1.0 if not brief.required_certifications else coverage
    countries = set(vendor.export_markets) | {
        item.client_country for item in history if item.client_country
    }
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
    projects = sum(1 for item in history if brief.industry and item.industry == brief.industry)
    values["industry_experience"], details["projects"] = 1 - math.exp(-projects), projects
    record, details["record"] = _track_record(brief, history, brief.published_at or today)
    values.update(record)
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
    best, top, closest = np.zeros(count), np.zeros(count), np.full(count, -1)
    order = np.lexsort((-similarities, owners))  # by vendor, most similar first
    ranked_owners, ranked = owners[order], similarities[order]
    starts = np.searchsorted(ranked_owners, np.arange(count))
    ends = np.searchsorted(ranked_owners, np.arange(count), side="right")
    for vendor in np.flatnonzero(ends > starts):
        chunk = ranked[starts[vendor] : min(ends[vendor], starts[vendor] + HISTORY_TOP_K)]
        best[vendor], top[vendor] = chunk[0], chunk.sum() / HISTORY_TOP_K
        if chunk[0] > 0:
            closest[vendor] = order[starts[vendor]]
    return best, top, closest


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
    profile_texts = [
        f"{v.text} {' '.join((*v.services, *v.technologies, *v.industries))}" for v in vendors
    ]
    label_texts = [" ".join((*v.services, *v.technologies, *v.industries)) for v in vendors]
    histories = [v.history_for(brief) for v in vendors]
    item_texts = [item.text for history in histories for item in history]
    owners = np.repeat(np.arange(len(vendors)), [len(history) for history in histories])
    # One vocabulary for profile and history words (fitted on the candidates once).
    word, per_item = _tfidf(brief_text, profile_texts, item_texts, stop_words="english")
    (char,) = _tfidf(
        brief_labels or brief.text, label_texts, analyzer="char_wb", ngram_range=(3, 3)
    )
    best, top, closest = _per_item(per_item, owners, len(vendors))
    items = [item for history in histories for item in history]
    columns = {"text_word": word, "text_char": char, "history_best": best, "history_topk": top}
    scores = np.asarray(
        retrieval_scores if retrieval_scores is not None else [0.0] * len(vendors), dtype=float
    )
    columns["retrieval"] = (
        scores / scores.max() if len(scores) and scores.max() > 0 else np.zeros(len(vendors))
    )
    rows, details = [], []
    for index, vendor in enumerate(vendors):
        values, detail = _pair(brief, vendor, histories[index], today)
        if closest[index] >= 0:
            item = items[closest[index]]
            detail["closest"] = item.title or item.text[:80]
        values.update({name: float(column[index]) for name, column in columns.items()})
        rows.append([values[name] for name in FEATURES])
        details.append(detail)
    matrix = np.asarray(rows, dtype=float).reshape(len(vendors), len(FEATURES))
    meets = np.fromiter(
        (not (d["missing_languages"] or d["missing_certifications"]) for d in details),
        bool,
        len(vendors),
    )
    return PairFeatures(matrix=matrix, details=details, meets=meets)
