"""Curation, introductions, pipeline, audit and analytics through the public API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from buyers.models import Brief
from core.models import AuditEntry, Email
from core.money import RateTable
from matchmaking.models import Introduction, Match, Outcome
from tests.factories import make_buyer, make_vendor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def firms(transactional_db):
    common = {
        "services": ["Mobile App Development"],
        "technologies": ["Flutter"],
        "industries": ["Logistics"],
    }
    return {
        "chenab": make_vendor(
            external_id="chenab",
            name="Chenab Mobile",
            city="Multan",
            team_size=12,
            description="Flutter fleet apps",
            **common,
        ),
        "ravi": make_vendor(
            external_id="ravi", name="Ravi Apps", city="Lahore", team_size=80, **common
        ),
        "thar": make_vendor(
            external_id="thar", name="Thar Mobile", city="Karachi", team_size=40, **common
        ),
    }


@pytest.fixture
def people(firms, user_factory, client_for):
    from rest_framework.test import APIClient

    buyer = make_buyer(external_id="hafen", name="Hafen Logistik GmbH", country="DE")
    users = {
        "officer": user_factory("officer"),
        "officer2": user_factory("officer"),
        "buyer": user_factory("buyer", buyer=buyer),
        "chenab": user_factory("vendor", vendor=firms["chenab"]),
        "ravi": user_factory("vendor", vendor=firms["ravi"]),
        "thar": user_factory("vendor", vendor=firms["thar"]),
    }
    for name, user in users.items():
        user.email = f"{name}@example.com"
        user.save()
    clients = {}
    for name, user in users.items():
        clients[name] = APIClient()
        clients[name].force_authenticate(user)
    return users, clients


@pytest.fixture(autouse=True)
def _brief_id(monkeypatch):
    # The server assigns the id of a brief a buyer posts; these journeys pin it so each
    # step can name the brief.
    monkeypatch.setattr("core.api.viewsets.fresh_external_id", lambda prefix: "b-fleet")


def post_brief(client):
    body = {
        "title": "Fleet tracking app",
        "description": "Flutter app for trucks",
        "industry": "Logistics",
        "services": ["Mobile App Development"],
        "technologies": ["Flutter"],
        "budget": {"max": 60000, "currency": "EUR"},
    }
    response = client.post("/api/v1/briefs/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def queue_entry(officer, brief_id):
    response = officer.get(
        "/api/v1/curation/queue/", {"sector": "Logistics & Supply Chain", "buyer_country": "DE"}
    )
    assert response.status_code == 200
    return next(r for r in response.json()["results"] if r["brief"]["external_id"] == brief_id)


def approve_top_match(c):
    post_brief(c["buyer"])
    match = queue_entry(c["officer"], "b-fleet")["matches"][0]
    url = f"/api/v1/curation/matches/{match['id']}/approve"
    response = c["officer"].post(url, {"version": match["version"]}, format="json")
    assert response.status_code == 200
    return response.json()


def test_a_brief_goes_from_suggestions_to_a_won_deal_counted_in_usd(people):
    users, c = people
    post_brief(c["buyer"])
    entry = queue_entry(c["officer"], "b-fleet")
    matches = {m["vendor"]["external_id"]: m for m in entry["matches"]}
    assert set(matches) == {"chenab", "ravi", "thar"}
    assert all(m["state"] == "suggested" and m["reasons"] and m["rank"] for m in matches.values())

    for name in ("chenab", "thar"):
        r = c["officer"].post(
            f"/api/v1/curation/matches/{matches[name]['id']}/approve",
            {"version": matches[name]["version"]},
            format="json",
        )
        assert r.status_code == 200 and r.json()["state"] == "approved"
    r = c["officer"].post(
        f"/api/v1/curation/matches/{matches['ravi']['id']}/reject",
        {"version": matches["ravi"]["version"], "reason": "capacity"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["reject_reason"] == "capacity"
    # Every suggestion decided: the brief leaves the queue.
    assert c["officer"].get("/api/v1/curation/queue/").json()["count"] == 0

    # The vendor sees its invitation without the buyer's name, accepts.
    [invite] = c["chenab"].get("/api/v1/introductions/").json()["results"]
    assert invite["stage"] == "awaiting_vendor"
    assert invite["buyer"] == {"country": "DE", "anonymous": True}
    assert "Hafen" not in str(invite)
    r = c["chenab"].post(
        f"/api/v1/introductions/{invite['id']}/respond",
        {"version": invite["version"], "accept": True},
        format="json",
    )
    assert r.status_code == 200 and r.json()["stage"] == "awaiting_buyer"
    assert r.json()["buyer"]["anonymous"] is True  # still hidden until the buyer confirms

    # The buyer sees both introductions, confirms the accepted one.
    seen = {
        i["vendor"]["external_id"]: i
        for i in c["buyer"].get("/api/v1/introductions/").json()["results"]
    }
    assert set(seen) == {"chenab", "thar"}
    r = c["buyer"].post(
        f"/api/v1/introductions/{invite['id']}/respond",
        {"version": seen["chenab"]["version"], "accept": True},
        format="json",
    )
    assert r.status_code == 200 and r.json()["stage"] == "introduced"
    revealed = c["chenab"].get(f"/api/v1/introductions/{invite['id']}/").json()
    assert (
        revealed["buyer"]["name"] == "Hafen Logistik GmbH"
        and revealed["buyer"]["anonymous"] is False
    )

    # The officer moves it to won with a value in euros.
    version = revealed["version"]
    for stage, extra in (
        ("meeting", {}),
        ("proposal", {}),
        ("won", {"deal_value": {"amount": "48000.00", "currency": "EUR"}}),
    ):
        r = c["officer"].post(
            f"/api/v1/introductions/{invite['id']}/move",
            {"version": version, "stage": stage, **extra},
            format="json",
        )
        assert r.status_code == 200, r.json()
        version = r.json()["version"]
    won = r.json()
    expected_usd = RateTable.load().to_usd(Decimal("48000"), "EUR", timezone.localdate())
    assert (
        won["stage"] == "won"
        and won["deal_currency"] == "EUR"
        and won["deal_value_usd"] == expected_usd
    )
    assert expected_usd != 48000  # a real conversion happened

    by_sector = c["officer"].get("/api/v1/analytics/value", {"by": "sector"}).json()["rows"]
    assert {
        "sector": "Logistics & Supply Chain",
        "won_usd": expected_usd,
        "won_deals": 1,
        "pipeline_usd": 0,
        "open_deals": 0,
    } in by_sector
    by_country = c["officer"].get("/api/v1/analytics/value", {"by": "buyer_country"}).json()["rows"]
    assert by_country[0]["buyer_country"] == "DE" and by_country[0]["won_usd"] == expected_usd
    target = c["officer"].get("/api/v1/analytics/target").json()["rows"][0]
    assert target["won_usd"] == expected_usd
    funnel = {
        row["stage"]: row["count"]
        for row in c["officer"].get("/api/v1/analytics/funnel").json()["rows"]
    }
    assert funnel == {
        "suggested": 3,
        "approved": 2,
        "vendor_accepted": 1,
        "introduced": 1,
        "meeting": 1,
        "proposal": 1,
        "won": 1,
    }

    # The audit log holds every step, in order, with who did it.
    log = (
        c["officer"].get("/api/v1/audit/", {"brief": "b-fleet", "page_size": 100}).json()["results"]
    )
    steps = [(e["action"], e["actor"]) for e in log]
    officer, buyer, vendor = (
        users["officer"].username,
        users["buyer"].username,
        users["chenab"].username,
    )
    assert steps == [
        ("match.approve", officer),
        ("introduction.open", officer),
        ("match.approve", officer),
        ("introduction.open", officer),
        ("match.reject", officer),
        ("review.close.auto", officer),
        ("introduction.vendor_accept", vendor),
        ("introduction.buyer_confirm", buyer),
        ("introduction.meeting", officer),
        ("introduction.proposal", officer),
        ("introduction.won", officer),
    ]
    assert (
        log[-1]["before"]["stage"] == "proposal"
        and log[-1]["after"]["deal_value_usd"] == expected_usd
    )

    # Decisions are ranker labels, with the rank and score the officer saw.
    labels = {
        (o.vendor.external_id, o.outcome): o for o in Outcome.objects.select_related("vendor")
    }
    assert labels[("ravi", "rejected")].rank == matches["ravi"]["rank"]
    assert labels[("chenab", "won")].value_usd == expected_usd
    assert labels[("chenab", "approved")].score == matches["chenab"]["score"]

    # E-mails, one recipient each: invitations to both approved vendors, the buyer's
    # prompt, both introductions (the approving officer hears of both), and each stage
    # move (meeting, proposal, won) to both sides.
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert sorted(m.to[0] for m in mail.outbox) == [
        *["buyer@example.com"] * 5,
        *["chenab@example.com"] * 5,
        *["officer@example.com"] * 2,
        "thar@example.com",
    ]
    assert "Hafen" not in f"{mail.outbox[0].body} {mail.outbox[0].subject}"


def test_analytics_come_as_csv(people):
    _, c = people
    post_brief(c["buyer"])
    response = c["officer"].get("/api/v1/analytics/funnel", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "stage,count,share_of_previous" and lines[1].startswith("suggested,3")
    assert 'filename="raabta-funnel.csv"' in response["Content-Disposition"]


@pytest.mark.parametrize("path", ["/api/v1/analytics/funnel", "/api/v1/event-analytics"])
@pytest.mark.parametrize("wanted", ["", "xml"])
def test_a_table_in_a_format_it_does_not_come_in_is_refused_naming_format(people, path, wanted):
    _, c = people
    response = c["officer"].get(path, {"format": wanted})
    assert response.status_code == 400
    assert response.json() == {"format": ["one of json, csv"]}


def test_a_second_officer_deciding_the_same_match_gets_409(people):
    _, c = people
    post_brief(c["buyer"])
    match = queue_entry(c["officer"], "b-fleet")["matches"][0]
    url = f"/api/v1/curation/matches/{match['id']}"
    first = c["officer"].post(f"{url}/approve", {"version": match["version"]}, format="json")
    second = c["officer2"].post(
        f"{url}/reject", {"version": match["version"], "reason": "poor_fit"}, format="json"
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["current"]["state"] == "approved" and "approved" in second.json()["detail"]
    assert Match.objects.get(pk=match["id"]).state == "approved"
    assert Introduction.objects.count() == 1
    assert AuditEntry.objects.filter(action="match.reject").count() == 0
    # Even with the fresh version, a decided match cannot be decided again.
    fresh = first.json()["version"]
    again = c["officer2"].post(
        f"{url}/reject", {"version": fresh, "reason": "poor_fit"}, format="json"
    )
    assert again.status_code == 409


def test_illegal_pipeline_moves_are_refused_and_change_nothing(people):
    _, c = people
    approve_top_match(c)
    intro = Introduction.objects.get()
    url = f"/api/v1/introductions/{intro.pk}/move"
    # Before both sides opted in, the pipeline cannot move.
    r = c["officer"].post(url, {"version": intro.version, "stage": "meeting"}, format="json")
    assert r.status_code == 400 and "cannot move from awaiting_vendor" in r.json()["stage"][0]
    Introduction.objects.filter(pk=intro.pk).update(stage="introduced")
    r = c["officer"].post(url, {"version": intro.version, "stage": "won"}, format="json")
    assert r.status_code == 400 and "allowed: meeting, proposal, lost" in r.json()["stage"][0]
    r = c["officer"].post(url, {"version": intro.version, "stage": "proposal"}, format="json")
    assert r.status_code == 200
    r = c["officer"].post(url, {"version": r.json()["version"], "stage": "won"}, format="json")
    assert r.status_code == 400 and "deal_value" in r.json()
    r = c["officer"].post(
        url,
        {
            "version": intro.version + 1,
            "stage": "won",
            "deal_value": {"amount": "10", "currency": "XXQ"},
        },
        format="json",
    )
    assert r.status_code == 400 and "deal_value.currency" in r.json()
    r = c["officer"].post(url, {"version": intro.version, "stage": "lost"}, format="json")
    assert r.status_code == 409  # stale version
    intro.refresh_from_db()
    assert intro.stage == "proposal" and intro.deal_value_usd is None
    r = c["officer"].post(url, {"version": intro.version, "stage": "teleport"}, format="json")
    assert r.status_code == 400 and "stage" in r.json()


def test_who_sees_and_answers_introductions(people, client_for, api):
    _users, c = people
    post_brief(c["buyer"])
    matches = {
        m["vendor"]["external_id"]: m for m in queue_entry(c["officer"], "b-fleet")["matches"]
    }
    c["officer"].post(
        f"/api/v1/curation/matches/{matches['chenab']['id']}/approve",
        {"version": matches["chenab"]["version"]},
        format="json",
    )
    intro = Introduction.objects.get()
    url = f"/api/v1/introductions/{intro.pk}/"
    # Another vendor neither lists nor opens it, and cannot answer it.
    assert c["ravi"].get("/api/v1/introductions/").json()["count"] == 0
    assert c["ravi"].get(url).status_code == 404
    assert (
        c["ravi"].post(f"{url}respond", {"version": 1, "accept": True}, format="json").status_code
        == 404
    )
    # Another buyer neither; anonymous callers are turned away.
    other_buyer = client_for("buyer", buyer=make_buyer())
    assert other_buyer.get(url).status_code == 404
    assert api.get("/api/v1/introductions/").status_code == 401
    # The buyer cannot answer for the vendor; the vendor cannot move the pipeline.
    r = c["buyer"].post(f"{url}respond", {"version": intro.version, "accept": True}, format="json")
    assert r.status_code == 400 and "awaiting_vendor" in r.json()["stage"][0]
    assert (
        c["chenab"]
        .post(f"{url}move", {"version": 1, "stage": "meeting"}, format="json")
        .status_code
        == 403
    )
    # Only officers curate, read the audit log and the analytics.
    for client in (c["chenab"], c["buyer"]):
        assert client.get("/api/v1/curation/queue/").status_code == 403
        assert (
            client.post(
                f"/api/v1/curation/matches/{matches['ravi']['id']}/approve",
                {"version": 1},
                format="json",
            ).status_code
            == 403
        )
        assert (
            client.post(
                "/api/v1/curation/queue/b-fleet/matches", {"vendor": "thar"}, format="json"
            ).status_code
            == 403
        )
        assert client.get("/api/v1/audit/").status_code == 403
        assert client.get("/api/v1/analytics/value").status_code == 403
    assert api.get("/api/v1/curation/queue/").status_code == 401
    assert Match.objects.filter(state="approved").count() == 1


def test_the_audit_log_cannot_be_edited_through_the_api(people):
    _, c = people
    post_brief(c["buyer"])
    match = queue_entry(c["officer"], "b-fleet")["matches"][0]
    c["officer"].post(
        f"/api/v1/curation/matches/{match['id']}/pin",
        {"version": match["version"], "pinned": True},
        format="json",
    )
    entry = AuditEntry.objects.get()
    before, after = entry.before or {}, entry.after or {}
    assert entry.action == "match.pin" and before == {**after, "pinned": False, "version": 1}
    assert after["pinned"] is True
    url = f"/api/v1/audit/{entry.pk}/"
    assert c["officer"].get(url).status_code == 200
    for method in ("put", "patch", "delete"):
        assert getattr(c["officer"], method)(url, {"action": "x"}, format="json").status_code == 405
    assert c["officer"].post("/api/v1/audit/", {"action": "x"}, format="json").status_code == 405
    assert AuditEntry.objects.get().action == "match.pin"


def test_officers_hand_add_pin_and_filter_the_queue(people, firms):
    _users, c = people
    post_brief(c["buyer"])
    other = make_vendor(
        external_id="indus", name="Indus Web", services=["Web Development"], technologies=["PHP"]
    )
    r = c["officer"].post(
        "/api/v1/curation/queue/b-fleet/matches",
        {"vendor": "indus", "note": "met at GITEX"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["source"] == "officer" and r.json()["pinned"] is True
    again = c["officer"].post(
        "/api/v1/curation/queue/b-fleet/matches", {"vendor": "indus"}, format="json"
    )
    assert again.status_code == 400 and "already matched" in again.json()["vendor"][0]
    missing = c["officer"].post(
        "/api/v1/curation/queue/b-fleet/matches", {"vendor": "nope"}, format="json"
    )
    assert missing.status_code == 400 and "vendor" in missing.json()
    # Refreshing suggestions keeps the hand-added firm.
    refreshed = c["officer"].post("/api/v1/curation/queue/b-fleet/suggest").json()
    assert other.external_id in {m["vendor"]["external_id"] for m in refreshed["matches"]}
    # Taking the brief makes it the officer's; filters narrow the queue.
    c["officer"].post("/api/v1/curation/queue/b-fleet/take")
    assert c["officer"].get("/api/v1/curation/queue/", {"officer": "me"}).json()["count"] == 1
    assert c["officer2"].get("/api/v1/curation/queue/", {"officer": "me"}).json()["count"] == 0
    assert c["officer"].get("/api/v1/curation/queue/", {"officer": "none"}).json()["count"] == 0
    assert c["officer"].get("/api/v1/curation/queue/", {"sector": "Fintech"}).json()["count"] == 0
    assert c["officer"].get("/api/v1/curation/queue/", {"buyer_country": "FR"}).json()["count"] == 0
    added = r.json()
    r = c["officer"].post(
        f"/api/v1/curation/matches/{added['id']}/reject",
        {"version": added["version"], "reason": "other"},
        format="json",
    )
    assert r.status_code == 400 and "note" in r.json()
    r = c["officer"].post(
        f"/api/v1/curation/matches/{added['id']}/reject",
        {"version": added["version"], "reason": "because"},
        format="json",
    )
    assert r.status_code == 400 and "reason" in r.json()
    assert Match.objects.get(pk=added["id"]).state == "suggested"


def test_stale_introductions_are_flagged(people, settings):
    _, c = people
    approve_top_match(c)
    settings.RAABTA_STALE_AFTER_DAYS = 10
    assert c["officer"].get("/api/v1/introductions/", {"stale": "true"}).json()["count"] == 0
    Introduction.objects.update(stage_changed_at=timezone.now() - timedelta(days=11))
    [flagged] = c["officer"].get("/api/v1/introductions/", {"stale": "true"}).json()["results"]
    assert flagged["stale"] is True


def test_an_email_is_sent_once_even_when_the_job_is_retried(people, monkeypatch):
    from core import mail as outgoing

    _, c = people
    post_brief(c["buyer"])
    match = queue_entry(c["officer"], "b-fleet")["matches"][0]
    calls = {"n": 0}
    real_send = outgoing.send_mail

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("SMTP server went away")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(outgoing, "send_mail", flaky)
    c["officer"].post(
        f"/api/v1/curation/matches/{match['id']}/approve",
        {"version": match["version"]},
        format="json",
    )
    email = Email.objects.get()
    assert email.status == "pending" and "went away" in email.last_error and not mail.outbox
    assert outgoing.send_pending_emails() == 1  # the retry sends it
    assert outgoing.send_pending_emails() == 0  # a duplicate job finds nothing to send
    assert outgoing.send_email(email.pk) is False  # nor does a job for that very message
    assert len(mail.outbox) == 1 and Email.objects.get().status == "sent"


def test_a_real_worker_retrying_the_job_sends_each_email_once(people, settings):
    """Two jobs for the same message on a real RQ queue (Redis): one e-mail."""
    import uuid

    import redis
    from rq import SimpleWorker

    from core.tasks import queue
    from tests.core.test_redis_cache import REDIS_URL

    _, c = people
    post_brief(c["buyer"])
    match = queue_entry(c["officer"], "b-fleet")["matches"][0]
    name = f"raabta-test-{uuid.uuid4().hex[:8]}"
    settings.RAABTA_TASKS_INLINE, settings.REDIS_URL, settings.RAABTA_TASK_QUEUE = (
        False,
        REDIS_URL,
        name,
    )
    c["officer"].post(
        f"/api/v1/curation/matches/{match['id']}/approve",
        {"version": match["version"]},
        format="json",
    )
    jobs = queue()
    jobs.enqueue("core.mail.send_pending_emails")  # as if the job were retried or duplicated
    assert jobs.count == 2 and not mail.outbox
    SimpleWorker([jobs], connection=jobs.connection).work(burst=True)
    assert len(mail.outbox) == 1 and Email.objects.get().status == "sent"
    jobs.delete(delete_jobs=True)
    redis.Redis.from_url(REDIS_URL).delete(f"rq:queue:{name}")


def test_the_safety_net_commands(people, capsys, monkeypatch):
    from django.core.management import CommandError, call_command

    from core import mail as outgoing
    from core.models import OutboxEvent

    _, c = people
    monkeypatch.setattr(
        outgoing, "send_mail", lambda *a, **k: (_ for _ in ()).throw(OSError("no route"))
    )
    approve_top_match(c)
    call_command("send_emails")
    out = capsys.readouterr()
    assert "Sent 0 e-mail(s), 1 failed" in out.out and "no route" in out.err
    monkeypatch.undo()
    call_command("send_emails")
    assert "Sent 1 e-mail(s), 0 failed" in capsys.readouterr().out and len(mail.outbox) == 1

    # A brief change whose job was lost waits in the outbox until the command runs.
    OutboxEvent.objects.create(topic="brief", key="b-fleet", version=2)
    Match.objects.filter(state="suggested").delete()
    call_command("suggest_matches")
    assert "1 changed brief" in capsys.readouterr().out
    assert Match.objects.filter(state="suggested").count() == 2 and not OutboxEvent.objects.exists()
    with pytest.raises(CommandError, match="unknown brief"):
        call_command("suggest_matches", "b-nope")


def test_the_admin_shows_the_audit_log_read_only(people, user_factory):
    from django.test import Client

    _, c = people
    approve_top_match(c)
    entry = AuditEntry.objects.earliest("id")
    admin = user_factory("admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    browser = Client()
    browser.force_login(admin)
    assert browser.get("/admin/core/auditentry/").status_code == 200
    assert browser.get("/admin/core/auditentry/add/").status_code == 403
    assert (
        browser.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    browser.post(f"/admin/core/auditentry/{entry.pk}/change/", {"action": "edited"})
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action


def test_two_officers_deciding_at_the_same_moment_one_wins_one_gets_a_conflict(people):
    """Real threads, each with its own database connection, released together."""
    import threading

    from django.db import connection

    from core.errors import Conflict
    from matchmaking.curation import decisions

    users, c = people
    post_brief(c["buyer"])
    match = Match.objects.select_related("brief", "vendor").order_by("rank")[0]
    start, results = threading.Barrier(2), []

    def decide(officer, approve):
        try:
            mine = Match.objects.select_related("brief", "vendor").get(pk=match.pk)
            start.wait()
            if approve:
                decisions.match_approve(match=mine, actor=officer, version=match.version)
            else:
                decisions.match_reject(
                    match=mine, actor=officer, version=match.version, reason="poor_fit"
                )
            results.append("won")
        except Conflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(users["officer"], True)),
        threading.Thread(target=decide, args=(users["officer2"], False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict", "won"]
    decided = Match.objects.get(pk=match.pk)
    assert decided.version == match.version + 1
    assert (
        AuditEntry.objects.filter(subject_id=str(match.pk), action__startswith="match.").count()
        == 1
    )
    assert Introduction.objects.count() == (1 if decided.state == "approved" else 0)


def test_analytics_by_city_and_month_time_to_introduction_unmet_demand_and_exposure(people):
    _users, c = people
    post_brief(c["buyer"])
    matches = {
        m["vendor"]["external_id"]: m for m in queue_entry(c["officer"], "b-fleet")["matches"]
    }
    for name in ("chenab", "ravi"):
        c["officer"].post(
            f"/api/v1/curation/matches/{matches[name]['id']}/approve",
            {"version": matches[name]["version"]},
            format="json",
        )
    for name in ("chenab", "ravi"):
        intro = Introduction.objects.get(match__vendor__external_id=name)
        intro = (
            c[name]
            .post(
                f"/api/v1/introductions/{intro.pk}/respond",
                {"version": intro.version, "accept": True},
                format="json",
            )
            .json()
        )
        c["buyer"].post(
            f"/api/v1/introductions/{intro['id']}/respond",
            {"version": intro["version"], "accept": True},
            format="json",
        )
    ravi = Introduction.objects.get(match__vendor__external_id="ravi")
    c["officer"].post(
        f"/api/v1/introductions/{ravi.pk}/move",
        {
            "version": ravi.version,
            "stage": "proposal",
            "deal_value": {"amount": "20000", "currency": "USD"},
        },
        format="json",
    )

    def rows(table, **params):
        response = c["officer"].get(f"/api/v1/analytics/{table}", params)
        assert response.status_code == 200, response.json()
        return response.json()["rows"]

    by_city = {row["vendor_city"]: row for row in rows("value", by="vendor_city")}
    brief_budget = c["officer"].get("/api/v1/briefs/b-fleet/").json()["budget"]["max_usd"]
    assert by_city["Lahore"]["pipeline_usd"] == 20000  # the proposal's value
    assert by_city["Multan"]["pipeline_usd"] == brief_budget  # no value yet: the budget
    month = timezone.now().strftime("%Y-%m")
    assert rows("value", by="month") == [
        {
            "month": month,
            "won_usd": 0,
            "won_deals": 0,
            "pipeline_usd": 20000 + brief_budget,
            "open_deals": 2,
        }
    ]
    published = Brief.objects.get(external_id="b-fleet").published_at
    assert published is not None
    days = (timezone.localdate() - published).days
    assert rows("time-to-introduction")[-1] == {
        "month": "all",
        "briefs": 1,
        "median_days": days,
        "mean_days": float(days),
    }
    exposure = {row["set"]: row for row in rows("exposure")}
    assert exposure["suggested"]["matches"] == 3
    # chenab (12 people, Multan) is small and outside the big three; ravi (80, Lahore) is neither.
    assert exposure["introduced"] == {
        "set": "introduced",
        "matches": 2,
        "small_firm_share": 0.5,
        "outside_big_cities_share": 0.5,
    }
    unmet = {(row["kind"], row["label"]): row for row in rows("unmet-demand", max_vendors=3)}
    assert unmet[("service", "Mobile App Development")] == {
        "kind": "service",
        "label": "Mobile App Development",
        "briefs": 1,
        "vendors": 3,
    }
    assert rows("unmet-demand", max_vendors=2) == []
    assert c["officer"].get("/api/v1/analytics/value", {"by": "planet"}).status_code == 400
