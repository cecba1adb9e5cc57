"""Notifications: every event that is e-mailed is also in the recipients' in-app list
(introduction requested, answered, stage moved, new message, new matches), each once;
an unread count in the navigation; marking read; each user sees only their own."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from core.models import Email
from matchmaking.curation import decisions, suggestions
from matchmaking.models import Match
from matchmaking.pipeline import introductions
from notifications.models import Notification
from notifications.services import Notice, notify
from tests.factories import make_brief, make_buyer, make_vendor

pytestmark = pytest.mark.django_db(transaction=True)  # firms are indexed on commit


@pytest.fixture
def scene(user_factory):
    buyer = make_buyer(external_id="hafen", name="Hafen GmbH")
    brief = make_brief(buyer, external_id="b-fleet", title="Fleet app")
    vendor = make_vendor(external_id="chenab", name="Chenab Mobile")
    people = {
        "firm": user_factory("vendor", vendor=vendor),
        "buyer": user_factory("buyer", buyer=buyer),
        "officer": user_factory("officer"),
        "bystander": user_factory("vendor", vendor=make_vendor(external_id="other")),
    }
    for role, user in people.items():
        user.email = f"{role}@example.com"
        user.save()
    return brief, vendor, people


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


def _journey(brief, vendor, people):
    """Requested by the buyer, approved, accepted, confirmed, moved to a meeting."""
    match = decisions.match_add(brief=brief, vendor=vendor, actor=people["buyer"])
    match = Match.objects.get(pk=match.pk)
    match = decisions.match_approve(match=match, actor=people["officer"], version=match.version)
    intro = introductions.introduction_vendor_answer(
        introduction=match.introduction, actor=people["firm"], version=1, accept=True
    )
    intro = introductions.introduction_buyer_answer(
        introduction=intro, actor=people["buyer"], version=intro.version, confirm=True
    )
    return introductions.introduction_move(
        introduction=intro, actor=people["officer"], version=intro.version, stage="meeting"
    )


def test_each_step_of_an_introduction_tells_the_people_it_concerns(scene):
    brief, vendor, people = scene
    _journey(brief, vendor, people)
    assert _kinds(people["officer"]) == ["requested", "answered", "answered"]
    assert _kinds(people["firm"]) == ["invited", "answered", "moved"]
    assert _kinds(people["buyer"]) == ["invited", "answered", "answered", "moved"]
    assert _kinds(people["bystander"]) == []
    # nobody is told of their own act (the officer moved it to a meeting) — except the
    # buyer's confirmation, which is where the firm's contact reaches the buyer
    assert not Notification.objects.filter(user=people["officer"], kind="moved").exists()
    assert Notification.objects.filter(
        user=people["buyer"], key__endswith="introduced-buyer"
    ).exists()


def test_every_email_has_its_in_app_notification(scene):
    brief, vendor, people = scene
    _journey(brief, vendor, people)
    emails = list(Email.objects.all())
    assert len(emails) >= 7
    for email in emails:  # one recipient each; the key names the event and the user
        [address] = email.to
        event, user = email.key.rsplit("-to-", 1)
        assert Notification.objects.filter(key=event, user_id=user, user__email=address).exists()


def test_an_event_is_told_once_even_when_repeated(scene):
    _, _, people = scene
    event = Notice(kind="moved", key="test-once", text="Once", url="/", subject="Once")
    assert notify([people["firm"], people["firm"]], event) == [people["firm"]]
    assert notify([people["firm"]], event) == []
    assert Notification.objects.filter(key="test-once").count() == 1
    assert Email.objects.filter(key__startswith="test-once").count() == 1


def test_new_suggestions_tell_the_buyer_in_the_app(scene, user_factory):
    brief, _, people = scene
    for n in range(3):
        make_vendor(external_id=f"flutter-{n}", services=["Mobile App Development"])
    suggestions.suggest_matches(brief)
    [note] = Notification.objects.filter(user=people["buyer"], kind="matches")
    assert "suggested for Fleet app" in note.text and note.url == "/workspace/briefs/b-fleet/"
    assert not Email.objects.filter(key__startswith=note.key).exists()
    suggestions.suggest_matches(brief)  # nothing new: nothing more to tell
    assert Notification.objects.filter(user=people["buyer"], kind="matches").count() == 1


def test_the_api_lists_counts_and_marks_only_ones_own(scene):
    brief, vendor, people = scene
    _journey(brief, vendor, people)
    buyer = api(people["buyer"])
    listed = buyer.get("/api/v1/notifications/").json()
    assert listed["count"] == 4 and listed["unread"] == 4
    assert [n["kind"] for n in listed["results"]] == ["moved", "answered", "answered", "invited"]
    newest = listed["results"][0]
    assert buyer.post(f"/api/v1/notifications/{newest['id']}/read").json() == {
        "marked": 1,
        "unread": 3,
    }
    assert buyer.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 3
    # another user's notification is not there for them
    assert api(people["firm"]).post(f"/api/v1/notifications/{newest['id']}/read").status_code == 404
    assert api(people["firm"]).get("/api/v1/notifications/").json()["count"] == 3
    assert (
        buyer.post("/api/v1/notifications/read", {"ids": ["x"]}, format="json").status_code == 400
    )
    form = buyer.post("/api/v1/notifications/read", {"x": "1"}, format="multipart")
    assert form.status_code == 415  # a stray form post does not mark everything read
    assert buyer.post("/api/v1/notifications/read", 7, format="json").status_code == 400
    assert buyer.post("/api/v1/notifications/read", {}, format="json").json()["unread"] == 0
    assert api(people["firm"]).get("/api/v1/notifications/").json()["unread"] == 3
    assert APIClient().get("/api/v1/notifications/").status_code == 401


def test_the_navigation_counts_unread_and_the_page_marks_read(scene, client):
    brief, vendor, people = scene
    _journey(brief, vendor, people)
    client.force_login(people["firm"])
    home = client.get("/firms/").content.decode()
    assert 'Notifications <span class="pill">3<' in home
    page = client.get("/workspace/notifications/").content.decode()
    assert "Chenab Mobile × Fleet app: now meeting" in page
    note = Notification.objects.filter(user=people["firm"], kind="moved").get()
    opened = client.post("/workspace/notifications/read/", {"id": note.pk, "next": note.url})
    assert opened.status_code == 302 and opened["Location"] == note.url
    assert 'Notifications <span class="pill">2<' in client.get("/firms/").content.decode()
    elsewhere = client.post("/workspace/notifications/read/", {"next": "https://evil.example/"})
    assert elsewhere["Location"] == "/workspace/notifications/"  # and all are read now
    assert "unread" not in client.get("/firms/").content.decode().split("<main")[0]
    client.logout()
    assert client.get("/workspace/notifications/").status_code == 302  # sign in first
