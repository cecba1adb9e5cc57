import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from search.loading import get_search_backend
from search.sync import drain_outbox, rebuild
from vendors.selectors import vendor_list


class Command(BaseCommand):
    help = "Build a new search index from the database and switch to it atomically."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-needed",
            action="store_true",
            help="only if the index is unreadable or holds a different number of vendors",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        backend = get_search_backend()
        if options["if_needed"]:
            health = backend.health()
            if health["ok"] and health.get("documents") == vendor_list().count():
                self.stdout.write(
                    f"The search index is up to date ({health['documents']:,} vendors)."
                )
                return
        self.stdout.write(f"Rebuilding the vendor index ({type(backend).__name__}) …")
        count = rebuild(backend)
        pending = drain_outbox(backend=backend)  # changes made while it was building
        self.stdout.write(
            f"Indexed {count:,} vendors in {time.perf_counter() - start:.1f} s; "
            f"then applied {pending.events:,} changes made meanwhile."
        )
