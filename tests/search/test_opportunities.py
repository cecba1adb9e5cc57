"""Opportunities for firms through the API, on both backends: open briefs that fit the
firm ranked with reasons, full-text search with facets, raising a hand, and the
officers' search of buyers and briefs — and no buyer name or contact on a firm's side
unless the buyer opted in."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from buyers.models import Brief
from core.models import AuditEntry
from matchmaking.models import Curation, Match
from notifications.models import Notification
from tests.factories import make_brief, make_buyer, make_vendor
from vendors.models import Vendor

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate()
RECENT = (TODAY - timedelta(days=1)).isoformat()  # opportunities are recent briefs
CONTACT = {"name": "Jonas Weber", "email": "jonas@hafen.de", "phone": "+49 40 1234 5678"}


@pytest.fixture
def market(configured_backend, client_for, user_factory):
    hidden = make_buyer(
        external_id="hafen",
        name="Hafen Bank AG",
        country="AE",
        industry="Fintech",
        size_band="250-999",
        contact=CONTACT,
    )
    named = make_buyer(
        external_id="nordsee", name="Nordsee Kliniken", country="GB", named_to_firms=True
    )
    make_brief(
        hidden,
        external_id="b-wallet",
        title="Hafen Bank mobile wallet",
        description="A React Native wallet for Hafen Bank customers; write to jonas@hafen.de",
        services=["Mobile App Development"],
        technologies=["React Native"],
        industry="Fintech",
        published_at=RECENT,
    )
    make_brief(
        named,
        external_id="b-portal",
        title="Patient portal",
        description="Appointments and records",
        services=["Web Development"],
        technologies=["Django"],
        industry="Healthcare",
        published_at=RECENT,
    )
    firm = make_vendor(
        external_id="pk-indus",
        name="Indus Apps",
        description="We build React Native fintech apps and wallets.",
        services=[{"name": "Mobile App Development"}],
        technologies=["React Native"],
        industries=["Fintech"],
    )
    pages = Client()
    pages.force_login(user_factory("vendor", vendor=firm))
    console = Client()
    console.force_login(user_factory("officer"))
    return {
        "firm": client_for("vendor", vendor=firm),
        "officer": client_for("officer"),
        "firm_pages": pages,
        "console": console,
    }


def test_a_firm_sees_the_briefs_that_fit_it_best_with_reasons(market):
    body = market["firm"].get("/api/v1/opportunities").json()
    first = body["results"][0]
    assert first["brief"]["external_id"] == "b-wallet"
    assert first["brief"]["buyer"] == {"country": "AE", "sector": "Fintech", "size_band": "250-999"}
    texts = [reason["text"] for reason in first["reasons"]]
    assert any("which you offer" in text or "which you work with" in text for text in texts)
    assert body["count"] == 2
    named = next(r for r in body["results"] if r["brief"]["external_id"] == "b-portal")
    assert named["brief"]["buyer"]["name"] == "Nordsee Kliniken"  # opted in
    text = json.dumps(body)
    for secret in ("Hafen", "hafen", "Jonas", "1234"):
        assert secret not in text, secret


def test_search_of_open_briefs_never_finds_or_shows_a_hidden_buyer(market):
    firm = market["firm"]
    assert firm.get("/api/v1/opportunities/search?q=hafen").json()["count"] == 0
    assert firm.get("/api/v1/opportunities/search?q=jonas").json()["count"] == 0
    assert firm.get("/api/v1/opportunities/search?q=nordsee").json()["count"] == 1
    body = firm.get("/api/v1/opportunities/search?q=wallet&industry=Fintech").json()
    assert [r["external_id"] for r in body["results"]] == ["b-wallet"]
    assert "<mark>" in body["results"][0]["highlights"]["title"]
    assert set(body["facets"]) >= {"industry", "country", "budget_band", "size_band"}
    assert "stage" not in body["facets"]
    assert "hafen" not in json.dumps(body).lower()
    bad = firm.get("/api/v1/opportunities/search?sort=cheapest")
    assert bad.status_code == 400 and "sort" in bad.json()


def test_a_firm_raises_its_hand_and_it_reaches_the_officers_queue(market):
    firm = market["firm"]
    empty = firm.post("/api/v1/opportunities/b-wallet/interest", {"pitch": " "}, format="json")
    assert empty.status_code == 400 and "pitch" in empty.json()
    raised = firm.post(
        "/api/v1/opportunities/b-wallet/interest",
        {"pitch": "We shipped three wallets for Gulf banks."},
        format="json",
    )
    assert raised.status_code == 201, raised.content
    match = Match.objects.get(brief__external_id="b-wallet", vendor__external_id="pk-indus")
    assert (match.source, match.state, match.pinned) == ("firm", "suggested", True)
    assert match.note == "We shipped three wallets for Gulf banks."
    assert Curation.objects.filter(brief=match.brief, closed_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="match.request", subject_id=str(match.pk)).exists()
    assert Notification.objects.filter(kind="requested", user__role="officer").exists()
    review = market["console"].get("/console/briefs/b-wallet/").content.decode()
    assert "pinned · firm" in review and "We shipped three wallets for Gulf banks." in review
    again = firm.post("/api/v1/opportunities/b-wallet/interest", {"pitch": "Again"}, format="json")
    assert again.status_code == 400
    # A raised hand does not make the brief vanish from the firm's opportunities.
    listed = firm.get("/api/v1/opportunities").json()["results"]
    assert "b-wallet" in [r["brief"]["external_id"] for r in listed]


def test_hands_are_limited_per_firm_and_day(market):
    suggested = Match.objects.create(  # the ranker had already suggested the firm here
        brief=Brief.objects.get(external_id="b-wallet"),
        vendor=Vendor.objects.get(external_id="pk-indus"),
        rank=3,
        score=0.5,
    )
    assert suggested.state == "suggested"  # reused by the raised hand
    a_while_ago = suggested.created_at - timedelta(days=3)
    Match.objects.filter(pk=suggested.pk).update(created_at=a_while_ago)
    with override_settings(RAABTA_HANDS_PER_DAY=1):
        first = market["firm"].post(
            "/api/v1/opportunities/b-wallet/interest", {"pitch": "Fit"}, format="json"
        )
        second = market["firm"].post(
            "/api/v1/opportunities/b-portal/interest", {"pitch": "Fit"}, format="json"
        )
    assert first.status_code == 201
    suggested.refresh_from_db()
    assert (suggested.source, suggested.pinned) == ("firm", True)
    assert second.status_code == 400 and "brief" in second.json()
    assert not Match.objects.filter(brief__external_id="b-portal").exists()


def test_officers_search_buyers_and_briefs_with_facets(market):
    officer = market["officer"]
    buyers = officer.get("/api/v1/search/demand?kind=buyer&q=hafen").json()
    assert [r["external_id"] for r in buyers["results"]] == ["hafen"]
    assert buyers["results"][0]["name"] == "Hafen Bank AG"
    briefs = officer.get("/api/v1/search/demand?stage=open&country=AE").json()
    assert [r["external_id"] for r in briefs["results"]] == ["b-wallet"]
    assert briefs["results"][0]["buyer"]["name"] == "Hafen Bank AG"  # officers see all
    assert {v["value"] for v in briefs["facets"]["stage"]} == {"open"}


def test_the_firms_page_ranks_searches_and_raises_a_hand(market):
    pages = market["firm_pages"]
    ranked = pages.get("/workspace/opportunities/").content.decode()
    assert "[the buyer] mobile wallet" in ranked and "Why it fits" in ranked
    assert "Patient portal" in ranked and "Nordsee Kliniken" in ranked  # opted in
    assert "Hafen" not in ranked and "jonas" not in ranked
    searched = pages.get("/workspace/opportunities/?q=portal").content.decode()
    assert "Patient portal" in searched and "mobile wallet</h2>" not in searched
    assert "Sector" in searched and "<mark>" in searched
    raised = pages.post(
        "/workspace/opportunities/b-portal/interest/",
        {"pitch": "Two NHS portals shipped", "next": "/workspace/opportunities/?q=portal"},
    )
    assert raised.status_code == 302 and raised["Location"] == "/workspace/opportunities/?q=portal"
    assert Match.objects.filter(brief__external_id="b-portal", source="firm").exists()
    after = pages.get("/workspace/opportunities/?q=portal").content.decode()
    assert "You raised your hand" in after and "Your hand is raised" in after
    best = pages.get("/workspace/opportunities/").content.decode()
    assert "Patient portal</h2>" in best  # still among the best fits, with its status
    listed = best.split('id="hands"')[1]
    assert "Patient portal" in listed and "Waiting for a trade officer" in listed
    refused = pages.post("/workspace/opportunities/b-wallet/interest/", {"pitch": ""})
    assert refused.status_code == 302
    assert "pitch:" in pages.get("/workspace/opportunities/").content.decode()
    offsite = pages.post(
        "/workspace/opportunities/b-wallet/interest/",
        {"pitch": "Fit", "next": "https://evil.example/"},
    )
    assert offsite["Location"] == "/workspace/opportunities/"


def test_the_console_searches_buyers_and_briefs(market):
    console = market["console"]
    buyers = console.get("/console/demand/?kind=buyer&q=hafen").content.decode()
    assert "Hafen Bank AG" in buyers and "Nordsee" not in buyers
    briefs = console.get("/console/demand/?stage=open").content.decode()
    assert "Hafen Bank mobile wallet" in briefs  # officers read briefs as written
    assert "Stage" in briefs and "Buyer&#x27;s size" in briefs


def test_a_buyer_chooses_to_be_named_and_firms_then_find_it(market, user_factory):
    from buyers.models import Buyer

    buyer_pages = Client()
    buyer_pages.force_login(user_factory("buyer", buyer=Buyer.objects.get(external_id="hafen")))
    page = buyer_pages.get("/workspace/briefs/").content.decode()
    assert "How firms see Hafen Bank AG" in page
    bad = buyer_pages.post("/workspace/organisation/visibility/", {"size_band": "huge"})
    assert bad.status_code == 302
    assert "size_band:" in buyer_pages.get("/workspace/briefs/").content.decode()
    assert Buyer.objects.get(external_id="hafen").size_band == "250-999"  # kept
    assert market["firm"].get("/api/v1/opportunities/search?q=hafen").json()["count"] == 0
    saved = buyer_pages.post(
        "/workspace/organisation/visibility/", {"size_band": "1000+", "named_to_firms": "yes"}
    )
    assert saved.status_code == 302
    found = market["firm"].get("/api/v1/opportunities/search?q=hafen").json()
    assert [r["external_id"] for r in found["results"]] == ["b-wallet"]
    assert found["results"][0]["buyer"]["name"] == "Hafen Bank AG"
    assert found["results"][0]["buyer"]["size_band"] == "1000+"
    assert found["results"][0]["title"] == "Hafen Bank mobile wallet"  # no longer redacted
    assert "jonas@hafen.de" not in json.dumps(found)  # contacts never


def test_the_weekly_digest_goes_once_a_week_to_members_who_want_it(market, user_factory):
    from core.models import Email
    from matchmaking.curation.opportunities import send_digests
    from vendors.models import Vendor

    firm = Vendor.objects.get(external_id="pk-indus")
    reader = user_factory("vendor", vendor=firm)
    reader.email = "sana@indus.example"
    reader.save(update_fields=["email"])
    quiet = user_factory("vendor", vendor=firm)
    quiet.email = "omar@indus.example"
    quiet.save(update_fields=["email"])
    pages = Client()
    pages.force_login(quiet)
    assert pages.post("/workspace/opportunities/digest/", {"digest": "no"}).status_code == 302
    assert "Stop the weekly digest" not in pages.get("/workspace/opportunities/").content.decode()

    assert send_digests(TODAY) == 1  # the briefs were published yesterday
    (email,) = Email.objects.filter(key__startswith="digest-")
    assert email.to == ["sana@indus.example"]
    assert email.subject == "Raabta: 2 new briefs for Indus Apps"
    assert "[the buyer] mobile wallet" in email.body and "Nordsee Kliniken" in email.body
    assert "hafen" not in email.body.lower() and "/workspace/opportunities/" in email.body
    assert send_digests(TODAY) == 0  # this ISO week's went already
    assert send_digests(TODAY + timedelta(days=14)) == 0  # two weeks on: nothing new fits


def test_old_briefs_are_not_opportunities_but_officers_still_find_them(market):
    from buyers.models import Buyer

    old = (TODAY - timedelta(days=120)).isoformat()
    make_brief(
        Buyer.objects.get(external_id="nordsee"),
        external_id="b-old",
        title="Old wallet tender",
        services=["Mobile App Development"],
        published_at=old,
    )
    listed = market["firm"].get("/api/v1/opportunities").json()["results"]
    assert "b-old" not in [r["brief"]["external_id"] for r in listed]
    assert market["firm"].get("/api/v1/opportunities/search?q=tender").json()["count"] == 0
    assert market["officer"].get("/api/v1/search/demand?q=tender").json()["count"] == 1
    with override_settings(RAABTA_OPPORTUNITY_DAYS=365):
        assert market["firm"].get("/api/v1/opportunities/search?q=tender").json()["count"] == 1


def test_the_buyer_hears_of_a_raised_hand_only_once_an_officer_approves(market, user_factory):
    from buyers.models import Buyer
    from matchmaking.curation import decisions
    from matchmaking.models import Introduction
    from matchmaking.pipeline import introductions

    client_user = user_factory("buyer", buyer=Buyer.objects.get(external_id="hafen"))
    officer = user_factory("officer")
    raised = market["firm"].post(
        "/api/v1/opportunities/b-wallet/interest",
        {"pitch": "Three wallets for Gulf banks"},
        format="json",
    )
    assert raised.status_code == 201
    assert not Notification.objects.filter(user=client_user).exists()
    assert not Introduction.objects.exists()
    match = Match.objects.get(brief__external_id="b-wallet", source="firm")
    decisions.match_approve(match=match, actor=officer, version=match.version)
    intro = Introduction.objects.get(match=match)
    assert intro.stage == "awaiting_buyer"  # the firm asked: no second invitation
    told = list(Notification.objects.filter(user=client_user).values_list("text", flat=True))
    assert any("Indus Apps would like to meet you" in text for text in told), told
    firm_notes = Notification.objects.filter(user__vendor_membership__vendor=match.vendor)
    assert firm_notes.filter(key__endswith="-hand-approved").exists()
    assert not any("Hafen" in note.text for note in firm_notes)  # not confirmed yet
    intro = introductions.introduction_buyer_answer(
        introduction=intro, actor=client_user, version=intro.version, confirm=True
    )
    assert intro.stage == "introduced"


def test_a_firm_follows_each_raised_hand_to_the_officers_and_the_buyers_answer(
    market, user_factory
):
    from buyers.models import Buyer
    from matchmaking.curation import decisions
    from matchmaking.curation.opportunities import hands_of
    from matchmaking.models import Introduction
    from matchmaking.pipeline import introductions

    officer = user_factory("officer")
    client_user = user_factory("buyer", buyer=Buyer.objects.get(external_id="hafen"))
    for brief in ("b-wallet", "b-portal"):
        pitch = {"pitch": f"We fit {brief}"}
        assert (
            market["firm"].post(f"/api/v1/opportunities/{brief}/interest", pitch).status_code == 201
        )
    firm = Match.objects.get(brief__external_id="b-wallet").vendor

    def status() -> dict[str, str]:
        return {hand["brief"]["external_id"]: hand["status"] for hand in hands_of(firm)}

    assert status() == {
        "b-wallet": "Waiting for a trade officer",
        "b-portal": "Waiting for a trade officer",
    }
    wallet, portal = (Match.objects.get(brief__external_id=key) for key in ("b-wallet", "b-portal"))
    decisions.match_reject(match=portal, actor=officer, version=portal.version, reason="capacity")
    decisions.match_approve(match=wallet, actor=officer, version=wallet.version)
    assert status()["b-portal"].startswith("Not taken forward by the officers: ")
    assert status()["b-wallet"] == "Approved: waiting for the buyer to confirm"
    intro = Introduction.objects.get(match__brief__external_id="b-wallet")
    introductions.introduction_buyer_answer(
        introduction=intro, actor=client_user, version=intro.version, confirm=False
    )
    assert status()["b-wallet"] == "The buyer declined"
    assert "Hafen" not in str(hands_of(firm))  # the brief as firms may read it


def test_a_hand_on_a_brief_no_longer_open_is_told_what_an_unknown_brief_is(market):
    from django.utils import timezone

    from buyers.services import briefs_stage_set
    from matchmaking.models import Introduction
    from matchmaking.pipeline.selectors import brief_stages

    other = make_vendor(external_id="pk-won", name="Won Already")
    match = Match.objects.create(
        brief=Brief.objects.get(external_id="b-portal"), vendor=other, state="approved"
    )
    Introduction.objects.create(match=match, stage="won", stage_changed_at=timezone.now())
    briefs_stage_set(brief_stages([match.brief_id]))  # as the pipeline does on a win
    pitch = {"pitch": "We build patient portals"}
    closed = market["firm"].post("/api/v1/opportunities/b-portal/interest", pitch, format="json")
    unknown = market["firm"].post("/api/v1/opportunities/b-nothing/interest", pitch, format="json")
    assert closed.status_code == unknown.status_code == 404
    assert closed.json() == unknown.json()
    empty = {"pitch": ""}  # a closed brief answers 404 before the pitch is read
    assert (
        market["firm"]
        .post("/api/v1/opportunities/b-portal/interest", empty, format="json")
        .status_code
        == 404
    )
    page = market["firm_pages"].post("/workspace/opportunities/b-portal/interest/", pitch)
    assert page.status_code == 404
    assert not Match.objects.filter(vendor__external_id="pk-indus").exists()
