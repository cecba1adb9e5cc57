"""An event from creation to a deal, through the API: registration and approval,
the participants' directory, suggestions both ways, requests and answers, limits,
private notes, the schedule, agendas (JSON and ICS), attendance, an introduction
from a held meeting, and the figures."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from core.models import Email
from events.models import Event, Meeting, Participant
from events.schedules import schedule_event
from matchmaking.models import Introduction, Match
from notifications.models import Notification
from tests.factories import make_buyer, make_event, make_vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def expo(client_for):
    """An event; two firms, two buyers with their clients; an officer's client."""
    event = make_event(slug="expo", request_limit=2)
    firms = [
        make_vendor(external_id="pk-data", name="Lahore Data Works", city="Lahore",
                    services=["Data Engineering"], description="Data pipelines and analytics"),
        make_vendor(external_id="pk-mobile", name="Karachi Mobile", city="Karachi",
                    services=["Mobile App Development"], description="iOS and Android apps"),
    ]  # fmt: skip
    buyers = [
        make_buyer(external_id="de-retail", name="Berlin Retail GmbH", country="DE",
                   timezone="Europe/Berlin"),
        make_buyer(external_id="ae-bank", name="Gulf Bank", country="AE"),
    ]  # fmt: skip
    clients = {
        "officer": client_for("officer"),
        "firm": client_for("vendor", vendor=firms[0]),
        "firm2": client_for("vendor", vendor=firms[1]),
        "buyer": client_for("buyer", buyer=buyers[0]),
        "buyer2": client_for("buyer", buyer=buyers[1]),
    }
    return event, firms, buyers, clients


def _register_and_approve(clients, names, body=None):
    ids = {}
    for name in names:
        data = body or {}
        if name.startswith("buyer"):
            data = {
                "looking_for": "A data engineering partner for our analytics",
                "services": ["Data Engineering"],
                **data,
            }
        response = clients[name].post("/api/v1/events/expo/participants", data, format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["state"] == "pending"
        ids[name] = response.json()["id"]
        approved = clients["officer"].post(
            f"/api/v1/event-participants/{ids[name]}/approve", {"version": 1}, format="json"
        )
        assert approved.status_code == 200 and approved.json()["state"] == "approved"
    return ids


def test_officers_create_events_and_bad_input_names_the_field(client_for):
    officer = client_for("officer")
    body = {
        "slug": "leap", "name": "LEAP", "city": "Riyadh", "country": "SA",
        "timezone": "Asia/Riyadh", "first_day": "2027-02-09", "last_day": "2027-02-10",
        "registration_opens": "2026-12-01T00:00:00Z", "registration_closes": "2027-01-31T00:00:00Z",
        "breaks": [["12:30", "13:30"]], "tables": 30,
    }  # fmt: skip
    assert client_for("vendor").post("/api/v1/events/", body, format="json").status_code == 403
    bad = officer.post("/api/v1/events/", {**body, "timezone": "Riyadh"}, format="json")
    assert bad.status_code == 400 and "timezone" in bad.json()
    bad = officer.post("/api/v1/events/", {**body, "last_day": "2027-02-01"}, format="json")
    assert bad.status_code == 400 and "last_day" in bad.json()
    created = officer.post("/api/v1/events/", body, format="json")
    assert created.status_code == 201, created.json()
    # 09:00–17:00 with an hour's break: 14 slots a day
    assert created.json()["slots"] == 28
    stale = officer.patch("/api/v1/events/leap/", {"tables": 10, "version": 7}, format="json")
    assert stale.status_code == 409
    assert Event.objects.get(slug="leap").tables == 30  # nothing lost
    changed = officer.patch("/api/v1/events/leap/", {"tables": 10, "version": 1}, format="json")
    assert changed.status_code == 200 and changed.json()["tables"] == 10


def test_registration_window_availability_and_one_registration(expo):
    event, _, _, clients = expo
    bad = clients["firm"].post(
        "/api/v1/events/expo/participants",
        {"availability": [{"day": "2020-01-01", "start": "09:00", "end": "12:00"}]},
        format="json",
    )
    assert bad.status_code == 400 and "availability[0].day" in bad.json()
    day = event.first_day.isoformat()
    ok = clients["firm"].post(
        "/api/v1/events/expo/participants",
        {"availability": [{"day": day, "start": "09:00", "end": "12:00"}]},
        format="json",
    )
    assert ok.status_code == 201
    again = clients["firm"].post("/api/v1/events/expo/participants", {}, format="json")
    assert again.status_code == 400 and "organisation" in again.json()
    no_need = clients["buyer"].post("/api/v1/events/expo/participants", {}, format="json")
    assert no_need.status_code == 400 and "looking_for" in no_need.json()
    Event.objects.filter(pk=event.pk).update(registration_closes=timezone.now())
    late = clients["buyer"].post(
        "/api/v1/events/expo/participants", {"looking_for": "apps"}, format="json"
    )
    assert late.status_code == 400 and "event" in late.json()


def test_only_approved_participants_browse_and_officers_notes_stay_private(expo, client_for):
    _, _, _, clients = expo
    ids = _register_and_approve(clients, ["firm", "buyer"])
    clients["officer"].post(
        f"/api/v1/event-participants/{ids['buyer']}/reject", {"version": 2, "note": "checked"},
        format="json",
    )  # fmt: skip
    clients["officer"].post(
        f"/api/v1/event-participants/{ids['buyer']}/approve",
        {"version": 3, "note": "big budget, treat well"},
        format="json",
    )
    listing = clients["firm"].get("/api/v1/events/expo/participants?kind=buyer")
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert [r["organisation"]["name"] for r in rows] == ["Berlin Retail GmbH"]
    assert "officer_note" not in rows[0]
    assert listing.json()["facets"]["kind"] == [{"value": "buyer", "count": 1}]
    as_officer = clients["officer"].get("/api/v1/events/expo/participants?kind=buyer").json()
    assert as_officer["results"][0]["officer_note"] == "big budget, treat well"
    # registered elsewhere, pending, or not at all: no list
    assert clients["firm2"].get("/api/v1/events/expo/participants").status_code == 403
    clients["firm2"].post("/api/v1/events/expo/participants", {}, format="json")
    assert clients["firm2"].get("/api/v1/events/expo/participants").status_code == 403
    other = make_event(slug="other")
    Participant.objects.create(
        event=other, kind="buyer", buyer=expo[2][1], state="approved", timezone="Asia/Dubai"
    )
    assert clients["buyer2"].get("/api/v1/events/expo/participants").status_code == 403
    assert clients["buyer2"].get("/api/v1/events/other/participants").status_code == 200


def test_suggestions_requests_answers_limits_and_private_notes(expo):
    _, _, _, clients = expo
    ids = _register_and_approve(clients, ["firm", "firm2", "buyer", "buyer2"])
    suggested = clients["buyer"].get("/api/v1/events/expo/suggestions").json()
    # a data-engineering brief: the data firm first, with reasons
    assert suggested[0]["participant"] == ids["firm"]
    assert suggested[0]["reasons"], suggested
    back = clients["firm"].get("/api/v1/events/expo/suggestions").json()
    assert {row["participant"] for row in back} == {ids["buyer"], ids["buyer2"]}

    asked = clients["buyer"].post(
        "/api/v1/events/expo/meetings",
        {"participant": ids["firm"], "note": "Keen on your pipelines", "priority": 1},
        format="json",
    )
    assert asked.status_code == 201
    meeting = asked.json()
    assert Notification.objects.filter(key=f"meeting-{meeting['id']}-requested").count() == 1
    twice = clients["firm"].post(
        "/api/v1/events/expo/meetings", {"participant": ids["buyer"]}, format="json"
    )
    assert twice.status_code == 400 and "participant" in twice.json()
    same_side = clients["buyer"].post(
        "/api/v1/events/expo/meetings", {"participant": ids["buyer2"]}, format="json"
    )
    assert same_side.status_code == 400
    # the requester cannot answer its own request; the firm can
    own = clients["buyer"].post(
        f"/api/v1/event-meetings/{meeting['id']}/accept", {"version": 1}, format="json"
    )
    assert own.status_code == 400
    assert (
        clients["firm2"]
        .post(f"/api/v1/event-meetings/{meeting['id']}/accept", {"version": 1}, format="json")
        .status_code
        == 404
    )
    accepted = clients["firm"].post(
        f"/api/v1/event-meetings/{meeting['id']}/accept", {"version": 1}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    # limits: 2 requests per participant
    clients["buyer"].post(
        "/api/v1/events/expo/meetings", {"participant": ids["firm2"]}, format="json"
    )
    clients["buyer2"].post(
        "/api/v1/events/expo/meetings", {"participant": ids["firm"]}, format="json"
    )
    Participant.objects.filter(pk=ids["firm2"]).update(state="approved")
    third = clients["buyer"].post(
        "/api/v1/events/expo/meetings", {"participant": ids["firm"]}, format="json"
    )
    assert third.status_code == 400
    # private notes: each side's own
    clients["firm"].post(
        f"/api/v1/event-meetings/{meeting['id']}/note", {"text": "ask about budget"}, format="json"
    )
    clients["buyer"].post(
        f"/api/v1/event-meetings/{meeting['id']}/note", {"text": "they seem pricey"}, format="json"
    )
    as_firm = clients["firm"].get(f"/api/v1/event-meetings/{meeting['id']}").json()
    as_buyer = clients["buyer"].get(f"/api/v1/event-meetings/{meeting['id']}").json()
    as_officer = clients["officer"].get(f"/api/v1/event-meetings/{meeting['id']}").json()
    assert as_firm["private_note"] == "ask about budget"
    assert as_buyer["private_note"] == "they seem pricey"
    assert as_officer["private_note"] is None
    listed = clients["firm"].get("/api/v1/events/expo/meetings").content.decode()
    assert "pricey" not in listed
    page = clients["firm"].get("/api/v1/events/expo/meetings").json()
    assert all(row["private_note"] != "they seem pricey" for row in page["results"])


def test_schedule_agenda_in_both_zones_ics_and_email_on_change(expo):
    event, _, _, clients = expo
    ids = _register_and_approve(clients, ["firm", "buyer"])
    meeting = Meeting.objects.create(
        event=event, firm_id=ids["firm"], buyer_id=ids["buyer"], requested_by="buyer",
        state="accepted", priority=1,
    )  # fmt: skip
    for user in User.objects.all():
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.com")
    schedule = schedule_event(event=event, seconds=2)
    assert schedule.placed == 1
    meeting.refresh_from_db()
    assert meeting.slot is not None and meeting.table is not None
    assert 1 <= meeting.table <= event.tables
    agenda = clients["buyer"].get("/api/v1/events/expo/agenda").json()
    item = agenda["meetings"][0]
    assert item["with"] == "Lahore Data Works"
    assert agenda["timezone"] == "Europe/Berlin"
    # the same instant, in Berlin's zone and Dubai's
    assert item["starts_at"].endswith("+01:00") and item["venue_starts_at"].endswith("+04:00")
    ics = clients["buyer"].get("/api/v1/events/expo/agenda.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(ics.content)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1 and "Lahore Data Works" in str(events[0]["summary"])
    assert events[0].decoded("dtstart") == event.slots()[meeting.slot][0]
    told = Email.objects.filter(subject__contains="agenda").count()
    assert told == 2  # the firm's and the buyer's member, each once
    assert Notification.objects.filter(key__startswith="agenda-").count() == 2
    schedule_event(event=event, seconds=2)  # nothing changed: nobody is told again
    assert Email.objects.filter(subject__contains="agenda").count() == told
    meeting.refresh_from_db()
    assert meeting.slot == schedule.placements[meeting.pk].slot  # kept


def test_after_the_event_a_held_meeting_becomes_an_introduction(expo):
    event, firms, buyers, clients = expo
    ids = _register_and_approve(clients, ["firm", "buyer"])
    meeting = Meeting.objects.create(
        event=event, firm_id=ids["firm"], buyer_id=ids["buyer"], requested_by="buyer",
        state="accepted", slot=0, table=1,
    )  # fmt: skip
    url = f"/api/v1/event-meetings/{meeting.pk}"
    early = clients["officer"].post(
        f"{url}/attendance", {"version": 1, "attendance": "held"}, format="json"
    )
    assert early.status_code == 400 and "attendance" in early.json()
    past = timezone.now().date() - timedelta(days=3)
    Event.objects.filter(pk=event.pk).update(first_day=past, last_day=past + timedelta(days=1))
    assert (
        clients["firm"]
        .post(f"{url}/attendance", {"version": 1, "attendance": "held"}, format="json")
        .status_code
        == 403
    )
    held = clients["officer"].post(
        f"{url}/attendance", {"version": 1, "attendance": "held"}, format="json"
    )
    assert held.status_code == 200 and held.json()["attendance"] == "held"
    made = clients["officer"].post(f"{url}/introduce", {"version": 2}, format="json")
    assert made.status_code == 200, made.json()
    introduction = Introduction.objects.get(pk=made.json()["introduction"])
    assert introduction.stage == "meeting"
    assert introduction.match.source == Match.Source.EVENT
    assert introduction.match.vendor == firms[0] and introduction.match.brief.buyer == buyers[0]
    again = clients["officer"].post(f"{url}/introduce", {"version": 3}, format="json")
    assert again.status_code == 400
    # both sides now see it in their pipeline
    assert clients["buyer"].get(f"/api/v1/introductions/{introduction.pk}").status_code == 200
    figures = clients["officer"].get("/api/v1/event-analytics?event=expo").json()["rows"][0]
    assert (
        figures["requests"],
        figures["accepted"],
        figures["held"],
        figures["introductions"],
    ) == (1, 1, 1, 1)
    csv = clients["officer"].get("/api/v1/event-analytics?event=expo&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[0].startswith("event,name,city")


def test_the_dashboard_and_the_console_show_each_events_figures(expo, client):
    event, _, _, clients = expo
    ids = _register_and_approve(clients, ["firm", "buyer"])
    Meeting.objects.create(
        event=event, firm_id=ids["firm"], buyer_id=ids["buyer"], requested_by="firm",
        state="accepted", slot=3, table=2,
    )  # fmt: skip
    officer = User.objects.filter(role="officer").get()
    client.force_login(officer)
    for path in ("/console/analytics/", "/console/events/", "/console/events/expo/"):
        page = client.get(path).content.decode()
        assert "GITEX Global" in page, path
    page = client.get("/console/events/expo/").content.decode()
    assert "Lahore Data Works" in page and "Berlin Retail GmbH" in page  # the meeting row


def test_withdrawing_cancels_the_meetings_and_tells_the_other_side(expo):
    event, _, _, clients = expo
    ids = _register_and_approve(clients, ["firm", "buyer", "buyer2"])
    meetings = [
        Meeting.objects.create(
            event=event,
            firm_id=ids["firm"],
            buyer_id=ids[b],
            requested_by="buyer",
            state=state,
            slot=slot,
            table=1,
        )
        for b, state, slot in (("buyer", "accepted", 0), ("buyer2", "pending", None))
    ]
    stale = clients["firm"].post("/api/v1/events/expo/me/withdraw", {"version": 1}, format="json")
    assert stale.status_code == 409
    done = clients["firm"].post("/api/v1/events/expo/me/withdraw", {"version": 2}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "withdrawn"
    for meeting in meetings:
        meeting.refresh_from_db()
        assert (meeting.state, meeting.slot) == ("cancelled", None)
    told = Notification.objects.filter(key__contains="-cancelled-").values_list(
        "user__username", flat=True
    )
    assert len(told) == 2 and all(name.startswith("buyer") for name in told)  # not the firm
    # out of the directory, no more requests
    listing = clients["buyer"].get("/api/v1/events/expo/participants?kind=firm").json()
    assert listing["results"] == []
    again = clients["firm"].post("/api/v1/events/expo/me/withdraw", {"version": 3}, format="json")
    assert again.status_code == 400


def test_the_agenda_page_shows_the_participants_time_and_the_venues(expo, client):
    event, _, buyers, clients = expo
    ids = _register_and_approve(clients, ["firm", "buyer"])
    Meeting.objects.create(
        event=event, firm_id=ids["firm"], buyer_id=ids["buyer"], requested_by="firm",
        state="accepted", slot=0, table=4,
    )  # fmt: skip
    client.force_login(User.objects.get(buyer_membership__buyer=buyers[0]))
    page = client.get("/events/expo/agenda/").content.decode()
    # the first slot: 09:00 in Dubai (UTC+4), 06:00 in Berlin in winter (07:00 in summer)
    first = event.first_day.strftime("%a %-d %b")
    berlin = event.slots()[0][0].astimezone(ZoneInfo("Europe/Berlin"))
    assert berlin.hour in (6, 7)
    assert f"{berlin:%a %-d %b, %H:%M}–{berlin + timedelta(minutes=30):%H:%M}" in page
    assert f"{first}, 09:00–09:30" in page
    officer = User.objects.get(role="officer")
    client.force_login(officer)
    console = client.get("/console/events/expo/").content.decode()
    assert f"{first}, 09:00" in console  # venue time


def test_officers_change_an_event_from_the_console_and_bad_input_is_named(expo, client):
    event, _, _, _ = expo
    client.force_login(User.objects.get(role="officer"))
    page = client.get("/console/events/expo/").content.decode()
    assert 'value="12:00-13:00"' in page  # the form shows the event as it is
    form = {
        "act": "edit", "version": "1", "name": "GITEX Global 2027", "city": "Dubai",
        "country": "AE", "timezone": "Asia/Dubai", "first_day": event.first_day.isoformat(),
        "last_day": event.last_day.isoformat(), "day_starts": "10:00", "day_ends": "16:00",
        "meeting_minutes": "20", "breaks": "12:00-12:40", "tables": "25",
        "registration_opens": "2026-11-01T09:00", "registration_closes": "2026-12-20T09:00",
        "request_limit": "10", "description": "",
    }  # fmt: skip
    bad = client.post("/console/events/expo/act/", {**form, "timezone": "Dubai"}, follow=True)
    assert "timezone: not an IANA time zone" in bad.content.decode()
    assert Event.objects.get(pk=event.pk).tables == 10  # nothing lost
    client.post("/console/events/expo/act/", form)
    event.refresh_from_db()
    assert (event.name, event.tables, event.meeting_minutes, event.version) == (
        "GITEX Global 2027",
        25,
        20,
        2,
    )
    assert event.breaks == [["12:00", "12:40"]]
    stale = client.post("/console/events/expo/act/", {**form, "tables": "5"}, follow=True)
    assert "Someone else got there first" in stale.content.decode()
    assert Event.objects.get(pk=event.pk).tables == 25


def test_suggestions_follow_a_changed_registration(expo):
    _, _, _, clients = expo
    ids = _register_and_approve(clients, ["firm", "firm2", "buyer", "buyer2"])
    for version, act in ((2, "reject"), (3, "approve"), (4, "reject"), (5, "approve")):
        clients["officer"].post(
            f"/api/v1/event-participants/{ids['buyer2']}/{act}", {"version": version}, format="json"
        )  # buyer2 now holds the highest version; the buyer's change must still count
    first = clients["buyer"].get("/api/v1/events/expo/suggestions").json()
    assert first[0]["participant"] == ids["firm"]  # data engineering
    changed = clients["buyer"].patch(
        "/api/v1/events/expo/me",
        {
            "version": 2,
            "looking_for": "An iOS and Android app",
            "services": ["Mobile App Development"],
        },
        format="json",
    )
    assert changed.status_code == 200
    again = clients["buyer"].get("/api/v1/events/expo/suggestions").json()
    assert again[0]["participant"] == ids["firm2"]  # mobile apps now


def test_an_event_name_is_one_line(client_for):
    body = {
        "slug": "lines", "name": "GITEX\r\nBcc: x@evil.example", "city": "Dubai", "country": "AE",
        "timezone": "Asia/Dubai", "first_day": "2027-10-12", "last_day": "2027-10-13",
        "registration_opens": "2027-06-01T00:00:00Z", "registration_closes": "2027-10-01T00:00:00Z",
        "tables": 10,
    }  # fmt: skip
    officer = client_for("officer")
    refused = officer.post("/api/v1/events/", body, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"name"}, refused.json()
    assert (
        officer.post("/api/v1/events/", {**body, "name": "GITEX"}, format="json").status_code == 201
    )
