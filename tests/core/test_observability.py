"""Metrics, request ids in logs, liveness and readiness (issue 13, acceptance 4)."""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import timedelta

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import timezone

from config.settings.parts import logging_config
from core.mail import email_queue, send_pending
from core.models import OutboxEvent
from tests.factories import make_vendor

pytestmark = pytest.mark.django_db


def _value(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics")


@override_settings(RAABTA_METRICS_TOKEN="scrape-secret")
def test_prometheus_scrapes_with_its_token_and_nobody_else_can(client):
    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 403
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert ok.status_code == 200 and ok["Content-Type"].startswith("text/plain")
    body = ok.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method" in body
    assert "raabta_outbox_pending" in body and "raabta_emails" in body


@override_settings(RAABTA_METRICS_TOKEN="")
def test_without_a_token_configured_only_officers_see_metrics(client, user_factory):
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403
    client.force_login(user_factory("vendor"))
    assert client.get("/metrics").status_code == 403
    client.force_login(user_factory("officer"))
    assert client.get("/metrics").status_code == 200


@override_settings(RAABTA_METRICS_TOKEN="t")
def test_search_and_match_timings_and_outbox_lag_are_measured(client, api, transactional_db):
    scrape = {"HTTP_AUTHORIZATION": "Bearer t"}
    before = client.get("/metrics", **scrape).content.decode()
    searches = (
        _value(before, 'raabta_search_seconds_count{backend="EmbeddedBackend"}')
        if ('raabta_search_seconds_count{backend="EmbeddedBackend"}' in before)
        else 0.0
    )
    make_vendor(name="Indus Apps", technologies=["Flutter"])
    assert api.get("/api/v1/search/vendors", {"q": "flutter"}).status_code == 200
    api.get("/api/v1/search/vendors", {"q": "flutter"})  # cached: not timed again
    after = client.get("/metrics", **scrape).content.decode()
    assert _value(after, 'raabta_search_seconds_count{backend="EmbeddedBackend"}') == searches + 1
    # An index change waiting for ten minutes shows as lag.
    OutboxEvent.objects.create(topic="vendor", key="late")
    OutboxEvent.objects.filter(key="late").update(created_at=timezone.now() - timedelta(minutes=10))
    lagging = client.get("/metrics", **scrape).content.decode()
    assert _value(lagging, "raabta_outbox_lag_seconds") >= 600
    assert _value(lagging, "raabta_outbox_pending") >= 1


@override_settings(
    RAABTA_METRICS_TOKEN="t", EMAIL_BACKEND="tests.core.test_observability.BrokenMail"
)
def test_e_mail_failures_are_counted(client):
    before = _value(
        client.get("/metrics", HTTP_AUTHORIZATION="Bearer t").content.decode(),
        "raabta_email_failures_total",
    )
    email_queue(key="obs-1", to=["a@example.org"], subject="Hello", body="Body")
    assert send_pending().failed
    after = _value(
        client.get("/metrics", HTTP_AUTHORIZATION="Bearer t").content.decode(),
        "raabta_email_failures_total",
    )
    assert after == before + 1


class BrokenMail(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_every_response_carries_a_request_id_and_log_lines_name_it(client, caplog):
    given = "4f1d7a1c2b3e4d5f8a9b0c1d2e3f4a5b"
    response = client.get("/api/v1/health/live/", HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] == given
    fresh = client.get("/api/v1/health/live/")["X-Request-ID"]
    assert fresh and fresh != given
    # The JSON formatter puts the id on every line logged while the request runs.
    config = logging_config("json")
    formatter = logging.config.DictConfigurator(config).configure_formatter(
        config["formatters"]["json"]
    )
    id_filter = logging.config.DictConfigurator(config).configure_filter(
        config["filters"]["request_id"]
    )
    from django_guid import set_guid

    set_guid(given)
    record = logging.LogRecord("raabta", logging.WARNING, __file__, 1, "search degraded", (), None)
    id_filter.filter(record)
    line = json.loads(formatter.format(record))
    assert line["request_id"] == given and line["level"] == "WARNING"
    assert line["message"] == "search degraded" and line["logger"] == "raabta"


def test_liveness_touches_nothing_and_readiness_needs_the_database(client, monkeypatch):
    assert client.get("/api/v1/health/live/").json() == {"ok": True}
    assert client.get("/api/v1/health/ready/").status_code == 200
    import config.health as health

    monkeypatch.setattr(health, "_database", lambda: {"ok": False, "error": "db down"})
    assert client.get("/api/v1/health/ready/").status_code == 503
    assert client.get("/api/v1/health/live/").status_code == 200


def test_a_django_log_record_is_printed_once(capsys):
    """Django's own console handler is off: its records reach the root handler only."""
    from django_guid import clear_guid

    clear_guid()  # an earlier test on this worker may have left its request id set
    logging.config.dictConfig(logging_config("text"))
    try:
        logging.getLogger("django.request").warning("Not Found: /nowhere")
        printed = capsys.readouterr().err
    finally:
        from django.conf import settings

        logging.config.dictConfig(settings.LOGGING)
    assert printed.count("Not Found: /nowhere") == 1
    assert "WARNING [-] django.request: Not Found: /nowhere" in printed


def test_a_request_without_an_id_logs_nothing_about_it(client, capsys):
    """django-guid says at INFO that it made an id for every such request: silenced."""
    logging.config.dictConfig(logging_config("text"))
    try:
        client.get("/api/v1/health/live/")
        printed = capsys.readouterr().err
    finally:
        from django.conf import settings

        logging.config.dictConfig(settings.LOGGING)
    assert "django_guid" not in printed


def test_the_api_root_points_to_its_parts(client):
    body = client.get("/api/v1/").json()
    assert body["docs"].endswith("/api/v1/docs/") and body["search"].endswith("/search/vendors")
    assert client.get(body["health"]).status_code == 200


@override_settings(RAABTA_METRICS_TOKEN="")
def test_an_officer_s_api_token_opens_the_metrics_and_no_one_else_s(client, user_factory):
    from accounts.services import token_issue

    officer = token_issue(user=user_factory("officer"))["token"]
    vendor = token_issue(user=user_factory("vendor"))["token"]
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {officer}").status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {vendor}").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Token not-a-token").status_code == 403
