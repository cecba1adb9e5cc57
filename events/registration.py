"""Registration for an event: a firm or a buyer signs up with its availability,
officers approve or decline, a participant changes or withdraws. Each write is one
transaction; refusals name the field; decisions are audited and notified."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from buyers.models import Brief, Buyer
from core.audit import audit_record
from core.errors import Refused
from events.meetings import (
    change_meeting,
    tell_of_cancellation,
)
from events.models import Event, Meeting, Participant
from events.selectors import event_phase, members
from events.services import event_page, guarded
from notifications.catalogue import notice
from notifications.selectors import officers
from notifications.services import notify
from vendors.models import Vendor

Kind = Participant.Kind


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
        notice(
            "event.registered",
            url=reverse("console-event", args=[event.slug]),
            participant=participant.pk,
            name=participant.name,
            event=event.name,
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
    return guarded(
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
    notify(
        members(participant),
        notice(
            "event.registration_approved" if approve else "event.registration_not_approved",
            url=event_page(event),
            participant=participant.pk,
            state=state,
            name=participant.name,
            event=event.name,
            city=event.city,
            first_day=event.first_day,
        ),
        actor=actor,
    )
    return participant


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
        meeting = change_meeting(
            meeting,
            actor=actor,
            version=meeting.version,
            action="meeting.cancel",
            changes={"state": Meeting.State.CANCELLED, "slot": None, "table": None},
        )
        tell_of_cancellation(meeting, actor)
    return participant
