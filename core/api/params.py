"""Query parameters taken as strictly as the OpenAPI schema states them: a parameter
that is present must carry a valid value. (DRF and django-filter treat a blank or
unreadable value as "not given", so ``?until=`` or ``?stale=maybe`` quietly meant
something else than the caller asked.)"""

from __future__ import annotations

from typing import Any

from django_filters import BooleanFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from core.forms import whole_number

BLANK = "give a value or leave the parameter out"
BOOLEANS = {"true", "false", "1", "0"}


def _blank(params: Any, name: str) -> bool:
    return name in params and all(not value.strip() for value in params.getlist(name))


class QueryParams(serializers.Serializer[Any]):
    """Base for the query parameters of a view: a blank value is refused unless the
    field allows blank text."""

    def to_internal_value(self, data: Any) -> Any:
        refused = {
            name: [BLANK]
            for name, field in self.fields.items()
            if hasattr(data, "getlist")
            and _blank(data, name)
            and not getattr(field, "allow_blank", False)
        }
        if refused:
            raise ValidationError(refused)
        return super().to_internal_value(data)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, refusing a blank filter value and a yes/no filter that is neither
    ``true`` nor ``false`` (400 naming the parameter), instead of ignoring them."""

    def filter_queryset(self, request: Request, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            params, refused = request.query_params, {}
            for name, declared in filterset_class.base_filters.items():
                values = [value.strip().lower() for value in params.getlist(name)]
                if _blank(params, name):
                    refused[name] = [BLANK]
                elif isinstance(declared, BooleanFilter) and set(values) - BOOLEANS:
                    refused[name] = ["expected true or false"]
            if refused:
                raise ValidationError(refused)
        return super().filter_queryset(request, queryset, view)


class CountedPagination(PageNumberPagination):
    """``?page=N&page_size=M``; every page carries the total ``count``. A page size that
    is not a whole number from 1 to ``max_page_size`` is a 400, not the default."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        values = request.query_params.getlist(self.page_query_param)
        if any((whole_number(value) or 0) < 1 for value in values):
            raise ValidationError({"page": ["a whole number from 1"]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """DRF's parameters with the bounds this class enforces (so the schema states
        what the server answers 400 to)."""
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"] = {**parameter["schema"], **bounds.get(parameter["name"], {})}
        return parameters

    def get_page_size(self, request: Request) -> int | None:
        value = request.query_params.get(self.page_size_query_param)
        if value is not None and not 1 <= (whole_number(value) or 0) <= self.max_page_size:
            raise ValidationError({"page_size": [f"a whole number from 1 to {self.max_page_size}"]})
        return super().get_page_size(request)
