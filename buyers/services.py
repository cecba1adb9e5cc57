"""Writes to buyers and briefs. Briefs carry their buyer: importing a brief creates
the buyer or merges the fields it gives into the stored one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from buyers.models import Brief, Buyer, BuyerMember
from buyers.schema import BriefRecord, BuyerRecord
from buyers.selectors import buyer_record
from core.interchange import Outcome
from core.outbox import outbox_record
from vendors.services import record_hash

BUYER_FIELDS = ("name", "country", "industry", "timezone", "website", "description")
_BRIEF_COPIED = (
    "title", "description", "services", "technologies", "industry", "timeline_weeks",
    "engagement_model", "required_certifications", "languages", "min_overlap_hours",
    "team_size", "location", "published_at",
)  # fmt: skip
BRIEF_TOPIC = "brief"  # outbox topic: a brief was created or changed
_BRIEF_FIELDS = {field.name for field in Brief._meta.concrete_fields} - {"id", "created_at"}
_BRIEF_KNOWN_KEYS = {*_BRIEF_COPIED, "external_id", "buyer", "budget"}


def _apply_buyer(buyer: Buyer, canonical: dict[str, Any]) -> None:
    for name in BUYER_FIELDS:
        setattr(buyer, name, canonical.get(name, ""))
    buyer.name = buyer.name or buyer.external_id
    buyer.extra = {
        key: value for key, value in canonical.items() if key not in {*BUYER_FIELDS, "external_id"}
    }


@transaction.atomic
def buyers_upsert(records: list[BuyerRecord], *, merge: bool = False) -> dict[str, Buyer]:
    """Create or update buyers; with ``merge`` a record only overrides the fields it
    gives (how a brief's embedded buyer is applied). Returns buyers by external id."""
    buyers = {
        b.external_id: b
        for b in Buyer.objects.filter(external_id__in=[r.external_id for r in records])
    }
    for record in records:
        buyer = buyers.get(record.external_id)
        canonical = record.canonical()
        if buyer is not None and merge:
            canonical = buyer_record(buyer) | canonical
        digest = record_hash(canonical)
        if buyer is None:
            buyer = buyers[record.external_id] = Buyer(external_id=record.external_id)
        elif buyer.record_hash == digest:
            continue
        else:
            buyer.version += 1
        _apply_buyer(buyer, canonical)
        buyer.record_hash = digest
        buyer.save()
    return buyers


def brief_fields(record: BriefRecord) -> dict[str, Any]:
    budget = record.budget
    values = {name: getattr(record, name) for name in _BRIEF_COPIED}
    for name in ("description", "industry", "location", "engagement_model"):
        values[name] = values[name] or ""
    return {
        **values,
        "budget_min": budget.min if budget else None,
        "budget_max": budget.max if budget else None,
        "budget_currency": budget.currency if budget else "",
        "budget_min_usd": budget.min_usd if budget else None,
        "budget_max_usd": budget.max_usd if budget else None,
        "extra": {k: v for k, v in record.canonical().items() if k not in _BRIEF_KNOWN_KEYS},
    }


@transaction.atomic
def briefs_upsert(records: list[BriefRecord]) -> Outcome:
    """Create or update briefs by ``external_id`` (and the buyers they name)."""
    buyers = buyers_upsert([r.buyer for r in records if r.buyer], merge=True)
    existing = {
        b.external_id: b
        for b in Brief.objects.filter(external_id__in=[r.external_id for r in records])
    }
    created, changed = [], []
    for record in records:
        digest = record_hash(record.canonical())
        brief = existing.get(record.external_id)
        if brief is not None and brief.record_hash == digest:
            continue
        if brief is None:
            brief = Brief(external_id=record.external_id)
            created.append(brief)
        else:
            brief.version, brief.updated_at = brief.version + 1, timezone.now()
            changed.append(brief)
        for name, value in brief_fields(record).items():
            setattr(brief, name, value)
        brief.buyer, brief.record_hash = (
            buyers[record.buyer.external_id] if record.buyer else None,
            digest,
        )
    Brief.objects.bulk_create(created)
    Brief.objects.bulk_update(changed, sorted(_BRIEF_FIELDS - {"external_id"}))
    outbox_record(
        topic=BRIEF_TOPIC, changes=[(b.external_id, b.version, False) for b in created + changed]
    )
    unchanged = len(records) - len(created) - len(changed)
    return Outcome(created=len(created), updated=len(changed), unchanged=unchanged)


def buyer_save(*, record: BuyerRecord, member: User | None = None) -> Buyer:
    """Create or replace one buyer; ``member`` (a buyer-role user) joins it."""
    with transaction.atomic():
        buyer = buyers_upsert([record])[record.external_id]
        if member is not None:
            BuyerMember.objects.get_or_create(user=member, defaults={"buyer": buyer})
    return buyer


def brief_save(*, record: BriefRecord) -> Brief:
    with transaction.atomic():
        briefs_upsert([record])
        return Brief.objects.select_related("buyer").get(external_id=record.external_id)


@transaction.atomic
def brief_delete(*, brief: Brief) -> None:
    brief.delete()


@transaction.atomic
def buyer_delete(*, buyer: Buyer) -> None:
    """Deletes the buyer with its briefs."""
    buyer.briefs.all().delete()
    buyer.delete()
