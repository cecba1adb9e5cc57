"""The search document of a vendor: what every backend indexes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db import models

from search.query import RATE_BANDS, TEAM_BANDS, band
from vendors.models import Vendor
from vendors.selectors import vendor_list

# Search documents carry an *index version* that grows with every change to the row and
# also across delete-and-recreate of the same external id (a recreated row starts at
# version 1 again): seconds since the epoch of the row's creation, then the row's own
# change counter. It fits Elasticsearch's external versioning (a positive long).
_VERSION_SLOTS = 1_000_000


def index_version(row: models.Model | Mapping[str, Any]) -> int:
    """The index version of a row (a model instance or its ``created_at`` and
    ``version`` values)."""
    values = row if isinstance(row, Mapping) else row.__dict__
    return int(values["created_at"].timestamp()) * _VERSION_SLOTS + int(values["version"])


def _portfolio_text(portfolio: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for item in portfolio:
        parts.extend(
            str(item.get(key, "")) for key in ("title", "client", "industry", "description")
        )
        parts.extend(item.get("services", []) + item.get("technologies", []))
    return " ".join(part for part in parts if part)


# The vendor columns a search document is made of (read with ``values()``: indexing
# reads many rows and needs neither model instances nor the other JSON columns).
DOCUMENT_COLUMNS = (
    "external_id",
    "created_at",
    "version",
    "record_hash",
    "name",
    "description",
    "city",
    "country",
    "services",
    "technologies",
    "industries",
    "certifications",
    "languages",
    "export_markets",
    "portfolio",
    "team_size",
    "hourly_rate_min_usd",
    "hourly_rate_max_usd",
    "min_project_usd",
    "rating_average",
    "review_average",
    "review_count",
)


def vendor_document(vendor: Vendor | dict[str, Any]) -> dict[str, Any]:
    """The document for a vendor, given as a model instance or a ``DOCUMENT_COLUMNS`` row."""
    row = (
        vendor
        if isinstance(vendor, dict)
        else {name: getattr(vendor, name) for name in DOCUMENT_COLUMNS}
    )
    # Reviews of deals through Raabta win over an imported rating (a row from a file
    # has neither review column).
    rating = row["review_average"] if row.get("review_count") else row["rating_average"]
    return {
        "id": row["external_id"],
        "version": index_version(row),
        "record_hash": row.get("record_hash", ""),
        "name": row["name"],
        "name_sort": row["name"].casefold(),
        "description": row["description"],
        "city": row["city"] or None,
        "country": str(row["country"] or "") or None,
        "services": [service["name"] for service in row["services"]],
        "technologies": row["technologies"],
        "industries": row["industries"],
        "certifications": row["certifications"],
        "languages": row["languages"],
        "export_markets": row["export_markets"],
        "portfolio_text": _portfolio_text(row["portfolio"]),
        "team_size": row["team_size"],
        "rate_min": row["hourly_rate_min_usd"],
        "rate_max": row["hourly_rate_max_usd"],
        "min_project_usd": row["min_project_usd"],
        "rating": float(rating) if rating is not None else None,
        "rate_band": band(row["hourly_rate_min_usd"], RATE_BANDS),
        "team_band": band(row["team_size"], TEAM_BANDS),
    }


def vendor_documents(external_ids: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Documents for the given vendors (all when ``None``), streamed."""
    rows = vendor_list()
    if external_ids is not None:
        rows = rows.filter(external_id__in=external_ids)
    for row in rows.order_by("id").values(*DOCUMENT_COLUMNS).iterator(chunk_size=2000):
        yield vendor_document(row)
