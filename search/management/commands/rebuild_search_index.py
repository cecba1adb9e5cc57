import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from search.sync import INDEXES, drain_outbox, rebuild


class Command(BaseCommand):
    help = (
        "Build new search indexes (vendors; buyers and briefs) from the database and "
        "switch to them atomically."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-needed",
            action="store_true",
            help="only the indexes that are unreadable, outdated, hold a different number "
            "of documents than the database, or have piled up segments (embedded engine)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for indexed in INDEXES:
            start = time.perf_counter()
            backend = indexed.index()
            if options["if_needed"]:
                health = backend.health()
                if (
                    health["ok"]
                    and health.get("documents") == indexed.count()
                    and not backend.fragmented()
                ):
                    self.stdout.write(
                        f"The index of {indexed.name} is up to date "
                        f"({health['documents']:,} documents)."
                    )
                    continue
            self.stdout.write(
                f"Rebuilding the index of {indexed.name} ({type(backend).__name__}) …"
            )

            def progress(n: int) -> None:
                self.stdout.write(f"  {n:,} documents built …")

            count = rebuild(backend, indexed=indexed, progress=progress)
            pending = drain_outbox(backend=backend, indexed=indexed)  # made while building
            self.stdout.write(
                f"Indexed {count:,} {indexed.name} documents in "
                f"{time.perf_counter() - start:.1f} s; then applied {pending.events:,} changes "
                "made meanwhile."
            )
