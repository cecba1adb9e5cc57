"""The search document of a vendor: what every backend indexes."""

from __future__ import annotations

from typing import Any

from search.query import RATE_BANDS, TEAM_BANDS, band
from vendors.models import Vendor

# Search documents carry an *index version* that grows with every change to the row and
# also across delete-and-recreate of the same external id (a recreated row starts at
# version 1 again): seconds since the epoch of the row's creation, then the row's own
# change counter. It fits Elasticsearch's external versioning (a positive long).
_VERSION_SLOTS = 1_000_000


def index_version(vendor: Vendor) -> int:
    return int(vendor.created_at.timestamp()) * _VERSION_SLOTS + vendor.version


def _portfolio_text(portfolio: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for item in portfolio:
        parts.extend(
            str(item.get(key, "")) for key in ("title", "client", "industry", "description")
        )
        parts.extend(item.get("services", []) + item.get("technologies", []))
    return " ".join(part for part in parts if part)


def vendor_document(vendor: Vendor) -> dict[str, Any]:
    return {
        "id": vendor.external_id,
        "version": index_version(vendor),
        "name": vendor.name,
        "name_sort": vendor.name.casefold(),
        "description": vendor.description,
        "city": vendor.city or None,
        "country": str(vendor.country) or None,
        "services": [service["name"] for service in vendor.services],
        "technologies": vendor.technologies,
        "industries": vendor.industries,
        "certifications": vendor.certifications,
        "languages": vendor.languages,
        "export_markets": vendor.export_markets,
        "portfolio_text": _portfolio_text(vendor.portfolio),
        "team_size": vendor.team_size,
        "rate_min": vendor.hourly_rate_min_usd,
        "rate_max": vendor.hourly_rate_max_usd,
        "min_project_usd": vendor.min_project_usd,
        "rating": float(vendor.rating_average) if vendor.rating_average is not None else None,
        "rate_band": band(vendor.hourly_rate_min_usd, RATE_BANDS),
        "team_band": band(vendor.team_size, TEAM_BANDS),
    }
