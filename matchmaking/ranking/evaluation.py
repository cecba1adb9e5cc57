"""Offline ranking metrics. Relevance is graded from outcomes: a won deal counts most."""

from __future__ import annotations

import math
from collections.abc import Sequence

GRADES = {
    "won": 3,
    "proposal": 2,
    "meeting": 2,
    "introduced": 1,
    "approved": 1,
    "rejected": 0,
    "lost": 0,
}
POSITIVE = frozenset(stage for stage, grade in GRADES.items() if grade > 0)


def ndcg_at_k(ranked: Sequence[str], relevance: dict[str, int], k: int = 10) -> float:
    gains = [relevance.get(item, 0) for item in ranked[:k]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(relevance.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best > 0 else 0.0


def mrr_at_k(ranked: Sequence[str], relevance: dict[str, int], k: int = 10) -> float:
    return next(
        (1 / (i + 1) for i, item in enumerate(ranked[:k]) if relevance.get(item, 0) > 0), 0.0
    )


def recall_at_k(ranked: Sequence[str], relevance: dict[str, int], k: int = 50) -> float:
    relevant = {item for item, grade in relevance.items() if grade > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


METRICS = ("ndcg@10", "mrr@10", "recall@10", "recall@50")


def per_brief(ranked: Sequence[str], relevance: dict[str, int]) -> list[float]:
    """``METRICS`` of one brief's ranking, in order."""
    return [
        ndcg_at_k(ranked, relevance),
        mrr_at_k(ranked, relevance),
        recall_at_k(ranked, relevance, k=10),
        recall_at_k(ranked, relevance, k=50),
    ]
