"""The officers' console pages: the review page shows the brief itself; the pipeline
board pages each stage, newest first."""

from __future__ import annotations

import pytest

from matchmaking.models import Match
from tests.factories import make_brief, make_buyer, make_vendor

pytestmark = pytest.mark.django_db


def test_the_review_page_shows_the_brief_itself(user_factory, client):
    buyer = make_buyer(external_id="hafen", name="Hafen GmbH", timezone="Europe/Berlin")
    make_brief(
        buyer,
        external_id="b-review",
        title="Fleet app",
        description="Drivers scan parcels offline; dispatchers see them live.",
        technologies=["Flutter", "Firebase"],
        required_certifications=["ISO 27001"],
        languages=["de"],
        budget={"min": 40000, "max": 60000, "currency": "EUR"},
        timeline_weeks=12,
        min_overlap_hours=3,
    )
    client.force_login(user_factory("officer"))
    page = client.get("/console/briefs/b-review/").content.decode()
    for shown in (
        "Drivers scan parcels offline",
        "Flutter, Firebase",
        "ISO 27001",
        "German",
        "EUR 40,000–60,000",
        "12 weeks",
        "Europe/Berlin",
        "wants 3 h overlap",
    ):
        assert shown in page, shown


def test_the_pipeline_board_pages_each_column_newest_first(user_factory, client):
    from datetime import timedelta

    from django.utils import timezone

    from matchmaking.models import Introduction
    from matchmaking.pages.console import PIPELINE_PAGE

    brief = make_brief(make_buyer(), external_id="b-board", title="Board brief")
    now = timezone.now()
    for number in range(PIPELINE_PAGE + 2):
        vendor = make_vendor(external_id=f"won-{number:02d}", name=f"Winner {number:02d}")
        match = Match.objects.create(brief=brief, vendor=vendor, state=Match.State.APPROVED)
        Introduction.objects.create(
            match=match, stage="won", stage_changed_at=now - timedelta(days=number)
        )
    fresh = Match.objects.create(
        brief=brief,
        vendor=make_vendor(external_id="fresh", name="Fresh Invite"),
        state=Match.State.APPROVED,
    )
    Introduction.objects.create(match=fresh, stage="awaiting_vendor", stage_changed_at=now)
    client.force_login(user_factory("officer"))
    first = client.get("/console/pipeline/").content.decode()
    assert "Fresh Invite" in first  # closed deals do not crowd out the open column
    last, before_last = f"Winner {PIPELINE_PAGE + 1:02d}", f"Winner {PIPELINE_PAGE:02d}"
    assert f"({PIPELINE_PAGE + 2})" in first and "Winner 00" in first and last not in first
    assert first.index("Winner 00") < first.index("Winner 01")  # newest first
    older = client.get("/console/pipeline/", {"won": 2}).content.decode()
    assert last in older and before_last in older and "Winner 00" not in older


def test_officers_take_close_and_hand_add_from_the_review_page(user_factory, client):
    from core.models import AuditEntry
    from matchmaking.models import Curation

    brief = make_brief(make_buyer(), external_id="b-act", title="Fleet app")
    make_vendor(external_id="pk-ravi", name="Ravi Apps")
    make_vendor(external_id="pk-twin-1", name="Twin Apps")
    make_vendor(external_id="pk-twin-2", name="Twin Apps")
    officer = user_factory("officer")
    client.force_login(officer)
    url = "/console/briefs/b-act/act/"

    assert client.post(url, {"action": "take"}).status_code == 302
    assert Curation.objects.get(brief=brief).officer == officer
    page = client.get("/console/briefs/b-act/").content.decode()
    assert f"Taken by {officer.username}" in page and "Take this brief" not in page

    answer = client.post(url, {"action": "add", "vendor": "ravi apps"}, follow=True)
    assert "Ravi Apps added, pinned" in answer.content.decode()
    added = Match.objects.get(brief=brief, vendor__external_id="pk-ravi")
    assert added.pinned and added.source == Match.Source.OFFICER
    again = client.post(url, {"action": "add", "vendor": "pk-ravi"}, follow=True)
    assert "already matched" in again.content.decode()  # refused, nothing doubled
    twins = client.post(url, {"action": "add", "vendor": "Twin Apps"}, follow=True)
    assert "several firms are called" in twins.content.decode()
    assert not Match.objects.filter(vendor__name="Twin Apps").exists()

    client.post(url, {"action": "close"})
    assert Curation.objects.get(brief=brief).closed_at is not None
    actions = set(AuditEntry.objects.filter(brief="b-act").values_list("action", flat=True))
    assert {"review.take", "match.add", "review.close"} <= actions


def test_the_audit_log_page_filters_as_the_api_does(user_factory, client):
    from core.audit import audit_record

    officer, other = user_factory("officer"), user_factory("officer")
    brief = make_brief(make_buyer(), external_id="b-audit", title="Audited")
    vendor = make_vendor(external_id="audited")
    match = Match.objects.create(brief=brief, vendor=vendor)
    audit_record(
        actor=officer,
        action="match.approve",
        subject=match,
        before={"state": "suggested", "note": ""},
        after={"state": "approved", "note": ""},
        brief="b-audit",
    )
    audit_record(
        actor=other, action="match.reject", subject=match, before=None, after={}, brief="b-x"
    )
    client.force_login(officer)
    page = client.get("/console/audit/").content.decode()
    assert "2 entries" in page
    assert page.index("<code>match.reject") < page.index("<code>match.approve")
    assert "<code>state</code>: suggested → approved" in page
    assert "<code>note</code>" not in page  # unchanged fields are not listed
    for query, shown, hidden in (
        ({"action": "match.approve"}, "match.approve", "match.reject"),
        ({"actor": other.username}, "match.reject", "match.approve"),
        ({"brief": "b-audit"}, "match.approve", "match.reject"),
    ):
        page = client.get("/console/audit/", query).content.decode()
        assert "1 entry" in page and shown in page and f"<code>{hidden}" not in page, query
    later = client.get("/console/audit/", {"since": "2999-01-01"}).content.decode()
    assert "No entries match these filters." in later
    garbled = client.get("/console/audit/", {"since": "yesterday"}).content.decode()
    assert 'id="e-since"' in garbled and "No entries match" in garbled
    api = client.get("/api/v1/audit/", {"since": "2999-01-01"}).json()
    assert api["count"] == 0


def test_the_queue_filters_by_curated_sectors_only(user_factory, client):
    from matchmaking.models import Curation

    buyer = make_buyer()
    for external_id, industry in (("b-fin", "Fintech"), ("b-odd", "fish farming ltd")):
        Curation.objects.create(brief=make_brief(buyer, external_id=external_id, industry=industry))
    client.force_login(user_factory("officer"))
    page = client.get("/console/").content.decode()
    assert "<option>Fintech</option>" in page
    assert "fish farming" not in page.split('name="sector"')[1].split("</select>")[0]


@pytest.mark.parametrize("amount", ["-5000", "NaN", "Infinity", "1e20", "10.005"])
def test_a_deal_value_the_api_refuses_is_refused_on_the_board_too(user_factory, client, amount):
    from django.utils import timezone

    from matchmaking.models import Introduction

    brief = make_brief(make_buyer(), external_id="b-neg", title="Negative brief")
    match = Match.objects.create(
        brief=brief, vendor=make_vendor(external_id="pk-neg"), state=Match.State.APPROVED
    )
    intro = Introduction.objects.create(
        match=match, stage="proposal", stage_changed_at=timezone.now()
    )
    client.force_login(user_factory("officer"))
    body = {"stage": "won", "amount": amount, "currency": "USD", "version": intro.version}
    page = client.post(f"/console/introductions/{intro.pk}/move/", body, follow=True)
    assert page.status_code == 200
    assert "deal_value.amount" in page.content.decode()
    intro.refresh_from_db()
    assert intro.stage == "proposal" and intro.deal_value is None
