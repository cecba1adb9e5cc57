"""A participant's agenda as an iCalendar file (RFC 5545, the ``icalendar`` library):
one event per meeting, in the venue's zone (a calendar app shows it in its user's);
each meeting keeps its UID across reschedules, so an import updates it in place."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from core.mail import one_line_of
from events.models import Participant
from events.selectors import agenda


def agenda_ics(participant: Participant) -> bytes:
    event = participant.event
    calendar = Calendar()
    calendar.add("prodid", "-//Raabta//trade event agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", one_line_of(f"{event.name} — {participant.name}"))
    site = settings.RAABTA_SITE_URL.rstrip("/")
    host = site.split("//", 1)[-1] or "raabta"
    now = timezone.now()
    for item in agenda(participant):
        starts, ends = item.venue
        entry = CalendarEvent()
        entry.add("uid", f"meeting-{item.meeting.pk}@{host}")
        entry.add("dtstamp", now)
        entry.add("dtstart", starts)
        entry.add("dtend", ends)
        entry.add("summary", one_line_of(f"Meeting: {item.other.name} (table {item.table})"))
        entry.add("location", ", ".join(x for x in (event.venue, event.city) if x))
        description = f"{event.name}, table {item.table}."
        if item.meeting.note:
            description += f"\nNote: {item.meeting.note}"
        entry.add("description", description)
        entry.add("url", f"{site}/events/{event.slug}/agenda/")
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def calendar_response(participant: Participant) -> HttpResponse:
    """The agenda as a download (the page's link and the API's ``agenda.ics``)."""
    response = HttpResponse(agenda_ics(participant), content_type="text/calendar; charset=utf-8")
    filename = f"{participant.event.slug}-agenda.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
