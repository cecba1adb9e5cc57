"""Replaying history: train and evaluate rankers as they serve.

Each labelled brief is matched as it would have been on the day it was published: a
throw-away index on the engine the service is configured with (embedded, or
Elasticsearch when ``ELASTICSEARCH_URL`` is set) holds the catalogue with only the
portfolio projects known by then, and each firm's track record holds only the wins
decided before then (``ranking.history``). Briefs are replayed in publication order and the index is
updated as projects become known, so a replay costs one index write per change, not
one index per brief.

``train_ranker`` (data from the database) and ``evaluate_ranker`` (data from
interchange files) both run a ``Replay``: the same catalogue and outcomes give the same
figures (a test checks it on demo data; importing may normalise labels, so files and
the database they were imported into can differ slightly).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol

from django.conf import settings

from buyers.models import Brief
from matchmaking.matching.selectors import brief_data, vendor_data, win_of
from matchmaking.matching.services import retrieve_candidates
from matchmaking.ranking.data import BriefData, VendorData, past_relationships
from matchmaking.ranking.history import HistoryItem, Win, dated_portfolio
from matchmaking.ranking.ranker import PriorRanker
from matchmaking.training import learning
from matchmaking.training.reference import PlainBM25
from search.documents import vendor_document
from search.loading import scratch_search_backend


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


# (brief, vendor, stage, decided_at, rank, value_usd)
OutcomeRow = tuple[str, str, str, date | None, int | None, int | None]


@dataclass
class Report:
    train_briefs: int
    test_briefs: int
    training_pairs: int
    implicit_negatives: int
    results: dict[str, dict[str, Any]]
    trained: learning.Ranker | None = None
    not_trained: str | None = None  # why, when nothing could be learned
    position_bias: list[dict[str, object]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per phase

    def summary(self) -> dict[str, Any]:
        return {
            "train_briefs": self.train_briefs,
            "test_briefs": self.test_briefs,
            "training_pairs": self.training_pairs,
            "implicit_negatives": self.implicit_negatives,
            "not_trained": self.not_trained,
            "results": self.results,
            "position_bias": self.position_bias,
        }


class LazyFirms(Mapping[str, VendorData]):
    """Each firm's ranker data, built the first time it is asked for: a replay over a
    large catalogue touches the firms that were retrieved or judged, not all of them."""

    def __init__(self, rows: dict[str, dict[str, Any]], make: Callable[[str], VendorData]):
        self._rows = rows
        self._make = make
        self._built: dict[str, VendorData] = {}

    def __getitem__(self, key: str) -> VendorData:
        found = self._built.get(key)
        if found is None:
            if key not in self._rows:
                raise KeyError(key)
            found = self._built[key] = self._make(key)
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


class Replay:
    def __init__(
        self,
        rows: Iterable[dict[str, Any]],
        briefs: Iterable[Brief],
        outcomes: Iterable[OutcomeRow],
        *,
        progress: Writer | None = None,
    ) -> None:
        """``rows``: vendor rows (``search.documents.DOCUMENT_COLUMNS`` and
        ``selectors.VENDOR_COLUMNS``); ``briefs``: briefs with their buyers (saved or
        not); ``outcomes``: as ``OutcomeRow``."""
        self.rows = {row["external_id"]: row for row in rows}
        self.brief_objects = {brief.external_id: brief for brief in briefs}
        self.outcomes = [o for o in outcomes if o[0] in self.brief_objects and o[1] in self.rows]
        self.progress = progress or sys.stderr
        self.briefs: dict[str, BriefData] = {
            key: brief_data(brief) for key, brief in self.brief_objects.items()
        }
        wins: dict[str, list[Win]] = {}
        for brief, vendor, stage, decided_at, _, value in self.outcomes:
            if stage == "won":
                wins.setdefault(vendor, []).append(win_of(self.briefs[brief], decided_at, value))
        buyer_of = {key: data.buyer_id for key, data in self.briefs.items()}
        relationships = past_relationships(
            ((o[0], o[1], o[2], o[3]) for o in self.outcomes), buyer_of
        )
        self.wins = {key: tuple(found) for key, found in wins.items()}
        self.vendors = LazyFirms(
            self.rows,
            lambda key: replace(
                vendor_data(self.rows[key]),
                past_buyers=relationships.get(key, {}),
                wins=self.wins.get(key, ()),
            ),
        )
        self.labels = learning.labels_from((o[0], o[1], o[2], o[3], o[4]) for o in self.outcomes)
        self._retrieved: dict[str, list[tuple[str, float]]] = {}
        self.reference = PlainBM25(self.rows)
        self._referenced: dict[str, list[tuple[str, float]]] = {}

    def retrieve(self, brief_id: str) -> list[tuple[str, float]]:
        """Stage 1's candidates for a brief, as the catalogue of its day gave them."""
        return self._retrieved[brief_id]

    def referenced(self, brief_id: str) -> list[tuple[str, float]]:
        """The plain BM25 reference's ranking for a brief, on the catalogue of its day."""
        return self._referenced[brief_id]

    def replay_retrieval(self, brief_ids: set[str]) -> None:
        """Retrieve candidates for every brief against the catalogue of its day."""
        if not brief_ids:
            return
        order = sorted(brief_ids, key=lambda b: (self.briefs[b].published_at or date.max, b))
        # When each portfolio project enters the catalogue, earliest first.
        events = sorted(
            (item.known_from, key, number)
            for key, row in self.rows.items()
            for number, item in enumerate(
                dated_portfolio(self.vendors[key].portfolio, self.wins[key])
                if key in self.wins
                else (HistoryItem(year=raw.get("year")) for raw in row["portfolio"])
            )
        )
        shown: dict[str, set[int]] = {key: set() for key in self.rows}
        pending = 0

        def catch_up(day: date) -> set[str]:
            """Enter every project known by ``day``; the firms whose catalogue changed."""
            nonlocal pending
            touched = set()
            while pending < len(events) and events[pending][0] <= day:
                _, key, number = events[pending]
                shown[key].add(number)
                touched.add(key)
                pending += 1
            return touched

        def document(key: str, version: int) -> dict[str, Any]:
            row = self.rows[key]
            portfolio = [item for n, item in enumerate(row["portfolio"]) if n in shown[key]]
            # a new version per snapshot: the index keeps the newest
            return vendor_document(
                {**row, "version": row["version"] + version, "portfolio": portfolio}
            )

        judged: dict[str, set[str]] = {}
        for label in self.labels:
            judged.setdefault(label.brief, set()).add(label.vendor)
        with scratch_search_backend() as index:
            if order:
                catch_up(self.briefs[order[0]].published_at or date.max)
            index.rebuild(document(key, 0) for key in self.rows)
            self.reference.catalogue(shown)
            for done, brief_id in enumerate(order, start=1):
                day = self.briefs[brief_id].published_at or date.max
                changed = [document(key, done) for key in sorted(catch_up(day))]
                if changed:
                    index.index_documents(changed)
                    self.reference.catalogue(shown)
                self._retrieved[brief_id] = retrieve_candidates(
                    self.brief_objects[brief_id], index.candidates
                )
                self._referenced[brief_id] = self.reference.rank(
                    self.briefs[brief_id], keep=judged.get(brief_id, ())
                )
                if done % 100 == 0 or done == len(order):
                    self.progress.write(f"replayed retrieval for {done:,}/{len(order):,} briefs\n")

    def _fit(
        self,
        data: learning.TrainingSet,
        objectives: Iterable[str],
        trained_name: str,
        seed: int,
    ) -> tuple[dict[str, learning.Ranker], learning.Ranker | None, str | None]:
        """One model per objective (named ``trained_name``, then ``name:objective``),
        the first of them, and why nothing was trained if nothing was."""
        models: dict[str, learning.Ranker] = {}
        for number, objective in enumerate(objectives):
            try:
                model = learning.train(data, objective=objective, random_state=seed)
            except learning.NotEnoughOutcomes as error:
                return models, next(iter(models.values()), None), str(error)
            models[trained_name if number == 0 else f"{trained_name}:{objective}"] = model
        return models, next(iter(models.values()), None), None

    def _evaluated(
        self, rankers: dict[str, learning.Ranker | None], test: set[str]
    ) -> learning.EvaluationRows:
        """The plain BM25 reference's and each ranker's figures on the ``test`` briefs,
        each ranker's order as ``match`` serves it."""
        return learning.evaluation_rows(
            rankers,
            self.briefs,
            self.vendors,
            self.labels,
            self.retrieve,
            test,
            orders={"bm25": self.referenced},
            floor=settings.RAABTA_EXPOSURE_FLOOR,
        )

    def _baselines(
        self, baselines: dict[str, learning.Ranker | None] | None
    ) -> dict[str, learning.Ranker | None]:
        """What a trained ranker is compared with: stage 1's own order, then the
        serving ranker (``default``: the untrained prior)."""
        return {
            "stage1": None,
            **(baselines if baselines is not None else {"default": PriorRanker().fit()}),
        }

    def run(
        self,
        split_date: date | None,
        *,
        baselines: dict[str, learning.Ranker | None] | None = None,
        trained_name: str = "trained",
        objectives: Iterable[str] = ("pointwise",),
        seed: int = 0,
    ) -> Report:
        """Train on briefs published before ``split_date`` (one model per objective; the
        first is the one returned), evaluate the plain BM25 reference, stage 1,
        ``baselines`` and the trained models on the rest. ``learning.NotEnoughOutcomes``
        is reported, not raised."""
        clock = time.perf_counter()
        seconds: dict[str, float] = {}

        def lap(phase: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            seconds[phase] = round(now - clock, 2)
            clock = now

        train_ids, test_ids = learning.split(self.labels, self.briefs, split_date)
        self.replay_retrieval(train_ids | test_ids)
        lap("replay")
        data = learning.training_set(
            self.briefs, self.vendors, self.labels, self.retrieve, train_ids, seed=seed
        )
        models, trained, not_trained = self._fit(data, objectives, trained_name, seed)
        lap("training")
        results = learning.summarise(
            self._evaluated({**self._baselines(baselines), **models}, test_ids), seed=seed
        )
        lap("evaluation")
        return Report(
            train_briefs=len(train_ids),
            test_briefs=len(test_ids),
            training_pairs=len(data.grades),
            implicit_negatives=data.implicit,
            results=results,
            trained=trained,
            not_trained=not_trained,
            position_bias=learning.position_bias(self.labels),
            seconds=seconds,
        )

    def walk_forward(
        self,
        folds: int,
        *,
        baselines: dict[str, learning.Ranker | None] | None = None,
        trained_name: str = "trained",
        objectives: Iterable[str] = ("pointwise",),
        seed: int = 0,
    ) -> WalkForward:
        """Rolling-origin evaluation (``learning.walk_forward_folds``): each fold trains
        on the outcomes decided before its cutoff and is judged on the next period's
        briefs. The pooled figures put every fold's test briefs together. Where a fold
        has too little to learn from, the first of ``baselines`` stands in for the
        trained ranker, as it would keep serving."""
        objectives = list(objectives)
        found = learning.walk_forward_folds(self.labels, self.briefs, folds)
        if not found:
            raise learning.NotEnoughOutcomes(
                "no walk-forward fold has labelled briefs both before and after its cutoff"
            )
        started = time.perf_counter()
        self.replay_retrieval(set().union(*(train | test for _, _, train, test in found)))
        seconds = {"replay": round(time.perf_counter() - started, 2)}
        started = time.perf_counter()
        compared = self._baselines(baselines)
        serving = next(name for name in compared if name != "stage1")
        report = WalkForward(folds=[], pooled={}, seconds=seconds)
        pooled: learning.EvaluationRows = {}
        for cutoff, until, train, test in found:
            data = learning.training_set(
                self.briefs,
                self.vendors,
                learning.known_by(self.labels, cutoff),
                self.retrieve,
                train,
                seed=seed,
            )
            models, trained, not_trained = self._fit(data, objectives, trained_name, seed)
            standing_in = {trained_name: compared[serving]} if trained is None else {}
            rows = self._evaluated({**compared, **standing_in, **models}, test)
            for name, values in rows.items():
                pooled.setdefault(name, []).extend(values)
            report.folds.append(
                Fold(
                    cutoff=cutoff,
                    until=until,
                    train_briefs=len(data.briefs),
                    training_pairs=len(data.grades),
                    results=learning.summarise(rows, seed=seed),
                    not_trained=not_trained,
                )
            )
        report.pooled = learning.summarise(pooled, seed=seed)
        seconds["training and evaluation"] = round(time.perf_counter() - started, 2)
        return report

    def fit_all(self, *, objective: str = "pointwise", seed: int = 0) -> learning.Ranker:
        """A model trained on every labelled brief: what ``train_ranker`` saves once the
        method passed its walk-forward check (``NotEnoughOutcomes`` when it cannot)."""
        labelled = {label.brief for label in self.labels if label.brief in self.briefs}
        self.replay_retrieval(labelled - set(self._retrieved))
        data = learning.training_set(
            self.briefs, self.vendors, self.labels, self.retrieve, labelled, seed=seed
        )
        return learning.train(data, objective=objective, random_state=seed)


@dataclass
class Fold:
    """One walk-forward fold: trained on what was decided before ``cutoff``, judged on
    the briefs published from ``cutoff`` until ``until`` (``None``: the end)."""

    cutoff: date
    until: date | None
    train_briefs: int  # training briefs with a usable label
    training_pairs: int
    results: dict[str, dict[str, Any]]
    not_trained: str | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "train_briefs": self.train_briefs,
            "training_pairs": self.training_pairs,
            "not_trained": self.not_trained,
            "results": self.results,
        }


@dataclass
class WalkForward:
    folds: list[Fold]
    pooled: dict[str, dict[str, Any]]
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {"folds": [fold.summary() for fold in self.folds], "pooled": self.pooled}
