"""What a firm can learn about how buyers see it: views, search appearances and clicks
(``vendors.insights`` counts them), shortlist adds, matches suggested and approved
(by sector and buyer country, never by buyer), and the outcomes of its introductions —
month by month. Aggregates only: no buyer is named, before opt-in or after."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django_countries import countries

from matchmaking.models import Introduction, Match, Shortlisted
from vendors.insights import flush_counts
from vendors.models import FirmStat, Vendor

SEEN = [kind for kind, _ in FirmStat.Kind.choices]


def _month(moment: Any) -> str:
    return f"{moment:%Y-%m}"


def firm_insights(vendor: Vendor, *, since: date) -> dict[str, Any]:
    """The firm's figures from ``since`` on, by month, plus where its matches came from."""
    flush_counts()  # what this process counted so far, so a fresh view shows
    by_month: dict[str, Counter[str]] = defaultdict(Counter)
    seen = (
        FirmStat.objects.filter(vendor=vendor, day__gte=since)
        .annotate(month=TruncMonth("day"))
        .values("month", "kind")
        .annotate(total=Sum("count"))
    )
    for stat in seen:
        by_month[_month(stat["month"])][stat["kind"]] += stat["total"]
    for name, rows, field in (
        ("shortlisted", Shortlisted.objects.filter(vendor=vendor), "created_at"),
        ("suggested", Match.objects.filter(vendor=vendor), "created_at"),
        ("approved", Match.objects.filter(vendor=vendor, state=Match.State.APPROVED), "decided_at"),
    ):
        counted = (
            rows.filter(**{f"{field}__date__gte": since})
            .annotate(month=TruncMonth(field))
            .values("month")
            .annotate(n=Count("id"))
        )
        for row in counted:
            by_month[_month(row["month"])][name] += row["n"]
    matches = Match.objects.filter(vendor=vendor, created_at__date__gte=since)
    sectors = Counter(matches.values_list("brief__industry", flat=True))
    countries_seen = Counter(
        str(c or "") for c in matches.values_list("brief__buyer__country", flat=True)
    )
    outcomes = Counter(
        Introduction.objects.filter(match__vendor=vendor, created_at__date__gte=since).values_list(
            "stage", flat=True
        )
    )
    return {
        "months": [{"month": month, **counts} for month, counts in sorted(by_month.items())],
        "by_sector": [
            {"sector": s or "unspecified", "matches": n} for s, n in sectors.most_common()
        ],
        "by_buyer_country": [
            {
                "country": code or "unspecified",
                "name": countries.name(code) if code else "",
                "matches": n,
            }
            for code, n in countries_seen.most_common()
        ],
        "outcomes": {Introduction.Stage(stage).label: n for stage, n in outcomes.items()},
    }
