"""Reads for matchmaking: briefs and vendors as the ranker's plain data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from buyers.models import Brief
from matchmaking.ranking.data import BriefData, PortfolioData, VendorData
from vendors.models import Vendor

COMPLETENESS_FIELDS = (
    "description", "website", "founded_year", "team_size", "hourly_rate_min_usd", "min_project_usd",
    "services", "technologies", "industries", "certifications", "languages",
    "working_hours_start_utc", "export_markets", "portfolio", "registrations",
)  # fmt: skip


def brief_data(brief: Brief) -> BriefData:
    buyer = brief.buyer
    return BriefData(
        id=brief.external_id,
        text=f"{brief.title}. {brief.description}",
        services=tuple(brief.services),
        technologies=tuple(brief.technologies),
        industry=brief.industry or None,
        budget_min_usd=brief.budget_min_usd,
        budget_max_usd=brief.budget_max_usd,
        timeline_weeks=brief.timeline_weeks,
        team_size=brief.team_size,
        engagement_model=brief.engagement_model or None,
        required_certifications=tuple(brief.required_certifications),
        languages=tuple(brief.languages),
        min_overlap_hours=brief.min_overlap_hours,
        buyer_id=buyer.external_id if buyer else None,
        buyer_name=buyer.name if buyer else None,
        buyer_country=str(buyer.country) or None if buyer else None,
        buyer_timezone=buyer.timezone or None if buyer else None,
        published_at=brief.published_at,
    )


def _portfolio(items: list[dict[str, Any]]) -> tuple[PortfolioData, ...]:
    return tuple(
        PortfolioData(
            title=item.get("title", ""),
            client=item.get("client", ""),
            client_country=item.get("client_country"),
            industry=item.get("industry"),
            services=tuple(item.get("services", [])),
            technologies=tuple(item.get("technologies", [])),
            year=item.get("year"),
            text=" ".join(str(item.get(k, "")) for k in ("title", "industry", "description")),
            brief=item.get("brief"),
        )
        for item in items
    )


def vendor_data(vendor: Vendor) -> VendorData:
    filled = sum(
        1 for name in COMPLETENESS_FIELDS if getattr(vendor, name) not in (None, "", [], {})
    )
    hours = vendor.working_hours_start_utc, vendor.working_hours_end_utc
    return VendorData(
        id=vendor.external_id,
        name=vendor.name,
        text=f"{vendor.name}. {vendor.description}",
        city=vendor.city or None,
        services=tuple(service["name"] for service in vendor.services),
        technologies=tuple(vendor.technologies),
        industries=tuple(vendor.industries),
        certifications=tuple(vendor.certifications),
        languages=tuple(vendor.languages),
        export_markets=tuple(vendor.export_markets),
        team_size=vendor.team_size,
        rate_min=vendor.hourly_rate_min_usd,
        rate_max=vendor.hourly_rate_max_usd,
        min_project_usd=vendor.min_project_usd,
        hours_utc=None if hours[0] is None or hours[1] is None else (hours[0], hours[1]),
        rating_average=float(vendor.rating_average) if vendor.rating_average is not None else None,
        rating_count=vendor.rating_count or 0,
        portfolio=_portfolio(vendor.portfolio),
        updated_on=vendor.updated_at.date() if vendor.updated_at else None,
        completeness=filled / len(COMPLETENESS_FIELDS),
        preferred_min_budget_usd=vendor.preferred_min_budget_usd,
        preferred_industries=tuple(vendor.preferred_industries),
        preferred_countries=tuple(vendor.preferred_countries),
        preferred_engagement_models=tuple(vendor.preferred_engagement_models),
    )


def vendors_data(external_ids: Iterable[str]) -> dict[str, VendorData]:
    vendors = Vendor.objects.filter(external_id__in=list(external_ids))
    return {vendor.external_id: vendor_data(vendor) for vendor in vendors}
