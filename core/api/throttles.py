"""API rate limits, counted where every worker process sees the same count.

Buckets live in Redis when ``REDIS_URL`` is set (the ``throttle`` cache's server and
key prefix), else in a database table (``core.ThrottleBucket``, shared by all
processes on the embedded default). If Redis does not answer, counting moves to the
table instead of switching limits off. Clients are told apart by ``core.net.client_ip``
(proxy headers only as configured).

A rate "N/min" is a bucket of N requests that refills at N a minute (the generic cell
rate algorithm): a burst of N is allowed, then one request every minute/N. The store
holds one number per client — when its bucket will be full again — and a request takes
its room in one atomic step: a Lua script in Redis, one ``INSERT … ON CONFLICT … DO
UPDATE … WHERE … RETURNING`` statement in the database. Two processes answering the
same client at once can therefore never both spend the last room (reading the number
and writing it back as two calls let them), and a request costs one round trip where
Django's database cache took seven statements (get, delete if expired, count for
culling, begin, select, insert, commit). DRF's own throttles keep a timestamp per
request of the last minute and read, unpickle and rewrite that whole list on every
request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from rest_framework import throttling
from rest_framework.request import Request

from core.models import ThrottleBucket
from core.net import client_ip

log = logging.getLogger(__name__)

# KEYS[1]: the bucket; ARGV: now, interval, room (seconds). Returns nothing when the
# request may go, else how long to wait. A value that is not a number (left by an
# earlier version's throttle) reads as a full bucket.
TAKE = """
local now, interval, room = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local full = tonumber(redis.call('GET', KEYS[1]))
if full == nil or full < now then full = now end
if full - now > room then return string.format('%.6f', full - now - room) end
full = full + interval
redis.call('SET', KEYS[1], string.format('%.6f', full), 'PX', math.ceil((full - now) * 1000))
return false
"""


def take_from_redis(key: str, now: float, interval: float, room: float) -> float | None:
    """Take one request's room from the bucket ``key`` in the ``throttle`` cache's Redis;
    ``None`` when there was room, else the seconds to wait. Raises if Redis is down."""
    cache = caches["throttle"]
    script = getattr(cache, "_raabta_take", None)
    if script is None:  # registered once per cache object (one per thread)
        script = cache.client.get_client(write=True).register_script(TAKE)  # type: ignore[attr-defined]
        cache._raabta_take = script  # type: ignore[attr-defined]
    wait = script(keys=[cache.make_key(key)], args=[repr(now), repr(interval), repr(room)])
    return None if wait is None else float(wait)


def take_from_database(key: str, now: float, interval: float, room: float) -> float | None:
    """``take_from_redis`` on the ``ThrottleBucket`` table, in one statement (SQLite 3.35+
    and PostgreSQL both take it): a new bucket is inserted with this request taken; an
    existing one is moved on by one interval only if that leaves it within ``room``."""
    quote = connection.ops.quote_name
    table, column = quote(ThrottleBucket._meta.db_table), quote("key")
    full = f"(CASE WHEN {table}.full_at > %s THEN {table}.full_at ELSE %s END)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({column}, full_at) VALUES (%s, %s) "
            f"ON CONFLICT ({column}) DO UPDATE SET full_at = {full} + %s "
            f"WHERE {full} - %s <= %s RETURNING full_at",
            [key, now + interval, now, now, interval, now, now, now, room],
        )
        if cursor.fetchone() is not None:
            return None
    full_at = ThrottleBucket.objects.filter(key=key).values_list("full_at", flat=True).first()
    return max((full_at or now) - now - room, 0.0)


def take(key: str, now: float, interval: float, room: float) -> float | None:
    """Take from the bucket where it lives: Redis when the ``throttle`` cache is Redis,
    else the table; the table too while Redis does not answer."""
    if not _throttle_cache_is_redis():
        return take_from_database(key, now, interval, room)
    try:
        return take_from_redis(key, now, interval, room)
    except Exception:  # the shared store is down: count in the database
        log.warning("throttle store unavailable; counting in the database", exc_info=True)
        return take_from_database(key, now, interval, room)


def _throttle_cache_is_redis() -> bool:
    backend = settings.CACHES.get("throttle", {}).get("BACKEND", "")
    return str(backend).startswith("django_redis.")


def purge_full_buckets() -> int:
    """Delete the table's buckets that are full again (the same as no bucket); nightly
    (``RAABTA_SCHEDULE``). Returns how many."""
    deleted, _ = ThrottleBucket.objects.filter(full_at__lt=time.time()).delete()
    return deleted


class Bucket(throttling.SimpleRateThrottle):
    """DRF's rate parsing, cache keys and scopes, counted as a refilling bucket (``take``)."""

    num_requests: int  # set by DRF from the rate: "N/min" -> N and 60
    duration: int

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        interval = self.duration / self.num_requests
        # The bucket may be full again no later than this after now, or there is no room.
        wait = take(self.key, self.timer(), interval, self.duration - interval)
        if wait is None:
            return True
        self.wait_seconds = wait
        return False

    def wait(self) -> float | None:
        return getattr(self, "wait_seconds", None)


class SharedCounter:
    """Clients told apart by their address as ``core.net.client_ip`` reads it."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request)


class AnonThrottle(SharedCounter, throttling.AnonRateThrottle, Bucket):
    """Anonymous requests, per client address."""


class UserThrottle(SharedCounter, throttling.UserRateThrottle, Bucket):
    """Signed-in requests, per user."""


class ScopedThrottle(SharedCounter, throttling.ScopedRateThrottle, Bucket):
    """A view's own bucket (``throttle_scope``: sign-up, token), per user or address."""
