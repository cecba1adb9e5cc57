"""Choosing the search backend from settings, in the style of Django's ``CACHES``:

SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.embedded.EmbeddedBackend",
                               "PATH": "/var/lib/raabta/search"}}
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from search.backends.base import DemandIndex, VendorIndex


def _configured(alias: str) -> tuple[Any, dict[str, Any]]:
    """``SEARCH_BACKENDS[alias]``: the backend class and the rest of its parameters."""
    params = dict(settings.SEARCH_BACKENDS[alias])
    return import_string(str(params.pop("BACKEND"))), params


@cache
def get_search_backend(alias: str = "default") -> VendorIndex:
    backend_class, params = _configured(alias)
    return backend_class(alias, params)


@contextlib.contextmanager
def scratch_search_backend(alias: str = "default") -> Iterator[VendorIndex]:
    """A throw-away vendor index on the same engine as ``alias``'s, removed afterwards."""
    backend_class, params = _configured(alias)
    with backend_class.scratch(params) as backend:
        yield backend


@cache
def get_demand_index(alias: str = "default") -> DemandIndex:
    """The demand index (buyers and briefs) on the same engine as the vendor index:
    ``DEMAND_INDEX`` names it (default: the vendor index's name + ``-demand``)."""
    backend_class, params = _configured(alias)
    demand_class = import_string(backend_class.demand_backend)
    vendors = params.pop("INDEX", None) or backend_class.name
    params["INDEX"] = params.pop("DEMAND_INDEX", None) or f"{vendors}-demand"
    return demand_class(alias, params)


def _reset(*, setting: str, **kwargs: object) -> None:
    if setting == "SEARCH_BACKENDS":
        get_search_backend.cache_clear()
        get_demand_index.cache_clear()


setting_changed.connect(_reset)
