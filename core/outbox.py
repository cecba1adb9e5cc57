"""Writing to the transactional outbox, and telling consumers after commit.

A service calls ``outbox_record`` inside its transaction. After the transaction
commits, ``on_commit`` hooks registered with ``register_consumer`` run (through the task
queue), so a consumer never sees an event whose change was rolled back, and an event is
never lost because a consumer was down: it stays in the table until processed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.db import insert_rows
from core.models import OutboxEvent

_consumers: dict[str, list[Callable[[], None]]] = {}
# Topics written while consumers are deferred (None: not deferring).
_deferred: ContextVar[set[str] | None] = ContextVar("outbox_deferred", default=None)


def register_consumer(topic: str, notify: Callable[[], None]) -> None:
    """``notify`` is called after each commit that wrote events of ``topic``."""
    _consumers.setdefault(topic, []).append(notify)


def outbox_record(*, topic: str, changes: Iterable[tuple[str, int, bool]]) -> int:
    """Record ``(key, version, deleted)`` changes; must run inside the writing transaction."""
    now = timezone.now()
    events = [
        {
            "topic": topic,
            "key": key,
            "version": version,
            "deleted": deleted,
            "created_at": now,
            "attempts": 0,
            "last_error": "",
            "claimed_until": None,
        }
        for key, version, deleted in changes
    ]
    if not events:
        return 0
    insert_rows(OutboxEvent, events)  # one executemany: bulk_create cost ~90 µs per event
    deferred = _deferred.get()
    if deferred is not None:
        deferred.add(topic)
    else:
        _notify(topic)
    return len(events)


def _notify(topic: str) -> None:
    for notify in _consumers.get(topic, []):
        transaction.on_commit(notify)


@contextmanager
def consumers_deferred() -> Iterator[None]:
    """Bulk writes (imports): consumers are told once, when the block ends, instead of
    after every batch's commit. The events are in the table either way; deferring only
    lets the index apply a whole import in a few large batches (one index commit per
    batch) rather than one small batch per write."""
    if _deferred.get() is not None:  # already deferring: the outer block notifies
        yield
        return
    topics: set[str] = set()
    token = _deferred.set(topics)
    try:
        yield
    finally:
        _deferred.reset(token)
        for topic in sorted(topics):
            _notify(topic)


# How long a claim holds: a worker that dies mid-batch leaves its events to the next
# worker after this.
CLAIM_LEASE = timedelta(minutes=5)


def outbox_claim(topic: str, batch_size: int, *, skip: Collection[int] = ()) -> list[OutboxEvent]:
    """Claim the oldest pending events of ``topic`` (except ids in ``skip``) for
    ``CLAIM_LEASE``, in a short transaction of its own. Process them *outside* any
    transaction — consumers call the search engine or the ranker, which must not happen
    while database locks are held — then ``outbox_done`` or ``outbox_failed``. Two
    workers never claim the same event while the lease holds."""
    now = timezone.now()
    with transaction.atomic():
        pending = (
            OutboxEvent.objects.filter(topic=topic)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .exclude(id__in=list(skip))
            .order_by("id")
        )
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        events = list(pending[:batch_size])
        OutboxEvent.objects.filter(id__in=[event.id for event in events]).update(
            claimed_until=now + CLAIM_LEASE
        )
    return events


def outbox_done(events: Iterable[OutboxEvent]) -> None:
    """The events were processed: remove them."""
    OutboxEvent.objects.filter(id__in=[event.id for event in events]).delete()


def outbox_failed(events: Iterable[OutboxEvent], error: str) -> None:
    """Processing failed: count the attempt, keep the error, release the claim (they
    are retried by the next run)."""
    OutboxEvent.objects.filter(id__in=[event.id for event in events]).update(
        attempts=F("attempts") + 1, last_error=error[:2000], claimed_until=None
    )
