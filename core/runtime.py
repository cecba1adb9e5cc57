"""Preparing a long-running process (web server, worker) once Django is set up."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

from django.db import DatabaseError, connections
from django.urls import get_resolver

log = logging.getLogger(__name__)
YOUNG_COLLECTION = 10_000  # allocations between young collections (CPython's default 700)
# What each app reads ahead before a server forks (``register_warmer``): name -> a
# function that reads and says what it read ("" when it read nothing).
_WARMERS: dict[str, Callable[[], str]] = {}


def register_warmer(name: str, warm: Callable[[], str]) -> None:
    """Have ``prepare_process`` call ``warm`` (from an app's ``ready``): the layers
    below the apps do not import them."""
    _WARMERS[name] = warm


def prepare_process() -> None:
    """Load every view (and through them the search and ranking code), read ahead what
    the apps registered (``register_warmer``; matchmaking: the firms the ranker will
    meet, ``RAABTA_PREWARM_FIRMS``, most recently updated first), then
    move all objects created so far out of the garbage collector's sight with
    ``gc.freeze()``.

    In a server started with ``--preload`` this runs once, before the workers fork:
    they share the firms read (copy on write) instead of each reading and analysing
    every firm on its first matches (the cold match cost ~4x the warm one, measured in
    bench/match.py). A database that cannot be read yet only makes the start cold.

    Modules, settings and app registries live as long as the process; left in the
    collector's oldest generation, each full collection walks them again and a request
    that triggers one waited ~80 ms (measured in bench/match.py). Frozen, a full
    collection walks only what requests created.

    A match allocates tens of thousands of objects, nearly all freed by reference
    counting; with the collector's default first threshold (700 allocations) a match
    request ran ~1.7 young collections and, every ~60 requests, a full one. With 10,000
    the collector took 0.3 instead of 0.9 ms per request (bench/match_stages.py, its
    loop with ``gc.callbacks``, docs/benchmarks.md); cycles are found as surely, later."""
    get_resolver().url_patterns  # noqa: B018 — imports the URLconf and every view
    for name, warm in _WARMERS.items():
        started = time.monotonic()
        try:
            done = warm()
        except DatabaseError as error:
            log.warning("%s not read ahead (%s); the first requests will read them", name, error)
        else:
            if done:
                log.info("%s read ahead in %.1f s", done, time.monotonic() - started)
        finally:
            connections.close_all()  # a forked worker must not share the connection
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
