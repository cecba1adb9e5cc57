import json
from collections import Counter

import pytest
from django.core.management import call_command

from buyers.models import Brief
from matchmaking.demo import SPECIALISATIONS, DemoCatalogue
from matchmaking.models import Match, Outcome, Review
from vendors.models import Vendor
from vendors.taxonomy import get_taxonomy


def test_the_same_seed_gives_the_same_catalogue_and_another_seed_differs():
    first = [json.dumps(v) for v in DemoCatalogue(vendors=50, seed=3).vendors()]
    again = [json.dumps(v) for v in DemoCatalogue(vendors=50, seed=3).vendors()]
    other = [json.dumps(v) for v in DemoCatalogue(vendors=50, seed=4).vendors()]
    assert first == again
    assert first != other


def test_cities_follow_the_sector_big_three_lead_and_secondary_cities_are_present():
    cities = Counter(v["city"] for v in DemoCatalogue(vendors=2000).vendors())
    big_three = cities["Lahore"] + cities["Karachi"] + cities["Islamabad"] + cities["Rawalpindi"]
    assert cities.most_common(3)[0][0] == "Lahore"
    assert 0.65 < big_three / 2000 < 0.9
    assert {"Peshawar", "Faisalabad", "Multan", "Quetta", "Sialkot"} <= set(cities)


def test_a_firms_stack_fits_its_services_and_portfolio():
    stacks_by_service: dict[str, set[str]] = {}
    for spec in SPECIALISATIONS.values():
        for service in spec.services:
            stacks_by_service.setdefault(service, set()).update(spec.stack)
    for vendor in DemoCatalogue(vendors=300).vendors():
        services = [s if isinstance(s, str) else s["name"] for s in vendor["services"]]
        allowed = set().union(*(stacks_by_service[s] for s in services))
        assert set(vendor["technologies"]) <= allowed, vendor["external_id"]
        for item in vendor["portfolio"]:
            assert set(item["technologies"]) & allowed, vendor["external_id"]


def test_every_generated_label_is_in_the_taxonomy():
    taxonomy = get_taxonomy()
    catalogue = DemoCatalogue(vendors=300)
    for vendor in catalogue.vendors():
        assert not taxonomy.unknown("technology", vendor["technologies"])
        assert not taxonomy.unknown("industry", vendor["industries"])
        assert not taxonomy.unknown("certification", vendor["certifications"])
    for brief in catalogue.briefs():
        assert not taxonomy.unknown("service", brief["services"])


def test_briefs_come_from_realistic_buyer_countries_in_their_currencies():
    briefs = list(DemoCatalogue(vendors=2000).briefs())
    countries = Counter(b["buyer"]["country"] for b in briefs)
    assert len(briefs) >= 300
    assert {"US", "GB", "AE", "SA", "DE", "NL", "CA", "AU"} <= set(countries)
    assert countries.most_common(1)[0][0] == "US"
    currencies = {b["buyer"]["country"]: b["budget"]["currency"] for b in briefs}
    assert (currencies["DE"], currencies["AE"], currencies["GB"]) == ("EUR", "AED", "GBP")


@pytest.mark.django_db
def test_load_demo_imports_through_the_import_path_and_is_idempotent(capsys):
    call_command("load_demo", "--size", "120", "--briefs", "40")
    call_command("load_demo", "--size", "120", "--briefs", "40")
    printed = capsys.readouterr().out
    assert Vendor.objects.count() == 120
    assert Brief.objects.count() == 40 + 12  # and 12 open briefs, without outcomes
    assert not Outcome.objects.filter(brief__external_id__gt="b-00040").exists()
    assert "120 unchanged" in printed and "0 rejected" in printed
    assert Vendor.objects.filter(members__user__username="vendor").exists()
    call_command("load_demo", "--if-empty")
    assert Vendor.objects.count() == 120


@pytest.mark.django_db(transaction=True)
def test_only_the_open_demo_briefs_await_curation():
    call_command("load_demo", "--size", "120", "--briefs", "40", "--open-briefs", "5", "--no-users")
    queued = set(Review.objects.values_list("brief__external_id", flat=True))
    assert queued == {f"b-{n:05d}" for n in range(41, 46)}
    assert Match.objects.filter(brief__external_id="b-00041").exists()
