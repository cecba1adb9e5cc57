"""What the features read from firms and track records, kept as columns.

A firm is a candidate for many briefs, and most of what the features read from it does
not depend on the brief: its rates, rating, labels, analysed texts, and the sets and
counts of its track record. Each firm (``VendorData``) and each track record
(``Record``) gets a row here the first time a match meets it, and a match then reads
its candidates' values by row: one array operation per feature instead of a Python pass
over hundreds of objects, and their analysed texts as slices of one array instead of a
memo lookup per text.

Rows belong to objects, which are immutable: a firm that changes is a new
``VendorData`` (``matchmaking.selectors``) and gets a new row; the old row is garbage
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
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from matchmaking.ranking.data import VendorData, region_of
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

    def add(self, row: int, terms: TermRows) -> None:
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
        self.first[row], self.count[row] = self.texts, texts
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

    def add(self, row: int, labels: Iterable[tuple[str, float]]) -> None:
        for label, count in labels:
            rows, counts, used = self.postings.get(label, _NO_POSTING)
            if used == len(rows):  # readers keep the arrays they took: grow a copy
                rows, counts = _grown(rows, max(4, 2 * used)), _grown(counts, max(4, 2 * used))
            rows[used], counts[used] = row, count
            self.postings[label] = (rows, counts, used + 1)

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
        texts: Sequence[str],
        fill: Callable[[_Table[T], int, T], None],
    ) -> None:
        self.number, self._fill = number, fill
        self.size, self.capacity = 0, FIRST_CAPACITY
        self.numbers = {name: np.full(FIRST_CAPACITY, np.nan) for name in numbers}
        self.labels = {name: _Labels() for name in labels}
        self.texts = {name: _Texts(FIRST_CAPACITY) for name in texts}
        self.garbage = 0
        self._refs: list[weakref.ref[Any]] = []
        self._lock = threading.Lock()

    def rows(self, objects: Sequence[T]) -> np.ndarray:
        number = self.number
        found = [o.__dict__.get(_ROW, (0, -1)) for o in objects]
        rows = np.fromiter((row if held == number else -1 for held, row in found), int, len(found))
        if (rows < 0).any():
            with self._lock:
                for i in np.flatnonzero(rows < 0):
                    rows[i] = self._add(objects[int(i)])
        return rows

    def _add(self, thing: T) -> int:
        held, row = thing.__dict__.get(_ROW, (0, -1))
        if held == self.number:  # another thread added it meanwhile
            return int(row)
        row = self.size
        if row == self.capacity:
            self._grow(2 * self.capacity)
        self._fill(self, row, thing)
        thing.__dict__[_ROW] = (self.number, row)  # frozen dataclasses: as cached_property
        self._refs.append(weakref.ref(thing, self._gone))
        self.size += 1
        return row

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


def _fill_firm(table: _Table[VendorData], row: int, firm: VendorData) -> None:
    numbers = table.numbers
    numbers["rate_min"][row] = _number(firm.rate_min)
    numbers["rate_max"][row] = _number(firm.rate_max or firm.rate_min)
    numbers["min_project_usd"][row] = _number(firm.min_project_usd)
    numbers["rating_average"][row] = _number(firm.rating_average if firm.rating_count else None)
    numbers["rating_count"][row] = firm.rating_count
    numbers["completeness"][row] = firm.completeness
    numbers["updated_on"][row] = _number(firm.updated_on.toordinal() if firm.updated_on else None)
    hours = firm.hours_utc
    numbers["hours_utc"][row] = _number(hours[0] * 24 + hours[1] if hours else None)
    numbers["preferred_min_budget_usd"][row] = _number(firm.preferred_min_budget_usd)
    for kind in ("preferred_industries", "preferred_countries", "preferred_engagement_models"):
        numbers[f"{kind}_any"][row] = bool(getattr(firm, kind))
    numbers["has_past_buyers"][row] = bool(firm.past_buyers)
    numbers["profile_blank"][row] = not firm.profile_text.strip()
    numbers["labels_blank"][row] = not firm.label_text.strip()
    labels = table.labels
    for kind in FIRM_LABELS:
        if kind != "export_regions":
            labels[kind].add(row, _present(getattr(firm, kind)))
    labels["export_regions"].add(row, _present(map(region_of, firm.export_markets)))
    table.texts["profile"].add(row, term_counts(**WORDS).rows_of([firm.profile_text]))
    table.texts["labels"].add(row, term_counts(**CHARACTERS).rows_of([firm.label_text]))


def _fill_record(table: _Table[Record], row: int, record: Record) -> None:
    numbers = table.numbers
    numbers["typical_value"][row] = _number(record.typical_value)
    numbers["latest"][row] = _number(record.latest.toordinal() if record.latest else None)
    numbers["items"][row] = len(record.items)
    labels = table.labels
    labels["industries"].add(row, _present(record.industries))
    labels["countries"].add(row, _present(record.countries))
    labels["regions"].add(row, _present(map(region_of, record.countries)))
    labels["projects"].add(row, record.projects.items())
    labels["families"].add(row, record.families.items())
    ids, names, pairs = Counter[str](), Counter[str](), Counter[str]()
    for (buyer_id, name), count in record.clients.items():
        if buyer_id:
            ids[buyer_id] += count
        if name:
            names[name] += count
        if buyer_id and name:
            pairs[client_pair(buyer_id, name)] += count
    labels["client_ids"].add(row, ids.items())
    labels["client_names"].add(row, names.items())
    labels["client_pairs"].add(row, pairs.items())
    table.texts["items"].add(row, term_counts(**WORDS).rows_of([i.text for i in record.items]))


class Catalogue:
    """Firms' rows and track records' rows (see the module's docstring)."""

    def __init__(self) -> None:
        number = next(_numbers)
        self.firms = _Table(number, FIRM_NUMBERS, FIRM_LABELS, ("profile", "labels"), _fill_firm)
        self.records = _Table(number, RECORD_NUMBERS, RECORD_LABELS, ("items",), _fill_record)

    def rows(self, firms: Sequence[VendorData], records: Sequence[Record]) -> Candidates:
        """The rows of these candidates (firm i with track record i), added if new."""
        return Candidates(self, self.firms.rows(firms), self.records.rows(records))

    @property
    def wasteful(self) -> bool:
        return self.firms.wasteful or self.records.wasteful


@dataclass(frozen=True)
class Candidates:
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
    """Start afresh (with ``features.clear_caches``: rows hold the memo's columns)."""
    global _current
    with _lock:
        _current = Catalogue()
