"""API rate limits, counted where every worker process sees the same count.

Counters live in the ``throttle`` cache: Redis when ``REDIS_URL`` is set, else the
database (one table, shared by all processes on the embedded default). If Redis does
not answer, counting moves to the database cache instead of switching limits off.
Clients are told apart by ``core.net.client_ip`` (proxy headers only as configured).

A rate "N/min" is a bucket of N requests that refills at N a minute (the generic cell
rate algorithm): a burst of N is allowed, then one request every minute/N. The cache
holds one number per client — when its bucket will be full again — where DRF's own
throttles keep a timestamp per request of the last minute and read, unpickle and
rewrite that whole list on every request (at 200 requests/s from one busy client, a
12,000-entry list per request, written in a database transaction on the embedded
default). bench/load.py, 20 clients on one token: directory search 267 -> 328
requests/s (docs/benchmarks.md).
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.cache import caches
from rest_framework import throttling
from rest_framework.request import Request

from core.net import client_ip

log = logging.getLogger(__name__)


class Bucket(throttling.SimpleRateThrottle):
    """DRF's rate parsing, cache keys and scopes, counted as a refilling bucket."""

    num_requests: int  # set by DRF from the rate: "N/min" -> N and 60
    duration: int

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        interval = self.duration / self.num_requests
        stored = self.cache.get(self.key)  # a list: DRF's log, from before this class
        # When the bucket will be full again (now, if it is full already) …
        full_at = max(stored if isinstance(stored, float) else now, now)
        # … is more than the bucket's size less one request away: no room.
        if full_at - now > self.duration - interval:
            self.wait_seconds = full_at - now - (self.duration - interval)
            return False
        self.cache.set(self.key, full_at + interval, math.ceil(full_at + interval - now))
        return True

    def wait(self) -> float | None:
        return getattr(self, "wait_seconds", None)


class SharedCounter:
    def get_ident(self, request: Request) -> str:
        return client_ip(request)

    def allow_request(self, request: Request, view: Any) -> bool:
        self.cache = caches["throttle"]
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except Exception:  # the shared store is down: count in the database
            log.warning("throttle cache unavailable; counting in the database", exc_info=True)
            self.cache = caches["throttle_database"]
            return super().allow_request(request, view)  # type: ignore[misc]


class AnonThrottle(SharedCounter, throttling.AnonRateThrottle, Bucket):
    """Anonymous requests, per client address."""


class UserThrottle(SharedCounter, throttling.UserRateThrottle, Bucket):
    """Signed-in requests, per user."""


class ScopedThrottle(SharedCounter, throttling.ScopedRateThrottle, Bucket):
    """A view's own bucket (``throttle_scope``: sign-up, token), per user or address."""
