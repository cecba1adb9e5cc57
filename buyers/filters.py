from functools import partial

import django_filters
from django.db.models import Q, QuerySet

from buyers.models import Brief, Buyer
from core.api.filters import JsonListFilter, WholeNumberFilter
from vendors.filters import _label


class BuyerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    country = django_filters.CharFilter(lookup_expr="iexact")
    industry = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Buyer
        fields: list[str] = []


class BriefFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search_text", label="Words in title or description")
    buyer = django_filters.CharFilter(field_name="buyer__external_id")
    buyer_country = django_filters.CharFilter(field_name="buyer__country", lookup_expr="iexact")
    industry = django_filters.CharFilter(method="filter_industry")
    service = JsonListFilter(field_name="services", normalise=partial(_label, "service"))
    technology = JsonListFilter(field_name="technologies", normalise=partial(_label, "technology"))
    engagement_model = django_filters.CharFilter()
    published_after = django_filters.DateFilter(field_name="published_at", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_at", lookup_expr="lte")
    min_budget_usd = WholeNumberFilter(field_name="budget_max_usd", lookup_expr="gte")
    ordering = django_filters.OrderingFilter(fields=["published_at", "title", "budget_max_usd"])

    class Meta:
        model = Brief
        fields: list[str] = []

    def search_text(self, queryset: QuerySet[Brief], name: str, value: str) -> QuerySet[Brief]:
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_industry(self, queryset: QuerySet[Brief], name: str, value: str) -> QuerySet[Brief]:
        return queryset.filter(industry=_label("industry", value))
