"""Conversations: one thread per introduction, open once both sides opted in; the two
parties and officers post and read, nobody else; read state per user; at most one
new-message e-mail per participant per quiet period, through the once-only queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from core.mail import send_pending
from core.models import Email
from matchmaking.curation import decisions
from matchmaking.models import Message
from matchmaking.pipeline import introductions
from notifications.models import Notification
from tests.factories import make_brief, make_buyer, make_vendor

pytestmark = pytest.mark.django_db(transaction=True)  # firms are indexed on commit


@pytest.fixture
def scene(user_factory):
    buyer = make_buyer(external_id="hafen", name="Hafen GmbH")
    brief = make_brief(buyer, external_id="b-fleet", title="Fleet app")
    vendor = make_vendor(external_id="chenab", name="Chenab Mobile")
    officer = user_factory("officer")
    match = decisions.match_add(brief=brief, vendor=vendor, actor=officer)
    match = decisions.match_approve(match=match, actor=officer, version=match.version)
    people = {
        "firm": user_factory("vendor", vendor=vendor),
        "buyer": user_factory("buyer", buyer=buyer),
        "officer": officer,
    }
    for role, user in people.items():
        user.email = f"{role}@example.com"
        user.first_name = role.title()
        user.save()
    return match.introduction, people


def _introduce(intro, people):
    intro = introductions.introduction_vendor_answer(
        introduction=intro, actor=people["firm"], version=intro.version, accept=True
    )
    return introductions.introduction_buyer_answer(
        introduction=intro, actor=people["buyer"], version=intro.version, confirm=True
    )


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _post(user, intro, body):
    return api(user).post(f"/api/v1/introductions/{intro.pk}/messages", {"body": body})


def _unread(user, intro) -> int:
    return int(api(user).get(f"/api/v1/introductions/{intro.pk}").json()["unread_messages"])


def test_the_conversation_opens_once_both_sides_opted_in(scene):
    intro, people = scene
    answer = _post(people["officer"], intro, "Hello")
    assert answer.status_code == 400 and "stage" in answer.json()
    intro = introductions.introduction_vendor_answer(
        introduction=intro, actor=people["firm"], version=intro.version, accept=True
    )
    assert _post(people["firm"], intro, "Hello").status_code == 400
    assert not Message.objects.exists()
    intro = introductions.introduction_buyer_answer(
        introduction=intro, actor=people["buyer"], version=intro.version, confirm=True
    )
    assert _post(people["firm"], intro, "Hello from Lahore").status_code == 201


def test_both_parties_and_officers_talk_with_read_state_per_user(scene):
    intro, people = scene
    intro = _introduce(intro, people)
    posted = _post(people["firm"], intro, "Hello from Lahore — when suits you for a call?")
    assert posted.status_code == 201 and posted.json()["mine"] is True
    assert _unread(people["buyer"], intro) == 1
    assert _unread(people["firm"], intro) == 0  # one's own message is read
    _post(people["officer"], intro, "Glad you two found each other.")
    assert _unread(people["buyer"], intro) == 2 and _unread(people["firm"], intro) == 1

    thread = api(people["buyer"]).get(f"/api/v1/introductions/{intro.pk}/messages").json()
    assert [m["body"] for m in thread["results"]] == [
        "Hello from Lahore — when suits you for a call?",
        "Glad you two found each other.",
    ]
    assert thread["results"][0]["author"] == "Firm (Chenab Mobile)"
    assert thread["results"][1]["author"] == "Officer (trade officer)"
    assert not any(m["mine"] for m in thread["results"])
    assert _unread(people["buyer"], intro) == 2  # reading the list is not marking it read
    marked = api(people["buyer"]).post(f"/api/v1/introductions/{intro.pk}/messages/read")
    assert marked.json()["last_read"] == Message.objects.latest("id").pk
    assert _unread(people["buyer"], intro) == 0 and _unread(people["firm"], intro) == 1


def test_nobody_else_can_read_or_post(scene, user_factory):
    intro, people = scene
    intro = _introduce(intro, people)
    _post(people["firm"], intro, "For the buyer only")
    other_firm = user_factory("vendor", vendor=make_vendor(external_id="other"))
    other_buyer = user_factory("buyer", buyer=make_buyer(external_id="other-buyer"))
    for outsider in (other_firm, other_buyer, user_factory("vendor"), user_factory("buyer")):
        assert api(outsider).get(f"/api/v1/introductions/{intro.pk}/messages").status_code == 404
        assert _post(outsider, intro, "let me in").status_code == 404
        web = APIClient()
        web.force_login(outsider)
        assert web.get(f"/workspace/introductions/{intro.pk}/conversation/").status_code == 404
    anonymous = APIClient()
    assert anonymous.get(f"/api/v1/introductions/{intro.pk}/messages").status_code == 401
    assert (
        anonymous.post(f"/api/v1/introductions/{intro.pk}/messages", {"body": "x"}).status_code
        == 401
    )
    assert Message.objects.count() == 1


def test_a_bad_message_is_refused_at_its_field(scene):
    intro, people = scene
    intro = _introduce(intro, people)
    for body in ("", "   ", "x" * 5001):
        answer = _post(people["firm"], intro, body)
        assert answer.status_code == 400 and "body" in answer.json(), body
    for not_text in (0, True, ["hi"]):  # text arrives as text, or not at all
        answer = api(people["firm"]).post(
            f"/api/v1/introductions/{intro.pk}/messages", {"body": not_text}, format="json"
        )
        assert answer.status_code == 400 and "body" in answer.json(), repr(not_text)
    assert not Message.objects.exists()


def _thread_emails(user):
    return Email.objects.filter(to=[user.email], key__startswith="thread-")


def test_at_most_one_email_per_participant_per_quiet_period(scene, settings):
    intro, people = scene
    intro = _introduce(intro, people)
    settings.RAABTA_MESSAGE_QUIET_MINUTES = 30
    for n in range(3):
        _post(people["firm"], intro, f"message {n}")
    buyer = people["buyer"]
    assert _thread_emails(buyer).count() == 1
    assert Notification.objects.filter(user=buyer, kind="message").count() == 1
    assert "message 0" in _thread_emails(buyer).get().body

    # read, then a new message inside the quiet period: told in the app, not e-mailed
    api(buyer).post(f"/api/v1/introductions/{intro.pk}/messages/read")
    _post(people["firm"], intro, "message 3")
    assert Notification.objects.filter(user=buyer, kind="message").count() == 2
    assert _thread_emails(buyer).count() == 1

    # after the quiet period, the next unread run is e-mailed again
    Email.objects.filter(key__startswith="thread-").update(
        created_at=timezone.now() - timedelta(minutes=31)
    )
    api(buyer).post(f"/api/v1/introductions/{intro.pk}/messages/read")
    _post(people["firm"], intro, "message 4")
    assert _thread_emails(buyer).count() == 2
    send_pending()  # tasks run inline here: a second send finds nothing left to send
    sent = [m for m in mail.outbox if m.to == [buyer.email] and "new message" in m.subject]
    assert len(sent) == 2


def test_the_conversation_page(scene, client):
    intro, people = scene
    client.force_login(people["buyer"])
    page = client.get(f"/workspace/introductions/{intro.pk}/conversation/").content.decode()
    assert "The conversation opens once the firm has accepted" in page
    assert "<textarea" not in page
    intro = _introduce(intro, people)
    _post(people["firm"], intro, "Hello <b>buyer</b>")
    listing = client.get("/workspace/introductions/").content.decode()
    assert '1<span class="visually-hidden"> unread</span>' in listing
    page = client.get(f"/workspace/introductions/{intro.pk}/conversation/").content.decode()
    assert "Hello &lt;b&gt;buyer&lt;/b&gt;" in page and "Firm (Chenab Mobile)" in page
    assert _unread(people["buyer"], intro) == 0  # opening the page reads it
    answer = client.post(
        f"/workspace/introductions/{intro.pk}/conversation/", {"body": "Tuesday 10:00 CET?"}
    )
    assert answer.status_code == 302
    assert Message.objects.latest("id").author == people["buyer"]
    refused = client.post(f"/workspace/introductions/{intro.pk}/conversation/", {"body": " "})
    assert "body: write a message first" in refused.content.decode()


def test_messages_are_limited_per_person_and_day(scene, settings):
    intro, people = scene
    intro = _introduce(intro, people)
    settings.RAABTA_MESSAGES_PER_DAY = 3
    codes = [_post(people["firm"], intro, f"message {n}").status_code for n in range(4)]
    assert codes == [201, 201, 201, 400]
    refused = _post(people["firm"], intro, "one more")
    assert "at most 3 messages per person in 24 hours" in refused.json()["body"][0]
    assert _post(people["buyer"], intro, "the other side still talks").status_code == 201
    Message.objects.filter(author=people["firm"]).update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    assert _post(people["firm"], intro, "a day later").status_code == 201
