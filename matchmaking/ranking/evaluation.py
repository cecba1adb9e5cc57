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


def summarise(rankings: Sequence[tuple[Sequence[str], dict[str, int]]]) -> dict[str, float]:
    """Mean metrics over briefs that have at least one relevant vendor."""
    judged = [(r, rel) for r, rel in rankings if any(g > 0 for g in rel.values())]
    if not judged:
        return {"ndcg@10": 0.0, "mrr@10": 0.0, "recall@50": 0.0, "briefs": 0}
    n = len(judged)
    return {
        "ndcg@10": round(sum(ndcg_at_k(r, rel) for r, rel in judged) / n, 4),
        "mrr@10": round(sum(mrr_at_k(r, rel) for r, rel in judged) / n, 4),
        "recall@50": round(sum(recall_at_k(r, rel) for r, rel in judged) / n, 4),
        "briefs": n,
    }
