"""Writes for events themselves (an event's own fields), and what every write of
the events app shares: the version-guarded update and the event page's address. Each
write is one transaction; refusals name the field (``core.errors``); decisions are
audited. Registration: ``events.registration``; meetings: ``events.meetings``;
scheduling: ``events.schedules``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from core.audit import audit_record
from core.errors import Conflict
from core.versions import update_if_version
from events.models import Event


def event_page(event: Event, anchor: str = "") -> str:
    return reverse("event", args=[event.slug]) + (f"#{anchor}" if anchor else "")


def guarded(instance: Any, *, version: int, changes: dict[str, Any], state: Any, label: str) -> Any:
    """Apply ``changes`` if the row is still at ``version``; else ``Conflict`` with the
    current state."""
    return update_if_version(
        instance,
        version=version,
        changes=changes,
        conflict=lambda now: Conflict(f"{label} changed since version {version}", state(now)),
    )


def event_state(event: Event) -> dict[str, Any]:
    return {
        "name": event.name,
        "first_day": event.first_day.isoformat(),
        "last_day": event.last_day.isoformat(),
        "tables": event.tables,
        "meeting_minutes": event.meeting_minutes,
        "breaks": event.breaks,
        "version": event.version,
    }


@transaction.atomic
def event_save(
    *, actor: User, fields: dict[str, Any], event: Event | None = None, version: int = 0
) -> Event:
    """Create an event, or change one (guarded by its version). Scheduled meetings keep
    their slot numbers; when the programme changes, schedule again."""
    if event is None:
        event = Event.objects.create(created_by=actor, **fields)
        audit_record(
            actor=actor, action="event.create", subject=event, before=None, after=event_state(event)
        )
        return event
    before = event_state(event)
    guarded(event, version=version, changes=fields, state=event_state, label=f"event {event.slug}")
    audit_record(
        actor=actor, action="event.update", subject=event, before=before, after=event_state(event)
    )
    return event
