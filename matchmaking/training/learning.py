"""Training and offline evaluation of rankers, on plain data.

The same functions serve ``train_ranker`` and ``evaluate_ranker`` through
``matchmaking.training.replay`` (which replays history brief by brief, each seeing the catalogue
and the track records as they stood when it was published), so the figures in
docs/ranking.md are what training uses.

Labels come from outcomes (``GRADES``). Real histories mostly record only who won: for
a brief with a known winner, the retrieved firms that were not chosen are *implicit
negatives* (``implicit_negatives``); explicit rejections and losses count as well.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from matchmaking.ranking.data import BriefData, VendorData
from matchmaking.ranking.evaluation import GRADES, METRICS, per_brief
from matchmaking.ranking.extraction import extract
from matchmaking.ranking.ranker import (
    BoostedRanker,
    LearnedRanker,
    PriorRanker,
    ordered,
    within_budget,
)
from matchmaking.ranking.rerank import served_page

Retrieve = Callable[
    [str], list[tuple[str, float]]
]  # brief id -> (vendor id, BM25 score), best first
Ranker = PriorRanker | LearnedRanker | BoostedRanker

# Implicit negatives of a won brief: every unchosen firm among the top HARD_NEGATIVES
# retrieved (the close calls the ranker must learn to separate), plus EASY_NEGATIVES
# drawn at random (seeded per brief) from the rest of the retrieved set. Each weighs
# IMPLICIT_WEIGHT of an explicit outcome: "not chosen" is weaker evidence than
# "rejected" (the buyer may never have looked at the firm).
HARD_NEGATIVES = 10
EASY_NEGATIVES = 10
IMPLICIT_WEIGHT = 0.5
MIN_TRAINING_BRIEFS = 5  # briefs with a positive and a negative, to learn anything
BOOTSTRAP_SAMPLES = 1000


class NotEnoughOutcomes(ValueError):
    """Too little to learn from; the message says what is missing."""


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


def implicit_negatives(
    brief_id: str, retrieved: list[tuple[str, float]], judged: set[str], seed: int
) -> list[str]:
    """The retrieved firms that were not chosen for a won brief (module docstring)."""
    unjudged = [vendor for vendor, _ in retrieved if vendor not in judged]
    hard, rest = unjudged[:HARD_NEGATIVES], unjudged[HARD_NEGATIVES:]
    easy = random.Random(f"{seed}:{brief_id}").sample(rest, min(EASY_NEGATIVES, len(rest)))
    return hard + easy


@dataclass
class TrainingSet:
    X: np.ndarray
    grades: np.ndarray
    weights: np.ndarray
    groups: np.ndarray  # each row's brief (index into ``briefs``)
    briefs: list[str]
    implicit: int  # rows that are implicit negatives

    def check(self) -> None:
        """Raise ``NotEnoughOutcomes`` unless enough briefs have a positive and a
        negative row."""
        usable = sum(
            1
            for group in range(len(self.briefs))
            if len(set((self.grades[self.groups == group] > 0).tolist())) == 2
        )
        if usable < MIN_TRAINING_BRIEFS:
            raise NotEnoughOutcomes(
                f"too little to learn from: {usable} training brief(s) have both a positive "
                f"outcome (introduced or further) and a negative one (rejected, lost, or "
                f"firms retrieved but not chosen for a won brief); at least "
                f"{MIN_TRAINING_BRIEFS} are needed. Record more outcomes, or move the "
                f"split date later."
            )


def training_set(
    briefs: dict[str, BriefData],
    vendors: Mapping[str, VendorData],
    labels: list[Label],
    retrieve: Retrieve,
    train: set[str],
    *,
    seed: int = 0,
) -> TrainingSet:
    """Features, grades and weights of the training briefs' labelled pairs and of the
    implicit negatives of their won briefs. Pairs shown lower on the page get more
    weight (inverse propensity, examination ~ 1/sqrt(rank))."""
    by_brief: dict[str, list[Label]] = {}
    for label in labels:
        if label.brief in train and label.vendor in vendors:
            by_brief.setdefault(label.brief, []).append(label)
    rows: list[np.ndarray] = []
    grades: list[int] = []
    weights: list[float] = []
    groups: list[int] = []
    names: list[str] = []
    implicit = 0
    for brief_id, pairs in sorted(by_brief.items()):
        retrieved = retrieve(brief_id)
        scores = dict(retrieved)
        chosen = [(p.vendor, p.grade, float(np.sqrt(p.rank)) if p.rank else 1.0) for p in pairs]
        if any(p.grade == GRADES["won"] for p in pairs):
            unchosen = implicit_negatives(
                brief_id, [r for r in retrieved if r[0] in vendors], {p.vendor for p in pairs}, seed
            )
            chosen.extend((vendor, 0, IMPLICIT_WEIGHT) for vendor in unchosen)
            implicit += len(unchosen)
        candidates = [vendors[vendor] for vendor, _, _ in chosen]
        rows.append(
            extract(
                briefs[brief_id], candidates, [scores.get(c.id, 0.0) for c in candidates]
            ).matrix
        )
        grades.extend(grade for _, grade, _ in chosen)
        weights.extend(weight for _, _, weight in chosen)
        groups.extend([len(names)] * len(chosen))
        names.append(brief_id)
    if not rows:
        return TrainingSet(np.zeros((0, 0)), np.zeros(0), np.zeros(0), np.zeros(0), [], 0)
    weight = np.asarray(weights)
    return TrainingSet(
        np.vstack(rows),
        np.asarray(grades),
        weight / weight.mean(),
        np.asarray(groups),
        names,
        implicit,
    )


def train(data: TrainingSet, *, objective: str = "pointwise", random_state: int = 0) -> Ranker:
    """A ranker learned from ``data`` (``NotEnoughOutcomes`` when it cannot be)."""
    data.check()
    model: LearnedRanker | BoostedRanker = (
        BoostedRanker(random_state=random_state)
        if objective == "boosted"
        else LearnedRanker(random_state=random_state, objective=objective)
    )
    return model.fit(data.X, data.grades, sample_weight=data.weights, groups=data.groups)


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


class Candidates:
    """A brief's retrieved firms with their features, computed once for every ranker."""

    def __init__(
        self,
        brief: BriefData,
        vendors: Mapping[str, VendorData],
        retrieved: list[tuple[str, float]],
        *,
        floor: float = 0.0,
    ) -> None:
        known = [(vendor_id, score) for vendor_id, score in retrieved if vendor_id in vendors]
        self.ids = [vendor_id for vendor_id, _ in known]
        self.vendors = [vendors[v] for v in self.ids]
        self.floor = floor  # the exposure floor of the pages served
        self.features = (
            extract(brief, self.vendors, [score for _, score in known]) if known else None
        )

    def ranked(self, ranker: Ranker | None, *, page: int = 10) -> list[str]:
        """The firms as ``match`` serves a page of ``page`` of them with ``ranker``
        (``rerank.served_page``: within the budget, requirements first, diversified,
        the exposure floor), then the others it would show, best first. Without a
        ranker: stage 1's order."""
        if ranker is None or self.features is None:
            return list(self.ids)
        return self._served(ranker.decision_function(self.features.matrix), page)

    def _served(self, scores: np.ndarray, page: int) -> list[str]:
        assert self.features is not None
        allowed = within_budget(self.features.matrix)
        served = served_page(self.vendors, scores, self.features.meets, allowed, page, self.floor)
        shown = {r.index for r in served}
        rest = [i for i in ordered(scores, self.features.meets) if allowed[i] and i not in shown]
        return [self.ids[r.index] for r in served] + [self.ids[i] for i in rest]

    def judged(self, ranker: Ranker | None, grades: dict[str, int]) -> list[float]:
        """``METRICS`` of ``ranker`` here: the @10 figures on the first page of 10, recall@50
        on a page of 50, each as served (the ranker scores the firms once)."""
        if ranker is None or self.features is None:
            return per_brief(self.ids, grades)
        scores = ranker.decision_function(self.features.matrix)
        first = per_brief(self._served(scores, 10), grades)
        return [*first[:-1], per_brief(self._served(scores, 50), grades)[-1]]


EvaluationRows = dict[str, list[list[float]]]  # ranker -> one ``METRICS`` row per brief


def _judged(grades: dict[str, int], retrieved: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The judged firms with their retrieval scores (0 if not retrieved), best first."""
    scores = dict(retrieved)
    return sorted(((v, scores.get(v, 0.0)) for v in grades), key=lambda pair: (-pair[1], pair[0]))


def evaluation_rows(
    rankers: Mapping[str, Ranker | None],
    briefs: dict[str, BriefData],
    vendors: Mapping[str, VendorData],
    labels: list[Label],
    retrieve: Retrieve,
    test: set[str],
    *,
    orders: Mapping[str, Retrieve] | None = None,
    floor: float = 0.0,
) -> EvaluationRows:
    """Each ranker's ``METRICS`` for each test brief that has a positive outcome, in
    brief order. A ranker reorders stage 1's candidates (``None``: stage 1's own order);
    each of ``orders`` ranks by its own retrieval (the plain BM25 reference). A
    ranker's order is the page ``match`` serves (``Candidates.ranked``; ``floor``: the
    exposure floor), so what is scored is what users get.

    What is ranked depends on what the history says about a brief. Where officers or
    deals judged firms both ways (a rejection or a loss is recorded), the ranker orders
    the *judged* firms only: firms nobody looked at are unknown, not irrelevant
    ("condensed lists"). Where only positives are recorded (a wins-only history), it
    orders the *whole* retrieved set and unchosen firms count as not relevant: judging
    only the winner would make every ranking perfect. recall@50 always ranks the whole
    retrieved set (did the relevant firms reach the top 50 at all?)."""
    relevance: dict[str, dict[str, int]] = {}
    for label in labels:
        if label.brief in test and label.vendor in vendors:
            relevance.setdefault(label.brief, {})[label.vendor] = label.grade
    judged = sorted(b for b, grades in relevance.items() if any(g > 0 for g in grades.values()))
    rows: EvaluationRows = {name: [] for name in [*(orders or {}), *rankers]}
    for brief_id in judged:
        grades = relevance[brief_id]
        both_ways = 0 in grades.values()  # judged both ways: rank the judged firms only
        for name, fetch in (orders or {}).items():
            retrieved = [(v, score) for v, score in fetch(brief_id) if v in vendors]
            found = per_brief([v for v, _ in retrieved], grades)
            if both_ways:
                found[:-1] = per_brief([v for v, _ in _judged(grades, retrieved)], grades)[:-1]
            rows[name].append(found)
        retrieved = retrieve(brief_id)
        full = Candidates(briefs[brief_id], vendors, retrieved, floor=floor)
        condensed = None
        if both_ways:
            condensed = Candidates(
                briefs[brief_id], vendors, _judged(grades, retrieved), floor=floor
            )
        for name, ranker in rankers.items():
            found = full.judged(ranker, grades)
            if condensed is not None:
                found[:-1] = condensed.judged(ranker, grades)[:-1]
            rows[name].append(found)
    return rows


def summarise(rows: EvaluationRows, *, seed: int = 0) -> dict[str, dict[str, object]]:
    """Each ranker's mean ``METRICS`` with a bootstrap 95 % interval (briefs resampled
    with replacement, the same resamples for every ranker)."""
    count = len(next(iter(rows.values()), []))
    resamples = np.random.default_rng(seed).integers(
        0, max(count, 1), size=(BOOTSTRAP_SAMPLES, count)
    )
    results: dict[str, dict[str, object]] = {}
    for name, found in rows.items():
        values: np.ndarray = np.asarray(found).reshape(count, len(METRICS))
        metrics: dict[str, object] = {
            metric: round(float(values[:, i].mean()), 4) if count else 0.0
            for i, metric in enumerate(METRICS)
        }
        if count:
            means = values[resamples].mean(axis=1)  # resample x metric
            low, high = np.percentile(means, [2.5, 97.5], axis=0)
            metrics["ci95"] = {
                metric: [round(float(low[i]), 4), round(float(high[i]), 4)]
                for i, metric in enumerate(METRICS)
            }
        metrics["briefs"] = count
        results[name] = metrics
    return results


def walk_forward_folds(
    labels: list[Label], briefs: dict[str, BriefData], folds: int
) -> list[tuple[date, date | None, set[str], set[str]]]:
    """Rolling-origin folds: the labelled briefs in publication order cut into
    ``folds + 1`` periods of about as many briefs; fold *i* trains on the briefs
    published before period *i* and tests on period *i*. Each is ``(cutoff, until,
    train, test)``; a period is whole days, so a cutoff never splits a day."""
    dated = sorted(
        {
            label.brief
            for label in labels
            if label.brief in briefs and briefs[label.brief].published_at
        },
        key=lambda b: (briefs[b].published_at, b),
    )
    day: dict[str, date] = {b: briefs[b].published_at or date.min for b in dated}
    cutoffs = sorted(
        {day[dated[len(dated) * i // (folds + 1)]] for i in range(1, folds + 1)} if dated else set()
    )
    found = []
    for number, cutoff in enumerate(cutoffs):
        until = cutoffs[number + 1] if number + 1 < len(cutoffs) else None
        train = {b for b in dated if day[b] < cutoff}
        test = {b for b in dated if cutoff <= day[b] and (until is None or day[b] < until)}
        if train and test:
            found.append((cutoff, until, train, test))
    return found


def known_by(labels: list[Label], cutoff: date) -> list[Label]:
    """The labels decided before ``cutoff`` (an undated label counts from its brief)."""
    return [label for label in labels if label.decided_at is None or label.decided_at < cutoff]
