"""Long operations started from the console, run in the background with progress.

Apps register the operations they offer (``register_job``); ``job_start`` records a
``core.Job`` and runs it on the task queue (RQ) or, on the embedded default without a
queue, in a background thread of the serving process, so the page that started it can
show its progress while it runs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from core.models import Job

log = logging.getLogger(__name__)
Report = Callable[[float, str], None]  # progress 0–1, a line for the page


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    run: Callable[..., str]  # (report, **params) -> final message


_kinds: dict[str, JobKind] = {}


def register_job(name: str, label: str, run: Callable[..., str]) -> None:
    _kinds[name] = JobKind(name, label, run)


def job_kinds() -> list[JobKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.label)


def job_start(*, kind: str, actor: Any, **params: Any) -> Job:
    if kind not in _kinds:
        raise ValueError(f"no such operation: {kind}")
    job = Job.objects.create(kind=kind, params=params, started_by=actor)
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def _dispatch(job_id: int) -> None:
    if settings.RAABTA_TASKS_INLINE:
        threading.Thread(target=_run_in_thread, args=(job_id,), daemon=True).start()
        return
    from core.tasks import queue

    queue().enqueue("core.jobs.run_job", job_id, job_timeout=3600)


def _run_in_thread(job_id: int) -> None:
    try:
        run_job(job_id)
    finally:
        close_old_connections()


def run_job(job_id: int) -> None:
    """Run one job to the end, recording progress; a failure is recorded, not raised
    (a long operation is not retried blindly)."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING)

    def report(progress: float, message: str) -> None:
        Job.objects.filter(pk=job_id).update(progress=max(0.0, min(1.0, progress)), message=message)

    try:
        message = _kinds[job.kind].run(report, **job.params)
    except Exception as error:
        log.exception("job %s (%s) failed", job_id, job.kind)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=f"Failed: {error}", finished_at=timezone.now()
        )
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE, progress=1.0, message=message, finished_at=timezone.now()
    )
