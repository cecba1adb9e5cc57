"""Who may set what, and what stays consistent (issue 10, items 10, 14-20)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from buyers.models import Brief
from tests.factories import BriefRecordFactory, make_buyer, make_vendor
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


# 10. Officer-only fields and unknown keys --------------------------------------------------
def test_a_firm_cannot_award_itself_a_rating(client_for):
    vendor = make_vendor(name="Indus Code")
    client = client_for("vendor", vendor=vendor)
    url = f"/api/v1/vendors/{vendor.external_id}"
    for method in (client.patch, client.put):
        body = {"external_id": vendor.external_id, "name": "Indus Code", "rating": {"average": 5}}
        response = method(url, body, format="json")
        assert response.status_code == 400
        assert response.json() == {"rating": ["only trade officers may set this"]}
    vendor.refresh_from_db()
    assert vendor.rating_average is None


def test_a_registration_a_firm_states_is_a_claim_not_a_badge(client_for, client):
    vendor = make_vendor(name="Indus Code")
    member = client_for("vendor", vendor=vendor)
    url = f"/api/v1/vendors/{vendor.external_id}"
    response = member.patch(url, {"registrations": {"pseb": "PSEB-FAKE-1"}}, format="json")
    assert response.status_code == 200
    vendor.refresh_from_db()
    assert vendor.registrations == {"pseb": "PSEB-FAKE-1"} and vendor.verified == {}
    assert vendor.unverified_claims == 1
    assert "✓ PSEB registered" not in client.get(f"/firms/{vendor.external_id}/").content.decode()


def test_a_members_put_keeps_what_officers_set(client_for):
    vendor = make_vendor(name="Indus Code", rating={"average": 4.5, "count": 3})
    client = client_for("vendor", vendor=vendor)
    url = f"/api/v1/vendors/{vendor.external_id}"
    response = client.put(url, {"external_id": vendor.external_id, "name": "Indus"}, format="json")
    assert response.status_code == 200
    assert response.json()["rating"] == {"average": 4.5, "count": 3}


def test_officers_set_ratings_and_registrations(client_for):
    vendor = make_vendor()
    response = client_for("officer").patch(
        f"/api/v1/vendors/{vendor.external_id}",
        {"registrations": {"pseb": "PSEB-2"}, "rating": {"average": 4.5, "count": 3}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["registrations"] == {"pseb": "PSEB-2"}


def test_a_new_firm_cannot_start_with_a_rating(client_for):
    body = {
        "external_id": "pk-selfrated",
        "name": "Self Rated",
        "rating": {"average": 5, "count": 9},
    }
    response = client_for("vendor").post("/api/v1/vendors", body, format="json")
    assert response.status_code == 400 and "rating" in response.json()
    assert not Vendor.objects.filter(external_id="pk-selfrated").exists()


def test_the_workspace_form_cannot_set_officer_fields(client, user_factory):
    vendor = make_vendor(name="Indus Code")
    client.force_login(user_factory("vendor", vendor=vendor))
    body = {
        "name": "Indus Code",
        "portfolio_rows": "0",
        "rating.average": "5",
        "registrations.pseb": "X",
    }
    client.post("/workspace/firm/", body)
    vendor.refresh_from_db()
    assert vendor.rating_average is None
    assert vendor.registrations == {"pseb": "X"} and vendor.verified == {}  # a claim


def test_unknown_keys_are_not_part_of_the_public_record(client_for, api, client):
    vendor = make_vendor(name="Indus Code")
    member = client_for("vendor", vendor=vendor)
    url = f"/api/v1/vendors/{vendor.external_id}"
    body = {"verified": True, "role": "officer", "badge": "Top rated"}
    assert member.patch(url, body, format="json").status_code == 200
    # ``version`` is the record's own (a stale one is a 409), never an unknown key.
    assert member.patch(url, {"version": 999}, format="json").status_code == 409
    assert member.get(url).json()["badge"] == "Top rated"  # the firm sees what it stored
    assert client_for("officer").get(url).json()["verified"] is True
    for public in (api.get(url).json(), client_for("vendor").get(url).json()):
        assert not {"verified", "role", "badge"} & set(public)
        assert public["version"] == Vendor.objects.get(pk=vendor.pk).version
    assert b"Top rated" not in client.get(f"/firms/{vendor.external_id}/").content
    listed = api.get("/api/v1/vendors").json()["results"][0]
    assert "badge" not in listed


# 18. published_at --------------------------------------------------------------------------
def test_the_server_dates_a_buyers_brief_and_it_cannot_be_backdated(client_for):
    buyer = make_buyer()
    client = client_for("buyer", buyer=buyer)
    record: dict = BriefRecordFactory()  # type: ignore[assignment]
    body = {k: v for k, v in record.items() if k not in {"external_id", "published_at"}}
    created = client.post("/api/v1/briefs", body, format="json")
    assert created.status_code == 201
    assert created.json()["published_at"] == timezone.localdate().isoformat()
    url = f"/api/v1/briefs/{created.json()['external_id']}"
    backdated = client.patch(url, {"published_at": "2020-01-01"}, format="json")
    assert backdated.status_code == 400 and "published_at" in backdated.json()
    assert (
        client.post(
            "/api/v1/briefs", {**body, "published_at": "2020-01-01"}, format="json"
        ).status_code
        == 400
    )
    assert (
        Brief.objects.get(external_id=created.json()["external_id"]).published_at
        == timezone.localdate()
    )
    # an officer may set it (e.g. a brief received by e-mail last week)
    assert (
        client_for("officer").patch(url, {"published_at": "2026-11-20"}, format="json").status_code
        == 200
    )


# 20. CSV formula injection -------------------------------------------------------------------
def test_analytics_csv_neutralises_formulas_from_buyers_labels(client_for):
    from tests.factories import make_brief

    formula = '=HYPERLINK("http://evil.example","click")'
    make_brief(make_buyer(), technologies=[formula], services=["@SUM(A1)"])
    response = client_for("officer").get(
        "/api/v1/analytics/unmet-demand", {"format": "csv", "max_vendors": 5}
    )
    text = response.content.decode()
    assert "HYPERLINK" in text  # the label is there …
    for line in text.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.lstrip('"').startswith(("=", "+", "-", "@")), line  # … as text


def test_spreadsheet_safe_leaves_plain_values_alone():
    from matchmaking.api.analytics import spreadsheet_safe

    assert spreadsheet_safe("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert spreadsheet_safe("Lahore") == "Lahore"
    assert spreadsheet_safe(-5) == -5


# 19. Thread-safe memos -----------------------------------------------------------------------
def test_the_term_count_memo_survives_concurrent_matches():
    import random
    import sys
    import threading

    from matchmaking.ranking.terms import TermCounts

    sys.setswitchinterval(1e-6)  # switch threads as often as possible to provoke races
    try:
        counts = TermCounts(3, analyzer="word")
        texts = [f"react native fintech app {n}" for n in range(12)]
        errors: list[BaseException] = []

        def hammer(seed: int) -> None:
            rng = random.Random(seed)
            try:
                for _ in range(300):
                    batch = rng.sample(texts, 4)
                    rows = counts.rows_of(batch)
                    # every column read back as the term it was numbered for
                    assert list(counts.hashed[rows.columns]) == list(
                        counts.hasher.transform(batch).indices
                    )
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(0.005)
    assert errors == []
    assert len(counts.rows) <= 3
    assert len(set(counts.hashed)) == counts.width  # no term numbered twice


# 15. The search cache's generation is shared by every process -----------------------------
@pytest.mark.django_db(transaction=True)
def test_a_change_made_by_another_process_invalidates_cached_searches(api):
    """The generation lives in the shared store (a database table without Redis), not
    in this process's memory: a bump written there by any process is seen here."""
    from django.core.cache.backends.db import DatabaseCache

    from core.generations import GENERATION_KEY, generation

    make_vendor(external_id="pk-cached", name="Cached Firm")
    first = api.get("/api/v1/search/vendors", {"q": "cached"}).json()
    assert first["count"] == 1
    Vendor.objects.filter(external_id="pk-cached").update(name="Renamed Firm")
    # Another worker process saved the firm: it bumped the generation in the shared
    # table (its own cache object: nothing in this process's memory is shared).
    other_process = DatabaseCache("raabta_shared_cache", {})
    other_process.set(GENERATION_KEY, generation() + 1, timeout=None)
    again = api.get("/api/v1/search/vendors", {"q": "cached"}).json()
    assert again["results"][0]["name"] == "Renamed Firm"


# 17. Without the search backend, the rest degrades instead of failing --------------------
DOWN = {
    "default": {
        "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
        "URL": "http://127.0.0.1:1",
        "INDEX": "raabta-down",
        "TIMEOUT": 0.5,
        "RETRIES": 0,
    }
}


@pytest.mark.django_db(transaction=True)
def test_autocomplete_matches_and_the_dashboard_answer_while_search_is_down(
    api, client_for, client, user_factory, settings
):
    from tests.factories import make_brief

    make_vendor(external_id="pk-indus", name="Indus Mobile", services=["Mobile App Development"])
    brief = make_brief(make_buyer(), services=["Mobile App Development"])
    settings.SEARCH_BACKENDS = DOWN
    suggested = api.get("/api/v1/search/autocomplete", {"q": "indus"})
    assert suggested.status_code == 200
    assert {"kind": "vendor", "text": "Indus Mobile", "id": "pk-indus"} in suggested.json()[
        "suggestions"
    ]
    officer = client_for("officer")
    matched = officer.get(f"/api/v1/briefs/{brief.external_id}/matches")
    assert matched.status_code == 200
    assert matched.json()["meta"]["degraded"] is True
    assert matched.json()["matches"][0]["vendor"]["external_id"] == "pk-indus"
    assert officer.get("/api/v1/analytics/unmet-demand").status_code == 200
    client.force_login(user_factory("officer"))
    assert client.get("/console/analytics/").status_code == 200
    from django.core.cache import cache

    cache.clear()  # the shortlist suggested when the brief was saved is still cached
    page = client.get(f"/workspace/briefs/{brief.external_id}/")
    assert page.status_code == 200 and b"simplified mode" in page.content


# 16. Deleting archives: deals, history and labels survive, and it is audited ----------------
@pytest.mark.django_db(transaction=True)
def test_deleting_a_firm_archives_it_and_keeps_its_deals_and_labels(client_for, api):
    from core.models import AuditEntry
    from matchmaking.models import Outcome
    from tests.factories import make_brief

    vendor = make_vendor(external_id="pk-gone", name="Gone Firm")
    brief = make_brief(make_buyer())
    Outcome.objects.create(brief=brief, vendor=vendor, outcome="won", value_usd=48000)
    officer = client_for("officer")
    assert officer.delete("/api/v1/vendors/pk-gone").status_code == 204
    assert api.get("/api/v1/vendors/pk-gone").status_code == 404
    assert api.get("/api/v1/search/vendors", {"q": "gone"}).json()["count"] == 0
    assert Outcome.objects.get(brief=brief).vendor.external_id == "pk-gone"  # the label stays
    entry = AuditEntry.objects.get(action="vendor.archive")
    assert (entry.before or {})["name"] == "Gone Firm" and entry.actor is not None
    # the id stays taken: a new firm cannot inherit the archived one's history
    again = officer.post(
        "/api/v1/vendors", {"external_id": "pk-gone", "name": "New"}, format="json"
    )
    assert again.status_code == 409


def test_deleting_a_buyer_archives_it_with_its_briefs(client_for):
    from core.models import AuditEntry
    from tests.factories import make_brief

    buyer = make_buyer()
    brief = make_brief(buyer)
    officer = client_for("officer")
    assert officer.delete(f"/api/v1/buyers/{buyer.external_id}").status_code == 204
    assert officer.get(f"/api/v1/briefs/{brief.external_id}").status_code == 404
    assert Brief.all_objects.get(pk=brief.pk).archived_at is not None
    assert {e.action for e in AuditEntry.objects.all()} == {"buyer.archive", "brief.archive"}


def test_the_database_refuses_to_cascade_away_deals(db):
    from django.db.models import ProtectedError

    from matchmaking.models import Outcome
    from tests.factories import make_brief

    vendor, brief = make_vendor(), make_brief(make_buyer())
    Outcome.objects.create(brief=brief, vendor=vendor, outcome="won")
    with pytest.raises(ProtectedError):
        Vendor.all_objects.get(pk=vendor.pk).delete()


# 14. One failing brief does not hold up the others ----------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_failing_brief_keeps_its_event_and_the_others_get_suggestions(monkeypatch):
    from django.db import connection

    from core.models import OutboxEvent
    from matchmaking.curation import suggestions
    from matchmaking.models import Curation
    from tests.factories import make_brief

    make_vendor(services=["Mobile App Development"])
    buyer = make_buyer()
    briefs = [make_brief(buyer, external_id=f"b-iso-{n}") for n in range(3)]
    OutboxEvent.objects.all().delete()
    Curation.objects.all().delete()  # suggested on creation already; start again
    for brief in briefs:
        OutboxEvent.objects.create(topic="brief", key=brief.external_id, version=1)
    real_suggest, in_transaction = suggestions.suggest_matches, []

    def suggest(brief, **kwargs):
        in_transaction.append(connection.in_atomic_block)
        if brief.external_id == "b-iso-1":
            raise RuntimeError("ranker exploded")
        return real_suggest(brief, **kwargs)

    monkeypatch.setattr(suggestions, "suggest_matches", suggest)
    assert suggestions.suggest_for_changed_briefs() == 2
    assert set(Curation.objects.values_list("brief__external_id", flat=True)) == {
        "b-iso-0",
        "b-iso-2",
    }
    left = OutboxEvent.objects.get(topic="brief")
    assert (left.key, left.attempts) == ("b-iso-1", 1)
    assert "ranker exploded" in left.last_error and left.claimed_until is None
    assert in_transaction == [False, False, False]  # matching never runs inside a transaction
