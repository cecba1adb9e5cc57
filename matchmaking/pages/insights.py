"""A firm's insights as a page: how buyers saw it over the last six months."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from matchmaking.analytics.insights import firm_insights
from vendors.selectors import firm_of

COLUMNS = (
    ("profile_view", "Profile views"),
    ("search_appearance", "In search results"),
    ("search_click", "Clicks from search"),
    ("shortlisted", "Shortlisted"),
    ("suggested", "Matches suggested"),
    ("approved", "Matches approved"),
)


@login_required
def firm_insights_page(request: HttpRequest) -> HttpResponse:
    """Vendor members: their own firm's insights; others are sent home."""
    user: Any = request.user
    vendor = firm_of(user)
    if vendor is None:
        messages.info(request, "Insights are for members of a listed IT firm.")
        return redirect("home")
    found = firm_insights(vendor, since=timezone.localdate() - timedelta(days=186))
    rows = [
        {"month": row["month"], "values": [row.get(key, 0) for key, _ in COLUMNS]}
        for row in found["months"]
    ]
    return render(
        request,
        "matchmaking/insights.html",
        {"vendor": vendor, "found": found, "rows": rows, "columns": COLUMNS},
    )
