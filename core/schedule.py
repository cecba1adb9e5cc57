"""The periodic jobs: ``settings.RAABTA_SCHEDULE`` names each task by dotted path (the
settings compose the apps; ``core`` imports none of them) with an ``interval`` in
seconds or a ``cron`` expression (UTC). RQ's cron scheduler (``manage.py
run_scheduler``) puts each on the task queue when due and the worker runs it, with the
queue's retries. Every task is idempotent, so a second scheduler (two machines) costs
only duplicate work."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from core.tasks import queue


def scheduler() -> Any:
    from rq.cron import CronScheduler

    jobs = queue()
    cron = CronScheduler(connection=jobs.connection, name="raabta")
    for entry in settings.RAABTA_SCHEDULE:
        cron.register(
            import_string(entry["task"]),
            queue_name=jobs.name,
            interval=entry.get("interval"),
            cron=entry.get("cron"),
            job_timeout=entry.get("timeout", 600),
            name=entry["task"],
        )
    return cron
