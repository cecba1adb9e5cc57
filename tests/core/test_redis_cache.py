"""Caching and throttling against the real Redis on this machine (REDIS_URL or the
local default), each test under its own key prefix."""

import os
import uuid

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from config.settings.parts import redis_caches

REDIS_URL = os.environ.get("RAABTA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_cache(url: str, prefix: str) -> dict:
    return redis_caches(url, prefix)


@pytest.fixture
def prefix():
    prefix = f"raabta-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


@pytest.mark.django_db
def test_anonymous_throttling_counts_in_redis(api, prefix, monkeypatch):
    from core.api.throttles import AnonThrottle as AnonRateThrottle

    # DRF reads the rates once, at class definition; patch them for this test only.
    monkeypatch.setattr(
        AnonRateThrottle, "THROTTLE_RATES", {**AnonRateThrottle.THROTTLE_RATES, "anon": "3/min"}
    )
    with override_settings(CACHES=redis_cache(REDIS_URL, prefix)):
        codes = [api.get("/api/v1/vendors/").status_code for _ in range(4)]
        stored = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{prefix}*"))
    assert codes == [200, 200, 200, 429]
    assert stored, "the throttle history must live in Redis"


@pytest.mark.django_db
def test_a_dead_redis_does_not_take_the_api_down(api, prefix):
    # Nothing listens on port 1: every cache call fails fast and is ignored.
    with override_settings(CACHES=redis_cache("redis://127.0.0.1:1/0", prefix)):
        caches["default"].set("k", 1)
        assert api.get("/api/v1/vendors/").status_code == 200


@pytest.mark.django_db
def test_with_redis_down_throttles_still_count(api, prefix, monkeypatch):
    """Counting moves to the database table instead of letting every request through."""
    from core.api.throttles import AnonThrottle

    monkeypatch.setattr(
        AnonThrottle, "THROTTLE_RATES", {**AnonThrottle.THROTTLE_RATES, "anon": "3/min"}
    )
    with override_settings(CACHES=redis_cache("redis://127.0.0.1:1/0", prefix)):
        codes = [api.get("/api/v1/vendors/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_requests_at_the_same_moment_never_share_the_last_room_in_redis(prefix):
    from django_redis import get_redis_connection

    from core.api.throttles import take_from_redis
    from tests.core.test_throttles import concurrently

    with override_settings(CACHES=redis_cache(REDIS_URL, prefix)):
        results = concurrently(lambda: take_from_redis("burst", 1000.0, 20.0, 40.0), 12)
        stored = get_redis_connection("throttle").get(caches["throttle"].make_key("burst"))
    assert sorted(results, key=lambda wait: wait or 0) == [None] * 3 + [20.0] * 9
    assert float(stored) == 1060.0  # one number: when the bucket is full again


def test_a_value_left_by_the_previous_throttle_reads_as_a_full_bucket(prefix):
    from core.api.throttles import take_from_redis

    with override_settings(CACHES=redis_cache(REDIS_URL, prefix)):
        caches["throttle"].set("old", [999.0] * 50, 60)  # DRF's per-request log, pickled
        assert [take_from_redis("old", 1000.0, 20.0, 40.0) for _ in range(4)] == [
            None,
            None,
            None,
            20.0,
        ]
