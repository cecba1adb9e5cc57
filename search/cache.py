"""Caching search results: Redis when configured (local memory otherwise).

Keys carry a *generation* number that every index change bumps, so a cached page is
never served after the profiles it shows changed. The generation lives in the
``shared`` cache — Redis, or a database table without it — so a change handled by one
worker process invalidates what every other process cached. A dead Redis makes every
cache call a fast miss (django-redis ignores its errors), and search answers uncached.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches

GENERATION_KEY = "search:generation"


def generation() -> int:
    value = caches["shared"].get(GENERATION_KEY)
    return int(value) if value is not None else 0


def bump_generation() -> None:
    shared = caches["shared"]
    try:
        shared.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted)
        shared.set(GENERATION_KEY, 1, timeout=None)


def cached(namespace: str, params: dict[str, Any], compute: Callable[[], Any]) -> Any:
    digest = hashlib.sha1(
        json.dumps(params, sort_keys=True, default=str).encode(), usedforsecurity=False
    )
    key = f"search:{namespace}:{generation()}:{digest.hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.RAABTA_SEARCH_CACHE_SECONDS)
    return value
