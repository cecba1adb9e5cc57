"""Reads of buyers and briefs, in the interchange format, scoped to who asks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from buyers.models import Brief, Buyer
from buyers.redaction import redact
from core.money import json_number
from core.schema import compact


def brief_for_firms(brief: Brief) -> dict[str, Any]:
    """A brief as firms browsing opportunities see it: the buyer's country, sector and
    size band, its name only if it opted in, never its contacts or id."""
    buyer = brief.buyer
    return compact(
        {
            "external_id": brief.external_id,
            "title": redact(brief.title, buyer),
            "description": redact(brief.description, buyer),
            "services": brief.services,
            "technologies": brief.technologies,
            "industry": brief.industry,
            "budget_usd": compact({"min": brief.budget_min_usd, "max": brief.budget_max_usd}),
            "timeline_weeks": brief.timeline_weeks,
            "engagement_model": brief.engagement_model,
            "required_certifications": brief.required_certifications,
            "languages": brief.languages,
            "team_size": brief.team_size,
            "published_at": brief.published_at.isoformat() if brief.published_at else None,
            "buyer": compact(
                {
                    "name": buyer.name if buyer.named_to_firms else None,
                    "country": str(buyer.country) or None,
                    "sector": buyer.industry,
                    "size_band": buyer.size_band,
                }
            )
            if buyer is not None
            else None,
        }
    )


def buyer_of_member(user: User) -> Buyer | None:
    membership = getattr(user, "buyer_membership", None)
    return membership.buyer if membership else None


def buyers_visible_to(user: User) -> QuerySet[Buyer]:
    """Officers see every buyer; a buyer member sees their own organisation."""
    if user.is_officer:
        return Buyer.objects.all()
    return Buyer.objects.filter(members__user=user)


def briefs_visible_to(user: User) -> QuerySet[Brief]:
    """Officers see every brief; a buyer member sees their organisation's briefs.
    (Vendors see briefs only through introductions, after the buyer opts in.)"""
    briefs = Brief.objects.select_related("buyer")
    if user.is_officer:
        return briefs
    return briefs.filter(buyer__members__user=user)


def buyer_record(buyer: Buyer) -> dict[str, Any]:
    return compact(
        {
            "external_id": buyer.external_id,
            "name": buyer.name,
            "country": str(buyer.country) or None,
            "industry": buyer.industry,
            "timezone": buyer.timezone,
            "website": buyer.website,
            "contact": buyer.contact,
            "description": buyer.description,
            "size_band": buyer.size_band,
            "named_to_firms": buyer.named_to_firms or None,
            **buyer.extra,
        }
    )


def brief_record(brief: Brief) -> dict[str, Any]:
    """The brief as one ``briefs.jsonl`` line, its buyer embedded."""
    budget = None
    if brief.budget_currency:
        budget = {
            "min": None if brief.budget_min is None else json_number(brief.budget_min),
            "max": None if brief.budget_max is None else json_number(brief.budget_max),
            "currency": brief.budget_currency,
            "min_usd": brief.budget_min_usd,
            "max_usd": brief.budget_max_usd,
        }
    return compact(
        {
            "external_id": brief.external_id,
            "buyer": buyer_record(brief.buyer) if brief.buyer else None,
            "title": brief.title,
            "description": brief.description,
            "services": brief.services,
            "technologies": brief.technologies,
            "industry": brief.industry,
            "budget": budget,
            "timeline_weeks": brief.timeline_weeks,
            "engagement_model": brief.engagement_model,
            "required_certifications": brief.required_certifications,
            "languages": brief.languages,
            "min_overlap_hours": brief.min_overlap_hours,
            "team_size": brief.team_size,
            "location": brief.location,
            "published_at": brief.published_at.isoformat() if brief.published_at else None,
            **brief.extra,
        }
    )


def brief_records(*, chunk_size: int = 1000) -> Iterator[dict[str, Any]]:
    for brief in (
        Brief.objects.select_related("buyer")
        .order_by("external_id")
        .iterator(chunk_size=chunk_size)
    ):
        yield brief_record(brief)
