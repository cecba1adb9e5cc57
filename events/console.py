"""The officers' console for events: the list, creating and editing an event, one
event's registrations, requests and schedule, and the officers' actions on them
(officers only; anyone else is refused by ``core.page_actions.officers_only``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import Conflict
from core.page_actions import decided, officers_only, posted_number, posted_version
from events import registration, schedules, selectors, services
from events.api.serializers import EventSerializer
from events.models import Event, Meeting, Participant

EVENT_FIELDS = (
    "name", "venue", "city", "country", "timezone", "first_day", "last_day", "day_starts",
    "day_ends", "meeting_minutes", "tables", "registration_opens", "registration_closes",
    "request_limit", "description",
)  # fmt: skip


def _event_form(request: HttpRequest) -> dict[str, Any]:
    """The event form's fields as the API's body (breaks "12:30-13:30, 15:00-15:30")."""
    data: dict[str, Any] = {name: request.POST.get(name, "").strip() for name in EVENT_FIELDS}
    breaks = request.POST.get("breaks", "")
    data["breaks"] = [
        [t.strip() for t in part.split("-", 1)] for part in breaks.split(",") if "-" in part
    ]
    return data


def _as_form(event: Event) -> dict[str, Any]:
    """An event's values as the form shows them (venue times HH:MM, dates ISO)."""
    values: dict[str, Any] = {name: getattr(event, name) for name in EVENT_FIELDS}
    values.update(
        first_day=event.first_day.isoformat(),
        last_day=event.last_day.isoformat(),
        day_starts=f"{event.day_starts:%H:%M}",
        day_ends=f"{event.day_ends:%H:%M}",
        registration_opens=f"{timezone.localtime(event.registration_opens):%Y-%m-%dT%H:%M}",
        registration_closes=f"{timezone.localtime(event.registration_closes):%Y-%m-%dT%H:%M}",
        breaks=", ".join(f"{a}-{b}" for a, b in event.breaks),
    )
    return values


@officers_only
def console_events(request: HttpRequest) -> HttpResponse:
    """Every event with its figures; a form to create one (through the API's
    serializer, so both refuse the same input with the same field names)."""
    errors: dict[str, Any] = {}
    if request.method == "POST":
        data = {**_event_form(request), "slug": request.POST.get("slug", "")}
        serializer = EventSerializer(data=data, context={"request": request})
        if serializer.is_valid():
            event = services.event_save(actor=request.user, fields=serializer.validated_data)  # type: ignore[arg-type]
            messages.success(request, f"{event.name} created.")
            return redirect("console-event", slug=event.slug)
        errors = serializer.errors
    return render(
        request,
        "events/console_events.html",
        {"rows": selectors.event_analytics(), "errors": errors, "posted": request.POST},
    )


@officers_only
def console_event(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Event, slug=slug)
    pending = Participant.objects.filter(
        event=event, state=Participant.State.PENDING
    ).select_related("vendor", "buyer")
    meetings = (
        Meeting.objects.filter(event=event, state=Meeting.State.ACCEPTED)
        .select_related("firm__vendor", "buyer__buyer", "introduction")
        .order_by("slot", "table", "id")
    )
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    slots = event.slots()
    return render(
        request,
        "events/console_event.html",
        {
            "event": event,
            "phase": selectors.event_phase(event),
            "pending": pending,
            "page": page,
            "slot_times": {i: start for i, (start, _) in enumerate(slots)},
            "figures": selectors.event_analytics(Event.objects.filter(pk=event.pk))[0],
            "form": _as_form(event),
            "now": timezone.now(),
        },
    )


@require_POST
@officers_only
def console_event_act(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Event, slug=slug)
    user: Any = request.user
    act = request.POST.get("act", "")
    if act == "schedule":
        try:
            job = schedules.schedule_start(event=event, actor=user)
        except Conflict as running:
            messages.info(request, f"Not started again: {running.message}.")
            return redirect("console-job", pk=running.current["job"])
        messages.success(request, "Scheduling started.")
        return redirect("console-job", pk=job.pk)
    if act == "edit":
        serializer = EventSerializer(
            event, data=_event_form(request), partial=True, context={"request": request}
        )
        if not serializer.is_valid():
            for field, problems in serializer.errors.items():
                messages.error(request, f"{field}: {' '.join(str(p) for p in problems)}")
        elif decided(
            request,
            lambda: services.event_save(
                actor=user,
                fields=serializer.validated_data,
                event=event,
                version=posted_version(request),
            ),
        ):
            messages.success(request, f"{event.name} saved.")
        return redirect("console-event", slug=event.slug)
    if act in {"approve", "reject"}:
        participant = get_object_or_404(
            Participant, event=event, pk=posted_number(request.POST.get("participant"))
        )
        if decided(
            request,
            lambda: registration.participant_decide(
                actor=user,
                participant=participant,
                version=posted_version(request),
                approve=act == "approve",
                note=request.POST.get("note", "")[:2000],
            ),
        ):
            messages.success(request, f"{participant.name}: {act}d.")
        return redirect("console-event", slug=event.slug)
    messages.error(request, "act: schedule, approve or reject")
    return redirect("console-event", slug=event.slug)
