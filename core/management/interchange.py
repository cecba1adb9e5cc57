"""Base commands for importing and exporting JSON Lines files (``-`` is stdin/stdout)."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.interchange import ImportReport, JsonLinesImporter

MAX_ERRORS_SHOWN = 50


class ImportCommand(BaseCommand):
    noun = "records"

    def importer(self) -> JsonLinesImporter[Any]:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON Lines file, or - for standard input")
        parser.add_argument("--report", help="also write the full report as JSON to this file")
        parser.add_argument("--quiet", action="store_true", help="no progress output")

    def handle(self, *args: Any, **options: Any) -> None:
        importer = self.importer()
        progress = None if options["quiet"] else self._progress()
        with _open_input(options["file"]) as lines:
            report = importer.run(lines, progress=progress)
        self._print(report)
        if options["report"]:
            Path(options["report"]).write_text(json.dumps(report.as_dict(), indent=2))
        if report.error_count:  # scripts and CI must not take a partial import for a whole one
            raise CommandError(
                f"{report.error_count:,} line{'s' if report.error_count != 1 else ''} "
                f"rejected (the others were imported; the report above names them)"
            )

    def _progress(self) -> Callable[[ImportReport], None]:
        last = [time.perf_counter()]

        def show(report: ImportReport) -> None:
            if time.perf_counter() - last[0] >= 1.0:
                last[0] = time.perf_counter()
                self.stderr.write(f"  … {report.summary()}")

        return show

    def _print(self, report: ImportReport) -> None:
        self.stdout.write(f"Imported {self.noun}: {report.summary()}")
        for error in report.errors[:MAX_ERRORS_SHOWN]:
            where = f" ({error.external_id})" if error.external_id else ""
            self.stdout.write(f"  line {error.line}{where}: {error.field}: {error.reason}")
        if report.error_count > MAX_ERRORS_SHOWN:
            self.stdout.write(
                f"  … and {report.error_count - MAX_ERRORS_SHOWN:,} more "
                f"(--report lists the first {report.max_errors:,})"
            )
        for kind, counter in report.unknown_labels.items():
            shown = ", ".join(f"{label} ({count})" for label, count in counter.most_common(15))
            self.stdout.write(f"  unknown {kind} labels kept as tags: {shown}")


class ExportCommand(BaseCommand):
    noun = "records"

    def records(self) -> Iterable[dict[str, Any]]:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON Lines file to write, or - for standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        try:
            with _open_output(options["file"]) as out:
                for record in self.records():
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += 1
                out.flush()  # here, where a closed pipe is handled, not at exit
        except BrokenPipeError:  # ``export_vendors - | head``: the reader has had enough
            # Python flushes standard output again at exit, which would fail the same
            # way; point it at /dev/null (the recipe in the signal module's docs).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        if options["file"] != "-":
            self.stdout.write(f"Exported {count:,} {self.noun} to {options['file']}")


@contextmanager
def _open_input(name: str) -> Any:
    if name == "-":
        yield sys.stdin
        return
    try:
        handle: IO[str] = open(name, encoding="utf-8")  # noqa: SIM115
    except OSError as error:
        raise CommandError(f"cannot read {name}: {error.strerror}") from None
    with handle:
        yield handle


@contextmanager
def _open_output(name: str) -> Any:
    if name == "-":
        yield sys.stdout
        return
    with open(name, "w", encoding="utf-8") as handle:
        yield handle
