"""Importing JSON Lines files: per-line validation, batched writes, a line-level report.

A bad line is rejected alone, with its line number, field and reason; the good lines
around it are stored. The writing itself is the app's service (``write_batch``), so
the HTTP import endpoint and the command share one path.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

import orjson
from django.conf import settings
from django.db import DatabaseError
from pydantic import ValidationError

from core.money import RateTable
from core.outbox import consumers_deferred
from core.schema import KeyedRecord, field_errors, validate_record


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    reason: str
    external_id: str | None = None


@dataclass
class ImportReport:
    """Counts and per-line errors. Only the first ``max_errors`` errors are listed (a
    file of a million bad lines must not make a report larger than itself); every
    rejected line is counted."""

    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0
    rejected: int = 0
    unknown_labels: dict[str, Counter[str]] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    max_errors: int = 1000
    _last_rejected_line: int = 0

    def add_error(self, error: LineError) -> None:
        self.error_count += 1
        if error.line != self._last_rejected_line:  # errors arrive in line order
            self.rejected += 1
            self._last_rejected_line = error.line
        if len(self.errors) < self.max_errors:
            self.errors.append(error)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def note_unknown(self, labels: dict[str, list[str]]) -> None:
        for kind, values in labels.items():
            self.unknown_labels.setdefault(kind, Counter()).update(values)

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [error.__dict__ for error in self.errors],
            "errors_total": self.error_count,
            "errors_truncated": self.error_count > len(self.errors),
            "unknown_labels": {
                kind: dict(counter.most_common()) for kind, counter in self.unknown_labels.items()
            },
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        rate = self.lines / self.seconds if self.seconds else 0.0
        return (
            f"{self.lines:,} lines: {self.created:,} created, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged, {self.rejected:,} rejected "
            f"({self.seconds:.1f} s, {rate:,.0f} lines/s)"
        )


def read_json_lines(
    lines: Iterable[str | bytes],
) -> Iterator[tuple[int, dict[str, Any] | LineError]]:
    """Yield ``(line_number, object)`` or ``(line_number, LineError)``; skips blank lines."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            yield (
                number,
                LineError(number, "(line)", f"invalid JSON: {error.msg} (column {error.colno})"),
            )
            continue
        if not isinstance(value, dict):
            yield number, LineError(number, "(line)", "expected a JSON object")
            continue
        yield number, value


R = TypeVar("R", bound=KeyedRecord)


@dataclass(frozen=True)
class WriteCounts:
    """What ``write_batch`` did with each record, by external id."""

    created: int
    updated: int
    unchanged: int


WriteBatch = Callable[[list[Any]], WriteCounts]
Progress = Callable[[ImportReport], None]


class JsonLinesImporter(Generic[R]):
    """Validate lines into ``record_model`` records and hand them to ``write_batch``.

    Lines are applied in file order: if an external id appears twice, the later line
    updates what the earlier one wrote.
    """

    batch_size = 500

    def __init__(
        self,
        record_model: type[R],
        write_batch: WriteBatch,
        *,
        today: date | None = None,
        max_errors: int | None = None,
    ):
        self.record_model = record_model
        self.write_batch = write_batch
        self.today = today
        self.rates = RateTable.load()
        self.max_errors = settings.RAABTA_IMPORT_MAX_ERRORS if max_errors is None else max_errors

    def run(
        self, lines: Iterable[str | bytes], *, progress: Progress | None = None
    ) -> ImportReport:
        report = ImportReport(max_errors=self.max_errors)
        batch: dict[str, tuple[int, R]] = {}
        # Each batch commits on its own; the search index is told once, at the end.
        with consumers_deferred():
            for number, value in read_json_lines(lines):
                report.lines += 1
                record = self._validate(number, value, report)
                if record is None:
                    continue
                key = record.external_id
                if key in batch or len(batch) >= self.batch_size:
                    self._flush(batch, report, progress)
                batch[key] = (number, record)
            self._flush(batch, report, progress)
        return report

    def _validate(
        self, number: int, value: dict[str, Any] | LineError, report: ImportReport
    ) -> R | None:
        if isinstance(value, LineError):
            report.add_error(value)
            return None
        try:
            record = validate_record(self.record_model, value, rates=self.rates, today=self.today)
        except ValidationError as error:
            external_id = value.get("external_id")
            for path, messages in field_errors(error).items():
                for message in messages:
                    report.add_error(
                        LineError(number, path, message, str(external_id) if external_id else None)
                    )
            return None
        report.note_unknown(record.unknown_labels())
        return record

    def _flush(
        self, batch: dict[str, tuple[int, R]], report: ImportReport, progress: Progress | None
    ) -> None:
        if not batch:
            return
        try:
            self._count(self.write_batch([record for _, record in batch.values()]), report)
        except DatabaseError:
            # Isolate the line the database refused; the rest of the batch is kept.
            for number, record in batch.values():
                try:
                    self._count(self.write_batch([record]), report)
                except DatabaseError as error:
                    report.add_error(
                        LineError(
                            number, "(database)", str(error).splitlines()[0], record.external_id
                        )
                    )
        batch.clear()
        if progress:
            progress(report)

    @staticmethod
    def _count(outcome: WriteCounts, report: ImportReport) -> None:
        report.created += outcome.created
        report.updated += outcome.updated
        report.unchanged += outcome.unchanged
