"""Page forms validate like the API: errors next to the field, nothing stored."""

from __future__ import annotations

import pytest

from buyers.models import Brief, Buyer
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def test_a_brief_with_a_bad_budget_is_refused_next_to_the_field(client, user_factory):
    client.force_login(user_factory("buyer"))
    body = {
        "org.name": "Hafen GmbH",
        "org.country": "DE",
        "title": "Fleet app",
        "budget.max": "lots",
        "budget.currency": "EUR",
    }
    response = client.post("/workspace/briefs/new/", body)
    assert response.status_code == 200
    errors = response.context["errors"]
    assert list(errors) == ["budget.max"]
    assert b'id="e-budgetmax"' in response.content and b'value="Fleet app"' in response.content
    assert not Brief.objects.exists() and not Buyer.objects.exists()


def test_a_buyer_without_an_organisation_must_name_it(client, user_factory):
    client.force_login(user_factory("buyer"))
    response = client.post(
        "/workspace/briefs/new/", {"title": "Fleet app", "org.country": "Atlantis"}
    )
    assert {"org.name", "org.country"} <= set(response.context["errors"])
    assert not Brief.objects.exists()


def test_a_good_brief_creates_the_organisation_and_joins_the_buyer(client, user_factory):
    user = user_factory("buyer")
    client.force_login(user)
    body = {
        "org.name": "Hafen GmbH",
        "org.country": "DE",
        "org.timezone": "Europe/Berlin",
        "title": "Fleet app",
        "services": "Mobile App Development",
        "budget.max": "60000",
        "budget.currency": "EUR",
    }
    response = client.post("/workspace/briefs/new/", body)
    brief = Brief.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/workspace/briefs/{brief.external_id}/"
    )
    assert brief.buyer is not None
    assert (
        brief.buyer.members.get().user == user
        and brief.budget_currency == "EUR"
        and brief.budget_max_usd
    )
    again = client.post("/workspace/briefs/new/", {**body, "title": "Second app"})
    assert again.status_code == 302 and Buyer.objects.count() == 1  # the organisation is reused


def test_a_firm_profile_with_bad_portfolio_year_keeps_everything_typed(client, user_factory):
    client.force_login(user_factory("vendor"))
    body = {
        "name": "Chenab Apps",
        "services": "Mobile App Development",
        "portfolio_rows": "1",
        "portfolio[0].title": "Fleet app",
        "portfolio[0].year": "20x6",
    }
    response = client.post("/workspace/firm/", body)
    assert list(response.context["errors"]) == ["portfolio[0].year"]
    assert b'value="Fleet app"' in response.content and b'value="20x6"' in response.content
    assert not Vendor.objects.exists()
    response = client.post("/workspace/firm/", {**body, "portfolio[0].year": "2016"})
    assert response.status_code == 302
    vendor = Vendor.objects.get()
    assert vendor.name == "Chenab Apps" and vendor.portfolio[0]["year"] == 2016
    assert vendor.members.get().user.role == "vendor"


def test_a_budget_range_the_wrong_way_round_is_shown_at_both_ends(client, user_factory):
    client.force_login(user_factory("buyer"))
    body = {
        "org.name": "Hafen GmbH",
        "org.country": "DE",
        "title": "Fleet app",
        "budget.min": "90000",
        "budget.max": "60000",
        "budget.currency": "EUR",
    }
    response = client.post("/workspace/briefs/new/", body)
    assert set(response.context["errors"]) == {"budget.min", "budget.max"}
    page = response.content.decode()
    assert 'id="e-budgetmin"' in page and 'id="e-budgetmax"' in page
    assert "min (90000) is greater than max (60000)" in page
    assert not Brief.objects.exists()


def test_a_rate_range_the_wrong_way_round_is_shown_at_both_ends(client, user_factory):
    client.force_login(user_factory("vendor"))
    body = {
        "name": "Chenab Apps",
        "services": "Mobile App Development",
        "hourly_rate_usd.min": "50",
        "hourly_rate_usd.max": "20",
    }
    response = client.post("/workspace/firm/", body)
    assert set(response.context["errors"]) == {"hourly_rate_usd.min", "hourly_rate_usd.max"}
    assert b'id="e-hourly_rate_usdmin"' in response.content
    assert not Vendor.objects.exists()


def test_the_buyers_country_and_time_zone_are_chosen_by_name(client, user_factory):
    client.force_login(user_factory("buyer"))
    form = client.get("/workspace/briefs/new/").content.decode()
    assert '<option value="Germany">' in form and '<option value="Berlin">' in form
    body = {
        "org.name": "Hafen GmbH",
        "org.country": "Germany",
        "org.timezone": "berlin",
        "title": "Fleet app",
        "budget.max": "60000",
        "budget.currency": "EUR",
    }
    assert client.post("/workspace/briefs/new/", body).status_code == 302
    assert (Buyer.objects.get().country, Buyer.objects.get().timezone) == ("DE", "Europe/Berlin")
    client.force_login(user_factory("buyer"))  # no organisation yet: names one
    ambiguous = client.post(
        "/workspace/briefs/new/", {**body, "org.name": "Other", "org.timezone": "Cordoba"}
    )
    assert "several time zones" in " ".join(ambiguous.context["errors"]["org.timezone"])


def test_a_firm_made_on_the_page_gets_a_server_id_whatever_its_name(client, user_factory):
    # Before, the id was "pk-" + the name's slug: a firm named "002001" took "pk-002001",
    # the id an officer's import would later write into.
    client.force_login(user_factory("vendor"))
    response = client.post("/workspace/firm/", {"name": "002001", "services": "Web Development"})
    assert response.status_code == 302
    vendor = Vendor.objects.get()
    assert vendor.external_id.startswith("firm-") and "002001" not in vendor.external_id


def test_an_edit_form_saved_after_someone_else_saved_keeps_both_and_says_so(client, user_factory):
    from tests.factories import make_vendor

    vendor = make_vendor(name="Chenab Apps", city="Multan")
    client.force_login(user_factory("vendor", vendor=vendor))
    form = client.get("/workspace/firm/").content.decode()
    assert f'name="version" value="{vendor.version}"' in form
    # Another member saves first (a PATCH through the API, say).
    Vendor.objects.filter(pk=vendor.pk).update(city="Quetta", version=vendor.version + 1)
    body = {"name": "Chenab Apps", "city": "Lahore", "version": str(vendor.version)}
    page = client.post("/workspace/firm/", body)
    assert page.status_code == 200 and "Someone else saved this profile" in page.content.decode()
    assert 'value="Lahore"' in page.content.decode()  # what was typed is still there
    assert Vendor.objects.get(pk=vendor.pk).city == "Quetta"  # nothing overwritten
    again = client.post("/workspace/firm/", {**body, "version": str(vendor.version + 1)})
    assert again.status_code == 302 and Vendor.objects.get(pk=vendor.pk).city == "Lahore"


def test_a_brief_edited_on_a_stale_page_is_refused_not_overwritten(client, user_factory):
    from tests.factories import make_brief, make_buyer

    buyer = make_buyer()
    brief = make_brief(buyer, title="Fleet app")
    client.force_login(user_factory("buyer", buyer=buyer))
    url = f"/workspace/briefs/{brief.external_id}/edit/"
    assert f'name="version" value="{brief.version}"' in client.get(url).content.decode()
    Brief.objects.filter(pk=brief.pk).update(title="Fleet tracking", version=brief.version + 1)
    body = {"title": "Truck app", "services": "Mobile App Development", "version": brief.version}
    page = client.post(url, body)
    assert "Someone else saved this brief" in page.content.decode()
    assert Brief.objects.get(pk=brief.pk).title == "Fleet tracking"
