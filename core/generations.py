"""What is read from the catalogue, cached until the catalogue changes: Redis when
configured (local memory otherwise). Search results, matches and the firms' data a
match reads all use it.

Keys carry a *generation* number that every change bumps (an indexed write, an outcome,
a curation decision), so a cached page is never served after the profiles it shows
changed. The generation lives in the ``shared`` cache — Redis, or a database table
without it — so a change handled by one worker process invalidates what every other
process cached. A dead Redis makes every cache call a fast miss (django-redis ignores
its errors), and reads answer uncached. The keys keep their ``search:`` prefix, so
caches already filled stay valid.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches

GENERATION_KEY = "search:generation"


def known_generation() -> int | None:
    """The current generation; ``None`` when the shared cache cannot tell (it is down).
    A generation that is not set yet starts at a random number, so an emptied cache
    never repeats a number that a process may still hold results for."""
    shared = caches["shared"]
    value = shared.get(GENERATION_KEY)
    if value is None:
        shared.add(GENERATION_KEY, secrets.randbelow(2**40), timeout=None)
        value = shared.get(GENERATION_KEY)
    return int(value) if value is not None else None


def generation() -> int:
    return known_generation() or 0


def bump_generation() -> None:
    shared = caches["shared"]
    try:
        shared.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted)
        shared.set(GENERATION_KEY, secrets.randbelow(2**40), timeout=None)


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
