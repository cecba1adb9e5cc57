"""Writes to buyers and briefs. Briefs carry their buyer: importing a brief creates
the buyer or merges the fields it gives into the stored one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import User
from buyers.models import BRIEF_INDEX_TOPIC, BUYER_INDEX_TOPIC, Brief, Buyer, BuyerMember
from buyers.schema import BriefRecord, BuyerRecord
from buyers.selectors import brief_record, buyer_record
from core.interchange import WriteCounts
from core.outbox import outbox_record
from core.upsert import archive_row, check_version, upsert_rows
from vendors.services import record_hash

BUYER_FIELDS = (
    "name",
    "country",
    "industry",
    "timezone",
    "website",
    "description",
    "size_band",
)
_BRIEF_COPIED = (
    "title",
    "description",
    "services",
    "technologies",
    "industry",
    "timeline_weeks",
    "engagement_model",
    "required_certifications",
    "languages",
    "min_overlap_hours",
    "team_size",
    "location",
    "published_at",
)
BRIEF_TOPIC = "brief"  # outbox topic: a brief was created or changed
_BRIEF_KNOWN_KEYS = {*_BRIEF_COPIED, "external_id", "buyer", "budget"}


def _buyer_row(external_id: str, canonical: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {name: canonical.get(name, "") for name in BUYER_FIELDS}
    row["name"] = row["name"] or external_id
    row["contact"] = canonical.get("contact") or {}
    row["named_to_firms"] = bool(canonical.get("named_to_firms"))
    row["extra"] = {
        key: value
        for key, value in canonical.items()
        if key not in {*BUYER_FIELDS, "contact", "named_to_firms", "external_id"}
    }
    return {**row, "external_id": external_id, "record_hash": record_hash(canonical)}


@transaction.atomic
def buyers_upsert(
    records: list[BuyerRecord], *, merge: bool = False, create_only: bool = False
) -> dict[str, Buyer]:
    """Create or update buyers (``core.upsert``); with ``merge`` a record only overrides
    the fields it gives (how a brief's embedded buyer is applied). Returns buyers by
    external id."""
    keys = [record.external_id for record in records]
    stored = (
        {buyer.external_id: buyer for buyer in Buyer.all_objects.filter(external_id__in=keys)}
        if merge
        else {}
    )
    merged: dict[str, dict[str, Any]] = {}  # in order: a later record merges into earlier
    for record in records:
        key = record.external_id
        canonical = record.canonical()
        if merge:
            base = merged.get(key) or (buyer_record(stored[key]) if key in stored else {})
            canonical = base | canonical
        merged[key] = canonical
    rows = [_buyer_row(key, canonical) for key, canonical in merged.items()]
    written = upsert_rows(Buyer, rows, create_only=create_only)
    written.announce(BUYER_INDEX_TOPIC)
    # Its briefs' documents show the buyer's country, sector, size band (and name).
    briefs_reindex(Brief.all_objects.filter(buyer__external_id__in=list(written.changed)))
    # Archived buyers too: a brief may name one (imports of history), and must not fail.
    found = Buyer.all_objects.filter(external_id__in=keys)
    return {buyer.external_id: buyer for buyer in found}


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
def briefs_upsert(records: list[BriefRecord], *, create_only: bool = False) -> WriteCounts:
    """Create or update briefs by ``external_id`` (and the buyers they name)."""
    buyers = buyers_upsert([r.buyer for r in records if r.buyer], merge=True)
    rows = [
        {
            **brief_fields(record),
            "buyer_id": buyers[record.buyer.external_id].id if record.buyer else None,
            "external_id": record.external_id,
            "record_hash": record_hash(record.canonical()),
        }
        for record in records
    ]
    written = upsert_rows(Brief, rows, create_only=create_only)
    written.announce(BRIEF_INDEX_TOPIC)
    return written.announce(BRIEF_TOPIC)


def briefs_reindex(briefs: QuerySet[Brief]) -> int:
    """These briefs' search documents changed though the briefs did not (their buyer,
    their pipeline stage): count a revision and queue them for the index. Must run
    inside the writing transaction."""
    keys = list(briefs.values_list("external_id", flat=True))
    if keys:
        Brief.all_objects.filter(external_id__in=keys).update(
            revision=F("revision") + 1, updated_at=timezone.now()
        )
        outbox_record(topic=BRIEF_INDEX_TOPIC, changes=[(key, 0, False) for key in keys])
    return len(keys)


def briefs_stage_set(stages: dict[int, str]) -> int:
    """Each brief's place in the pipeline (``Brief.pipeline_stage``, by row id), as
    matchmaking's pipeline worked it out; their search documents follow (a revision,
    queued for the index, as ``briefs_reindex``). Inside the writing transaction."""
    by_stage: dict[str, list[int]] = {}
    for pk, stage in stages.items():
        by_stage.setdefault(stage, []).append(pk)
    for stage, pks in by_stage.items():
        Brief.all_objects.filter(pk__in=pks).update(pipeline_stage=stage)
    return briefs_reindex(Brief.all_objects.filter(pk__in=list(stages)))


def buyer_save(
    *, record: BuyerRecord, member: User | None = None, create_only: bool = False
) -> Buyer:
    """Create or replace one buyer; ``member`` (a buyer-role user) joins it."""
    with transaction.atomic():
        buyer = buyers_upsert([record], create_only=create_only)[record.external_id]
        if member is not None:
            BuyerMember.objects.get_or_create(user=member, defaults={"buyer": buyer})
    return buyer


def brief_save(
    *, record: BriefRecord, create_only: bool = False, version: int | None = None
) -> Brief:
    """Create or update one brief (with the buyer it names); with ``version``, only if
    the stored brief is still at it (else ``Conflict``)."""
    with transaction.atomic():
        check_version(Brief, record.external_id, version)
        briefs_upsert([record], create_only=create_only)
        return Brief.objects.select_related("buyer").get(external_id=record.external_id)


@transaction.atomic
def brief_archive(*, brief: Brief, actor: User | None = None) -> None:
    """Take a brief out of every list and queue; its matches, deals and labels stay.
    Audited."""
    version = archive_row(brief, actor=actor, record=brief_record(brief))
    outbox_record(topic=BRIEF_INDEX_TOPIC, changes=[(brief.external_id, version, True)])


@transaction.atomic
def buyer_archive(*, buyer: Buyer, actor: User | None = None) -> None:
    """Archive the buyer and its current briefs. Audited."""
    for brief in Brief.objects.filter(buyer=buyer):
        brief_archive(brief=brief, actor=actor)
    version = archive_row(buyer, actor=actor, record=buyer_record(buyer))
    outbox_record(topic=BUYER_INDEX_TOPIC, changes=[(buyer.external_id, version, True)])
