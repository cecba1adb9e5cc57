"""Filters on JSON label lists that work the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.db.models import QuerySet

from core.db import json_list_has


class JsonListFilter(django_filters.CharFilter):
    """Rows whose JSON list (of strings, or of ``{"name": …}`` objects) holds the value.

    Matches the quoted JSON string, so "Java" does not match "JavaScript"; the value
    is normalised first (``normalise``), so ``?technology=RN`` finds React Native.
    """

    def __init__(self, *args: object, normalise: Callable[[str], str] = str, **kwargs: object):
        self.normalise = normalise
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def filter(self, qs: QuerySet, value: str) -> QuerySet:  # type: ignore[override]
        if not value:
            return qs
        return qs.filter(json_list_has(self.field_name, self.normalise(value.strip())))
