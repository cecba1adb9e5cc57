"""Who may open each workspace and console page (Django's test client, no browser)."""

from __future__ import annotations

import pytest

from tests.factories import make_brief, make_buyer

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(user_factory, client):
    def make(role, **memberships):
        client.force_login(user_factory(role, **memberships))
        return client

    return make


def test_a_buyer_sees_only_its_own_briefs(signed_in):
    mine, theirs = make_buyer(), make_buyer()
    make_brief(mine, external_id="b-mine")
    make_brief(theirs, external_id="b-theirs")
    client = signed_in("buyer", buyer=mine)
    assert client.get("/workspace/briefs/b-mine/").status_code == 200
    assert client.get("/workspace/briefs/b-theirs/").status_code == 404
    assert client.get("/workspace/briefs/b-theirs/edit/").status_code == 404
    assert client.post("/workspace/briefs/b-theirs/request/", {"vendor": "x"}).status_code == 404
    assert client.post("/workspace/briefs/b-theirs/shortlist/", {"vendor": "x"}).status_code == 404
    assert b"b-theirs" not in client.get("/workspace/briefs/").content


@pytest.mark.parametrize(
    "path",
    [
        "/workspace/briefs/",
        "/workspace/briefs/new/",
        "/workspace/briefs/b-x/",
        "/console/",
        "/console/pipeline/",
        "/console/analytics/",
        "/console/briefs/b-x/",
    ],
)
def test_vendors_cannot_open_buyer_or_officer_pages(signed_in, vendor, path):
    make_brief(make_buyer(), external_id="b-x")
    assert signed_in("vendor", vendor=vendor).get(path).status_code == 403


@pytest.mark.parametrize(
    "path", ["/workspace/firm/", "/workspace/introductions/", "/workspace/briefs/", "/console/"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/signin/")


def test_officers_and_buyers_are_sent_away_from_the_firm_form(signed_in):
    response = signed_in("officer").get("/workspace/firm/")
    assert response.status_code == 302 and response["Location"] == "/"


def test_deciding_and_moving_need_a_post_from_an_officer(signed_in, vendor):
    client = signed_in("buyer", buyer=make_buyer())
    assert client.post("/console/matches/1/decide/", {"decision": "approve"}).status_code == 403
    assert client.post("/console/introductions/1/move/", {"stage": "won"}).status_code == 403
    officer = signed_in("officer")
    assert officer.get("/console/matches/1/decide/").status_code == 405
