"""Writes for events: registration and approval, meeting requests and answers,
scheduling, attendance, and a held meeting turned into an introduction. Each is one
transaction; refusals name the field (``core.errors``); decisions are audited."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from buyers.models import Brief, Buyer
from buyers.schema import BriefRecord
from buyers.services import brief_save
from core.audit import audit_record
from core.errors import Conflict, Refused
from core.jobs import job_start
from core.models import Job
from core.versions import update_if_version
from events.models import Event, Meeting, Participant
from events.scheduling import Placement, Problem, Request, Schedule, solve
from matchmaking.introductions import introduction_from_meeting
from matchmaking.models import Introduction, Notification
from matchmaking.notifications import Notice, members_of, notify, officers
from vendors.models import Vendor

Kind = Participant.Kind


# --- who is who -----------------------------------------------------------------------


def members(participant: Participant) -> QuerySet[User]:
    if participant.kind == Kind.FIRM:
        return members_of(vendor_id=participant.vendor_id)
    return members_of(buyer_id=participant.buyer_id)


def participant_of(user: Any, event: Event) -> Participant | None:
    """The user's own organisation's registration for ``event`` (any state)."""
    if not user.is_authenticated:
        return None
    rows = Participant.objects.filter(event=event).select_related("vendor", "buyer")
    if user.role == User.Role.VENDOR:
        return rows.filter(vendor__members__user=user).first()
    if user.role == User.Role.BUYER:
        return rows.filter(buyer__members__user=user).first()
    return None


def side_of(user: Any, meeting: Meeting) -> str | None:
    """``firm`` or ``buyer`` when ``user`` speaks for that side of ``meeting``."""
    if user.role == User.Role.VENDOR and members(meeting.firm).filter(pk=user.pk).exists():
        return Kind.FIRM
    if user.role == User.Role.BUYER and members(meeting.buyer).filter(pk=user.pk).exists():
        return Kind.BUYER
    return None


def _event_page(event: Event, anchor: str = "") -> str:
    return reverse("event", args=[event.slug]) + (f"#{anchor}" if anchor else "")


def _guarded(
    instance: Any, *, version: int, changes: dict[str, Any], state: Any, label: str
) -> Any:
    """Apply ``changes`` if the row is still at ``version``; else ``Conflict`` with the
    current state."""
    return update_if_version(
        instance,
        version=version,
        changes=changes,
        conflict=lambda now: Conflict(f"{label} changed since version {version}", state(now)),
    )


# --- events ---------------------------------------------------------------------------


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


def event_phase(event: Event, now: datetime | None = None) -> str:
    """upcoming (registration not open yet), registration, closed (before the event),
    running, or past — in that order."""
    now = now or timezone.now()
    slots = event.slots()
    if slots and now >= slots[-1][1]:
        return "past"
    if slots and now >= slots[0][0]:
        return "running"
    if now < event.registration_opens:
        return "upcoming"
    return "registration" if now < event.registration_closes else "closed"


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
    _guarded(event, version=version, changes=fields, state=event_state, label=f"event {event.slug}")
    audit_record(
        actor=actor, action="event.update", subject=event, before=before, after=event_state(event)
    )
    return event


# --- registration ---------------------------------------------------------------------


def available_slots(event: Event, windows: list[dict[str, str]]) -> frozenset[int] | None:
    """The slot numbers inside ``windows`` (venue time); None for no windows (free in
    every slot)."""
    if not windows:
        return None
    spans = [
        (
            datetime.combine(
                datetime.fromisoformat(w["day"]).date(), time.fromisoformat(w["start"]), event.zone
            ),
            datetime.combine(
                datetime.fromisoformat(w["day"]).date(), time.fromisoformat(w["end"]), event.zone
            ),
        )
        for w in windows
    ]
    return frozenset(
        number
        for number, (start, end) in enumerate(event.slots())
        if any(a <= start and end <= b for a, b in spans)
    )


def check_windows(event: Event, windows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Availability windows, checked: each names one of the event's days and a start
    before its end. Raises ``Refused`` naming ``availability[i].field``."""
    days = {day.isoformat() for day in event.days()}
    clean = []
    for i, window in enumerate(windows):
        where = f"availability[{i}]"
        if not isinstance(window, dict):
            raise Refused(where, "expected {day, start, end}")
        day, start, end = (str(window.get(key, "")) for key in ("day", "start", "end"))
        if day not in days:
            raise Refused(f"{where}.day", f"{day or 'missing'} is not a day of the event")
        try:
            start_at, end_at = time.fromisoformat(start), time.fromisoformat(end)
        except ValueError:
            raise Refused(f"{where}.start", "times are HH:MM, venue time") from None
        if start_at >= end_at:
            raise Refused(f"{where}.end", "must be after the start")
        clean.append(
            {"day": day, "start": start_at.strftime("%H:%M"), "end": end_at.strftime("%H:%M")}
        )
    if clean and not available_slots(event, clean):
        raise Refused("availability", "no meeting slot falls inside these windows")
    return clean


def participant_state(participant: Participant) -> dict[str, Any]:
    return {
        "kind": participant.kind,
        "organisation": participant.name,
        "state": participant.state,
        "version": participant.version,
    }


@transaction.atomic
def participant_register(
    *,
    actor: User,
    event: Event,
    vendor: Vendor | None = None,
    buyer: Buyer | None = None,
    brief: Brief | None = None,
    looking_for: str = "",
    services: Iterable[str] = (),
    availability: list[dict[str, str]] | None = None,
    zone: str = "",
) -> Participant:
    """A firm or buyer registers (pending until an officer approves); officers may
    register anyone, and at any time before the event."""
    if not actor.is_officer and event_phase(event) != "registration":
        raise Refused("event", "registration is not open for this event")
    if (vendor is None) == (buyer is None):
        raise Refused("organisation", "a firm or a buyer organisation, one of them")
    if brief is not None and (buyer is None or brief.buyer_id != buyer.pk):
        raise Refused("brief", "not one of this buyer's briefs")
    if buyer is not None and brief is None and not looking_for.strip():
        raise Refused("looking_for", "say what you are looking for, or choose one of your briefs")
    existing = Participant.objects.filter(
        Q(vendor=vendor) if vendor is not None else Q(buyer=buyer), event=event
    )
    if existing.exists():
        raise Refused("organisation", "already registered for this event")
    participant = Participant.objects.create(
        event=event,
        kind=Kind.FIRM if vendor is not None else Kind.BUYER,
        vendor=vendor,
        buyer=buyer,
        brief=brief,
        looking_for=looking_for.strip(),
        services=list(services),
        availability=check_windows(event, availability or []),
        timezone=zone or (buyer.timezone if buyer is not None else "") or "Asia/Karachi",
        registered_by=actor,
    )
    audit_record(
        actor=actor,
        action="event.register",
        subject=participant,
        before=None,
        after=participant_state(participant),
    )
    notify(
        officers(),
        Notice(
            kind=Notification.Kind.EVENT,
            key=f"participant-{participant.pk}-registered",
            text=f"{participant.name} registered for {event.name}",
            url=reverse("console-event", args=[event.slug]),
        ),
        actor=actor,
        email=False,
    )
    return participant


@transaction.atomic
def participant_update(
    *,
    participant: Participant,
    version: int,
    looking_for: str | None = None,
    services: Iterable[str] | None = None,
    availability: list[dict[str, str]] | None = None,
    zone: str | None = None,
) -> Participant:
    """A participant changes what it looks for, its availability or its zone (the
    schedule, if any, is kept until officers schedule again)."""
    changes: dict[str, Any] = {}
    if looking_for is not None:
        changes["looking_for"] = looking_for.strip()
    if services is not None:
        changes["services"] = list(services)
    if availability is not None:
        changes["availability"] = check_windows(participant.event, availability)
    if zone:
        changes["timezone"] = zone
    return _registration_change(participant, version, changes)


def _registration_change(
    participant: Participant, version: int, changes: dict[str, Any]
) -> Participant:
    return _guarded(
        participant,
        version=version,
        changes=changes,
        state=participant_state,
        label=f"registration {participant.pk}",
    )


@transaction.atomic
def participant_decide(
    *, actor: User, participant: Participant, version: int, approve: bool, note: str = ""
) -> Participant:
    before = participant_state(participant)
    state = Participant.State.APPROVED if approve else Participant.State.REJECTED
    changes: dict[str, Any] = {"state": state, "decided_by": actor}
    if note:
        changes["officer_note"] = note
    participant = _registration_change(participant, version, changes)
    audit_record(
        actor=actor,
        action=f"event.{'approve' if approve else 'reject'}",
        subject=participant,
        before=before,
        after=participant_state(participant),
    )
    event = participant.event
    word = "approved" if approve else "not approved"
    notify(
        members(participant),
        Notice(
            kind=Notification.Kind.EVENT,
            key=f"participant-{participant.pk}-{state}",
            text=f"Your registration for {event.name} was {word}",
            url=_event_page(event),
            subject=f"Raabta: your registration for {event.name} was {word}",
            body=(
                f"Trade officers {word} {participant.name}'s registration for {event.name} "
                f"({event.city}, {event.first_day:%d %b %Y})."
                + (" You can now ask for meetings." if approve else "")
            ),
        ),
        actor=actor,
    )
    return participant


# --- meeting requests -----------------------------------------------------------------


def meeting_state(meeting: Meeting) -> dict[str, Any]:
    return {
        "state": meeting.state,
        "priority": meeting.priority,
        "slot": meeting.slot,
        "table": meeting.table,
        "attendance": meeting.attendance,
        "version": meeting.version,
    }


def requests_sent(participant: Participant) -> int:
    mine = Q(firm=participant) if participant.kind == Kind.FIRM else Q(buyer=participant)
    return (
        Meeting.objects.filter(mine, requested_by=participant.kind)
        .exclude(state=Meeting.State.CANCELLED)
        .count()
    )


@transaction.atomic
def meeting_request(
    *, actor: User, requester: Participant, other: Participant, note: str = "", priority: int = 2
) -> Meeting:
    """``requester`` (the actor's own approved registration) asks ``other`` for a
    meeting: a firm asks a buyer, or a buyer a firm; once per pair; at most the event's
    ``request_limit`` sent per participant; not once the event has begun."""
    event = requester.event
    if other.event_id != event.pk:
        raise Refused("participant", "not a participant of this event")
    if requester.state != Participant.State.APPROVED:
        raise Refused("participant", "your registration is not approved yet")
    if other.state != Participant.State.APPROVED or other.kind == requester.kind:
        raise Refused("participant", "ask an approved participant from the other side")
    if event_phase(event) in {"running", "past"}:
        raise Refused("event", "the event has begun: no new meeting requests")
    if requests_sent(requester) >= event.request_limit:
        raise Refused("participant", f"at most {event.request_limit} requests per participant")
    firm, buyer = (requester, other) if requester.kind == Kind.FIRM else (other, requester)
    if Meeting.objects.filter(firm=firm, buyer=buyer).exists():
        raise Refused("participant", "a meeting between you is already asked for")
    if priority not in (1, 2, 3):
        raise Refused("priority", "1 (high), 2 or 3 (low)")
    meeting = Meeting.objects.create(
        event=event,
        firm=firm,
        buyer=buyer,
        requested_by=requester.kind,
        note=note.strip(),
        priority=priority if requester.kind == Kind.BUYER else 2,
    )
    audit_record(
        actor=actor,
        action="meeting.request",
        subject=meeting,
        before=None,
        after=meeting_state(meeting),
    )
    notify(
        members(other),
        Notice(
            kind=Notification.Kind.EVENT,
            key=f"meeting-{meeting.pk}-requested",
            text=f"{requester.name} asks to meet you at {event.name}",
            url=_event_page(event, "requests"),
            subject=f"Raabta: {requester.name} asks to meet you at {event.name}",
            body=f"{requester.name} would like a meeting at {event.name}."
            + (f"\n\nTheir note: {meeting.note}" if meeting.note else "")
            + "\n\nAccept or decline in Raabta.",
        ),
        actor=actor,
    )
    return meeting


def _change_meeting(
    meeting: Meeting, *, actor: User, version: int, action: str, changes: dict[str, Any]
) -> Meeting:
    before = meeting_state(meeting)
    _guarded(
        meeting,
        version=version,
        changes=changes,
        state=meeting_state,
        label=f"meeting {meeting.pk}",
    )
    audit_record(
        actor=actor, action=action, subject=meeting, before=before, after=meeting_state(meeting)
    )
    return meeting


@transaction.atomic
def meeting_answer(
    *, actor: User, meeting: Meeting, version: int, accept: bool, priority: int | None = None
) -> Meeting:
    """The side that was asked accepts or declines; a buyer accepting may set its
    priority for the meeting (1 high – 3 low)."""
    side = side_of(actor, meeting)
    if side is None or side == meeting.requested_by:
        raise Refused("meeting", "only the side that was asked answers")
    if meeting.state != Meeting.State.PENDING:
        raise Refused("meeting", f"the request is {meeting.state}")
    changes: dict[str, Any] = {
        "state": Meeting.State.ACCEPTED if accept else Meeting.State.DECLINED,
        "answered_at": timezone.now(),
    }
    if priority is not None:
        if side != Kind.BUYER or priority not in (1, 2, 3):
            raise Refused("priority", "a buyer's priority, 1 (high), 2 or 3 (low)")
        changes["priority"] = priority
    meeting = _change_meeting(
        meeting,
        actor=actor,
        version=version,
        action=f"meeting.{'accept' if accept else 'decline'}",
        changes=changes,
    )
    asker = meeting.firm if meeting.requested_by == Kind.FIRM else meeting.buyer
    answerer = meeting.buyer if asker is meeting.firm else meeting.firm
    word = "accepted" if accept else "declined"
    notify(
        members(asker),
        Notice(
            kind=Notification.Kind.EVENT,
            key=f"meeting-{meeting.pk}-{word}",
            text=f"{answerer.name} {word} your meeting request at {meeting.event.name}",
            url=_event_page(meeting.event, "requests"),
            subject=f"Raabta: {answerer.name} {word} your meeting request",
            body=f"{answerer.name} {word} your request to meet at {meeting.event.name}."
            + (" The meeting gets a time and a table when the schedule is made." if accept else ""),
        ),
        actor=actor,
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, version: int) -> Meeting:
    """Either side (or an officer) cancels a pending or accepted meeting before the
    event; its slot and table are freed."""
    if not actor.is_officer and side_of(actor, meeting) is None:
        raise Refused("meeting", "not your meeting")
    if meeting.state not in (Meeting.State.PENDING, Meeting.State.ACCEPTED):
        raise Refused("meeting", f"the request is {meeting.state}")
    if event_phase(meeting.event) in {"running", "past"}:
        raise Refused("event", "the event has begun: record the meeting as missed instead")
    meeting = _change_meeting(
        meeting,
        actor=actor,
        version=version,
        action="meeting.cancel",
        changes={"state": Meeting.State.CANCELLED, "slot": None, "table": None},
    )
    _tell_of_cancellation(meeting, actor)
    return meeting


def _tell_of_cancellation(meeting: Meeting, actor: User) -> None:
    """Both sides hear of it (not the one who cancelled)."""
    event = meeting.event
    for side, other in ((meeting.firm, meeting.buyer), (meeting.buyer, meeting.firm)):
        notify(
            members(side),
            Notice(
                kind=Notification.Kind.EVENT,
                key=f"meeting-{meeting.pk}-cancelled-{side.pk}",
                text=f"Your meeting with {other.name} at {event.name} is cancelled",
                url=_event_page(event, "requests"),
                subject=f"Raabta: your meeting with {other.name} is cancelled",
                body=f"The meeting with {other.name} at {event.name} will not take place; "
                "its time is free again.",
            ),
            actor=actor,
        )


@transaction.atomic
def participant_withdraw(*, actor: User, participant: Participant, version: int) -> Participant:
    """A participant withdraws before the event: its registration is withdrawn and its
    pending and accepted meetings are cancelled (the other sides are told)."""
    if participant.state in (Participant.State.WITHDRAWN, Participant.State.REJECTED):
        raise Refused("participant", f"the registration is {participant.state}")
    if event_phase(participant.event) in {"running", "past"}:
        raise Refused("event", "the event has begun")
    before = participant_state(participant)
    participant = _registration_change(participant, version, {"state": Participant.State.WITHDRAWN})
    audit_record(
        actor=actor,
        action="event.withdraw",
        subject=participant,
        before=before,
        after=participant_state(participant),
    )
    open_meetings = Meeting.objects.filter(
        Q(firm=participant) | Q(buyer=participant),
        state__in=(Meeting.State.PENDING, Meeting.State.ACCEPTED),
    ).select_related("event", "firm__vendor", "buyer__buyer")
    for meeting in open_meetings:
        meeting = _change_meeting(
            meeting,
            actor=actor,
            version=meeting.version,
            action="meeting.cancel",
            changes={"state": Meeting.State.CANCELLED, "slot": None, "table": None},
        )
        _tell_of_cancellation(meeting, actor)
    return participant


def meeting_private_note(*, actor: User, meeting: Meeting, text: str) -> Meeting:
    """A side's own note on a meeting (nobody else reads it; not audited, not versioned:
    only that side writes it)."""
    side = side_of(actor, meeting)
    if side is None:
        raise Refused("meeting", "only the two sides keep notes on a meeting")
    field = "firm_private_note" if side == Kind.FIRM else "buyer_private_note"
    Meeting.objects.filter(pk=meeting.pk).update(**{field: text.strip()})
    meeting.refresh_from_db()
    return meeting


# --- scheduling -----------------------------------------------------------------------


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
                Notice(
                    kind=Notification.Kind.EVENT,
                    key=f"agenda-{person.pk}-{fingerprint}",
                    text=f"Your agenda for {event.name} has changed",
                    url=reverse("event-agenda", args=[event.slug]),
                    subject=f"Raabta: your agenda for {event.name} has changed",
                    body=(
                        f"Your meetings at {event.name} have new times or tables. The "
                        "agenda page has them in your time zone and the venue's, and a "
                        "calendar file to import."
                    ),
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


# --- after the event ------------------------------------------------------------------


def slot_start(meeting: Meeting) -> datetime:
    """When a scheduled meeting starts; refused when it has no slot in the programme
    (never scheduled, or the programme changed since)."""
    slots = meeting.event.slots()
    if meeting.slot is None or meeting.slot >= len(slots):
        raise Refused("meeting", "not scheduled in the event's programme")
    return slots[meeting.slot][0]


@transaction.atomic
def meeting_attendance(*, actor: User, meeting: Meeting, version: int, attendance: str) -> Meeting:
    """An officer records a scheduled meeting as held or missed, once its slot began."""
    if attendance not in Meeting.Attendance.values:
        raise Refused("attendance", "held or missed")
    start = slot_start(meeting)
    if timezone.now() < start:
        raise Refused("attendance", "the meeting has not started yet")
    if meeting.introduction_id and attendance == Meeting.Attendance.MISSED:
        raise Refused("attendance", "the meeting became an introduction: it was held")
    return _change_meeting(
        meeting,
        actor=actor,
        version=version,
        action=f"meeting.{attendance}",
        changes={"attendance": attendance},
    )


def _brief_for(meeting: Meeting) -> Brief:
    """The brief the buyer came with, else one written from what it looked for."""
    buyer = meeting.buyer
    if buyer.brief is not None:
        return buyer.brief
    assert buyer.buyer is not None
    record = BriefRecord.model_validate(
        {
            "external_id": f"{meeting.event.slug}-{buyer.buyer.external_id}"[:64],
            "title": f"Met at {meeting.event.name}"[:200],
            "description": buyer.looking_for,
            "services": buyer.services,
            "published_at": meeting.event.first_day.isoformat(),
            "buyer": {"external_id": buyer.buyer.external_id, "name": buyer.buyer.name},
        }
    )
    brief = Brief.objects.filter(external_id=record.external_id).first()
    return brief or brief_save(record=record)


@transaction.atomic
def meeting_introduce(*, actor: User, meeting: Meeting, version: int) -> Introduction:
    """A held meeting into the pipeline in one step: an approved match (source
    ``event``) and an introduction that starts at ``meeting`` — both sides asked for
    and accepted the meeting, so they opted in already; the labels the ranker learns
    from (approved, introduced, meeting) are recorded as for any introduction."""
    if meeting.attendance != Meeting.Attendance.HELD:
        raise Refused("attendance", "only a held meeting becomes an introduction")
    if meeting.introduction_id:
        raise Refused("meeting", "already an introduction")
    if meeting.version != version:
        raise Conflict(
            f"meeting {meeting.pk} changed since version {version}", meeting_state(meeting)
        )
    brief = _brief_for(meeting)
    vendor = meeting.firm.vendor
    assert vendor is not None
    introduction = introduction_from_meeting(
        brief=brief,
        vendor=vendor,
        actor=actor,
        held_at=slot_start(meeting),
        note=f"met at {meeting.event.name}",
    )
    _change_meeting(
        meeting,
        actor=actor,
        version=version,
        action="meeting.introduce",
        changes={"introduction": introduction},
    )
    notify(
        [*members(meeting.firm), *members(meeting.buyer)],
        Notice(
            kind=Notification.Kind.MOVED,
            key=f"introduction-{introduction.pk}-from-meeting",
            text=f"Your meeting at {meeting.event.name} is now in the pipeline: {brief.title}",
            url=reverse("introductions"),
        ),
        actor=actor,
        email=False,
    )
    return introduction
