"""Vendor operations the console can start as background jobs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.interchange import ImportReport, JsonLinesImporter
from vendors.schema import VendorRecord
from vendors.services import vendors_upsert


def import_vendors_job(report: Callable[[float, str], None], *, path: str) -> str:
    """Import an uploaded vendors.jsonl, reporting lines done out of the file's lines;
    the file is removed afterwards."""
    file = Path(path)
    try:
        with file.open("rb") as lines:
            total = max(1, sum(1 for _ in lines))
        with file.open("rb") as lines:
            result = JsonLinesImporter(VendorRecord, vendors_upsert).run(
                lines, progress=lambda done: report(done.lines / total, done.summary())
            )
    finally:
        file.unlink(missing_ok=True)
    return f"Imported: {result.summary()}" + (
        f"; first problems: {_first_errors(result)}" if result.rejected else ""
    )


def _first_errors(result: ImportReport) -> str:
    return "; ".join(f"line {e.line}: {e.field}: {e.reason}" for e in result.errors[:5])
