"""Meetings between an event's participants: requests, answers, cancellation,
private notes, then after the event attendance and a held meeting turned into an
introduction (through matchmaking's services). Each write is one transaction;
refusals name the field; decisions are audited and notified."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from buyers.models import Brief
from buyers.schema import BriefRecord
from buyers.services import brief_save
from core.audit import audit_record
from core.errors import Conflict, Refused
from events.models import Meeting, Participant
from events.selectors import event_phase, members, requests_sent, side_of
from events.services import event_page, guarded
from matchmaking.models import Introduction
from matchmaking.pipeline.introductions import introduction_from_meeting
from notifications.catalogue import notice
from notifications.services import notify

Kind = Participant.Kind


def meeting_state(meeting: Meeting) -> dict[str, Any]:
    return {
        "state": meeting.state,
        "priority": meeting.priority,
        "slot": meeting.slot,
        "table": meeting.table,
        "attendance": meeting.attendance,
        "version": meeting.version,
    }


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
        notice(
            "meeting.requested",
            url=event_page(event, "requests"),
            meeting=meeting.pk,
            requester=requester.name,
            event=event.name,
            note=meeting.note,
        ),
        actor=actor,
    )
    return meeting


def change_meeting(
    meeting: Meeting, *, actor: User, version: int, action: str, changes: dict[str, Any]
) -> Meeting:
    before = meeting_state(meeting)
    guarded(
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
    meeting = change_meeting(
        meeting,
        actor=actor,
        version=version,
        action=f"meeting.{'accept' if accept else 'decline'}",
        changes=changes,
    )
    asker = meeting.firm if meeting.requested_by == Kind.FIRM else meeting.buyer
    answerer = meeting.buyer if asker is meeting.firm else meeting.firm
    notify(
        members(asker),
        notice(
            "meeting.accepted" if accept else "meeting.declined",
            url=event_page(meeting.event, "requests"),
            meeting=meeting.pk,
            answerer=answerer.name,
            event=meeting.event.name,
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
    meeting = change_meeting(
        meeting,
        actor=actor,
        version=version,
        action="meeting.cancel",
        changes={"state": Meeting.State.CANCELLED, "slot": None, "table": None},
    )
    tell_of_cancellation(meeting, actor)
    return meeting


def tell_of_cancellation(meeting: Meeting, actor: User) -> None:
    """Both sides hear of it (not the one who cancelled)."""
    event = meeting.event
    for side, other in ((meeting.firm, meeting.buyer), (meeting.buyer, meeting.firm)):
        notify(
            members(side),
            notice(
                "meeting.cancelled",
                url=event_page(event, "requests"),
                meeting=meeting.pk,
                side=side.pk,
                other=other.name,
                event=event.name,
            ),
            actor=actor,
        )


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
    return change_meeting(
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
    change_meeting(
        meeting,
        actor=actor,
        version=version,
        action="meeting.introduce",
        changes={"introduction": introduction},
    )
    notify(
        [*members(meeting.firm), *members(meeting.buyer)],
        notice(
            "introduction.from_meeting",
            url=reverse("introductions"),
            introduction=introduction.pk,
            event=meeting.event.name,
            title=brief.title,
        ),
        actor=actor,
        email=False,
    )
    return introduction
