"""Event pages: the list, an event (registration, the participants' directory,
suggestions, requests), the printable agenda and its calendar file. Who may open what
is the API's rule (``events.api``); the services decide and audit. The officers'
console for events is ``events.console``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from buyers.selectors import buyer_of_member
from core.page_actions import decided, posted_number, posted_version
from events import meetings, registration, selectors
from events.calendar import calendar_response
from events.models import Event, Participant
from events.suggestions import suggestions_for
from vendors.selectors import vendor_of_member

DIRECTORY_PAGE = 24


@login_required
def events_page(request: HttpRequest) -> HttpResponse:
    events = selectors.events_visible_to(request.user)
    rows = [
        {
            "event": event,
            "phase": selectors.event_phase(event),
            "own": selectors.participant_of(request.user, event),
        }
        for event in events[:50]
    ]
    return render(request, "events/events.html", {"rows": rows})


def _windows(request: HttpRequest, event: Event) -> list[dict[str, str]]:
    """Availability from the form: per day, "all day", "morning", "afternoon" or "no"."""
    windows = []
    middle = (
        datetime.combine(event.first_day, event.day_starts)
        + (
            datetime.combine(event.first_day, event.day_ends)
            - datetime.combine(event.first_day, event.day_starts)
        )
        / 2
    ).time()
    spans = {
        "morning": (event.day_starts, middle),
        "afternoon": (middle, event.day_ends),
        "all": (event.day_starts, event.day_ends),
    }
    chosen = [request.POST.get(f"day-{day.isoformat()}", "all") for day in event.days()]
    if all(choice == "all" for choice in chosen):
        return []
    for day, choice in zip(event.days(), chosen, strict=True):
        if choice in spans:
            start, end = spans[choice]
            windows.append({"day": day.isoformat(), "start": _hhmm(start), "end": _hhmm(end)})
    return windows


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


@login_required
def event_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(selectors.events_visible_to(request.user), slug=slug)
    own = selectors.participant_of(request.user, event)
    context: dict[str, Any] = {
        "event": event,
        "phase": selectors.event_phase(event),
        "own": own,
        "slots": event.slots(),
    }
    user: Any = request.user
    if own is None and (buyer := buyer_of_member(user)) is not None:
        context["briefs"] = buyer.briefs.all()[:50]
    if selectors.may_browse(request.user, event):
        query = {
            key: request.GET.get(key, "").strip() for key in ("kind", "country", "service", "q")
        }
        rows, facets = selectors.directory(
            event,
            officer=user.is_officer,
            kind=query["kind"] if query["kind"] in Participant.Kind.values else "",
            country=query["country"][:2],
            service=query["service"][:100],
            text=query["q"][:200],
        )
        page = Paginator(rows, DIRECTORY_PAGE).get_page(request.GET.get("page"))
        for person in page:
            person.offers = selectors.offered(person)  # type: ignore[attr-defined]
        kept = {key: value for key, value in query.items() if value}
        context.update(
            filters=urlencode(kept) + "&" if kept else "",
            directory=page,
            facets=facets,
            query=query,
        )
    if own is not None and own.state == Participant.State.APPROVED:
        mine = selectors.meetings_visible_to(request.user).filter(event=event)
        context.update(
            suggestions=suggestions_for(own),
            incoming=[m for m in mine if m.requested_by != own.kind],
            outgoing=[m for m in mine if m.requested_by == own.kind],
            sent=selectors.requests_sent(own),
            asked={m.buyer_id if own.kind == "firm" else m.firm_id for m in mine},
        )
    return render(request, "events/event.html", context)


@require_POST
@login_required
def event_register(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(selectors.events_visible_to(request.user), slug=slug)
    user: Any = request.user
    vendor, buyer = vendor_of_member(user), buyer_of_member(user)
    if vendor is None and buyer is None:
        raise PermissionDenied("Register through a firm's or a buyer's account.")
    brief = (
        buyer.briefs.filter(external_id=request.POST.get("brief", "")).first() if buyer else None
    )

    def register() -> None:
        registration.participant_register(
            actor=user,
            event=event,
            vendor=vendor,
            buyer=buyer,
            brief=brief,
            looking_for=request.POST.get("looking_for", "")[:4000],
            availability=_windows(request, event),
            zone=request.POST.get("timezone", "")[:64],
        )

    if decided(request, register):
        messages.success(request, "Registered. Trade officers will confirm your place.")
    return redirect("event", slug=event.slug)


@require_POST
@login_required
def event_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(selectors.events_visible_to(request.user), slug=slug)
    own = selectors.participant_of(request.user, event)
    if own is None:
        raise PermissionDenied("You are not registered for this event.")
    if decided(
        request,
        lambda: registration.participant_withdraw(
            actor=request.user,  # type: ignore[arg-type]
            participant=own,
            version=posted_version(request),
        ),
    ):
        messages.success(request, f"{own.name} has withdrawn from {event.name}.")
    return redirect("event", slug=event.slug)


@require_POST
@login_required
def event_request(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(selectors.events_visible_to(request.user), slug=slug)
    own = selectors.participant_of(request.user, event)
    if own is None or own.state != Participant.State.APPROVED:
        raise PermissionDenied("Only this event's approved participants ask for meetings.")
    other = Participant.objects.filter(
        event=event, pk=posted_number(request.POST.get("participant"))
    ).first()
    if other is None:
        messages.error(request, "participant: not a participant of this event")
    elif decided(
        request,
        lambda: meetings.meeting_request(
            actor=request.user,  # type: ignore[arg-type]
            requester=own,
            other=other,
            note=request.POST.get("note", "")[:1000],
            priority=posted_number(request.POST.get("priority")) or 2,
        ),
    ):
        messages.success(request, f"Meeting requested with {other.name}.")
    return redirect(f"{reverse('event', args=[event.slug])}#requests")


@require_POST
@login_required
def meeting_act(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept, decline, cancel, keep a private note — or, for officers, record
    attendance and turn a held meeting into an introduction."""
    meeting = get_object_or_404(selectors.meetings_visible_to(request.user), pk=pk)
    user: Any = request.user
    act, version = request.POST.get("act", ""), posted_version(request)
    actions: dict[str, Callable[[], Any]] = {
        "accept": lambda: meetings.meeting_answer(
            actor=user, meeting=meeting, version=version, accept=True,
            priority=posted_number(request.POST.get("priority")) or None,
        ),
        "decline": lambda: meetings.meeting_answer(
            actor=user, meeting=meeting, version=version, accept=False
        ),
        "cancel": lambda: meetings.meeting_cancel(actor=user, meeting=meeting, version=version),
        "note": lambda: meetings.meeting_private_note(
            actor=user, meeting=meeting, text=request.POST.get("text", "")[:4000]
        ),
    }  # fmt: skip
    if user.is_officer:
        actions.update(
            held=lambda: meetings.meeting_attendance(
                actor=user, meeting=meeting, version=version, attendance="held"
            ),
            missed=lambda: meetings.meeting_attendance(
                actor=user, meeting=meeting, version=version, attendance="missed"
            ),
            introduce=lambda: meetings.meeting_introduce(
                actor=user, meeting=meeting, version=version
            ),
        )
    if act not in actions:
        messages.error(request, f"act: one of {', '.join(actions)}")
    elif decided(request, actions[act]):
        messages.success(request, "Saved.")
    back = request.POST.get("back", "")
    if user.is_officer and back == "console":
        return redirect(f"{reverse('console-event', args=[meeting.event.slug])}#meetings")
    return redirect(f"{reverse('event', args=[meeting.event.slug])}#requests")


def _agenda_owner(request: HttpRequest, event: Event) -> Participant:
    return selectors.agenda_owner(
        request.user, event, posted_number(request.GET.get("participant"))
    )


@login_required
def agenda_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(selectors.events_visible_to(request.user), slug=slug)
    owner = _agenda_owner(request, event)
    return render(
        request,
        "events/agenda.html",
        {"event": event, "owner": owner, "items": selectors.agenda(owner)},
    )


@login_required
def agenda_file(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(selectors.events_visible_to(request.user), slug=slug)
    return calendar_response(_agenda_owner(request, event))


# --- the officers' console ------------------------------------------------------------
