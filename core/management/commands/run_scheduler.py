"""Run the periodic jobs (``settings.RAABTA_SCHEDULE``) with RQ's cron scheduler."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.schedule import scheduler


class Command(BaseCommand):
    help = (
        "Put the periodic jobs on the task queue when they are due (the worker runs them): "
        "index safety sync, e-mail retries, lost match suggestions, nightly reconcile and "
        "the ranker's retraining check. Run one per deployment."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.RAABTA_TASKS_INLINE:
            raise CommandError("No queue configured: set REDIS_URL (the scheduler feeds it).")
        cron = scheduler()
        for job in cron.get_jobs():
            when = f"every {job.interval} s" if job.interval else f"at '{job.cron}'"
            self.stdout.write(f"  {job.func_name} {when}")
        cron.start()
