"""The three journeys of the web acceptance, each in its own browser session:
a vendor signs up and completes a profile that then appears in search; a buyer
searches with two facets, compares two firms, posts a brief and sees ranked matches
with reasons; an officer approves a match, the vendor accepts, the buyer confirms,
the officer moves it to won and the dashboard shows the value."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.money import RateTable
from matchmaking.models import Introduction
from tests.factories import make_vendor

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-for-tests-1"


def sign_in(page, username, password=PASSWORD):
    page.goto("/accounts/signin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def sign_up(page, role_label, username):
    page.goto("/accounts/signup/")
    page.get_by_label(role_label).check()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password").fill("a-long-passphrase-26")
    page.get_by_role("button", name="Create my account").click()


@pytest.fixture
def catalogue(transactional_db):
    common = {
        "services": ["Mobile App Development"],
        "technologies": ["Flutter"],
        "industries": ["Logistics"],
    }
    make_vendor(
        external_id="ravi",
        name="Ravi Apps",
        city="Lahore",
        team_size=80,
        description="Flutter apps",
        **common,
    )
    make_vendor(
        external_id="indus",
        name="Indus Mobile",
        city="Multan",
        team_size=30,
        certifications=["ISO 27001"],
        description="Flutter and Kotlin apps for logistics",
        **common,
    )
    make_vendor(
        external_id="thar",
        name="Thar Web",
        city="Karachi",
        services=["Web Development"],
        technologies=["PHP"],
        description="PHP web shops",
    )


def test_the_three_journeys_from_sign_up_to_a_won_deal_on_the_dashboard(
    catalogue, open_page, user_factory
):
    officer_user = user_factory("officer")

    # 1. A vendor signs up, is told what is wrong, completes the profile; search finds it.
    vendor = open_page().tab
    sign_up(vendor, "An IT firm (vendor)", "chenab-sales")
    vendor.wait_for_url(re.compile("/workspace/firm/"))
    vendor.get_by_label("Firm name").fill("Chenab Fleet Apps")
    vendor.get_by_label("City").fill("Multan")
    vendor.get_by_label("What you do").fill(
        "We build Flutter fleet tracking apps for logistics companies."
    )
    vendor.get_by_label("Team size (people)").fill("14")
    vendor.get_by_label("Hourly rate from (USD)").fill("22")
    vendor.get_by_label("Hourly rate up to (USD)").fill("35")
    vendor.get_by_label("Services", exact=True).fill("Mobile App Development")
    vendor.get_by_label("Technologies", exact=True).fill("Flutter, Firebase")
    vendor.get_by_label("Industries", exact=True).fill("Logistics")
    vendor.get_by_label("Certifications").fill("ISO 27001")
    vendor.get_by_label("Contact e-mail").fill("sales@chenab.example")
    vendor.get_by_label("Founded (year)").fill("1850")  # too early: refused next to the field
    vendor.get_by_role("button", name="Save profile").click()
    expect(vendor.get_by_text("Please correct the fields marked below")).to_be_visible()
    year_error = vendor.locator("#e-founded_year")
    expect(year_error).to_contain_text("greater than or equal to")
    assert (
        vendor.get_by_label("Firm name").input_value() == "Chenab Fleet Apps"
    )  # nothing typed is lost
    vendor.get_by_label("Founded (year)").fill("2016")
    vendor.get_by_label("Project title").first.fill("Fleet tracker for a Hamburg haulier")
    vendor.get_by_label("Client's country").first.fill("DE")
    vendor.get_by_role("button", name="Save profile").click()
    expect(vendor.get_by_text("Profile saved")).to_be_visible()
    expect(vendor.get_by_role("heading", name=re.compile(r"Profile \d+% complete"))).to_be_visible()
    vendor.goto("/firms/?q=fleet+tracking")
    expect(vendor.get_by_role("link", name="Chenab Fleet Apps")).to_be_visible()

    # 2. A buyer searches with two facets, compares two firms, posts a brief, sees matches.
    buyer = open_page().tab
    sign_up(buyer, "A buyer looking for a firm", "hafen-it")
    buyer.wait_for_url(re.compile("/workspace/briefs/"))
    buyer.goto("/firms/?q=flutter")
    buyer.locator("summary", has_text="City").click()
    buyer.get_by_role("checkbox", name=re.compile("^Multan")).check()
    buyer.wait_for_url(re.compile("city=Multan"))
    buyer.locator("summary", has_text="Certifications").click()
    buyer.get_by_role("checkbox", name=re.compile("^ISO 27001")).check()
    buyer.wait_for_url(re.compile("certifications=ISO"))
    expect(buyer.get_by_role("heading", name="2 firms")).to_be_visible()
    for name in ("Chenab Fleet Apps", "Indus Mobile"):
        buyer.locator(".result", has_text=name).get_by_role("checkbox", name="Compare").check()
    buyer.get_by_role("button", name="Compare side by side").click()
    buyer.wait_for_url(re.compile("/compare/"))
    expect(buyer.locator("table.compare thead th")).to_have_count(3)  # reading waits for nothing
    assert sorted(buyer.locator("table.compare thead th").all_inner_texts()) == [
        "Chenab Fleet Apps",
        "Firm",
        "Indus Mobile",
    ]
    buyer.goto("/workspace/briefs/new/")
    buyer.get_by_label("Organisation name").fill("Hafen Logistik GmbH")
    buyer.get_by_label("Country").fill("DE")
    buyer.get_by_label("Time zone").fill("Berlin")  # a city names the zone
    buyer.get_by_label("Contact person").fill("Jonas Weber")
    buyer.get_by_label("Title").fill("Fleet tracking app for our trucks")
    buyer.get_by_label("Description").fill(
        "A Flutter app with live truck positions for our logistics business."
    )
    buyer.get_by_label("Services").fill("Mobile App Development")
    buyer.get_by_label("Technologies").fill("Flutter")
    buyer.get_by_label("Industry", exact=True).fill("Logistics")
    buyer.get_by_label("Currency").select_option("EUR")
    buyer.get_by_label("Budget up to").fill("60000")
    buyer.get_by_label("Required certifications").fill("ISO 27001")
    buyer.get_by_role("button", name="Post brief and see matches").click()
    expect(buyer.get_by_role("heading", name="Ranked matches")).to_be_visible()
    first = buyer.locator(".result").first
    assert first.get_by_role("link").inner_text().startswith("1. ")
    assert first.locator(".reasons li").count() >= 1  # reasons in plain words
    # Ravi Apps has no ISO 27001: shown last, the gap named.
    last = buyer.locator(".result").last
    expect(last).to_contain_text("Ravi Apps")
    expect(last.locator(".gaps")).to_contain_text("not ISO 27001 certified")
    buyer.get_by_role("button", name="Add Chenab Fleet Apps to shortlist").click()
    expect(buyer.get_by_text("Chenab Fleet Apps added to your shortlist.")).to_be_visible()
    expect(buyer.get_by_role("list", name="Your shortlist")).to_contain_text("Chenab Fleet Apps")

    # 3. An officer approves Chenab; the vendor accepts; the buyer confirms; won in EUR.
    officer = open_page().tab
    sign_in(officer, officer_user.username)
    officer.goto("/console/")
    officer.get_by_role("link", name="Fleet tracking app for our trucks").click()
    card = officer.locator("[data-match]", has_text="Chenab Fleet Apps")
    card.locator("summary", has_text="Feature contributions").click()
    expect(card.get_by_role("cell", name="service_overlap")).to_be_visible()
    card.get_by_role("button", name="Approve Chenab Fleet Apps").click()
    expect(officer.get_by_text("Chenab Fleet Apps: approved, the firm is invited.")).to_be_visible()

    vendor.goto("/workspace/introductions/")
    expect(vendor.get_by_text("a buyer in Germany")).to_be_visible()  # anonymous until both opt in
    assert "Hafen" not in vendor.locator("main").inner_text()
    vendor.get_by_role("button", name="Accept introduction").click()
    expect(vendor.get_by_text("your answer is recorded")).to_be_visible()
    buyer.goto("/workspace/introductions/")
    buyer.get_by_role("button", name="Confirm introduction").click()
    vendor.goto("/workspace/introductions/")
    expect(vendor.get_by_text("Buyer: Hafen Logistik GmbH")).to_be_visible()
    # Both opted in: each side now sees whom to talk to.
    expect(vendor.get_by_role("heading", name="Contact at Hafen Logistik GmbH")).to_be_visible()
    expect(vendor.get_by_text("Jonas Weber")).to_be_visible()
    buyer.goto("/workspace/introductions/")
    expect(buyer.get_by_role("link", name="sales@chenab.example")).to_be_visible()

    # They talk: the firm writes, the buyer is told (navigation count) and answers.
    vendor.get_by_role("link", name="Conversation").click()
    vendor.get_by_label("Your message").fill("Hello Jonas — shall we talk on Tuesday?")
    vendor.get_by_role("button", name="Send").click()
    expect(vendor.locator(".thread")).to_contain_text("shall we talk on Tuesday?")
    buyer.goto("/workspace/briefs/")
    expect(buyer.get_by_role("link", name=re.compile(r"Notifications \d+ unread"))).to_be_visible()
    buyer.get_by_role("link", name=re.compile("^Notifications")).click()
    buyer.get_by_role("button", name=re.compile("wrote about Fleet tracking app")).click()
    expect(buyer.locator(".thread")).to_contain_text("chenab-sales (Chenab Fleet Apps)")
    buyer.get_by_label("Your message").fill("Tuesday 10:00 CET works.")
    buyer.get_by_role("button", name="Send").click()
    vendor.goto("/workspace/introductions/")
    expect(vendor.get_by_role("link", name="Conversation 1 unread")).to_be_visible()

    officer.goto("/console/pipeline/")
    # At 1280 px the closed stages are in view without scrolling sideways.
    won = officer.locator("#col-won").bounding_box()
    assert won is not None and won["x"] + won["width"] <= 1280
    lost = officer.locator("#col-lost").bounding_box()
    assert lost is not None and lost["x"] + lost["width"] <= 1280
    for stage, amount in (("meeting", ""), ("proposal", ""), ("won", "48000")):
        card = officer.locator("article", has_text="Chenab Fleet Apps")
        card.get_by_label("Move to").select_option(stage)
        if amount:
            card.get_by_label("Deal value").fill(amount)
            card.get_by_label("Currency").select_option("EUR")
        card.get_by_role("button", name="Move").click()
        expect(officer.get_by_text(f"moved to {stage}")).to_be_visible()
    assert Introduction.objects.get().stage == "won"
    usd = RateTable.load().to_usd(Decimal("48000"), "EUR", timezone.localdate())
    officer.goto("/console/analytics/")
    shown = f"US${usd:,}"
    expect(
        officer.get_by_role(
            "heading", name=f"Won export value in {timezone.localdate().year}: {shown}"
        )
    ).to_be_visible()
    expect(officer.locator("table.bars", has_text="Logistics").get_by_text(shown)).to_be_visible()


def test_officers_approve_with_one_key_and_others_cannot_open_the_console(
    catalogue, open_page, user_factory, client
):
    from tests.factories import make_brief, make_buyer

    officer_user = user_factory("officer")
    make_brief(
        make_buyer(),
        external_id="b-keys",
        title="Flutter app",
        services=["Mobile App Development"],
        technologies=["Flutter"],
    )
    officer = open_page().tab
    sign_in(officer, officer_user.username)
    officer.goto("/console/briefs/b-keys/")
    officer.keyboard.press("j")  # focus the first match
    first = officer.locator("[data-match]").first
    name = first.get_by_role("heading").inner_text()
    officer.keyboard.press("a")
    officer.get_by_text("approved, the firm is invited").wait_for()  # after the reload
    assert (
        "approved"
        in officer.locator(
            "[data-match]", has_text=name.split(". ", 1)[-1].split(" ")[0]
        ).first.inner_text()
    )

    vendor = user_factory("vendor")
    client.force_login(vendor)
    assert client.get("/console/").status_code == 403
    assert client.get("/console/analytics/").status_code == 403
    client.logout()
    assert client.get("/console/").status_code == 302  # to sign in


SIGNED_IN_PAGES = {
    "vendor": ["/workspace/firm/", "/workspace/introductions/", "/workspace/notifications/"],
    "buyer": [
        "/workspace/briefs/",
        "/workspace/briefs/new/",
        "/workspace/briefs/b-axe/",
        "/workspace/introductions/",
    ],
    "officer": [
        "/console/",
        "/console/briefs/b-axe/",
        "/console/pipeline/",
        "/console/analytics/",
        "/console/operations/",
        "/console/audit/",
        "/workspace/notifications/",
    ],
}


@pytest.mark.parametrize("role", list(SIGNED_IN_PAGES))
def test_workspace_and_console_pages_have_no_serious_accessibility_violations(
    catalogue, open_page, user_factory, role
):
    from tests.factories import make_brief, make_buyer
    from vendors.models import Vendor

    buyer = make_buyer()
    make_brief(
        buyer,
        external_id="b-axe",
        title="Flutter app",
        services=["Mobile App Development"],
        technologies=["Flutter"],
    )
    memberships: dict[str, dict[str, Any]] = {
        "vendor": {"vendor": Vendor.objects.get(external_id="indus")},
        "buyer": {"buyer": buyer},
    }
    user = user_factory(role, **memberships.get(role, {}))
    page = open_page()
    sign_in(page.tab, user.username)
    found = {}
    for path in SIGNED_IN_PAGES[role]:
        page.tab.goto(path)
        found[path] = page.serious_accessibility_violations()
    assert found == {path: [] for path in SIGNED_IN_PAGES[role]}
