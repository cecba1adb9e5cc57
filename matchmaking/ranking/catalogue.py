"""What the features read from firms and track records, kept as columns.

A firm is a candidate for many briefs, and most of what the features read from it does
not depend on the brief: its rates, rating, labels, analysed texts, and the sets and
counts of its track record. Each firm (``VendorData``) and each track record
(``Record``) gets a row here the first time a match meets it, and a match then reads
its candidates' values by row: one array operation per feature instead of a Python pass
over hundreds of objects, and their analysed texts as slices of one array instead of a
memo lookup per text. A firm's row also keeps the row of the track record a brief
published on the day it was first met sees, and the days that see the same, so a
match finds its candidates' records by row too (``Catalogue.rows_for``).

Rows belong to objects, which are immutable: a firm that changes is a new
``VendorData`` (``matchmaking.matching.selectors``) and gets a new row; the old row is garbage
once the old object is gone. When garbage outnumbers the live rows the catalogue starts
afresh (``catalogue()``) and objects take rows in the new one as they are met again.
A row is found through the object itself (``_ROW`` in its ``__dict__``, with the
catalogue's number), so no table keyed by object is kept alive.

One process-wide catalogue, shared with forked workers when a server reads firms ahead
(``core.runtime``). Rows are added under a lock; readers hold the arrays they read, and
arrays only grow by copying, so a reader never sees a half-written row.
"""

from __future__ import annotations

import itertools
import math
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from matchmaking.ranking.data import BriefData, VendorData, region_of, service_day
from matchmaking.ranking.history import Record
from matchmaking.ranking.terms import CHARACTERS, WORDS, TermRows, term_counts

T = TypeVar("T")
_ROW = "_catalogue_row"  # (catalogue number, row) in an object's __dict__
_numbers = itertools.count(1)
FIRST_CAPACITY = 1024
# Start afresh when this many rows are garbage and they outnumber the live ones.
GARBAGE_FLOOR = 2048


def _spans(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions ``starts[i] .. starts[i] + lengths[i]`` for each i, in order."""
    ends = np.cumsum(lengths)
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - lengths), lengths)


class _Texts:
    """Each row's analysed texts (none, one, or several: a record's items) as term rows
    laid end to end, one growing array each for columns and term frequencies."""

    def __init__(self, capacity: int) -> None:
        self.columns = np.zeros(4 * capacity, dtype=np.int32)
        self.tf = np.zeros(4 * capacity)
        self.used = 0
        self.text_ends = np.zeros(capacity, dtype=np.int64)  # per text: where it ends
        self.texts = 0
        self.first = np.zeros(capacity, dtype=np.int64)  # per row: its first text
        self.count = np.zeros(capacity, dtype=np.int64)  # per row: how many texts

    def grow_rows(self, capacity: int) -> None:
        self.first = _grown(self.first, capacity)
        self.count = _grown(self.count, capacity)

    def add_many(self, start: int, terms: TermRows, counts: list[int]) -> None:
        """Rows ``start``, ``start + 1``, ... holding ``counts[i]`` texts each, whose
        term rows are ``terms`` in order."""
        values, texts = len(terms.columns), terms.count
        if self.used + values > len(self.columns):
            size = max(2 * len(self.columns), self.used + values)
            self.columns, self.tf = _grown(self.columns, size), _grown(self.tf, size)
        if self.texts + texts > len(self.text_ends):
            size = max(2 * len(self.text_ends), self.texts + texts)
            self.text_ends = _grown(self.text_ends, size)
        self.columns[self.used : self.used + values] = terms.columns
        self.tf[self.used : self.used + values] = terms.tf
        self.text_ends[self.texts : self.texts + texts] = terms.ends + self.used
        held = np.asarray(counts, dtype=np.int64)
        self.first[start : start + len(held)] = self.texts + np.cumsum(held) - held
        self.count[start : start + len(held)] = held
        self.used += values
        self.texts += texts

    def take(self, rows: np.ndarray) -> TermRows:
        """The term rows of these rows' texts, in order (as ``TermCounts.rows_of`` gives
        them for the same texts)."""
        texts = _spans(self.first[rows], self.count[rows])
        ends = self.text_ends[texts]
        lengths = ends - np.where(texts > 0, self.text_ends[texts - 1], 0)
        at = _spans(ends - lengths, lengths)
        return TermRows(self.columns[at], self.tf[at], np.cumsum(lengths, dtype=np.int64))


def _grown(array: np.ndarray, size: int) -> np.ndarray:
    grown = np.zeros(size, dtype=array.dtype)
    grown[: len(array)] = array
    return grown


class _Labels:
    """One kind of label (services, countries, client names, ...): for each label met,
    the rows holding it and how many times each holds it (1 for sets). Rows are added
    in increasing order, so each label's rows stay sorted and a row is found by
    bisection; memory follows the labels held, not rows x labels met (a kind may have
    tens of thousands of labels: clients)."""

    def __init__(self) -> None:
        # label -> (rows, counts, how many of them are used)
        self.postings: dict[str, tuple[np.ndarray, np.ndarray, int]] = {}

    def add_many(self, start: int, labels: list[Iterable[tuple[str, float]]]) -> None:
        """Rows ``start``, ``start + 1``, ... holding ``labels[i]`` (label, count) each."""
        new: dict[str, tuple[list[int], list[float]]] = {}
        for row, held in enumerate(labels, start):
            for label, count in held:
                rows, counts = new.setdefault(label, ([], []))
                rows.append(row)
                counts.append(count)
        for label, (rows, counts) in new.items():
            old_rows, old_counts, used = self.postings.get(label, _NO_POSTING)
            if used + len(rows) > len(old_rows):  # readers keep the arrays they took
                size = max(4, 2 * used, used + len(rows))
                old_rows, old_counts = _grown(old_rows, size), _grown(old_counts, size)
            old_rows[used : used + len(rows)] = rows
            old_counts[used : used + len(rows)] = counts
            self.postings[label] = (old_rows, old_counts, used + len(rows))

    def held(self, wanted: Sequence[str], rows: np.ndarray) -> np.ndarray:
        """For each row, how many of ``wanted`` it holds (a label wanted twice counts
        twice, as ``features._overlap`` counts it)."""
        total = np.zeros(len(rows))
        for label in wanted:
            posting = self.postings.get(label)
            if posting is None:
                continue
            holders, counts, used = posting
            at = np.minimum(np.searchsorted(holders[:used], rows), used - 1)
            total += np.where(holders[at] == rows, counts[at], 0.0)
        return total


_NO_POSTING = (np.zeros(0, dtype=np.int64), np.zeros(0), 0)


class _Table(Generic[T]):
    """Rows for one kind of object: numbers (NaN for none), labels, analysed texts."""

    def __init__(
        self,
        number: int,
        numbers: Sequence[str],
        labels: Sequence[str],
        texts: dict[str, dict[str, Any]],
        describe: Callable[[T], Entry],
    ) -> None:
        self.number, self._describe = number, describe
        self.size, self.capacity = 0, FIRST_CAPACITY
        self.numbers = {name: np.full(FIRST_CAPACITY, np.nan) for name in numbers}
        self.labels = {name: _Labels() for name in labels}
        self.texts = {name: _Texts(FIRST_CAPACITY) for name in texts}
        self._analysers = texts  # each kind of text's analyser options (``terms``)
        self.garbage = 0
        self._refs: list[weakref.ref[Any]] = []
        self._lock = threading.Lock()

    def rows(self, objects: Sequence[T]) -> np.ndarray:
        number = self.number
        found = [o.__dict__.get(_ROW, (0, -1)) for o in objects]
        rows = np.fromiter((row if held == number else -1 for held, row in found), int, len(found))
        new = np.flatnonzero(rows < 0).tolist()
        if new:
            with self._lock:  # looked at again under the lock: another thread may have added some
                missing: dict[int, T] = {}
                for i in new:
                    held, row = objects[i].__dict__.get(_ROW, (0, -1))
                    if held == number:
                        rows[i] = row
                    else:
                        missing.setdefault(id(objects[i]), objects[i])
                added = self._add_many(list(missing.values()))
            # From what this table returned, not from the objects: a fresh catalogue may
            # meanwhile have given them rows of its own.
            for i in new:
                rows[i] = added.get(id(objects[i]), rows[i])
        return rows

    def _add_many(self, things: list[T]) -> dict[int, int]:
        """Rows for these objects, described and stored in one pass per column; each
        object's row by its ``id``."""
        start, end = self.size, self.size + len(things)
        if end > self.capacity:
            self._grow(max(2 * self.capacity, end))
        entries = [self._describe(thing) for thing in things]
        for name, column in self.numbers.items():
            column[start:end] = [entry.numbers[name] for entry in entries]
        for kind, labels in self.labels.items():
            labels.add_many(start, [entry.labels[kind] for entry in entries])
        for kind, texts in self.texts.items():
            groups = [entry.texts[kind] for entry in entries]
            analysed = term_counts(**self._analysers[kind]).rows_of(
                [text for group in groups for text in group]
            )
            texts.add_many(start, analysed, [len(group) for group in groups])
        for row, thing in enumerate(things, start):
            thing.__dict__[_ROW] = (self.number, row)  # frozen dataclasses: as cached_property
            self._refs.append(weakref.ref(thing, self._gone))
        self.size = end
        return {id(thing): row for row, thing in enumerate(things, start)}

    def set_unset(self, rows: np.ndarray, values: Mapping[str, np.ndarray]) -> None:
        """Set these rows' numbers where the first column of ``values`` is still NaN
        (under the lock: a column grown meanwhile is copied with them, and the numbers
        of a row are set together, once)."""
        with self._lock:
            first = self.numbers[next(iter(values))]
            unset = np.isnan(first[rows])
            for name, column in values.items():
                self.numbers[name][rows[unset]] = column[unset]

    def _gone(self, _: weakref.ref[Any]) -> None:
        self.garbage += 1

    def _grow(self, capacity: int) -> None:
        self.numbers = {
            name: np.concatenate([column, np.full(capacity - self.capacity, np.nan)])
            for name, column in self.numbers.items()
        }
        for texts in self.texts.values():
            texts.grow_rows(capacity)
        self.capacity = capacity

    @property
    def wasteful(self) -> bool:
        return self.garbage >= GARBAGE_FLOOR and self.garbage > self.size - self.garbage


def _present(values: Iterable[str | None]) -> list[tuple[str, float]]:
    """Labels of a set (``None``: no region) as counts of one."""
    return [(value, 1.0) for value in values if value is not None]


def _number(value: float | None) -> float:
    return np.nan if value is None else value


# The track record a brief of the day the firm was first met sees (``view_row``, a row
# of the records table), and the publication days that see the same
# (``VendorData.seen_alike``, ordinals: from, up to but not including until).
VIEW = ("view_from", "view_until", "view_row")
FIRM_NUMBERS = (
    "rate_min",
    "rate_max",  # the maximum, or the minimum when only that is known
    "min_project_usd",
    "rating_average",  # when the firm has ratings
    "rating_count",
    "completeness",
    "updated_on",  # ordinal
    "hours_utc",  # start x 24 + end
    "preferred_min_budget_usd",
    "preferred_industries_any",
    "preferred_countries_any",
    "preferred_engagement_models_any",
    "has_past_buyers",
    "profile_blank",
    "labels_blank",
    *VIEW,
)
FIRM_LABELS = (
    "services",
    "technologies",
    "industries",
    "languages",
    "certifications",
    "claimed_certifications",
    "export_markets",
    "export_regions",
    "preferred_industries",
    "preferred_countries",
    "preferred_engagement_models",
    "item_briefs",  # the briefs its items are the outcomes of
)
RECORD_NUMBERS = ("typical_value", "latest", "items")
RECORD_LABELS = (
    "industries",
    "countries",
    "regions",
    "projects",  # items per industry
    "families",  # items per buyer organisation family
    "client_ids",  # items per buyer id
    "client_names",  # items per client name (``history.client_key``)
    "client_pairs",  # items per buyer id and client name (``client_pair``)
)


def client_pair(buyer_id: str, name: str) -> str:
    return f"{buyer_id}\n{name}"


@dataclass(frozen=True)
class Entry:
    """One object's row before it is stored: its numbers (NaN for none), its labels of
    each kind as (label, count) pairs, and its texts of each kind."""

    numbers: Mapping[str, float]
    labels: Mapping[str, Iterable[tuple[str, float]]]
    texts: Mapping[str, list[str]]


def _describe_firm(firm: VendorData) -> Entry:
    hours = firm.hours_utc
    numbers = {
        "rate_min": _number(firm.rate_min),
        "rate_max": _number(firm.rate_max or firm.rate_min),
        "min_project_usd": _number(firm.min_project_usd),
        "rating_average": _number(firm.rating_average if firm.rating_count else None),
        "rating_count": firm.rating_count,
        "completeness": firm.completeness,
        "updated_on": _number(firm.updated_on.toordinal() if firm.updated_on else None),
        "hours_utc": _number(hours[0] * 24 + hours[1] if hours else None),
        "preferred_min_budget_usd": _number(firm.preferred_min_budget_usd),
        "has_past_buyers": bool(firm.past_buyers),
        "profile_blank": not firm.profile_text.strip(),
        "labels_blank": not firm.label_text.strip(),
        **dict.fromkeys(VIEW, np.nan),  # set when a match first reads them (``Catalogue.rows_for``)
    }
    for kind in ("preferred_industries", "preferred_countries", "preferred_engagement_models"):
        numbers[f"{kind}_any"] = bool(getattr(firm, kind))
    labels = {
        kind: _present(getattr(firm, kind)) for kind in FIRM_LABELS if kind != "export_regions"
    }
    labels["export_regions"] = _present(map(region_of, firm.export_markets))
    return Entry(numbers, labels, {"profile": [firm.profile_text], "labels": [firm.label_text]})


def _describe_record(record: Record) -> Entry:
    ids, names, pairs = Counter[str](), Counter[str](), Counter[str]()
    for (buyer_id, name), count in record.clients.items():
        if buyer_id:
            ids[buyer_id] += count
        if name:
            names[name] += count
        if buyer_id and name:
            pairs[client_pair(buyer_id, name)] += count
    return Entry(
        numbers={
            "typical_value": _number(record.typical_value),
            "latest": _number(record.latest.toordinal() if record.latest else None),
            "items": len(record.items),
        },
        labels={
            "industries": _present(record.industries),
            "countries": _present(record.countries),
            "regions": _present(map(region_of, record.countries)),
            "projects": record.projects.items(),
            "families": record.families.items(),
            "client_ids": ids.items(),
            "client_names": names.items(),
            "client_pairs": pairs.items(),
        },
        texts={"items": [item.text for item in record.items]},
    )


class Catalogue:
    """Firms' rows and track records' rows (see the module's docstring)."""

    def __init__(self) -> None:
        number = next(_numbers)
        self.firms = _Table(
            number,
            FIRM_NUMBERS,
            FIRM_LABELS,
            {"profile": WORDS, "labels": CHARACTERS},
            _describe_firm,
        )
        self.records = _Table(
            number, RECORD_NUMBERS, RECORD_LABELS, {"items": WORDS}, _describe_record
        )

    def rows_for(self, brief: BriefData, firms: Sequence[VendorData]) -> CandidateRows:
        """The rows of these candidates with the track records ``brief`` may see
        (``VendorData.record_for``), added if new. Most briefs are published on a day
        that sees what the day a firm was first met saw — a new brief always does —
        so each firm's row keeps that record's row and the days it holds for, and only
        the other candidates (older briefs, a brief among a firm's outcomes) are asked
        one by one."""
        firm_rows = self.meet(firms)
        numbers = self.firms.numbers
        day = brief.published_at.toordinal() if brief.published_at else math.inf
        until = numbers["view_until"][firm_rows]
        seen = (numbers["view_from"][firm_rows] <= day) & ((day < until) | (until == math.inf))
        if brief.id:
            seen &= self.firms.labels["item_briefs"].held((brief.id,), firm_rows) == 0
        # Rows not seen so are filled below (-1 until then; never a NaN cast).
        record_rows = np.where(seen, numbers["view_row"][firm_rows], -1).astype(np.int64)
        others = np.flatnonzero(~seen).tolist()
        if others:
            records = [firms[i].record_for(brief) for i in others]
            record_rows[others] = self.records.rows(records)
        return CandidateRows(self, firm_rows, record_rows)

    def meet(self, firms: Sequence[VendorData]) -> np.ndarray:
        """These firms' rows, added if new, each with the track record a brief of today
        sees (``rows_for``) analysed and given a row too."""
        firm_rows = self.firms.rows(firms)
        unset = np.flatnonzero(np.isnan(self.firms.numbers["view_row"][firm_rows])).tolist()
        if unset:
            self._set_views([firms[i] for i in unset], firm_rows[unset])
        return firm_rows

    def _set_views(self, firms: list[VendorData], rows: np.ndarray) -> None:
        today = service_day()
        spans = [firm.seen_alike(today) for firm in firms]
        self.firms.set_unset(
            rows,
            {  # ``view_row`` first: a row whose record row is NaN is set again
                "view_row": self.records.rows([firm.record_on(today) for firm in firms]),
                "view_from": np.array([start.toordinal() for start, _ in spans], dtype=float),
                "view_until": np.array(
                    [end.toordinal() if end else math.inf for _, end in spans], dtype=float
                ),
            },
        )

    @property
    def wasteful(self) -> bool:
        return self.firms.wasteful or self.records.wasteful


@dataclass(frozen=True)
class CandidateRows:
    """A match's candidates as rows: their values read as columns, in their order."""

    catalogue: Catalogue
    firm_rows: np.ndarray
    record_rows: np.ndarray

    def __len__(self) -> int:
        return len(self.firm_rows)

    def firm(self, name: str) -> np.ndarray:
        return self.catalogue.firms.numbers[name][self.firm_rows]

    def record(self, name: str) -> np.ndarray:
        return self.catalogue.records.numbers[name][self.record_rows]

    def firm_holds(self, kind: str, wanted: Sequence[str]) -> np.ndarray:
        """How many of ``wanted`` each firm holds among its labels of this kind."""
        return self.catalogue.firms.labels[kind].held(wanted, self.firm_rows)

    def record_holds(self, kind: str, wanted: Sequence[str]) -> np.ndarray:
        return self.catalogue.records.labels[kind].held(wanted, self.record_rows)

    def firm_texts(self, kind: str) -> TermRows:
        return self.catalogue.firms.texts[kind].take(self.firm_rows)

    def record_texts(self, kind: str) -> tuple[TermRows, np.ndarray]:
        """The records' texts of this kind, and how many each record has."""
        texts = self.catalogue.records.texts[kind]
        return texts.take(self.record_rows), texts.count[self.record_rows]


_current = Catalogue()
_lock = threading.Lock()


def catalogue() -> Catalogue:
    """The process's catalogue, a fresh one when the old one is mostly garbage."""
    global _current
    if _current.wasteful:
        with _lock:
            if _current.wasteful:
                _current = Catalogue()
    return _current


def clear() -> None:
    """Start afresh (with ``extraction.clear_caches``: rows hold the memo's columns)."""
    global _current
    with _lock:
        _current = Catalogue()
