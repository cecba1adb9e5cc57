"""A trade event in a real browser, from registration to agenda: a firm and a buyer
register on the event page, an officer approves both in the console; the buyer finds
the firm among its suggestions and asks for a meeting; the firm accepts; the officer
schedules the event (a console job); the buyer's agenda shows the meeting, its table
and its times, with a calendar file. Every page on the way is checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from events.models import Meeting
from tests.factories import make_buyer, make_event, make_vendor
from tests.web.test_journeys import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(user_factory):
    make_event(slug="gitex", name="GITEX Global")
    firm = make_vendor(
        external_id="indus", name="Indus Data", city="Lahore",
        services=["Data Engineering"], description="Data pipelines and analytics",
    )  # fmt: skip
    make_vendor(external_id="thar", name="Thar Web", services=["Web Development"])
    buyer = make_buyer(
        external_id="hafen", name="Hafen GmbH", country="DE", timezone="Europe/Berlin"
    )
    return (
        user_factory("vendor", vendor=firm),
        user_factory("buyer", buyer=buyer),
        user_factory("officer"),
    )


def _axe_clean(page):
    assert page.serious_accessibility_violations() == []


def test_from_registration_to_agenda(scene, open_page):
    firm_user, buyer_user, officer_user = scene
    firm_page = open_page()
    firm = firm_page.tab
    sign_in(firm, firm_user.username)
    firm.get_by_role("link", name="Events").click()
    firm.get_by_role("link", name="GITEX Global").click()
    _axe_clean(firm_page)
    firm.get_by_label("Your time zone").fill("Asia/Karachi")
    firm.get_by_role("button", name="Register").click()
    expect(firm.get_by_text("Registered. Trade officers will confirm your place.")).to_be_visible()

    buyer_page = open_page()
    buyer = buyer_page.tab
    sign_in(buyer, buyer_user.username)
    buyer.goto("/events/gitex/")
    buyer.get_by_label("What you are looking for").fill("A data engineering partner for analytics")
    buyer.get_by_role("button", name="Register").click()
    expect(buyer.get_by_text("Pending")).to_be_visible()

    officer_page = open_page()
    officer = officer_page.tab
    sign_in(officer, officer_user.username)
    officer.goto("/console/events/")
    _axe_clean(officer_page)
    officer.get_by_role("link", name="GITEX Global").click()
    _axe_clean(officer_page)
    officer.get_by_role("button", name="Approve Indus Data").click()
    officer.get_by_role("button", name="Approve Hafen GmbH").click()
    expect(officer.get_by_text("None waiting.")).to_be_visible()

    buyer.goto("/events/gitex/")
    suggested = buyer.get_by_role("region", name="Suggested for you")
    expect(suggested.get_by_role("heading", name="Indus Data")).to_be_visible()
    _axe_clean(buyer_page)
    card = suggested.locator("article", has_text="Indus Data")
    card.get_by_label("Note").fill("Keen on your pipelines")
    card.get_by_label("Priority").select_option("1")
    card.get_by_role("button", name="Request a meeting with Indus Data").click()
    expect(buyer.get_by_text("Meeting requested with Indus Data.")).to_be_visible()
    # the directory lists both sides, with facets
    directory = buyer.get_by_role("region", name="Who takes part")
    expect(directory.get_by_role("row", name=re.compile("Indus Data"))).to_be_visible()

    firm.goto("/events/gitex/")
    asked = firm.locator("#requests article", has_text="Hafen GmbH")
    expect(asked).to_contain_text("Keen on your pipelines")
    asked.get_by_role("button", name="Accept").click()
    expect(firm.get_by_text("Saved.")).to_be_visible()
    assert Meeting.objects.get().state == "accepted"

    officer.goto("/console/events/gitex/")
    officer.get_by_role("button", name="Schedule the accepted meetings").click()
    officer.wait_for_url("**/console/operations/*/")
    expect(officer.locator("[data-job-status]")).to_have_text("done", timeout=30000)
    expect(officer.locator("[data-job-message]")).to_contain_text("1 of 1 accepted meetings placed")

    buyer.goto("/events/gitex/")
    buyer.get_by_role("link", name="Your agenda").click()
    agenda = buyer.get_by_role("table")
    expect(agenda).to_contain_text("Indus Data")
    expect(agenda).to_contain_text("Europe/Berlin")
    expect(agenda).to_contain_text("Asia/Dubai")
    _axe_clean(buyer_page)
    with buyer.expect_download() as download:
        buyer.get_by_role("link", name="Calendar file (.ics)").click()
    assert download.value.suggested_filename == "gitex-agenda.ics"
    # the firm was told its agenda changed
    firm.goto("/workspace/notifications/")
    expect(firm.get_by_text("Your agenda for GITEX Global has changed").first).to_be_visible()
