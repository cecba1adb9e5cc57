"""Writing to the transactional outbox, and telling consumers after commit.

A service calls ``outbox_record`` inside its transaction. After the transaction
commits, ``on_commit`` hooks registered with ``register_consumer`` run (through the task
queue), so a consumer never sees an event whose change was rolled back, and an event is
never lost because a consumer was down: it stays in the table until processed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
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
        {"topic": topic, "key": key, "version": version, "deleted": deleted, "created_at": now,
         "attempts": 0, "last_error": ""}
        for key, version, deleted in changes
    ]  # fmt: skip
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


def outbox_claim(topic: str, batch_size: int) -> list[OutboxEvent]:
    """The oldest pending events of ``topic``; call inside a transaction and delete the
    events when done. On PostgreSQL the rows are locked and skipped by other workers,
    so two workers never process the same batch."""
    events = OutboxEvent.objects.filter(topic=topic).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        events = events.select_for_update(skip_locked=True)
    return list(events[:batch_size])
