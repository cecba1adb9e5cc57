"""Query filters that work the same on SQLite and PostgreSQL: JSON label lists, whole
numbers, moments in any offset."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from core.db import json_list_has


class JsonListFilter(django_filters.CharFilter):
    """Rows whose JSON list (of strings, or of ``{"name": …}`` objects) holds the value.

    Matches the quoted JSON string, so "Java" does not match "JavaScript"; the value
    is normalised first (``normalise``), so ``?technology=RN`` finds React Native.
    """

    def __init__(self, *args: object, normalise: Callable[[str], str] = str, **kwargs: object):
        self.normalise = normalise
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(json_list_has(self.field_name, self.normalise(value.strip())))


class WholeNumberFilter(django_filters.NumberFilter):
    """A filter on a whole-number column: ``0.5`` is refused (400), not rounded, and so
    is a number beyond what a database column holds."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 10**12)
        super().__init__(*args, **kwargs)


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 moment, compared in UTC: Python accepts offsets up to ±23:59, but
    PostgreSQL refuses any beyond ±15:59 ("time zone displacement out of range", a 500
    that schemathesis found with +22:13)."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value is not None:
            value = value.astimezone(UTC)
        return super().filter(qs, value)
