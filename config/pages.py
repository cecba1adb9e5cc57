"""The landing page: it reads the directory (vendors), so it sits with the URLconf that
composes the apps, above them."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vendors.models import Vendor


def home(request: HttpRequest) -> HttpResponse:
    """Anyone: what Raabta is, with a search box and the directory's size."""
    cities = Vendor.objects.values("city").annotate(n=Count("id")).order_by("-n")[:6]
    context = {"vendor_count": Vendor.objects.count(), "cities": list(cities)}
    return render(request, "raabta/home.html", context)
