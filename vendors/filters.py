from functools import partial

import django_filters
from django.db.models import Q, QuerySet

from core.api.filters import JsonListFilter, UtcDateTimeFilter, WholeNumberFilter
from core.codes import country_code, language_code
from vendors.models import Vendor
from vendors.taxonomy import get_taxonomy


def _label(kind: str, value: str) -> str:
    return get_taxonomy().normalise(kind, value)  # type: ignore[arg-type]


def _code(normalise, value: str) -> str:
    try:
        return normalise(value)
    except ValueError:
        return value


class VendorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search_text", label="Words in name or description")
    city = django_filters.CharFilter(lookup_expr="iexact")
    country = django_filters.CharFilter(method="filter_country")
    service = JsonListFilter(field_name="services", normalise=partial(_label, "service"))
    technology = JsonListFilter(field_name="technologies", normalise=partial(_label, "technology"))
    industry = JsonListFilter(field_name="industries", normalise=partial(_label, "industry"))
    certification = JsonListFilter(
        field_name="certifications", normalise=partial(_label, "certification")
    )
    language = JsonListFilter(field_name="languages", normalise=partial(_code, language_code))
    export_market = JsonListFilter(
        field_name="export_markets", normalise=partial(_code, country_code)
    )
    min_team_size = WholeNumberFilter(field_name="team_size", lookup_expr="gte")
    max_team_size = WholeNumberFilter(field_name="team_size", lookup_expr="lte")
    max_hourly_rate = WholeNumberFilter(
        field_name="hourly_rate_min_usd", lookup_expr="lte", label="Lowest rate at most (USD)"
    )
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    ordering = django_filters.OrderingFilter(
        fields=["name", "team_size", "founded_year", "updated_at"]
    )

    class Meta:
        model = Vendor
        fields: list[str] = []

    def search_text(self, queryset: QuerySet[Vendor], name: str, value: str) -> QuerySet[Vendor]:
        for word in value.split():
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_country(self, queryset: QuerySet[Vendor], name: str, value: str) -> QuerySet[Vendor]:
        return queryset.filter(country=_code(country_code, value))
