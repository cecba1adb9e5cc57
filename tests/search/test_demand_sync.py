"""Buyers and briefs follow the database into the demand index through the outbox,
rebuild and reconcile, on both backends; and the index never holds a buyer's name or
contacts in a brief's document unless the buyer opted in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from buyers.models import Brief, Buyer
from buyers.redaction import redact
from buyers.services import brief_archive
from core.models import OutboxEvent
from matchmaking.curation import decisions
from matchmaking.pipeline import introductions
from search import sync
from search.loading import get_demand_index
from search.query import DemandQuery
from tests.factories import make_brief, make_buyer, make_vendor

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = {"name": "Jonas Weber", "email": "jonas@hafen.de", "phone": "+49 40 1234 5678"}


def found(text: str = "", kind: str = "brief", **filters: tuple[str, ...]) -> list[str]:
    page = get_demand_index().search(DemandQuery(kind=kind, text=text, filters=filters, limit=50))
    return [hit.id for hit in page.hits]


def test_buyers_and_briefs_reach_the_index_and_leave_it(configured_backend):
    buyer = make_buyer(external_id="hafen", name="Hafen Logistics GmbH", industry="Logistics")
    brief = make_brief(buyer, external_id="b-fleet", title="Fleet tracking app")
    assert found("fleet") == ["brief:b-fleet"]
    assert found("hafen", kind="buyer") == ["buyer:hafen"]
    assert not OutboxEvent.objects.filter(topic__endswith="-index").exists()
    brief_archive(brief=Brief.objects.get(pk=brief.pk))
    assert found("fleet") == []
    assert sync.find_drift(indexed=sync.DEMAND).total == 0


def test_a_buyer_change_reaches_its_briefs_documents(configured_backend):
    buyer = make_buyer(external_id="hafen", name="Hafen GmbH", country="DE")
    make_brief(buyer, external_id="b-one", title="Fleet app")
    assert found(country=("DE",)) == ["brief:b-one"]
    make_buyer(external_id="hafen", name="Hafen GmbH", country="NL", size_band="50-249")
    assert found(country=("NL",), size_band=("50-249",)) == ["brief:b-one"]
    assert sync.find_drift(indexed=sync.DEMAND).total == 0


def test_a_won_deal_closes_the_brief_as_an_opportunity(configured_backend, user_factory):
    buyer = make_buyer(external_id="hafen")
    brief = make_brief(buyer, external_id="b-won", title="Fleet app")
    vendor = make_vendor(external_id="chenab")
    officer = user_factory("officer")
    firm, client = user_factory("vendor", vendor=vendor), user_factory("buyer", buyer=buyer)
    match = decisions.match_add(brief=brief, vendor=vendor, actor=officer)
    match = decisions.match_approve(match=match, actor=officer, version=match.version)
    intro = match.introduction
    assert found(stage=("open",)) == ["brief:b-won"]
    intro = introductions.introduction_vendor_answer(
        introduction=intro, actor=firm, version=intro.version, accept=True
    )
    intro = introductions.introduction_buyer_answer(
        introduction=intro, actor=client, version=intro.version, confirm=True
    )
    assert found(stage=("introduced",)) == ["brief:b-won"]
    for stage in ("meeting", "proposal"):
        intro = introductions.introduction_move(
            introduction=intro, actor=officer, version=intro.version, stage=stage
        )
    introductions.introduction_move(
        introduction=intro,
        actor=officer,
        version=intro.version,
        stage="won",
        deal_value=Decimal("25000"),
        currency="USD",
    )
    assert found(stage=("won",)) == ["brief:b-won"]
    assert sync.find_drift(indexed=sync.DEMAND).total == 0


def test_rebuild_and_reconcile_cover_the_demand_index(configured_backend):
    make_brief(make_buyer(external_id="hafen"), external_id="b-one", title="Fleet app")
    index = get_demand_index()
    index.delete_documents(["brief:b-one"])
    index.index_documents(
        [{"id": "brief:ghost", "kind": "brief", "version": 1, "record_hash": "x", "title": "x"}]
    )
    drift = sync.find_drift(indexed=sync.DEMAND)
    assert drift.missing == ["brief:b-one"] and drift.orphaned == ["brief:ghost"]
    call_command("reconcile_search_index")
    assert sync.find_drift(indexed=sync.DEMAND).total == 0
    index.rebuild([])
    assert index.count() == 0
    call_command("rebuild_search_index", "--if-needed")
    assert sorted(found() + found(kind="buyer")) == ["brief:b-one", "buyer:hafen"]


def test_a_brief_never_shows_a_buyer_who_did_not_opt_in(configured_backend):
    hidden = make_buyer(
        external_id="hafen",
        name="Hafen Logistics GmbH",
        contact=SECRET,
        website="https://hafen-logistics.de",
    )
    make_brief(
        hidden,
        external_id="b-hidden",
        title="Hafen Logistics fleet app",
        description=(
            "Hafen Logistics needs a driver app. Questions to jonas@hafen.de or "
            "+49 40 1234 5678; see https://hafen-logistics.de/tender"
        ),
    )
    named = make_buyer(external_id="nordsee", name="Nordsee Fisch AG", named_to_firms=True)
    make_brief(named, external_id="b-named", title="Nordsee Fisch ordering app")
    index = get_demand_index()
    for word in ("hafen", "logistics", "jonas", "weber"):
        assert found(word) == [], word
    assert found("nordsee") == ["brief:b-named"]  # opted in: findable by name
    page = index.search(DemandQuery(kind="brief", text="fleet app driver", limit=50))
    text = repr(page)
    for secret in ("Hafen", "hafen", "jonas", "1234", "Weber"):
        assert secret not in text
    assert "[the buyer]" in page.hits[0].highlights["description"]
    # The stored document itself, as a rebuild or an export of the index would read it.
    (document,) = sync.DEMAND.documents(["brief:b-hidden"])
    assert "hafen" not in repr(document).lower()
    assert document["buyer_name"] is None and document["country"] == "DE"


def test_redaction_leaves_other_text_alone() -> None:
    buyer = Buyer(name="Acme Ltd", website="https://acme.example")
    assert redact("Acme needs an app; Acmeville is a town.", buyer) == (
        "[the buyer] needs an app; Acmeville is a town."
    )
    buyer.named_to_firms = True
    assert redact("Acme: mail x@acme.example", buyer) == "Acme: mail [the buyer]"
