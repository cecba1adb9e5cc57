"""Rate limits as refilling buckets (core.api.throttles.Bucket): a burst of N, then one
request every minute/N, one number stored per client whatever the traffic."""

import pytest
from django.core.cache import caches

from core.api.throttles import AnonThrottle

pytestmark = pytest.mark.django_db
PATH = "/api/v1/search/vendors?q=flutter"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(AnonThrottle, "timer", clock)
    monkeypatch.setattr(
        AnonThrottle, "THROTTLE_RATES", {**AnonThrottle.THROTTLE_RATES, "anon": "3/min"}
    )
    return clock


def codes(api, count: int) -> list[int]:
    return [api.get(PATH).status_code for _ in range(count)]


def test_a_burst_of_the_rate_then_one_request_per_interval(api, clock):
    assert codes(api, 4) == [200, 200, 200, 429]
    refused = api.get(PATH)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"  # 3/min: one request every 20 s
    clock.now += 19
    assert codes(api, 1) == [429]
    clock.now += 1
    assert codes(api, 2) == [200, 429]  # one request's worth came back, not more
    clock.now += 60  # a whole minute idle: the bucket is full again, and holds only 3
    assert codes(api, 4) == [200, 200, 200, 429]


def test_steady_traffic_at_the_rate_is_never_refused(api, clock):
    for _ in range(10):
        assert codes(api, 1) == [200]
        clock.now += 20


def test_the_stored_state_is_one_number_however_many_requests(api, clock):
    for _ in range(30):
        api.get(PATH)
        clock.now += 20
    stored = [
        caches["throttle"].get(key)
        for key in (AnonThrottle().cache_format % {"scope": "anon", "ident": "127.0.0.1"},)
    ]
    assert stored == [clock.now]  # full again exactly now: the last request's 20 s ahead


def test_a_count_left_by_the_previous_throttle_is_read_as_an_empty_bucket(api, clock):
    key = AnonThrottle().cache_format % {"scope": "anon", "ident": "127.0.0.1"}
    caches["throttle"].set(key, [clock.now] * 50, 60)  # DRF's per-request log
    assert codes(api, 4) == [200, 200, 200, 429]
