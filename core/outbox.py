"""Writing to the transactional outbox, and telling consumers after commit.

A service calls ``outbox_record`` inside its transaction. After the transaction
commits, ``on_commit`` hooks registered with ``register_consumer`` run (through the task
queue), so a consumer never sees an event whose change was rolled back, and an event is
never lost because a consumer was down: it stays in the table until processed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from core.models import OutboxEvent

_consumers: dict[str, list[Callable[[], None]]] = {}


def register_consumer(topic: str, notify: Callable[[], None]) -> None:
    """``notify`` is called after each commit that wrote events of ``topic``."""
    _consumers.setdefault(topic, []).append(notify)


def outbox_record(*, topic: str, changes: Iterable[tuple[str, int, bool]]) -> int:
    """Record ``(key, version, deleted)`` changes; must run inside the writing transaction."""
    events = [
        OutboxEvent(topic=topic, key=key, version=version, deleted=deleted)
        for key, version, deleted in changes
    ]
    if not events:
        return 0
    OutboxEvent.objects.bulk_create(events)
    for notify in _consumers.get(topic, []):
        transaction.on_commit(notify)
    return len(events)


def outbox_claim(topic: str, batch_size: int) -> list[OutboxEvent]:
    """The oldest pending events of ``topic``; call inside a transaction and delete the
    events when done. On PostgreSQL the rows are locked and skipped by other workers,
    so two workers never process the same batch."""
    events = OutboxEvent.objects.filter(topic=topic).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        events = events.select_for_update(skip_locked=True)
    return list(events[:batch_size])
