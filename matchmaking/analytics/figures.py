"""Officers' figures: export value in the pipeline and won, the funnel, time to the
first introduction, unmet demand, exposure of emerging firms, progress to target.

Each function returns rows (plain dicts) so the API can render them as JSON or CSV.
Values are US dollars (deal values are stored with their USD equivalent)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, Sum

from buyers.models import Brief
from matchmaking.models import Introduction, Match
from matchmaking.pipeline.selectors import PIPELINE, REVEALED_STAGES, Stage
from matchmaking.ranking.rerank import BIG_CITIES, SMALL_TEAM
from search.selectors import vendors_offering

GROUPS = {
    "sector": "match__brief__industry",
    "buyer_country": "match__brief__buyer__country",
    "vendor_city": "match__vendor__city",
}
GROUP_CHOICES = (*GROUPS, "month")


def _period(since: date | None, until: date | None, field: str) -> Q:
    q = Q()
    if since:
        q &= Q(**{f"{field}__date__gte": since})
    if until:
        q &= Q(**{f"{field}__date__lte": until})
    return q


def value_by(
    group: str, *, since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """Won value (deals closed won in the period, by close month for ``month``) and
    pipeline value (open deals: the deal value if known, else the brief's budget)."""
    if group not in GROUP_CHOICES:
        raise ValueError(group)
    rows: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"won_usd": 0, "won_deals": 0, "pipeline_usd": 0, "open_deals": 0}
    )
    introductions = Introduction.objects.select_related("match__brief__buyer", "match__vendor")
    won = introductions.filter(_period(since, until, "closed_at"), stage=Stage.WON)
    open_ = introductions.filter(stage__in=PIPELINE)
    for kind, queryset in (("won", won), ("open", open_)):
        for introduction in queryset:
            key = _group_key(introduction, group)
            row = rows[key]
            if kind == "won":
                row["won_usd"] += introduction.deal_value_usd or 0
                row["won_deals"] += 1
            else:
                brief = introduction.match.brief
                row["pipeline_usd"] += (
                    introduction.deal_value_usd or brief.budget_max_usd or brief.budget_min_usd or 0
                )
                row["open_deals"] += 1
    ordered = sorted(
        rows.items(), key=lambda kv: kv[0] if group == "month" else (-kv[1]["won_usd"], kv[0])
    )
    return [{group: key, **values} for key, values in ordered]


def _group_key(introduction: Introduction, group: str) -> str:
    match = introduction.match
    if group == "month":
        moment = introduction.closed_at or introduction.stage_changed_at
        return f"{moment:%Y-%m}"
    if group == "sector":
        return match.brief.industry or "unspecified"
    if group == "buyer_country":
        return (
            str(match.brief.buyer.country)
            if match.brief.buyer and match.brief.buyer.country
            else "unspecified"
        )
    return match.vendor.city or "unspecified"


FUNNEL = ("suggested", "approved", "vendor_accepted", "introduced", "meeting", "proposal", "won")


def funnel() -> list[dict[str, Any]]:
    """How many matches reached each stage, and the share of the previous stage."""
    reached = Counter(
        {
            "suggested": Match.objects.count(),
            "approved": Match.objects.filter(state=Match.State.APPROVED).count(),
        }
    )
    for name, field in (
        ("vendor_accepted", None),
        ("introduced", "introduced_at"),
        ("meeting", "meeting_at"),
        ("proposal", "proposal_at"),
    ):
        if field is None:
            reached[name] = Introduction.objects.filter(
                Q(stage=Stage.AWAITING_BUYER)
                | Q(stage__in=REVEALED_STAGES)
                | Q(stage=Stage.DECLINED, declined_by="buyer")
            ).count()
        else:
            reached[name] = Introduction.objects.filter(**{f"{field}__isnull": False}).count()
    reached["won"] = Introduction.objects.filter(stage=Stage.WON).count()
    rows, previous = [], None
    for stage in FUNNEL:
        rate: float | None = round(reached[stage] / previous, 4) if previous else None
        rows.append({"stage": stage, "count": reached[stage], "share_of_previous": rate})
        previous = reached[stage]
    return rows


def time_to_introduction() -> list[dict[str, Any]]:
    """Days from a brief's publication to its first introduction, by publication month."""
    firsts: dict[int, datetime] = {}
    for brief_id, at in Introduction.objects.filter(introduced_at__isnull=False).values_list(
        "match__brief_id", "introduced_at"
    ):
        if at is not None:
            firsts[brief_id] = min(at, firsts.get(brief_id, at))
    by_month: dict[str, list[float]] = defaultdict(list)
    for brief in Brief.objects.filter(pk__in=firsts).only("published_at", "created_at"):
        start = brief.published_at or brief.created_at.date()
        by_month[f"{start:%Y-%m}"].append(max(0, (firsts[brief.pk].date() - start).days))
    every = [days for values in by_month.values() for days in values]
    rows = [
        {
            "month": month,
            "briefs": len(days),
            "median_days": statistics.median(days),
            "mean_days": round(statistics.fmean(days), 1),
        }
        for month, days in sorted(by_month.items())
    ]
    if every:
        rows.append(
            {
                "month": "all",
                "briefs": len(every),
                "median_days": statistics.median(every),
                "mean_days": round(statistics.fmean(every), 1),
            }
        )
    return rows


def unmet_demand(*, since: date | None = None, max_vendors: int = 5) -> list[dict[str, Any]]:
    """Services and technologies briefs ask for that at most ``max_vendors`` firms offer
    (counted in the search index), most requested first."""
    requested: Counter[tuple[str, str]] = Counter()
    briefs = Brief.objects.all()
    if since:
        briefs = briefs.filter(published_at__gte=since)
    for services, technologies in briefs.values_list("services", "technologies"):
        requested.update(("services", label) for label in set(services))
        requested.update(("technologies", label) for label in set(technologies))
    rows = []
    for (kind, label), count in requested.most_common():
        offered = vendors_offering(kind, label)
        if offered <= max_vendors:
            rows.append(
                {
                    "kind": kind[:-1] if kind == "services" else "technology",
                    "label": label,
                    "briefs": count,
                    "vendors": offered,
                }
            )
    return rows


def exposure() -> list[dict[str, Any]]:
    """Share of small firms (≤ SMALL_TEAM people) and of firms outside Lahore, Karachi
    and Islamabad among what officers suggested, approved, and what was introduced."""
    sets = {
        "suggested": Match.objects.all(),
        "approved": Match.objects.filter(state=Match.State.APPROVED),
        "introduced": Match.objects.filter(introduction__introduced_at__isnull=False),
    }
    rows = []
    for name, matches in sets.items():
        total = matches.count()
        small = matches.filter(vendor__team_size__lte=SMALL_TEAM).count()
        outside = matches.exclude(vendor__city__in=BIG_CITIES).count()
        rows.append(
            {
                "set": name,
                "matches": total,
                "small_firm_share": round(small / total, 4) if total else None,
                "outside_big_cities_share": round(outside / total, 4) if total else None,
            }
        )
    return rows


def target_progress(year: int) -> list[dict[str, Any]]:
    """Won export value in ``year`` against the yearly target."""
    won = Introduction.objects.filter(stage=Stage.WON, closed_at__year=year)
    value = won.aggregate(total=Sum("deal_value_usd"))["total"] or 0
    target = settings.RAABTA_EXPORT_TARGET_USD
    return [
        {
            "year": year,
            "won_usd": value,
            "deals": won.count(),
            "target_usd": target,
            "share_of_target": round(value / target, 6) if target else None,
        }
    ]
