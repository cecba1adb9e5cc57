"""The feature matrix of a brief against its candidate firms (``extract``), or of one
firm against many briefs (``extract_for_firm``), from the definitions in
``ranking.features``: the text similarities (stage 1's score, TF-IDF against the profile
and against each earlier win) for the whole list at once, every other feature by its
``column`` (forward) or its plain ``pair`` definition (reverse: a firm meets a few
hundred briefs, not thousands of firms).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

import numpy as np

from matchmaking.ranking import catalogue
from matchmaking.ranking.catalogue import CandidateRows
from matchmaking.ranking.data import BriefData, VendorData, service_day
from matchmaking.ranking.features import (
    DEFINITIONS,
    FEATURES,
    HISTORY_TOP_K,
    Batch,
    Feature,
    Texts,
    pair_values,
)
from matchmaking.ranking.history import HistoryItem, TrackRecord, visible
from matchmaking.ranking.terms import CHARACTERS, WORDS, TermRows, term_counts


@dataclass
class PairFeatures:
    matrix: np.ndarray
    details: Sequence[dict[str, Any]]
    # Holds every certification and speaks every language the brief requires.
    meets: np.ndarray


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


def _candidate_tfidf(
    brief_text: str,
    candidates: CandidateRows,
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
    """What each row's values were computed from (``features.pair_values``' details), built when
    asked: a page explains twenty rows of the hundreds it ranks. ``pair_at(i)`` gives
    row ``i``'s brief, firm and track record (one brief against many firms, or one firm
    against many briefs), ``closest(i)`` its item most like the brief, if any."""

    def __init__(
        self,
        count: int,
        pair_at: Callable[[int], tuple[BriefData, VendorData, TrackRecord]],
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
            _, detail = pair_values(*self._pair_at(index), self._today)
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
    today = today or service_day()
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

    texts = Texts(_relative(retrieval_scores, len(vendors)), word, char, best, top)
    batch = Batch(brief, candidates, vendors, today)
    matrix = _matrix([_column(feature, texts, batch) for feature in DEFINITIONS], len(vendors))
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
    today = today or service_day()
    n = len(briefs)
    labels = [" ".join((*b.services, *b.technologies, b.industry or "")) for b in briefs]
    brief_texts = [f"{b.text} {label}" for b, label in zip(briefs, labels, strict=True)]
    (word,) = _tfidf(vendor.profile_text, brief_texts, **WORDS)
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
        (similarity[row],) = _tfidf(item.text, brief_texts, **WORDS)
        for column, brief in enumerate(briefs):
            if not visible(item, brief.published_at, brief.id):
                similarity[row, column] = 0.0
    ranked = -np.sort(-similarity, axis=0) if len(items) else np.zeros((0, n))
    best = ranked[0] if len(items) else np.zeros(n)
    top = ranked[:HISTORY_TOP_K].sum(axis=0) / HISTORY_TOP_K if len(items) else np.zeros(n)
    nearest = similarity.argmax(axis=0) if len(items) else np.full(n, -1)
    records = [vendor.record_for(brief) for brief in briefs]
    rows = [
        pair_values(brief, vendor, record, today)[0]
        for brief, record in zip(briefs, records, strict=True)
    ]
    texts = Texts(_relative(retrieval_scores, n), word, char, best, top)
    matrix = _matrix(
        [
            feature.texts(texts)
            if feature.texts
            else np.array([row[feature.name] for row in rows], dtype=float)
            for feature in DEFINITIONS
        ],
        n,
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


def _relative(scores: list[float] | None, count: int) -> np.ndarray:
    """Stage 1's scores over the best of them (``retrieval``)."""
    found = np.asarray(scores if scores is not None else [0.0] * count, dtype=float)
    return found / found.max() if count and found.max() > 0 else np.zeros(count)


def _matrix(columns: list[np.ndarray], count: int) -> np.ndarray:
    """One row per pair, one column per feature (``FEATURES``' order)."""
    if not count:
        return np.zeros((0, len(FEATURES)))
    return np.column_stack(columns).reshape(count, len(FEATURES))


def _column(feature: Feature, texts: Texts, batch: Batch) -> np.ndarray:
    """A feature's values for a brief's candidates: from the texts, or its ``column``."""
    if feature.texts is not None:
        return feature.texts(texts)
    assert feature.column is not None, f"{feature.name} has neither texts nor a column"
    return feature.column(batch)
