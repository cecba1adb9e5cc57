from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from search.sync import INDEXES, find_drift, repair_drift


class Command(BaseCommand):
    help = (
        "Compare each search index (vendors; buyers and briefs) with the database; report "
        "and (unless --dry-run) repair drift."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="report only")

    def handle(self, *args: Any, **options: Any) -> None:
        for indexed in INDEXES:
            self.stdout.write(f"{indexed.name.capitalize()}:")
            drift = find_drift(indexed=indexed)
            for label, ids in (
                ("missing from the index", drift.missing),
                ("stale in the index", drift.stale),
                ("in the index but not the database", drift.orphaned),
            ):
                shown = ", ".join(ids[:10]) + (" …" if len(ids) > 10 else "")
                self.stdout.write(f"  {len(ids):,} {label}{': ' + shown if ids else ''}")
            if not drift.total:
                self.stdout.write("  The index matches the database.")
            elif options["dry_run"]:
                self.stdout.write("  Dry run: nothing repaired.")
            else:
                repair_drift(drift, indexed=indexed)
                left = find_drift(indexed=indexed).total
                self.stdout.write(
                    f"  Repaired {drift.total:,} documents; {left:,} differences left."
                )
