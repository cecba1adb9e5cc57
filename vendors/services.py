"""Writes to vendor profiles. Every write goes through ``vendors_upsert``.

One transaction per call; a record whose canonical form is unchanged is not written
at all (its ``version`` stays), which is what makes re-imports idempotent.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.interchange import WriteCounts
from core.outbox import outbox_record
from core.text import name_key
from core.upsert import archive_row, check_version, upsert_rows
from vendors import verification
from vendors.models import VENDOR_TOPIC, Vendor, VendorMember
from vendors.schema import VendorRecord
from vendors.selectors import vendor_record

_COPIED = (
    "name",
    "city",
    "description",
    "website",
    "founded_year",
    "team_size",
    "min_project_usd",
    "technologies",
    "industries",
    "certifications",
    "languages",
    "export_markets",
    "registrations",
)
_BLANK_AS_EMPTY_STRING = {"city", "description", "website"}


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
        "name_key": name_key(record.name),
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
        "contact": canonical.get("contact") or {},
        "extra": record.extra_fields(),
    }


def unsaved_row(record: VendorRecord, now: datetime) -> dict[str, Any]:
    """A vendor row as the ranker and the search documents read it, for a record that
    is not stored (offline evaluation replays files without writing them)."""
    stated = verification.claimed(record.registrations, record.certifications)
    return {
        **vendor_fields(record, record.canonical()),
        "external_id": record.external_id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        # a file of records, like an import: what it states is recorded, not claimed
        "verified": verification.recorded_by("file", stated, now.date()),
        "review_average": None,  # reviews exist only for deals through Raabta
        "review_count": 0,
    }


@transaction.atomic
def vendors_upsert(
    records: list[VendorRecord], *, create_only: bool = False, source: str = "import"
) -> WriteCounts:
    """Create or update vendors by ``external_id`` (``core.upsert``); with
    ``create_only`` a taken id raises ``AlreadyExists`` and nothing is written.

    Imports and officers' writes are records, not claims: their registrations and
    certifications are verified with ``source`` as the evidence. A firm's own writes
    go through ``vendor_save(by_firm=True)``, where they are claims."""
    rows, today = [], timezone.localdate()
    for record in records:
        canonical = record.canonical()
        stated = verification.claimed(record.registrations, record.certifications)
        rows.append(
            {
                **vendor_fields(record, canonical),
                "external_id": record.external_id,
                "record_hash": record_hash(canonical),
                **({"verified": verification.recorded_by(source, stated, today)} if source else {}),
                "unverified_claims": 0 if source else len(stated),
            }
        )
    return upsert_rows(Vendor, rows, create_only=create_only).announce(VENDOR_TOPIC)


def vendor_save(
    *,
    record: VendorRecord,
    member: User | None = None,
    create_only: bool = False,
    by_firm: bool = False,
    source: str = "officer",
    version: int | None = None,
) -> Vendor:
    """Create or update one vendor; ``member`` (a vendor-role user) joins the firm.
    ``by_firm``: the firm speaks for itself, so what it states is a claim (verifications
    of facts it still states, with the same reference, are kept). With ``version``, only
    if the stored firm is still at it (else ``Conflict``)."""
    with transaction.atomic():
        check_version(Vendor, record.external_id, version)
        vendors_upsert([record], create_only=create_only, source="" if by_firm else source)
        vendor = Vendor.objects.get(external_id=record.external_id)
        if by_firm:
            stated = verification.claimed(vendor.registrations, vendor.certifications)
            still = verification.kept(vendor.verified or {}, stated)
            Vendor.objects.filter(pk=vendor.pk).update(
                verified=still, unverified_claims=verification.open_claims(still, stated)
            )
            vendor.refresh_from_db()
        if member is not None:
            VendorMember.objects.get_or_create(user=member, defaults={"vendor": vendor})
    return vendor


@transaction.atomic
def vendor_archive(*, vendor: Vendor, actor: User | None = None) -> None:
    """Take a firm out of the directory, search and matching; its deals, pipeline
    history and ranker labels stay (they refer to it). Audited."""
    version = archive_row(vendor, actor=actor, record=vendor_record(vendor))
    outbox_record(topic=VENDOR_TOPIC, changes=[(vendor.external_id, version, True)])


def vendor_review_rating_set(*, vendor: Vendor, average: Decimal | None, count: int) -> None:
    """The firm's rating from reviews of deals made through Raabta (worked out by
    ``matchmaking.pipeline.reviews``), a new version, and the index told."""
    Vendor.objects.filter(pk=vendor.pk).update(
        review_average=average,
        review_count=count,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    vendor.refresh_from_db()
    outbox_record(topic=VENDOR_TOPIC, changes=[(vendor.external_id, vendor.version, False)])


def member_digest_set(*, user: User, wanted: bool) -> None:
    """A firm member's own choice: the weekly e-mail of new fitting briefs, or none."""
    VendorMember.objects.filter(user=user).update(opportunity_digest=wanted)
