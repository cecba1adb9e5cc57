"""Reads of vendor profiles, in the interchange format."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from core.schema import compact
from vendors.models import Vendor

# The profile fields whose presence makes a profile complete (the ranker's
# ``completeness`` feature counts them), with the advice shown to the firm when empty.
COMPLETENESS_ADVICE = {
    "description": "Describe what you build and for whom, in two or three sentences.",
    "website": "Add your website so buyers can check your work.",
    "founded_year": "Say when the firm was founded.",
    "team_size": "Give your team size; buyers filter on it.",
    "hourly_rate_min_usd": "Give an hourly rate range: budget fit is part of every match.",
    "min_project_usd": "State your minimum project size so you are not matched below it.",
    "services": "List the services you offer (they weigh most in matching).",
    "technologies": "List your technology stack.",
    "industries": "Name the industries you know.",
    "certifications": "Add certifications (ISO 27001, …): briefs may require them.",
    "languages": "List the languages your team works in.",
    "working_hours_start_utc": "Give your working hours: overlap with the buyer's day is scored.",
    "export_markets": "Name the countries you have clients in.",
    "portfolio": "Add case studies: they count as experience in the buyer's industry and country.",
    "registrations": "Add your PSEB or SECP registration for a verified badge.",
}
COMPLETENESS_FIELDS = tuple(COMPLETENESS_ADVICE)


def profile_completeness(vendor: Vendor) -> tuple[float, list[str]]:
    """The share of ``COMPLETENESS_FIELDS`` filled in, and advice for the empty ones."""
    missing = [name for name in COMPLETENESS_FIELDS if getattr(vendor, name) in (None, "", [], {})]
    return 1 - len(missing) / len(COMPLETENESS_FIELDS), [
        COMPLETENESS_ADVICE[name] for name in missing
    ]


def vendor_list() -> QuerySet[Vendor]:
    return Vendor.objects.all()


def vendor_get(*, external_id: str) -> Vendor:
    """Raises ``Vendor.DoesNotExist``."""
    return vendor_list().get(external_id=external_id)


def vendors_by_external_id(
    external_ids: list[str], *, only: tuple[str, ...] = ()
) -> dict[str, Vendor]:
    """``only`` names the columns to read (the rest are deferred): a result list needs a
    few of a firm's JSON columns, not its portfolio."""
    rows = Vendor.objects.filter(external_id__in=external_ids)
    if only:
        rows = rows.only("external_id", *only)
    return {vendor.external_id: vendor for vendor in rows}


def vendor_of_member(user: User) -> Vendor | None:
    membership = getattr(user, "vendor_membership", None)
    return membership.vendor if membership else None


def firm_of(user: Any) -> Vendor | None:
    """The firm a signed-in vendor member speaks for; ``None`` for anyone else."""
    return vendor_of_member(user) if getattr(user, "role", None) == "vendor" else None


def _band(low: Any, high: Any) -> dict[str, Any] | None:
    return {"min": low, "max": high} if low is not None or high is not None else None


def vendor_record(vendor: Vendor, *, public: bool = False) -> dict[str, Any]:
    """The vendor as one interchange record (what ``export_vendors`` writes). The
    ``public`` record, for anyone but officers and the firm's members, leaves out the
    unknown keys kept in ``extra`` (never validated as profile content) and the contact
    (shared through introductions only)."""
    hours = vendor.working_hours_start_utc, vendor.working_hours_end_utc
    data = {
        "external_id": vendor.external_id,
        "name": vendor.name,
        "country": str(vendor.country) or None,
        "city": vendor.city,
        "description": vendor.description,
        "website": vendor.website,
        "contact": None if public else vendor.contact,
        "founded_year": vendor.founded_year,
        "team_size": vendor.team_size,
        "hourly_rate_usd": _band(vendor.hourly_rate_min_usd, vendor.hourly_rate_max_usd),
        "min_project_usd": vendor.min_project_usd,
        "services": [s["name"] if s["share"] is None else s for s in vendor.services],
        "technologies": vendor.technologies,
        "industries": vendor.industries,
        "certifications": vendor.certifications,
        "languages": vendor.languages,
        "working_hours_utc": None if hours[0] is None else {"start": hours[0], "end": hours[1]},
        "export_markets": vendor.export_markets,
        "portfolio": vendor.portfolio,
        "registrations": vendor.registrations,
        "rating": None
        if vendor.rating_average is None
        else {"average": float(vendor.rating_average), "count": vendor.rating_count},
        "preferences": {
            "min_budget_usd": vendor.preferred_min_budget_usd,
            "industries": vendor.preferred_industries,
            "countries": vendor.preferred_countries,
            "engagement_models": vendor.preferred_engagement_models,
        },
        **({} if public else vendor.extra),
    }
    return compact(data)


def vendor_records(*, chunk_size: int = 1000) -> Iterator[dict[str, Any]]:
    """Every vendor in ``external_id`` order, streamed in chunks (for export)."""
    queryset = vendor_list().order_by("external_id")
    for vendor in queryset.iterator(chunk_size=chunk_size):
        yield vendor_record(vendor)
