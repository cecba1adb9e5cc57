"""Recording outcomes (the ranker's labels)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from buyers.models import Brief
from core.interchange import Outcome as WriteOutcome
from matchmaking.models import Outcome
from matchmaking.ranking.data import RELATIONSHIP_STAGES
from matchmaking.schema import OutcomeRecord
from search.cache import bump_generation
from vendors.models import Vendor


class UnknownReference(Exception):
    pass


@transaction.atomic
def outcomes_upsert(records: list[OutcomeRecord]) -> WriteOutcome:
    """Create or update outcomes by (brief, vendor, outcome); unknown briefs or vendors
    are refused (the whole batch is retried line by line, so only those lines fail)."""
    briefs = dict(
        Brief.objects.filter(external_id__in={r.brief for r in records}).values_list(
            "external_id", "id"
        )
    )
    vendors = dict(
        Vendor.objects.filter(external_id__in={r.vendor for r in records}).values_list(
            "external_id", "id"
        )
    )
    created = updated = unchanged = 0
    changed_relationships = False
    for record in records:
        if record.brief not in briefs or record.vendor not in vendors:
            from django.db import IntegrityError

            missing = "brief" if record.brief not in briefs else "vendor"
            raise IntegrityError(f"{missing}: unknown {missing} '{getattr(record, missing)}'")
        key: dict[str, Any] = {
            "brief_id": briefs[record.brief],
            "vendor_id": vendors[record.vendor],
            "outcome": record.outcome,
        }
        values: dict[str, Any] = {
            "value_usd": record.value_usd,
            "decided_at": record.decided_at,
            "rank": record.rank,
            "score": record.score,
        }
        stored = Outcome.objects.filter(**key).values(*values).first()
        if stored == values:  # a re-import: nothing to write, no cache to invalidate
            unchanged += 1
            continue
        Outcome.objects.update_or_create(**key, defaults=values)
        created += stored is None
        updated += stored is not None
        changed_relationships |= record.outcome in RELATIONSHIP_STAGES
    if changed_relationships:
        transaction.on_commit(bump_generation)  # track records changed: recompute matches
    return WriteOutcome(created=created, updated=updated, unchanged=unchanged)
