"""Firm insights: views, search appearances and clicks are counted (not the firm's
own views, not bots), exactly under concurrent requests; the firm and officers see its
figures with matches by sector and country, never a buyer's name; others cannot."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from matchmaking.models import Match
from tests.factories import make_brief, make_buyer, make_vendor
from vendors import insights
from vendors.models import FirmStat

pytestmark = pytest.mark.django_db(transaction=True)  # firms are indexed on commit
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def _count(vendor, kind) -> int:
    insights.flush_counts()  # counts wait in the process for a few seconds
    return sum(FirmStat.objects.filter(vendor=vendor, kind=kind).values_list("count", flat=True))


def test_views_clicks_and_appearances_are_counted_but_not_own_views_or_bots(user_factory):
    firm = make_vendor(
        external_id="chenab", name="Chenab Flutter", services=["Mobile App Development"]
    )
    visitor = Client(HTTP_USER_AGENT=BROWSER)
    visitor.get("/firms/chenab/")
    visitor.get("/firms/chenab/", {"from": "search"})
    Client(HTTP_USER_AGENT="Googlebot/2.1").get("/firms/chenab/")
    Client().get("/firms/chenab/")  # no user agent at all: a script
    own = Client(HTTP_USER_AGENT=BROWSER)
    own.force_login(user_factory("vendor", vendor=firm))
    own.get("/firms/chenab/")
    assert _count(firm, "profile_view") == 2 and _count(firm, "search_click") == 1
    listing = visitor.get("/firms/", {"q": "Chenab"}).content.decode()
    assert "/firms/chenab/?from=search" in listing
    assert _count(firm, "search_appearance") == 1
    APIClient(HTTP_USER_AGENT=BROWSER).get("/api/v1/search/vendors", {"q": "Chenab"})
    assert _count(firm, "search_appearance") == 2  # API searches count too
    insights.record("profile_view", ["gone-firm"], "2026-12-03")  # archived meanwhile: skipped


def test_concurrent_counts_are_never_lost():
    firm = make_vendor(external_id="chenab")
    start, per_thread, threads = threading.Barrier(4), 25, []

    def view() -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                insights.record("profile_view", ["chenab", "chenab"], "2026-12-03")
        finally:
            connection.close()

    threads = [threading.Thread(target=view) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert FirmStat.objects.get(vendor=firm).count == 4 * per_thread * 2


def test_the_firm_and_officers_see_insights_others_cannot(user_factory, client):
    firm = make_vendor(external_id="chenab", name="Chenab Soft")
    buyer = make_buyer(
        external_id="hafen", name="Hafen Secret GmbH", country="DE", industry="Logistics"
    )
    brief = make_brief(buyer, external_id="b-1", industry="Logistics")
    Match.objects.get_or_create(brief=brief, vendor=firm)
    Client(HTTP_USER_AGENT=BROWSER).get("/firms/chenab/")
    member = user_factory("vendor", vendor=firm)
    url = "/api/v1/vendors/chenab/insights"
    api = APIClient()
    api.force_authenticate(member)
    found = api.get(url).json()
    assert found["months"][-1]["profile_view"] == 1 and found["months"][-1]["suggested"] == 1
    assert found["by_sector"] == [{"sector": "Logistics & Supply Chain", "matches": 1}]
    assert found["by_buyer_country"][0]["country"] == "DE"
    assert "Hafen" not in str(found)
    assert api.get(url, {"months": "0"}).status_code == 400
    officer = APIClient()
    officer.force_authenticate(user_factory("officer"))
    assert officer.get(url).status_code == 200
    for role, extra in (("vendor", {"vendor": make_vendor(external_id="other")}), ("buyer", {})):
        other = APIClient()
        other.force_authenticate(user_factory(role, **extra))
        assert other.get(url).status_code == 403
    assert APIClient().get(url).status_code == 401
    client.force_login(member)
    page = client.get("/workspace/insights/").content.decode()
    assert "How buyers see Chenab Soft" in page and "Hafen" not in page


def test_counts_reach_the_worker_in_batches(monkeypatch):
    """A job (or a write) per page view would keep the worker busy: a process hands over
    what it gathered every few seconds, one job per kind and day."""
    jobs: list[tuple[object, ...]] = []
    monkeypatch.setattr(insights, "enqueue", lambda path, *args: jobs.append((path, *args)))
    buffer = insights._Buffer()
    buffer.add("profile_view", "2026-12-03", ["a"])
    buffer.add("profile_view", "2026-12-03", ["a", "b"])
    assert jobs == []  # not yet: within FLUSH_SECONDS
    monkeypatch.setattr(buffer, "FLUSH_SECONDS", 0.0)
    buffer.add("search_appearance", "2026-12-03", ["b"])
    assert sorted(jobs, key=str) == [
        ("vendors.insights.record", "profile_view", ["a", "a", "b"], "2026-12-03"),
        ("vendors.insights.record", "search_appearance", ["b"], "2026-12-03"),
    ]
    buffer.flush()  # nothing left for the exit hook
    assert len(jobs) == 2
