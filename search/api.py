from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.params import QueryParams
from search.query import ALL_OF, ANY_OF, MAX_RESULT_WINDOW, SORTS
from search.selectors import build_query, suggestions, vendor_search
from vendors.insights import count_seen
from vendors.models import FirmStat

MAX_PAGE_SIZE = 100
MAX_NUMBER = 10**9


class ListField(serializers.ListField):
    """Repeated (``?city=A&city=B``) or comma-separated (``?city=A,B``) values."""

    def get_value(self, dictionary: Any) -> Any:
        values = dictionary.getlist(self.field_name) if hasattr(dictionary, "getlist") else []
        return [part for value in values for part in value.split(",") if part.strip()]


class PageParams(QueryParams):
    page = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_RESULT_WINDOW, default=1
    )
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=20
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["page"] * attrs["page_size"] > MAX_RESULT_WINDOW:
            raise serializers.ValidationError(
                {"page": [f"only the first {MAX_RESULT_WINDOW:,} results can be paged to"]}
            )
        return attrs


class VendorSearchParams(PageParams):
    q = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    # Search the words as typed: no spelling correction.
    as_typed = serializers.BooleanField(required=False, default=False)
    city = ListField(child=serializers.CharField(), required=False)
    country = ListField(child=serializers.CharField(), required=False)
    services = ListField(child=serializers.CharField(), required=False)
    technologies = ListField(child=serializers.CharField(), required=False)
    industries = ListField(child=serializers.CharField(), required=False)
    certifications = ListField(child=serializers.CharField(), required=False)
    languages = ListField(child=serializers.CharField(), required=False)
    export_markets = ListField(child=serializers.CharField(), required=False)
    rate_band = ListField(child=serializers.CharField(), required=False)
    team_band = ListField(child=serializers.CharField(), required=False)
    # Bounded: the index stores 64-bit integers, and no rate or team is larger.
    min_rate = serializers.IntegerField(required=False, min_value=0, max_value=MAX_NUMBER)
    max_rate = serializers.IntegerField(required=False, min_value=0, max_value=MAX_NUMBER)
    min_team_size = serializers.IntegerField(required=False, min_value=0, max_value=MAX_NUMBER)
    max_team_size = serializers.IntegerField(required=False, min_value=0, max_value=MAX_NUMBER)
    sort = serializers.ChoiceField(choices=list(SORTS), default="relevance")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        for low, high in (("min_rate", "max_rate"), ("min_team_size", "max_team_size")):
            if (
                attrs.get(low) is not None
                and attrs.get(high) is not None
                and attrs[low] > attrs[high]
            ):
                raise serializers.ValidationError({low: [f"must not be greater than {high}"]})
        return attrs


# Singular aliases, so ?service=…&technology=… work as well as the plural field names.
ALIASES = {
    "service": "services",
    "technology": "technologies",
    "industry": "industries",
    "certification": "certifications",
    "language": "languages",
    "export_market": "export_markets",
}
# Every filterable document field: the label lists (all of) and single values (any of).
FILTER_FIELDS = (*ALL_OF, *ANY_OF)


def _with_aliases(params: Any) -> Any:
    merged = params.copy()
    for alias, field in ALIASES.items():
        for value in params.getlist(alias):
            merged.appendlist(field, value)
    return merged


class VendorSearchView(APIView):
    """Anyone: full-text search of the vendor directory with filters and facets."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["search"], parameters=[VendorSearchParams], responses={200: dict})
    def get(self, request: Request) -> Response:
        params = VendorSearchParams(data=_with_aliases(request.query_params))
        params.is_valid(raise_exception=True)
        data = params.validated_data
        page, size = data["page"], data["page_size"]
        query = build_query(
            text=data["q"],
            as_typed=data["as_typed"],
            filters={field: data.get(field, []) for field in FILTER_FIELDS},
            min_rate=data.get("min_rate"),
            max_rate=data.get("max_rate"),
            min_team_size=data.get("min_team_size"),
            max_team_size=data.get("max_team_size"),
            sort=data["sort"],
            offset=(page - 1) * size,
            limit=size,
        )
        found = vendor_search(query)
        seen = [hit["external_id"] for hit in found.get("results", [])]
        count_seen(request, FirmStat.Kind.SEARCH_APPEARANCE, seen)  # no query: batched
        return Response({"page": page, "page_size": size, **found})


class AutocompleteParams(QueryParams):
    q = serializers.CharField(max_length=100)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=25, default=10)


class AutocompleteView(APIView):
    """Anyone: firm names, services and technologies for a typed prefix."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["search"], parameters=[AutocompleteParams], responses={200: dict})
    def get(self, request: Request) -> Response:
        params = AutocompleteParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        found = suggestions(params.validated_data["q"], limit=params.validated_data["limit"])
        return Response({"suggestions": [s.__dict__ for s in found]})
