"""The columns a catalogue keeps for one kind of object (``Table``): numbers (NaN for
none), labels as postings (the rows holding each label), and analysed texts laid end to
end, with the row found through the object itself (``ROW`` in its ``__dict__``). Plain
Python and numpy; what fills them is ``matchmaking.ranking.catalogue``."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from matchmaking.ranking.terms import TermRows, term_counts

T = TypeVar("T")
ROW = "_catalogue_row"  # (catalogue number, row) in an object's __dict__
FIRST_CAPACITY = 1024
# Start afresh when this many rows are garbage and they outnumber the live ones.
GARBAGE_FLOOR = 2048


def _spans(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions ``starts[i] .. starts[i] + lengths[i]`` for each i, in order."""
    ends = np.cumsum(lengths)
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - lengths), lengths)


class Texts:
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


class Labels:
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
            old_rows, old_counts, used = self.postings.get(label, NO_POSTING)
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


NO_POSTING = (np.zeros(0, dtype=np.int64), np.zeros(0), 0)


class Table(Generic[T]):
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
        self.labels = {name: Labels() for name in labels}
        self.texts = {name: Texts(FIRST_CAPACITY) for name in texts}
        self._analysers = texts  # each kind of text's analyser options (``terms``)
        self.garbage = 0
        self._refs: list[weakref.ref[Any]] = []
        self._lock = threading.Lock()

    def rows(self, objects: Sequence[T]) -> np.ndarray:
        number = self.number
        found = [o.__dict__.get(ROW, (0, -1)) for o in objects]
        rows = np.fromiter((row if held == number else -1 for held, row in found), int, len(found))
        new = np.flatnonzero(rows < 0).tolist()
        if new:
            with self._lock:  # looked at again under the lock: another thread may have added some
                missing: dict[int, T] = {}
                for i in new:
                    held, row = objects[i].__dict__.get(ROW, (0, -1))
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
            thing.__dict__[ROW] = (self.number, row)  # frozen dataclasses: as cached_property
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


@dataclass(frozen=True)
class Entry:
    """One object's row before it is stored: its numbers (NaN for none), its labels of
    each kind as (label, count) pairs, and its texts of each kind."""

    numbers: Mapping[str, float]
    labels: Mapping[str, Iterable[tuple[str, float]]]
    texts: Mapping[str, list[str]]
