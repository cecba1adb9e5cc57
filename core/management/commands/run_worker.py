import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.tasks import enqueue, queue

log = logging.getLogger(__name__)
# Waits between attempts while Redis is away: 1, 2, 4 … seconds, at most this.
MAX_BACKOFF = 30.0


class Command(BaseCommand):
    help = (
        "Run the background worker (RQ on REDIS_URL): index sync and other tasks. When "
        "Redis drops it waits and reconnects (backing off up to 30 s) instead of exiting."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.RAABTA_TASKS_INLINE:
            raise CommandError("No queue configured: set REDIS_URL (tasks run inline without it).")
        from redis.exceptions import ConnectionError, TimeoutError

        from core.runtime import prepare_process

        prepare_process()
        backoff = 1.0
        while True:
            try:
                self._work()
                return  # stopped on purpose (SIGTERM / SIGINT): a warm shutdown
            except (ConnectionError, TimeoutError) as error:
                log.warning(
                    "worker: Redis is not answering (%s); retrying in %.0f s", error, backoff
                )
                self.stderr.write(f"Redis is not answering ({error}); retrying in {backoff:.0f} s")
                time.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)

    def _work(self) -> None:
        from rq import Worker

        # Catch up on anything left in the outbox while no worker was running (or while
        # Redis was away: writes kept their outbox rows).
        enqueue("search.sync.sync_search_index")
        jobs = queue()
        Worker([jobs], connection=jobs.connection).work(with_scheduler=True)
