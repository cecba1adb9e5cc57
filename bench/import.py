"""Import throughput: vendors/s for a cold import (all new) and a re-import (unchanged).

    .venv/bin/python bench/import.py --sizes 10000 100000

Each size runs in a fresh process against a fresh database: a new SQLite file in a
temporary directory (the embedded default) or, with ``DATABASE_URL`` set, that
database (its vendor table is emptied first). The demo generator writes the input file
before timing starts; the timed part is exactly what ``import_vendors FILE`` does:
read, parse, validate, normalise, convert money, hash, write. This is a benchmark, not a
test: it asserts nothing and prints figures for docs/benchmarks.md.
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import harness  # bench/harness.py (this script's own folder is on sys.path)


def run_one(size: int, workdir: Path) -> dict[str, float]:
    harness.setup_django(workdir)
    from django.core.management import call_command
    from django.db import connection

    from core.interchange import JsonLinesImporter
    from matchmaking.demo import DemoCatalogue
    from vendors.schema import VendorRecord
    from vendors.services import vendors_upsert

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # raw: a queryset delete would load every row
        cursor.execute("DELETE FROM vendors_vendormember")
        cursor.execute("DELETE FROM vendors_vendor")
    path = workdir / f"vendors-{size}.jsonl"
    with path.open("w") as out:
        for record in DemoCatalogue(vendors=size).vendors():
            out.write(json.dumps(record) + "\n")

    figures: dict[str, float] = {"size": size, "file_mb": path.stat().st_size / 2**20}
    for phase in ("cold", "unchanged"):
        start = time.perf_counter()
        with path.open() as lines:
            report = JsonLinesImporter(VendorRecord, vendors_upsert).run(lines)
        seconds = time.perf_counter() - start
        assert report.rejected == 0, report.errors[:3]
        figures[f"{phase}_s"] = seconds
        figures[f"{phase}_per_s"] = size / seconds
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["database"] = connection.vendor  # type: ignore[assignment]
    return figures


def main() -> None:
    args = harness.parser(__doc__).parse_args()
    harness.dispatch(
        args,
        __file__,
        lambda size, workdir: run_one(size, workdir),
        [],
        f"{'vendors':>8} {'db':>10} {'file MB':>8} {'cold s':>7} {'cold/s':>8} {'re-import/s':>12} {'peak RSS MB':>12}",
        lambda f: (
            f"{f['size']:>8,} {f['database']:>10} {f['file_mb']:>8.1f} {f['cold_s']:>7.1f} "
            f"{f['cold_per_s']:>8,.0f} {f['unchanged_per_s']:>12,.0f} {f['peak_rss_mb']:>12,.0f}"
        ),
    )


if __name__ == "__main__":
    main()
