import time
from typing import Any

from django.core.management.base import BaseCommand

from search.loading import get_search_backend
from search.sync import drain_outbox, rebuild


class Command(BaseCommand):
    help = "Build a new search index from the database and switch to it atomically."

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        backend = get_search_backend()
        self.stdout.write(f"Rebuilding the vendor index ({type(backend).__name__}) …")
        count = rebuild(backend)
        pending = drain_outbox(backend=backend)  # changes made while it was building
        self.stdout.write(
            f"Indexed {count:,} vendors in {time.perf_counter() - start:.1f} s; "
            f"then applied {pending.events:,} changes made meanwhile."
        )
