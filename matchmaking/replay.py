"""Replaying history: train and evaluate rankers as they serve.

Each labelled brief is matched as it would have been on the day it was published: a
temporary embedded index holds the catalogue with only the portfolio projects known by
then, and each firm's track record holds only the wins decided before then
(``ranking.history``). Briefs are replayed in publication order and the index is
updated as projects become known, so a replay costs one index write per change, not
one index per brief.

``train_ranker`` (data from the database) and ``evaluate_ranker`` (data from
interchange files) both run a ``Replay``: the same catalogue and outcomes give the same
figures (a test checks it on demo data; importing may normalise labels, so files and
the database they were imported into can differ slightly).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from buyers.models import Brief
from matchmaking import learning
from matchmaking.ranking.data import BriefData, VendorData, past_relationships
from matchmaking.ranking.history import HistoryItem, Win, dated_portfolio
from matchmaking.ranking.ranker import PriorRanker
from matchmaking.selectors import brief_data, vendor_data, win_of
from matchmaking.services import retrieve_candidates
from search.backends.embedded import EmbeddedBackend
from search.documents import vendor_document


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


def scratch_dir() -> str | None:
    """Where the replay's throw-away index goes: memory (``/dev/shm``) where the system
    has it — each snapshot is a commit, and a commit's fsync on disk was a third of a
    replay — else the default temporary directory."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class Catalogue(Mapping[str, VendorData]):
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
        self.vendors = Catalogue(
            self.rows,
            lambda key: replace(
                vendor_data(self.rows[key]),
                past_buyers=relationships.get(key, {}),
                wins=self.wins.get(key, ()),
            ),
        )
        self.labels = learning.labels_from((o[0], o[1], o[2], o[3], o[4]) for o in self.outcomes)
        self._retrieved: dict[str, list[tuple[str, float]]] = {}

    def retrieve(self, brief_id: str) -> list[tuple[str, float]]:
        return self._retrieved[brief_id]

    def replay_retrieval(self, brief_ids: set[str]) -> None:
        """Retrieve candidates for every brief against the catalogue of its day."""
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

        with tempfile.TemporaryDirectory(prefix="raabta-replay-", dir=scratch_dir()) as workdir:
            index = EmbeddedBackend("replay", {"PATH": workdir})
            if order:
                catch_up(self.briefs[order[0]].published_at or date.max)
            index.rebuild(document(key, 0) for key in self.rows)
            for done, brief_id in enumerate(order, start=1):
                day = self.briefs[brief_id].published_at or date.max
                changed = [document(key, done) for key in sorted(catch_up(day))]
                if changed:
                    index.index_documents(changed)
                self._retrieved[brief_id] = retrieve_candidates(
                    self.brief_objects[brief_id], index.candidates
                )
                if done % 100 == 0 or done == len(order):
                    self.progress.write(f"replayed retrieval for {done:,}/{len(order):,} briefs\n")

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
        first is the one returned), evaluate BM25, ``baselines`` and the trained models
        on the rest. ``learning.NotEnoughOutcomes`` is reported, not raised."""
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
        rankers: dict[str, learning.Ranker | None] = {
            "bm25": None,
            **(baselines if baselines is not None else {"default": PriorRanker().fit()}),
        }
        trained: learning.Ranker | None = None
        not_trained = None
        for number, objective in enumerate(objectives):
            try:
                model = learning.train(data, objective=objective, random_state=seed)
            except learning.NotEnoughOutcomes as error:
                not_trained = str(error)
                break
            trained = trained or model
            rankers[trained_name if number == 0 else f"{trained_name}:{objective}"] = model
        lap("training")
        results = learning.evaluate(
            rankers, self.briefs, self.vendors, self.labels, self.retrieve, test_ids, seed=seed
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
