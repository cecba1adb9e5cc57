"""A buyer's introduction requests: never again for a firm turned down or declined, the
pending ones listed on the introductions page, and no raw scores on the buyer's pages."""

from __future__ import annotations

import pytest

from matchmaking.curation import decisions
from matchmaking.models import Match, RejectReason
from matchmaking.pipeline import introductions
from tests.factories import make_brief, make_buyer, make_vendor

pytestmark = pytest.mark.django_db(transaction=True)  # firms are indexed on commit


@pytest.fixture
def scene(user_factory, client):
    buyer = make_buyer(external_id="acme")
    brief = make_brief(
        buyer,
        external_id="b-fleet",
        title="Fleet tracking app",
        services=["Mobile App Development"],
        technologies=["Flutter"],
    )
    for external_id, name in (("turned", "Turned Down Apps"), ("declined", "Busy Apps")):
        make_vendor(
            external_id=external_id,
            name=name,
            services=["Mobile App Development"],
            technologies=["Flutter"],
        )
    member = user_factory("buyer", buyer=buyer)
    client.force_login(member)
    return brief, member, user_factory("officer"), client


def _ask(client, brief, vendor: str):
    return client.post(
        f"/workspace/briefs/{brief.external_id}/request/", {"vendor": vendor}, follow=True
    )


def test_a_firm_turned_down_or_declined_cannot_be_asked_for_again(scene, user_factory):
    brief, _, officer, client = scene
    _ask(client, brief, "turned")
    _ask(client, brief, "declined")
    turned, declined = (Match.objects.get(vendor__external_id=v) for v in ("turned", "declined"))
    decisions.match_reject(
        match=turned, actor=officer, version=turned.version, reason=RejectReason.values[0]
    )
    approved = decisions.match_approve(match=declined, actor=officer, version=declined.version)
    firm = user_factory("vendor", vendor=approved.vendor)
    introductions.introduction_vendor_answer(
        introduction=approved.introduction, actor=firm, version=1, accept=False
    )

    page = client.get(f"/workspace/briefs/{brief.external_id}/").content.decode()
    assert "The trade officers decided not to introduce this firm for this brief." in page
    assert "This firm declined the introduction for this brief." in page
    assert "Ask for an introduction to Turned Down Apps" not in page
    assert "Ask for an introduction to Busy Apps" not in page
    assert "score " not in page  # officers' numbers stay on the console

    answer = _ask(client, brief, "turned").content.decode()
    assert "vendor: The trade officers decided not to introduce this firm" in answer
    turned.refresh_from_db()
    assert turned.state == Match.State.REJECTED  # nothing reopened


def test_pending_requests_show_on_the_buyers_introductions_page(scene, user_factory, client):
    brief, _, _, client = scene
    _ask(client, brief, "turned")
    page = client.get("/workspace/introductions/").content.decode()
    assert "Waiting for the trade officers" in page and "Turned Down Apps" in page
    # Another buyer sees nothing of it.
    client.force_login(user_factory("buyer", buyer=make_buyer()))
    assert "Turned Down Apps" not in client.get("/workspace/introductions/").content.decode()


def test_a_buyer_s_introduction_requests_are_limited_per_day(scene, settings):
    from notifications.models import Notification

    brief, _member, officer, client = scene
    settings.RAABTA_BUYER_REQUESTS_PER_DAY = 1
    for n in range(3):
        make_vendor(external_id=f"extra-{n}", name=f"Extra {n}")
    assert _ask(client, brief, "extra-0").status_code == 200
    told = Notification.objects.filter(user=officer).count()
    page = _ask(client, brief, "extra-1").content.decode()
    assert "at most 1 introduction requests per buyer in 24 hours" in page
    assert not Match.objects.filter(vendor__external_id="extra-1").exists()
    assert Notification.objects.filter(user=officer).count() == told  # no officer told


def test_the_brief_page_says_where_each_requested_firm_stands(scene, user_factory):
    brief, _, officer, client = scene

    def brief_page() -> str:
        return client.get(f"/workspace/briefs/{brief.external_id}/").content.decode()

    _ask(client, brief, "declined")
    assert "Requested: waiting for a trade officer" in brief_page()
    asked = Match.objects.get(vendor__external_id="declined")
    approved = decisions.match_approve(match=asked, actor=officer, version=asked.version)
    assert "Approved: waiting for the firm to accept" in brief_page()
    firm = user_factory("vendor", vendor=approved.vendor)
    introductions.introduction_vendor_answer(
        introduction=approved.introduction, actor=firm, version=1, accept=True
    )
    page = brief_page()
    assert "The firm accepted: your confirmation is awaited" in page
    assert "Introduction requested" not in page  # the old badge said so whatever happened
