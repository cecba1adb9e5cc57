"""Plain BM25 over each firm's whole profile text: the reference matching is judged by.

Computed with ``bm25s`` (Lucene's BM25, k1 1.5, b 0.75), independently of the search
engine, its analyzers and its field weights, so that a mistake in stage 1 cannot hide
in the reference too. A firm's text is its name, description and services and, for each
portfolio project, its title, client and services; a brief's query is its title,
description, buyer's name and services. Words are lower-cased and split on anything
that is not a letter or digit, English stop words dropped, nothing stemmed.

The leakage rule holds as for stage 1: a brief is scored against the catalogue of the
day it was published (``Replay`` says which portfolio projects were known then), and
the index — its document lengths and word frequencies too — is rebuilt when that
catalogue changes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import bm25s
import numpy as np

from matchmaking.ranking.data import BriefData

# bm25s sets its logger to DEBUG when imported (after Django's logging settings), and
# says "Building index from tokens" on every catalogue change.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# How many of the best-scored firms are kept per brief (recall@50 needs 50; the rest is
# what the reference would hand a ranker, like stage 1's candidate limit).
DEPTH = 300


def _tokens(texts: list[str]) -> list[list[str]]:
    return list(bm25s.tokenize(texts, stopwords="en", return_ids=False, show_progress=False))


def _names(items: Iterable[Any] | None) -> list[str]:
    return [str(item["name"] if isinstance(item, dict) else item) for item in items or ()]


def profile_text(row: Mapping[str, Any]) -> tuple[str, list[str]]:
    """A vendor row's own text, and each portfolio project's text in order."""
    own = " ".join([row["name"], row.get("description") or "", *_names(row.get("services"))])
    projects = [
        " ".join([item.get("title") or "", item.get("client") or "", *_names(item.get("services"))])
        for item in row.get("portfolio") or ()
    ]
    return own, projects


def query_text(brief: BriefData) -> str:
    """The words a brief asks with: title, description, the buyer's name, services."""
    return " ".join([brief.text, brief.buyer_name or "", *brief.services])


class PlainBM25:
    """The reference over a catalogue whose portfolio projects become known over time."""

    def __init__(self, rows: Mapping[str, Mapping[str, Any]]) -> None:
        self.keys = sorted(rows)
        parts = [profile_text(rows[key]) for key in self.keys]
        self._own = _tokens([text for text, _ in parts])
        projects = _tokens([text for _, items in parts for text in items])
        self._projects: list[list[list[str]]] = []
        start = 0
        for _, items in parts:
            self._projects.append(projects[start : start + len(items)])
            start += len(items)
        self._index: bm25s.BM25 | None = None

    def catalogue(self, shown: Mapping[str, set[int]]) -> None:
        """Index the firms as they stand: ``shown`` holds each firm's known projects."""
        documents = [
            [
                *self._own[n],
                *(
                    word
                    for i, words in enumerate(self._projects[n])
                    if i in shown[key]
                    for word in words
                ),
            ]
            for n, key in enumerate(self.keys)
        ]
        self._index = bm25s.BM25()
        self._index.index(documents, show_progress=False)

    def rank(self, brief: BriefData, *, keep: Iterable[str] = ()) -> list[tuple[str, float]]:
        """The catalogue's firms by score for ``brief``, best first (ties by id): the
        ``DEPTH`` best with a score, and the firms in ``keep`` wherever they are."""
        assert self._index is not None, "catalogue() first"
        words = _tokens([query_text(brief)])[0]
        scores = self._index.get_scores(words) if words else np.zeros(len(self.keys))
        order = np.lexsort((np.arange(len(self.keys)), -scores))
        best = [n for n in order[:DEPTH] if scores[n] > 0]
        wanted = set(keep) - {self.keys[n] for n in best}
        extra = sorted(
            (n for n, key in enumerate(self.keys) if key in wanted), key=lambda n: -scores[n]
        )
        return [(self.keys[n], float(scores[n])) for n in [*best, *extra]]
