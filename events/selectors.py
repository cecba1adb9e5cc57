"""Reads for events: who may see what, the participants' directory with facets, and
each participant's agenda in its own zone and the venue's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from events.models import Event, Meeting, Participant
from notifications.selectors import members_of

Kind = Participant.Kind


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Every signed-in user sees the events (to register); nobody else."""
    return Event.objects.all() if user.is_authenticated else Event.objects.none()


def may_browse(user: Any, event: Event) -> bool:
    """Officers, and the approved participants of this event (no one else: another
    event's participants included)."""
    if user.is_authenticated and user.is_officer:
        return True
    own = participant_of(user, event)
    return own is not None and own.state == Participant.State.APPROVED


def approved_participant(user: Any, event: Event) -> Participant:
    """The user's own organisation's approved registration, else 403."""
    own = participant_of(user, event)
    if own is None or own.state != Participant.State.APPROVED:
        raise PermissionDenied("Only this event's approved participants may do this.")
    return own


def agenda_owner(user: Any, event: Event, participant_id: int | None) -> Participant:
    """Whose agenda: an officer may name any participant of the event; anyone else
    reads their own (approved) one."""
    if user.is_officer and participant_id:
        return get_object_or_404(Participant, pk=participant_id, event=event)
    return approved_participant(user, event)


def directory(
    event: Event,
    *,
    officer: bool,
    kind: str = "",
    country: str = "",
    service: str = "",
    text: str = "",
    state: str = "",
) -> tuple[QuerySet[Participant], dict[str, list[tuple[str, int]]]]:
    """The event's participants (approved ones; officers also pending and rejected when
    they ask by ``state``), filtered, with facet counts over the filtered rows."""
    rows = Participant.objects.filter(event=event).select_related("vendor", "buyer")
    if not officer:
        rows = rows.filter(state=Participant.State.APPROVED)
    elif state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    if country:
        rows = rows.filter(Q(vendor__country=country.upper()) | Q(buyer__country=country.upper()))
    if text:
        rows = rows.filter(
            Q(vendor__name__icontains=text)
            | Q(buyer__name__icontains=text)
            | Q(looking_for__icontains=text)
            | Q(vendor__description__icontains=text)
        )
    people = list(rows)
    if service:
        people = [p for p in people if service in offered(p)]
        rows = rows.filter(pk__in=[p.pk for p in people])
    facets = {
        "kind": sorted(Counter(p.kind for p in people).items()),
        "country": sorted(Counter(country_of(p) for p in people if country_of(p)).items()),
        "service": Counter(s for p in people for s in offered(p)).most_common(20),
    }
    return rows.order_by("kind", "id"), facets


def offered(participant: Participant) -> list[str]:
    """A firm's services, or the services a buyer looks for."""
    if participant.vendor is not None:  # [{"name", "share"}, …]
        return [service["name"] for service in participant.vendor.services]
    return list(participant.services or (participant.brief.services if participant.brief else []))


def country_of(participant: Participant) -> str:
    party = participant.vendor or participant.buyer
    return str(party.country) if party is not None and party.country else ""


def _scoped(user: Any, rows: QuerySet[Any], *, firm: str, buyer: str) -> QuerySet[Any]:
    """Officers: all ``rows``; a firm's or buyer's members: those whose ``firm`` or
    ``buyer`` path reaches their organisation; anyone else: none."""
    if not user.is_authenticated:
        return rows.none()
    if user.is_officer:
        return rows
    if user.role == User.Role.VENDOR:
        return rows.filter(**{f"{firm}__members__user": user})
    if user.role == User.Role.BUYER:
        return rows.filter(**{f"{buyer}__members__user": user})
    return rows.none()


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    """Officers: all; a firm's or buyer's members: their organisation's meetings."""
    rows = Meeting.objects.select_related("event", "firm__vendor", "buyer__buyer", "introduction")
    return _scoped(user, rows, firm="firm__vendor", buyer="buyer__buyer")


def participants_visible_to(user: Any) -> QuerySet[Participant]:
    """Officers: every registration; others: their own organisation's."""
    rows = Participant.objects.select_related("event", "vendor", "buyer")
    return _scoped(user, rows, firm="vendor", buyer="buyer")


@dataclass(frozen=True)
class AgendaItem:
    meeting: Meeting
    slot: int
    table: int
    starts: datetime  # aware
    ends: datetime
    other: Participant
    own_zone: ZoneInfo
    venue_zone: ZoneInfo

    @property
    def local(self) -> tuple[datetime, datetime]:
        return self.starts.astimezone(self.own_zone), self.ends.astimezone(self.own_zone)

    @property
    def venue(self) -> tuple[datetime, datetime]:
        return self.starts.astimezone(self.venue_zone), self.ends.astimezone(self.venue_zone)


def agenda(participant: Participant) -> list[AgendaItem]:
    """The participant's scheduled meetings in time order."""
    event = participant.event
    slots = event.slots()
    mine = Meeting.objects.filter(
        Q(firm=participant) | Q(buyer=participant),
        state=Meeting.State.ACCEPTED,
        slot__isnull=False,
        table__isnull=False,
    ).select_related("firm__vendor", "buyer__buyer", "buyer__brief")
    own_zone = _zone(participant.timezone, event.zone)
    items = []
    for meeting in mine:
        if meeting.slot is None or meeting.table is None or meeting.slot >= len(slots):
            continue
        starts, ends = slots[meeting.slot]
        other = meeting.buyer if meeting.firm_id == participant.pk else meeting.firm
        items.append(
            AgendaItem(
                meeting, meeting.slot, meeting.table, starts, ends, other, own_zone, event.zone
            )
        )
    return sorted(items, key=lambda item: item.slot)


def _zone(name: str, default: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else default
    except (KeyError, ValueError):
        return default


def event_analytics(events: QuerySet[Event] | None = None) -> list[dict[str, Any]]:
    """Per event: participants, requests, accepted, scheduled, held, missed,
    introductions, deals won and their value (US dollars)."""
    rows = (events if events is not None else Event.objects.all()).annotate(
        firms=Count(
            "participants",
            filter=Q(participants__kind="firm", participants__state="approved"),
            distinct=True,
        ),
        buyers=Count(
            "participants",
            filter=Q(participants__kind="buyer", participants__state="approved"),
            distinct=True,
        ),
    )
    found = []
    for event in rows.order_by("-first_day", "id"):
        meetings = Meeting.objects.filter(event=event)
        counts = meetings.aggregate(
            requests=Count("id"),
            accepted=Count("id", filter=Q(state=Meeting.State.ACCEPTED)),
            scheduled=Count("id", filter=Q(state=Meeting.State.ACCEPTED, slot__isnull=False)),
            held=Count("id", filter=Q(attendance=Meeting.Attendance.HELD)),
            missed=Count("id", filter=Q(attendance=Meeting.Attendance.MISSED)),
            introductions=Count("id", filter=Q(introduction__isnull=False)),
            won=Count("id", filter=Q(introduction__stage="won")),
            won_value_usd=Sum(
                "introduction__deal_value_usd", filter=Q(introduction__stage="won"), default=0
            ),
        )
        counts["won_value_usd"] = int(counts["won_value_usd"])  # PostgreSQL: numeric
        found.append(
            {
                "event": event.slug,
                "name": event.name,
                "city": event.city,
                "first_day": event.first_day.isoformat(),
                "firms": event.firms,
                "buyers": event.buyers,
                **counts,
            }
        )
    return found


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


def requests_sent(participant: Participant) -> int:
    mine = Q(firm=participant) if participant.kind == Kind.FIRM else Q(buyer=participant)
    return (
        Meeting.objects.filter(mine, requested_by=participant.kind)
        .exclude(state=Meeting.State.CANCELLED)
        .count()
    )
