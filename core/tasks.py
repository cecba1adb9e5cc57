"""Background work: an RQ queue on Redis, or inline when no queue is configured.

Tasks are idempotent functions named by dotted path. Losing a job is never fatal: the
durable record of work to do is the outbox table, so a failed or lost job only delays
it until the next run (or ``sync_search_index``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)
RETRY_INTERVALS = [2, 10, 60, 300, 900]  # seconds between attempts after a failure


def queue() -> Any:
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=2)
    return Queue(settings.RAABTA_TASK_QUEUE, connection=connection)


def enqueue(path: str, *args: Any) -> None:
    """Run the task at ``path`` (with ``args``, plain JSON-able values) in the
    background (or now, inline); never raises."""
    if settings.RAABTA_TASKS_INLINE:
        try:
            import_string(path)(*args)
        except Exception:
            log.exception("inline task %s failed; its work stays queued for the next run", path)
        return
    from rq import Retry

    try:
        queue().enqueue(
            path,
            *args,
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            job_timeout=600,
        )
    except Exception:
        log.warning(
            "could not enqueue %s (Redis down?); the outbox keeps the work", path, exc_info=True
        )
