"""Contact cards: each side of an introduction sees the other's contact person, e-mail,
phone and website only once both opted in — in the API and on the pages — and a firm's
contact is never public."""

from __future__ import annotations

import pytest

from matchmaking.curation import decisions
from matchmaking.models import Match
from matchmaking.pipeline import introductions
from tests.factories import make_brief, make_buyer, make_vendor

pytestmark = pytest.mark.django_db(transaction=True)  # firms are indexed on commit

FIRM = {"name": "Ayesha Khan", "email": "ayesha@chenab.pk", "phone": "+92 42 111 222 333"}
BUYER = {"name": "Jonas Weber", "email": "jonas@hafen.de"}


@pytest.fixture
def scene(user_factory):
    buyer = make_buyer(
        external_id="hafen", name="Hafen GmbH", contact=BUYER, website="https://hafen.de"
    )
    brief = make_brief(buyer, external_id="b-fleet", title="Fleet app")
    vendor = make_vendor(
        external_id="chenab", name="Chenab Mobile", contact=FIRM, website="https://chenab.pk"
    )
    officer = user_factory("officer")
    match = decisions.match_add(brief=brief, vendor=vendor, actor=officer)
    match = decisions.match_approve(match=match, actor=officer, version=match.version)
    people = {
        "firm": user_factory("vendor", vendor=vendor),
        "buyer": user_factory("buyer", buyer=buyer),
        "officer": officer,
    }
    return match, people


def _api_contacts(client_for_user, user, introduction):
    body = client_for_user(user).get(f"/api/v1/introductions/{introduction.pk}").json()
    return body["contacts"]


@pytest.fixture
def client_for_user():
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def test_contacts_are_shared_once_both_sides_opted_in(scene, client_for_user, client):
    match, people = scene
    intro = match.introduction
    for user in people.values():  # invited: the firm has not answered
        assert _api_contacts(client_for_user, user, intro) is None
    intro = introductions.introduction_vendor_answer(
        introduction=intro, actor=people["firm"], version=intro.version, accept=True
    )
    for user in people.values():  # the firm accepted; the buyer has not confirmed
        assert _api_contacts(client_for_user, user, intro) is None
    client.force_login(people["buyer"])
    assert "ayesha@chenab.pk" not in client.get("/workspace/introductions/").content.decode()

    intro = introductions.introduction_buyer_answer(
        introduction=intro, actor=people["buyer"], version=intro.version, confirm=True
    )
    for user in people.values():
        cards = _api_contacts(client_for_user, user, intro)
        assert cards["firm"] == {
            "organisation": "Chenab Mobile",
            **FIRM,
            "website": "https://chenab.pk",
        }
        assert cards["buyer"] == {
            "organisation": "Hafen GmbH",
            **BUYER,
            "website": "https://hafen.de",
        }
    # Each side's page shows the other side's card.
    buyer_page = client.get("/workspace/introductions/").content.decode()
    assert 'href="mailto:ayesha@chenab.pk"' in buyer_page and "+92 42 111 222 333" in buyer_page
    client.force_login(people["firm"])
    firm_page = client.get("/workspace/introductions/").content.decode()
    assert 'href="mailto:jonas@hafen.de"' in firm_page and "Jonas Weber" in firm_page


def test_a_declined_introduction_shares_nothing(scene, client_for_user):
    match, people = scene
    intro = introductions.introduction_vendor_answer(
        introduction=match.introduction, actor=people["firm"], version=1, accept=False
    )
    assert _api_contacts(client_for_user, people["buyer"], intro) is None
    assert Match.objects.get(pk=match.pk).introduction.stage == "declined"


def test_a_firms_contact_is_never_public(scene, api, client):
    assert "contact" not in api.get("/api/v1/vendors/chenab").json()
    assert "ayesha@chenab.pk" not in client.get("/firms/chenab/").content.decode()
    found = api.get("/api/v1/search/vendors", {"q": "Chenab"}).json()
    assert found["results"] and "ayesha" not in str(found)


def test_a_bad_contact_email_is_refused_at_its_field(client, user_factory):
    client.force_login(user_factory("vendor"))
    body = {"name": "Chenab Apps", "contact.email": "ayesha at chenab", "contact.name": "Ayesha"}
    response = client.post("/workspace/firm/", body)
    assert list(response.context["errors"]) == ["contact.email"]
    assert b'value="ayesha at chenab"' in response.content  # what was typed stays
