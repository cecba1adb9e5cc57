"""Training and offline evaluation of rankers, on plain data.

The same functions serve ``train_ranker`` (data from the database, candidates from the
live index) and ``evaluate_ranker`` (data from interchange files, candidates from a
temporary embedded index), so the figures in docs/ranking.md are what training uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

from matchmaking.ranking.data import BriefData, VendorData
from matchmaking.ranking.evaluation import GRADES, summarise
from matchmaking.ranking.features import extract
from matchmaking.ranking.ranker import LearnedRanker, PriorRanker, hard_filter

Retrieve = Callable[
    [str], list[tuple[str, float]]
]  # brief id -> (vendor id, BM25 score), best first


@dataclass(frozen=True)
class Label:
    brief: str
    vendor: str
    grade: int
    decided_at: date | None
    rank: int | None


def labels_from(outcomes: Iterable[tuple[str, str, str, date | None, int | None]]) -> list[Label]:
    """One label per (brief, vendor): its furthest stage ('suggested' carries none)."""
    best: dict[tuple[str, str], Label] = {}
    for brief, vendor, stage, decided_at, rank in outcomes:
        if stage not in GRADES:
            continue
        label = Label(brief, vendor, GRADES[stage], decided_at, rank)
        current = best.get((brief, vendor))
        if current is None or label.grade > current.grade:
            best[(brief, vendor)] = label
    return list(best.values())


def split(
    labels: list[Label], briefs: dict[str, BriefData], split_date: date | None
) -> tuple[set[str], set[str]]:
    """Briefs published before ``split_date`` train, the rest test (default: the last
    fifth of labelled briefs by publication date)."""
    labelled = sorted(
        {label.brief for label in labels if label.brief in briefs},
        key=lambda b: (briefs[b].published_at or date.min, b),
    )
    if split_date is None:
        cut = labelled[int(len(labelled) * 0.8)] if labelled else None
        split_date = briefs[cut].published_at if cut else date.max
    train = {b for b in labelled if (briefs[b].published_at or date.min) < (split_date or date.max)}
    return train, set(labelled) - train


def training_set(
    briefs: dict[str, BriefData],
    vendors: dict[str, VendorData],
    labels: list[Label],
    retrieve: Retrieve,
    train: set[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features and labels of every labelled pair of the training briefs. Pairs shown
    lower on the page get more weight (inverse propensity, examination ~ 1/sqrt(rank))."""
    rows: list[np.ndarray] = []
    targets: list[int] = []
    weights: list[float] = []
    by_brief: dict[str, list[Label]] = {}
    for label in labels:
        if label.brief in train and label.vendor in vendors:
            by_brief.setdefault(label.brief, []).append(label)
    for brief_id, pairs in sorted(by_brief.items()):
        scores = dict(retrieve(brief_id))
        candidates = [vendors[p.vendor] for p in pairs]
        matrix = extract(
            briefs[brief_id], candidates, [scores.get(c.id, 0.0) for c in candidates]
        ).matrix
        rows.append(matrix)
        targets.extend(int(p.grade > 0) for p in pairs)
        weights.extend(float(np.sqrt(p.rank)) if p.rank else 1.0 for p in pairs)
    if not rows:
        return np.zeros((0, 0)), np.zeros(0), np.zeros(0)
    weight = np.asarray(weights)
    return np.vstack(rows), np.asarray(targets), weight / weight.mean()


POSITION_BUCKETS = ((1, 3), (4, 10), (11, 20), (21, None))


def position_bias(labels: list[Label]) -> list[dict[str, object]]:
    """How often a judged pair was positive, by the rank at which it was shown.

    If officers approve more of what they see on top than the features explain, the
    rate falls faster with rank than the ranker's own scores do; the training weights
    (1/sqrt(rank) examination) correct for it, this report measures it."""
    report: list[dict[str, object]] = []
    for low, high in POSITION_BUCKETS:
        grades = [
            label.grade > 0
            for label in labels
            if label.rank and label.rank >= low and (high is None or label.rank <= high)
        ]
        report.append(
            {
                "ranks": f"{low}-{high}" if high else f"{low}+",
                "pairs": len(grades),
                "positive_rate": round(sum(grades) / len(grades), 4) if grades else None,
            }
        )
    return report


def describe_position_bias(report: list[dict[str, object]]) -> str:
    """``position_bias`` as one line for train_ranker and evaluate_ranker."""
    cells = [
        f"{row['ranks']}: {row['positive_rate']:.2f} of {row['pairs']}"
        for row in report
        if row["pairs"]
    ]
    return "positive rate by shown rank — " + ("; ".join(cells) or "no ranks recorded")


def train(
    X: np.ndarray, y: np.ndarray, weights: np.ndarray, *, random_state: int = 0
) -> LearnedRanker:
    if len(set(y.tolist())) < 2:
        raise ValueError("training needs both positive and negative outcomes")
    return LearnedRanker(random_state=random_state).fit(X, y, sample_weight=weights)


def rank(
    ranker: PriorRanker | LearnedRanker | None,
    brief: BriefData,
    vendors: dict[str, VendorData],
    retrieved: list[tuple[str, float]],
) -> list[str]:
    """Vendor ids best first; ``None`` is the BM25-only baseline (retrieval order).
    Hard-filtered candidates go to the end rather than vanish, so recall stays comparable."""
    known = [(vendor_id, score) for vendor_id, score in retrieved if vendor_id in vendors]
    if ranker is None or not known:
        return [vendor_id for vendor_id, _ in known]
    candidates = [vendors[vendor_id] for vendor_id, _ in known]
    matrix = extract(brief, candidates, [score for _, score in known]).matrix
    scores = ranker.decision_function(matrix) + np.where(hard_filter(matrix), 0.0, -1e6)
    return [candidates[i].id for i in np.argsort(-scores, kind="stable")]


def evaluate(
    rankers: dict[str, PriorRanker | LearnedRanker | None],
    briefs: dict[str, BriefData],
    vendors: dict[str, VendorData],
    labels: list[Label],
    retrieve: Retrieve,
    test: set[str],
) -> dict[str, dict[str, float]]:
    """NDCG@10 and MRR@10 re-rank each test brief's *judged* firms (the ones officers saw:
    unjudged firms are unknown, not irrelevant); recall@50 ranks the whole retrieved set
    (did the judged-relevant firms make the top 50 at all?)."""
    relevance: dict[str, dict[str, int]] = {}
    for label in labels:
        if label.brief in test and label.vendor in vendors:
            relevance.setdefault(label.brief, {})[label.vendor] = label.grade
    results = {}
    for name, ranker in rankers.items():
        judged, full = [], []
        for brief_id in sorted(relevance):
            retrieved = retrieve(brief_id)
            scores = dict(retrieved)
            shown = sorted(relevance[brief_id], key=lambda v: (-scores.get(v, 0.0), v))
            judged.append(
                (
                    rank(
                        ranker, briefs[brief_id], vendors, [(v, scores.get(v, 0.0)) for v in shown]
                    ),
                    relevance[brief_id],
                )
            )
            full.append((rank(ranker, briefs[brief_id], vendors, retrieved), relevance[brief_id]))
        metrics = summarise(judged)
        metrics["recall@50"] = summarise(full)["recall@50"]
        results[name] = metrics
    return results
