"""The public pages in a real browser: search with facets, autocomplete, compare,
profile, sign-up; no console errors and no serious accessibility violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.factories import make_vendor
from tests.web.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def firms(transactional_db):
    common = {"services": ["Mobile App Development"], "technologies": ["Flutter"]}
    return [
        make_vendor(
            external_id="chenab",
            name="Chenab Mobile",
            city="Multan",
            team_size=12,
            certifications=["ISO 27001"],
            description="Flutter fleet tracking apps for logistics",
            working_hours_utc={"start": 6, "end": 15},
            **common,
        ),
        make_vendor(
            external_id="ravi",
            name="Ravi Apps",
            city="Lahore",
            team_size=80,
            description="Flutter apps",
            **common,
        ),
        make_vendor(
            external_id="indus",
            name="Indus Mobile",
            city="Multan",
            team_size=30,
            certifications=["ISO 27001"],
            description="Flutter and Kotlin apps",
            **common,
        ),
        make_vendor(
            external_id="thar",
            name="Thar Web",
            city="Karachi",
            services=["Web Development"],
            technologies=["PHP"],
            description="PHP web shops",
        ),
    ]


def test_a_buyer_searches_with_two_facets_and_compares_two_firms(firms, open_page):
    page = open_page().tab
    page.goto("/firms/?q=flutter")
    expect(page.get_by_role("heading", name="3 firms")).to_be_visible()
    page.locator("summary", has_text="City").click()  # open the group
    page.get_by_role("checkbox", name=re.compile("^Multan")).check()  # the page reloads, filtered
    page.wait_for_url(re.compile("city=Multan"))
    page.locator("summary", has_text="Certifications").click()
    page.get_by_role("checkbox", name=re.compile("^ISO 27001")).check()
    page.wait_for_url(re.compile("certifications=ISO"))
    expect(page.get_by_role("heading", name="2 firms")).to_be_visible()
    expect(page.locator("mark", has_text="Flutter").first).to_be_visible()  # highlighted snippet
    for name in ("Chenab Mobile", "Indus Mobile"):
        page.locator(".result", has_text=name).get_by_role("checkbox", name="Compare").check()
    expect(page.get_by_text("2 of 4 chosen")).to_be_visible()
    page.get_by_role("button", name="Compare side by side").click()
    page.wait_for_url(re.compile("/compare/"))
    expect(page.locator("table.compare thead th")).to_have_count(3)  # reading waits for nothing
    headers = page.locator("table.compare thead th").all_inner_texts()
    assert sorted(headers) == ["Chenab Mobile", "Firm", "Indus Mobile"]
    assert page.get_by_role("row", name=re.compile("^City")).inner_text().count("Multan") == 2


def test_a_buyer_sees_how_the_search_was_read_and_turns_a_chip_into_a_filter(firms, open_page):
    page = open_page().tab
    page.goto("/firms/?q=fluter+developers+Multan")
    expect(page.get_by_text("Showing results for flutter developers Multan")).to_be_visible()
    # Multan lifts its firms; the Lahore one still answers "Flutter".
    expect(page.get_by_role("heading", name="3 firms")).to_be_visible()
    chips = page.get_by_role("group", name="How your search was understood")
    expect(chips.get_by_role("link", name="Technology: Flutter")).to_be_visible()
    chips.get_by_role("link", name="In Multan").click()
    page.wait_for_url(re.compile("city=Multan"))
    expect(page.get_by_role("heading", name="2 firms")).to_be_visible()
    expect(page.locator("#q")).to_have_value("flutter developers")
    # Removing the technology chip leaves the city filter and no words: every Multan firm.
    page.get_by_role("link", name="Remove “flutter”").click()
    expect(page.get_by_role("heading", name="2 firms")).to_be_visible()
    assert "Ravi Apps" not in page.locator(".results").inner_text()


def test_autocomplete_suggests_and_the_keyboard_chooses(firms, open_page):
    page = open_page().tab
    page.goto("/firms/")
    box = page.get_by_role("combobox", name=re.compile("Search firms"))
    box.fill("Flu")
    page.get_by_role("option", name=re.compile("^Flutter")).wait_for()
    assert page.get_by_role("option").all_inner_texts()[0].startswith("Flutter")
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(re.compile(r"q=Flutter"))
    expect(page.get_by_role("heading", name="3 firms")).to_be_visible()


def test_a_profile_shows_working_hours_in_the_visitors_time_zone(firms, open_page):
    page = open_page(timezone_id="Europe/Berlin", locale="en-GB").tab
    page.goto("/firms/chenab/")
    expect(page.get_by_role("heading", name="Chenab Mobile")).to_be_visible()
    # 06:00–15:00 UTC is 07:00–16:00 in Berlin in January (the page's reference date).
    expect(page.get_by_text("07:00–16:00 your time (Europe/Berlin)")).to_be_visible()


def test_a_vendor_signs_up_and_is_signed_in(open_page, transactional_db):
    page = open_page().tab
    page.goto("/accounts/signup/")
    page.get_by_label("An IT firm (vendor)").check()
    page.get_by_label("Username").fill("chenab-sales")
    page.get_by_label("Email").fill("sales@chenab.example.pk")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create my account").click()
    # The reason shows next to the field.
    expect(page.locator("#id_password_errors")).to_contain_text("at least 8 characters")
    page.get_by_label("Password").fill("fleet-apps-2026")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome to Raabta, chenab-sales.")).to_be_visible()
    assert User.objects.get(username="chenab-sales").role == "vendor"
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


MAIN_PAGES = [
    "/",
    "/firms/?q=flutter",
    "/firms/?q=fluter+developers+Multan",  # chips and a corrected spelling
    "/firms/chenab/",
    "/compare/?v=chenab&v=ravi",
    "/accounts/signup/",
    "/accounts/signin/",
]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_main_pages_have_no_serious_accessibility_violations(firms, open_page, viewport):
    page = open_page(**({"viewport": PHONE} if viewport == "phone" else {}))
    found = {}
    for path in MAIN_PAGES:
        page.tab.goto(path)
        found[path] = page.serious_accessibility_violations()
    assert found == {path: [] for path in MAIN_PAGES}
