"""Outages: the search backend or Redis going away must not lose writes or stop reads."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.test import override_settings
from rq import SimpleWorker

from config.settings.parts import redis_caches
from core.models import OutboxEvent
from core.tasks import queue
from search.loading import get_search_backend
from search.query import VendorQuery
from search.sync import drain_outbox
from tests.core.test_redis_cache import REDIS_URL
from tests.factories import make_vendor
from tests.search.elastic import NoidaServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def noida():
    """A stand-in server of this test's own, so the test can stop and restart it."""
    server = NoidaServer()
    server.start()
    yield server
    server.close()


def test_writes_survive_an_elasticsearch_outage_and_are_indexed_when_it_returns(
    noida, client_for, api
):
    params = {
        "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
        "URL": noida.url,
        "INDEX": "raabta-outage",
        "TIMEOUT": 1,
        "RETRIES": 0,
    }
    with override_settings(SEARCH_BACKENDS={"default": params}):
        make_vendor(external_id="pk-before", name="Before Outage")
        noida.stop()
        officer = client_for("officer")
        created = officer.post(
            "/api/v1/vendors/", {"external_id": "pk-during", "name": "During Outage"}, format="json"
        )
        assert created.status_code == 201
        pending = OutboxEvent.objects.get(key="pk-during")
        assert pending.attempts == 1 and pending.last_error
        degraded = api.get("/api/v1/search/vendors", {"q": "outage"}).json()
        assert degraded["degraded"] is True
        assert {r["external_id"] for r in degraded["results"]} == {"pk-before", "pk-during"}

        noida.start()
        report = drain_outbox()
        assert (report.events, report.indexed, report.error) == (1, 1, "")
        page = get_search_backend().search(VendorQuery(text="outage"))
        assert {hit.id for hit in page.hits} == {"pk-before", "pk-during"}
        assert not OutboxEvent.objects.exists()


def test_search_answers_without_redis(api):
    make_vendor(external_id="pk-noredis", name="No Redis Needed")
    dead = redis_caches("redis://127.0.0.1:1/0", "raabta-dead")
    with override_settings(CACHES=dead):
        body = api.get("/api/v1/search/vendors", {"q": "redis"}).json()
    assert [r["external_id"] for r in body["results"]] == ["pk-noredis"]


def test_writes_succeed_when_the_queue_is_down_and_sync_catches_up():
    with override_settings(RAABTA_TASKS_INLINE=False, REDIS_URL="redis://127.0.0.1:1/0"):
        make_vendor(external_id="pk-queue-down")
    assert OutboxEvent.objects.filter(key="pk-queue-down").exists()
    assert drain_outbox().indexed == 1
    assert get_search_backend().count() == 1


def test_the_rq_worker_drains_the_outbox_from_redis():
    name = f"raabta-test-{uuid.uuid4().hex[:8]}"
    with override_settings(RAABTA_TASKS_INLINE=False, REDIS_URL=REDIS_URL, RAABTA_TASK_QUEUE=name):
        make_vendor(external_id="pk-queued")
        jobs = queue()
        assert jobs.count == 1
        assert get_search_backend().count() == 0  # not indexed until the worker runs
        SimpleWorker([jobs], connection=jobs.connection).work(burst=True)
        assert get_search_backend().count() == 1
        assert not OutboxEvent.objects.exists()
        jobs.delete(delete_jobs=True)
    redis.Redis.from_url(REDIS_URL).delete(f"rq:queue:{name}")


def test_health_reports_each_part(api, noida):
    body = api.get("/api/v1/health/").json()
    assert body["database"]["ok"] and body["search"]["ok"] and body["cache"]["ok"]
    assert body["demand_search"]["ok"]
    params = {
        "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
        "URL": noida.url,
        "INDEX": "raabta-health",
        "TIMEOUT": 1,
        "RETRIES": 0,
    }
    noida.stop()
    with override_settings(SEARCH_BACKENDS={"default": params}):
        response = api.get("/api/v1/health/")
    assert response.status_code == 200  # degraded, still answering
    assert response.json()["search"]["ok"] is False
    assert response.json()["demand_search"]["ok"] is False
