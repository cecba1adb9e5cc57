"""The journeys around a match, in a real browser: a buyer asks for a firm and sees the
request waiting; the officers hear of it, take the brief, turn the firm down and
hand-add one the ranker did not suggest; the buyer can no longer ask for the firm
turned down; the officer finds the steps in the audit log and reads the dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_brief, make_buyer, make_vendor
from tests.web.test_journeys import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(user_factory):
    common = {"services": ["Mobile App Development"], "technologies": ["Flutter"]}
    make_vendor(external_id="ravi", name="Ravi Apps", city="Lahore", **common)
    make_vendor(external_id="indus", name="Indus Mobile", city="Multan", **common)
    make_vendor(external_id="thar", name="Thar Web", city="Karachi", services=["Web Development"])
    buyer = make_buyer(external_id="hafen", name="Hafen GmbH")
    make_brief(buyer, external_id="b-fleet", title="Fleet app", **common)
    return user_factory("buyer", buyer=buyer), user_factory("officer")


def test_a_request_is_decided_audited_and_cannot_be_repeated(scene, open_page):
    buyer_user, officer_user = scene
    buyer = open_page().tab
    sign_in(buyer, buyer_user.username)
    buyer.goto("/workspace/briefs/b-fleet/")
    buyer.get_by_role("button", name="Ask for an introduction to Ravi Apps").click()
    expect(
        buyer.get_by_text("Asked the trade officers to introduce you to Ravi Apps.")
    ).to_be_visible()
    buyer.goto("/workspace/introductions/")
    expect(buyer.get_by_role("list", name="Waiting for the trade officers")).to_contain_text(
        "Ravi Apps"
    )

    make_vendor(external_id="sindh", name="Sindh Mobile")  # listed after the suggestions
    officer = open_page().tab
    sign_in(officer, officer_user.username)
    expect(
        officer.get_by_role("link", name=re.compile(r"Notifications \d+ unread"))
    ).to_be_visible()
    officer.goto("/workspace/notifications/")
    officer.get_by_role("button", name=re.compile("asked to meet Ravi Apps")).click()
    officer.wait_for_url(re.compile("/console/briefs/b-fleet/"))
    expect(
        officer.get_by_text("A Flutter").or_(officer.get_by_text("Fleet app")).first
    ).to_be_visible()
    officer.get_by_role("button", name="Take this brief").click()
    expect(officer.get_by_text("The brief is yours")).to_be_visible()
    card = officer.locator("[data-match]", has_text="Ravi Apps")
    card.get_by_label("Reason").select_option("capacity")
    card.get_by_role("button", name="Reject").click()
    officer.get_by_label("Add a firm (id or exact name)").fill("Sindh Mobile")
    officer.get_by_role("button", name="Add", exact=True).click()
    expect(
        officer.get_by_text("Sindh Mobile added, pinned, awaiting your decision.")
    ).to_be_visible()

    buyer.goto("/workspace/briefs/b-fleet/")
    expect(
        buyer.get_by_text("The trade officers decided not to introduce this firm for this brief.")
    ).to_be_visible()
    expect(buyer.get_by_role("button", name="Ask for an introduction to Ravi Apps")).to_have_count(
        0
    )

    officer.goto("/console/audit/")
    officer.get_by_label("Action").fill("match.reject")
    officer.get_by_role("button", name="Filter").click()
    officer.wait_for_url(re.compile("action=match.reject"))
    rows = officer.get_by_role("region", name="Audit entries").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("suggested → rejected")
    officer.goto("/console/audit/?brief=b-fleet")
    expect(officer.get_by_text(re.compile(r"^[3-9] entries$"))).to_be_visible()

    officer.goto("/console/analytics/")
    chart = officer.get_by_role("img", name=re.compile("Won and pipeline value by month"))
    expect(chart).to_be_visible()
    officer.locator("summary", has_text="The numbers").click()
    expect(officer.locator("details table tbody tr")).to_have_count(18)
