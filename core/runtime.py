"""Preparing a long-running process (web server, worker) once Django is set up."""

from __future__ import annotations

import gc

from django.urls import get_resolver


def prepare_process() -> None:
    """Load every view (and through them the search and ranking code), then move all
    objects created so far out of the garbage collector's sight with ``gc.freeze()``.

    Modules, settings and app registries live as long as the process; left in the
    collector's oldest generation, each full collection walks them again and a request
    that triggers one waited ~80 ms (measured in bench/match.py). Frozen, a full
    collection walks only what requests created."""
    get_resolver().url_patterns  # noqa: B018 — imports the URLconf and every view
    gc.collect()
    gc.freeze()
