"""Analysed texts: the terms of each text as scikit-learn's analyzers find them,
memoised per text and numbered as first met (``TermCounts``), and texts' terms as
compressed rows (``TermRows``) that the TF-IDF features (``features._tfidf``) and the
catalogue (``catalogue``) share."""

from __future__ import annotations

import functools
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.utils import murmurhash3_32

from matchmaking.ranking.memo import LRU

ANALYSED_TEXTS = 250_000  # texts memoised per analyzer (a firm has 1 + its history's)
N_FEATURES = 2**18  # hashed term columns
WORDS: dict[str, Any] = {"stop_words": "english"}  # profile and history texts
CHARACTERS: dict[str, Any] = {"analyzer": "char_wb", "ngram_range": (3, 3)}  # labels


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

    def then(self, other: TermRows) -> TermRows:
        """These rows followed by ``other``'s."""
        offset = self.ends[-1] if len(self.ends) else 0
        return TermRows(
            np.concatenate([self.columns, other.columns]),
            np.concatenate([self.tf, other.tf]),
            np.concatenate([self.ends, other.ends + offset]),
        )


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
        self.analyzer = analyzer = TfidfVectorizer(**options).build_analyzer()
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

    def _hashed(self, text: str) -> Hashed:
        """One text as ``self.hasher.transform([text])`` gives it — each token's
        murmurhash3 (of its UTF-8) folded into ``N_FEATURES`` columns, counts summed per
        column, columns ascending — without scikit-learn's checks, which cost ten times
        the analysis of a brief (a brief is always new; firms' texts are analysed in
        batches)."""
        counts: dict[int, int] = {}
        for token, count in Counter(self.analyzer(text)).items():
            h = murmurhash3_32(token, seed=0)
            column = (2147483647 - (N_FEATURES - 1)) % N_FEATURES if h == -(2**31) else abs(h)
            column %= N_FEATURES
            counts[column] = counts.get(column, 0) + count
        columns = sorted(counts)
        return Hashed(
            np.array(columns, dtype=np.int32),
            np.array([counts[column] for column in columns], dtype=float),
            np.array([0, len(columns)], dtype=np.int32),
        )

    def rows_of(self, texts: list[str]) -> TermRows:
        known = self.rows.get_many(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:  # analysed outside the memo's lock; another thread may do the same
            one = len(missing) == 1
            analysed = self._hashed(missing[0]) if one else self.hasher.transform(missing)
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


class Hashed(NamedTuple):
    """Hashed texts as compressed rows (the parts of scikit-learn's CSR matrix used)."""

    indices: np.ndarray
    data: np.ndarray
    indptr: np.ndarray


@functools.cache
def term_counts(**options: Any) -> TermCounts:
    return TermCounts(ANALYSED_TEXTS, **options)
