"""Scheduling an event's accepted meetings: the problem built from the database,
solved by ``events.scheduling`` (CP-SAT) in a background job, and the agendas'
fingerprints that say whose agenda changed."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.errors import Conflict
from core.jobs import job_start
from core.models import Job
from events.models import Event, Meeting, Participant
from events.registration import (
    available_slots,
)
from events.scheduling import Placement, Problem, Request, Schedule, solve
from events.selectors import members
from notifications.catalogue import notice
from notifications.services import notify

Kind = Participant.Kind


def scheduling_problem(event: Event) -> tuple[Problem, list[Meeting]]:
    """The event's accepted meetings between approved participants as the solver's
    problem; where a meeting already is, it is asked to stay."""
    meetings = list(
        Meeting.objects.filter(
            event=event,
            state=Meeting.State.ACCEPTED,
            firm__state=Participant.State.APPROVED,
            buyer__state=Participant.State.APPROVED,
        ).order_by("id")
    )
    slots = event.slots()
    people = Participant.objects.filter(event=event, state=Participant.State.APPROVED)
    available = {
        person.pk: windows
        for person in people
        if (windows := available_slots(event, person.availability)) is not None
    }
    previous = {
        m.pk: Placement(m.slot, m.table)
        for m in meetings
        if m.slot is not None
        and m.table is not None
        and m.slot < len(slots)
        and m.table <= event.tables
    }
    problem = Problem(
        slots=len(slots),
        tables=event.tables,
        requests=[Request(m.pk, m.firm_id, m.buyer_id, m.priority) for m in meetings],
        available=available,
        previous=previous,
    )
    return problem, meetings


def agenda_fingerprints(event: Event) -> dict[int, str]:
    """What each participant's agenda holds (meetings, slots, tables), one query for
    the event: a changed fingerprint after scheduling means an e-mail."""
    held: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
    placed = Meeting.objects.filter(event=event, slot__isnull=False)
    for pk, firm, buyer, slot, table in placed.values_list("pk", "firm", "buyer", "slot", "table"):
        held[firm].append((pk, slot, table))
        held[buyer].append((pk, slot, table))
    return {person: _fingerprint(rows) for person, rows in held.items()}


def _fingerprint(rows: list[tuple[Any, ...]]) -> str:
    return hashlib.sha1(repr(sorted(rows)).encode()).hexdigest()[:12]


@transaction.atomic
def schedule_start(*, event: Event, actor: User) -> Job:
    """Start scheduling the event's meetings as a console job — one at a time per event:
    while one is queued or running, another is a ``Conflict`` naming it (the event row
    is locked while this is decided, so simultaneous starts cannot both pass)."""
    Event.objects.select_for_update().filter(pk=event.pk).first()
    unfinished = Job.objects.filter(
        kind="schedule_event",
        params__event=event.slug,
        status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
    ).first()
    if unfinished is not None:
        raise Conflict(
            f"a schedule for {event.name} is already {unfinished.status} (job {unfinished.pk})",
            current={"job": unfinished.pk, "status": unfinished.status},
        )
    return job_start(kind="schedule_event", actor=actor, event=event.slug)


def schedule_event(*, event: Event, actor: User | None = None, seconds: float = 20.0) -> Schedule:
    """Place the event's accepted meetings (``events.scheduling``), store slots and
    tables, and tell each participant whose agenda changed."""
    problem, meetings = scheduling_problem(event)
    people = list(Participant.objects.filter(event=event, state=Participant.State.APPROVED))
    before = agenda_fingerprints(event)
    schedule = solve(problem, seconds=seconds)
    with transaction.atomic():
        changed = []
        for meeting in meetings:
            placement = schedule.placements.get(meeting.pk)
            slot, table = (placement.slot, placement.table) if placement else (None, None)
            # Under the version the problem was read at: a meeting cancelled or moved by
            # hand while the solver ran keeps that newer state.
            moved = (meeting.slot, meeting.table) != (slot, table)
            if moved and Meeting.objects.filter(pk=meeting.pk, version=meeting.version).update(
                slot=slot, table=table, version=F("version") + 1
            ):
                changed.append(meeting.pk)
        Event.objects.filter(pk=event.pk).update(scheduled_at=timezone.now())
        audit_record(
            actor=actor,
            action="event.schedule",
            subject=event,
            before=None,
            after={
                "placed": schedule.placed,
                "unplaced": len(schedule.unplaced),
                "kept": schedule.kept,
                "moved": len(changed),
                "status": schedule.status,
            },
        )
        after = agenda_fingerprints(event)
        for person in people:
            fingerprint = after.get(person.pk, _fingerprint([]))
            if fingerprint == before.get(person.pk, _fingerprint([])):
                continue
            notify(
                members(person),
                notice(
                    "agenda.changed",
                    url=reverse("event-agenda", args=[event.slug]),
                    person=person.pk,
                    fingerprint=fingerprint,
                    event=event.name,
                ),
            )
    return schedule


def schedule_job(report: Any, *, event: str, seconds: float = 20.0) -> str:
    """The console's "Schedule meetings" operation (``core.jobs``)."""
    found = Event.objects.get(slug=event)
    report(0.05, f"Scheduling {found.name}: at most {seconds:.0f} s of search")
    schedule = schedule_event(event=found, seconds=seconds)
    total = schedule.placed + len(schedule.unplaced)
    return (
        f"{schedule.placed} of {total} accepted meetings placed "
        f"({schedule.kept} kept where they were; {schedule.status.lower()}, "
        f"{schedule.seconds:.1f} s)"
    )
