"""Writes to vendor profiles. Every write goes through ``vendors_upsert``.

One transaction per call; a record whose canonical form is unchanged is not written
at all (its ``version`` stays), which is what makes re-imports idempotent.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.db import insert_rows, update_rows
from core.interchange import Outcome
from core.outbox import outbox_record
from vendors.models import Vendor, VendorMember
from vendors.schema import VendorRecord

# Outbox topic for vendor profile changes (consumed by the search index).
VENDOR_TOPIC = "vendor"
_COPIED = (
    "name", "city", "description", "website", "founded_year", "team_size", "min_project_usd",
    "technologies", "industries", "certifications", "languages", "export_markets", "registrations",
)  # fmt: skip
_BLANK_AS_EMPTY_STRING = {"city", "description", "website"}
UPDATED_FIELDS = [
    field.name
    for field in Vendor._meta.concrete_fields
    if field.name not in {"id", "external_id", "created_at"}
]


def record_hash(canonical: dict[str, Any]) -> str:
    """Fingerprint of a canonical record; key order does not matter."""
    encoded = orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha1(encoded, usedforsecurity=False).hexdigest()


def _copy(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    values = {}
    for name in names:
        value = getattr(record, name)
        values[name] = "" if value is None and name in _BLANK_AS_EMPTY_STRING else value
    return values


def vendor_fields(record: VendorRecord, canonical: dict[str, Any]) -> dict[str, Any]:
    """Model field values for a validated record and its canonical form."""
    rate, hours, rating = record.hourly_rate_usd, record.working_hours_utc, record.rating
    preferences = record.preferences
    return {
        **_copy(record, _COPIED),
        "country": record.country or "",
        "services": [{"name": item.name, "share": item.share} for item in record.services],
        "hourly_rate_min_usd": rate.min if rate else None,
        "hourly_rate_max_usd": rate.max if rate else None,
        "working_hours_start_utc": hours.start if hours else None,
        "working_hours_end_utc": hours.end if hours else None,
        "rating_average": rating.average if rating else None,
        "rating_count": rating.count if rating else None,
        "preferred_min_budget_usd": preferences.min_budget_usd if preferences else None,
        "preferred_industries": preferences.industries if preferences else [],
        "preferred_countries": preferences.countries if preferences else [],
        "preferred_engagement_models": [str(m) for m in preferences.engagement_models]
        if preferences
        else [],
        "portfolio": canonical.get("portfolio", []),
        "extra": record.extra_fields(),
    }


@transaction.atomic
def vendors_upsert(records: list[VendorRecord]) -> Outcome:
    """Create or update vendors by ``external_id``."""
    existing = {
        vendor.external_id: vendor
        for vendor in Vendor.objects.filter(external_id__in=[r.external_id for r in records]).only(
            "id", "external_id", "record_hash", "version"
        )
    }
    created: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    now = timezone.now()
    for record in records:
        canonical = record.canonical()
        digest = record_hash(canonical)
        vendor = existing.get(record.external_id)
        if vendor is not None and vendor.record_hash == digest:
            continue
        row = {**vendor_fields(record, canonical), "record_hash": digest, "updated_at": now}
        if vendor is None:
            created.append(
                {**row, "external_id": record.external_id, "version": 1, "created_at": now}
            )
        else:
            changed.append(
                {
                    **row,
                    "id": vendor.id,
                    "external_id": vendor.external_id,
                    "version": vendor.version + 1,
                }
            )
    insert_rows(Vendor, created)
    update_rows(Vendor, changed, UPDATED_FIELDS)
    outbox_record(
        topic=VENDOR_TOPIC,
        changes=[(row["external_id"], 1, False) for row in created]
        + [(row["external_id"], row["version"], False) for row in changed],
    )
    unchanged = len(records) - len(created) - len(changed)
    return Outcome(created=len(created), updated=len(changed), unchanged=unchanged)


def vendor_save(*, record: VendorRecord, member: User | None = None) -> Vendor:
    """Create or update one vendor; ``member`` (a vendor-role user) joins the firm."""
    with transaction.atomic():
        vendors_upsert([record])
        vendor = Vendor.objects.get(external_id=record.external_id)
        if member is not None:
            VendorMember.objects.get_or_create(user=member, defaults={"vendor": vendor})
    return vendor


@transaction.atomic
def vendor_delete(*, vendor: Vendor) -> None:
    outbox_record(topic=VENDOR_TOPIC, changes=[(vendor.external_id, vendor.version + 1, True)])
    vendor.delete()
