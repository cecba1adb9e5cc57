"""Rate limits as refilling buckets (core.api.throttles.Bucket): a burst of N, then one
request every minute/N, one number stored per client whatever the traffic, taken
atomically however many processes answer at once."""

import threading

import pytest
from django.db import connection

from core.api.throttles import AnonThrottle, purge_full_buckets, take_from_database
from core.models import ThrottleBucket

pytestmark = pytest.mark.django_db
PATH = "/api/v1/search/vendors?q=flutter"
ANON_KEY = AnonThrottle.cache_format % {"scope": "anon", "ident": "127.0.0.1"}


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
    stored = list(ThrottleBucket.objects.filter(key=ANON_KEY).values_list("full_at", flat=True))
    assert stored == [clock.now]  # full again exactly now: the last request's 20 s on


def test_a_refused_request_leaves_the_bucket_as_it_was(api, clock):
    codes(api, 3)
    before = ThrottleBucket.objects.get(key=ANON_KEY).full_at
    assert codes(api, 5) == [429] * 5
    assert ThrottleBucket.objects.get(key=ANON_KEY).full_at == before


def test_full_buckets_are_purged_and_the_others_kept(clock, monkeypatch):
    monkeypatch.setattr("core.api.throttles.time.time", clock)
    ThrottleBucket.objects.create(key="full again", full_at=clock.now - 1)
    ThrottleBucket.objects.create(key="still filling", full_at=clock.now + 10)
    assert purge_full_buckets() == 1
    assert list(ThrottleBucket.objects.values_list("key", flat=True)) == ["still filling"]


def concurrently(take, count: int) -> list:
    """``take`` called by ``count`` threads released at the same moment."""
    start, results = threading.Barrier(count), []

    def one() -> None:
        start.wait()
        try:
            results.append(take())
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_moment_never_share_the_last_room():
    # A bucket of 3 (interval 20 s, room 40 s), 12 requests at once: 3 go, 9 wait 20 s.
    results = concurrently(lambda: take_from_database("burst", 1000.0, 20.0, 40.0), 12)
    assert sorted(results, key=lambda wait: wait or 0) == [None] * 3 + [20.0] * 9
    assert ThrottleBucket.objects.get(key="burst").full_at == 1060.0
