"""API rate limits, counted where every worker process sees the same count.

Counters live in the ``throttle`` cache: Redis when ``REDIS_URL`` is set, else the
database (one table, shared by all processes on the embedded default). If Redis does
not answer, counting moves to the database cache instead of switching limits off.
Clients are told apart by ``core.net.client_ip`` (proxy headers only as configured).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import caches
from rest_framework import throttling
from rest_framework.request import Request

from core.net import client_ip

log = logging.getLogger(__name__)


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


class AnonThrottle(SharedCounter, throttling.AnonRateThrottle):
    """Anonymous requests, per client address."""


class UserThrottle(SharedCounter, throttling.UserRateThrottle):
    """Signed-in requests, per user."""


class ScopedThrottle(SharedCounter, throttling.ScopedRateThrottle):
    """A view's own bucket (``throttle_scope``: sign-up, token), per user or address."""
