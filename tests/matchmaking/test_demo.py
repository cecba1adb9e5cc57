import json
from collections import Counter

import pytest
from django.core.management import call_command

from buyers.models import Brief
from matchmaking.demo import SPECIALISATIONS, DemoCatalogue
from matchmaking.models import Curation, Match, Outcome
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
    queued = set(Curation.objects.values_list("brief__external_id", flat=True))
    assert queued == {f"b-{n:05d}" for n in range(41, 46)}
    assert Match.objects.filter(brief__external_id="b-00041").exists()


@pytest.mark.django_db
def test_the_demo_history_fills_the_pipeline_and_the_dashboard_over_18_months(client):

    from accounts.models import User
    from matchmaking.models import Introduction
    from matchmaking.pipeline.outcomes import pipeline_from_outcomes

    call_command("load_demo", "--size", "200", "--briefs", "60", "--open-briefs", "2")
    intros = Introduction.objects.select_related("match__brief")
    assert intros.count() > 20
    assert pipeline_from_outcomes() == 0  # once only: the pairs have matches now
    stages = Counter(intros.values_list("stage", flat=True))
    assert stages["won"] and stages["lost"] and stages["meeting"] and stages["proposal"]
    for intro in intros:  # each stage after the one before, none before publication
        dates = [intro.introduced_at, intro.meeting_at, intro.proposal_at, intro.closed_at]
        known = [d for d in dates if d is not None]
        assert known == sorted(known), intro.pk
        decided = intro.match.decided_at
        assert decided is not None and decided <= known[0]
        assert intro.match.created_at == decided  # dated by the history, not the import
        published = intro.match.brief.published_at
        assert published is not None and known[0].date() >= published
    won = intros.filter(stage="won")
    assert all(i.deal_value_usd and i.deal_currency == "USD" for i in won)
    months = {f"{i.closed_at:%Y-%m}" for i in won}
    assert len(months) >= 12  # trends, not a single month
    assert min(months) <= "2025-07" and max(months) >= "2026-09"

    client.force_login(User.objects.get(username="officer"))
    page = client.get("/console/analytics/").content.decode()
    assert page.count('<rect class="bar-won_usd"') == 18  # every month on the axis
    assert "Accepted by the firm" in page  # the funnel in words, not keys


def test_demo_copy_reads_like_a_firm_wrote_it():
    for vendor in DemoCatalogue(vendors=40).vendors():
        text = vendor["description"]
        for item in vendor["portfolio"]:
            assert " a e" not in item["title"] and " a e" not in item["description"]
        assert "Development," not in text and " erp " not in text and " api " not in text
        assert vendor["city"] in text and ", ," not in text
    for brief in list(DemoCatalogue(vendors=40).briefs())[:20]:
        assert brief["description"].startswith("We are looking for a partner to build a")
        assert " a e" not in brief["description"] and " a a" not in brief["description"]


@pytest.mark.django_db
def test_the_demo_has_a_past_event_with_outcomes_and_an_upcoming_one_open(client):
    from accounts.models import User
    from events.models import Event, Meeting, Participant
    from events.selectors import event_phase, participant_of

    call_command("load_demo", "--size", "400", "--briefs", "400", "--open-briefs", "2")
    past, upcoming = Event.objects.get(slug="gitex-global"), Event.objects.get(slug="leap")
    assert event_phase(past) == "past" and event_phase(upcoming) == "registration"
    approved = Participant.objects.filter(event=upcoming, state="approved")
    assert approved.filter(kind="firm").count() == 120
    assert approved.filter(kind="buyer").count() == 60
    # the demo accounts take part in the upcoming event, with meetings scheduled there
    for username in ("vendor", "buyer"):
        own = participant_of(User.objects.get(username=username), upcoming)
        assert own is not None and own.state == "approved"
    assert Meeting.objects.filter(event=upcoming, slot__isnull=False).count() > 100
    held = Meeting.objects.filter(event=past, attendance="held")
    assert held.count() > 50 and Meeting.objects.filter(event=past, attendance="missed").exists()
    introduced = held.filter(introduction__isnull=False)
    assert introduced.exists()
    assert all(m.introduction and m.introduction.match.source == "event" for m in introduced)
    client.force_login(User.objects.get(username="buyer"))
    assert client.get("/events/leap/agenda/").status_code == 200
