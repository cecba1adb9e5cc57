from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.tasks import enqueue, queue


class Command(BaseCommand):
    help = "Run the background worker (RQ on REDIS_URL): index sync and other tasks."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.RAABTA_TASKS_INLINE:
            raise CommandError("No queue configured: set REDIS_URL (tasks run inline without it).")
        from rq import Worker

        from core.runtime import prepare_process

        prepare_process()
        # Catch up on anything left in the outbox while no worker was running.
        enqueue("search.sync.sync_search_index")
        jobs = queue()
        Worker([jobs], connection=jobs.connection).work(with_scheduler=True)
