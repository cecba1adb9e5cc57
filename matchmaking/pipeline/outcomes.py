"""Recording outcomes (the ranker's labels), and the pipeline records (matches,
introductions) that recorded history implies."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from buyers.models import Brief
from buyers.services import briefs_stage_set
from core.generations import bump_generation
from core.interchange import WriteCounts
from matchmaking.models import Introduction, Match, Outcome
from matchmaking.pipeline.selectors import brief_stages
from matchmaking.ranking.data import RELATIONSHIP_STAGES
from matchmaking.schema import OutcomeRecord
from vendors.models import Vendor


class UnknownReference(Exception):
    pass


@transaction.atomic
def outcomes_upsert(records: list[OutcomeRecord]) -> WriteCounts:
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
    return WriteCounts(created=created, updated=updated, unchanged=unchanged)


# How far a pair got, in order; the stages a pair passed on its way to each; and, when
# the history dates only the furthest stage, where the earlier ones fall between the
# brief's publication and that date.
REACHED = ("approved", "introduced", "meeting", "proposal", "lost", "won")
STAGES_BEFORE = {
    "approved": (),
    "introduced": (),
    "meeting": ("introduced",),
    "proposal": ("introduced", "meeting"),
    "lost": ("introduced", "meeting"),
    "won": ("introduced", "meeting", "proposal"),
}
SHARE_OF_THE_WAY = {"approved": 0.15, "introduced": 0.3, "meeting": 0.5, "proposal": 0.75}


@transaction.atomic
def pipeline_from_outcomes() -> int:
    """Matches and introductions for recorded history, so the pipeline board and the
    dashboard show it: every (brief, vendor) whose outcomes reached ``approved`` or
    beyond and that has no match yet gets an approved match and, past approval, an
    introduction at the furthest stage, dated from the outcomes (earlier stages the
    history does not date fall between the brief's publication and the furthest stage,
    ``SHARE_OF_THE_WAY`` along). Returns the introductions
    created; running it again creates nothing."""
    pairs: dict[tuple[int, int], dict[str, dict[str, Any]]] = defaultdict(dict)
    rows = Outcome.objects.filter(outcome__in=REACHED, decided_at__isnull=False)
    fields = ("brief_id", "vendor_id", "outcome", "decided_at", "value_usd", "rank")
    for row in rows.values(*fields, "brief__published_at"):
        pairs[(row["brief_id"], row["vendor_id"])][row["outcome"]] = dict(row)
    matched = set(Match.objects.values_list("brief_id", "vendor_id"))
    matches, introductions = [], []
    for (brief_id, vendor_id), stages in pairs.items():
        if (brief_id, vendor_id) in matched:
            continue
        reached = max(stages, key=REACHED.index)
        last = stages[reached]
        when = {name: _noon(row["decided_at"]) for name, row in stages.items()}
        start = _noon(last["brief__published_at"] or last["decided_at"] - timedelta(days=60))
        for name in ("approved", *STAGES_BEFORE[reached]):
            when.setdefault(name, start + (when[reached] - start) * SHARE_OF_THE_WAY[name])
        approved = when["approved"]
        match = Match(
            brief_id=brief_id,
            vendor_id=vendor_id,
            state=Match.State.APPROVED,
            rank=last["rank"],
            ranker="history",
            decided_at=approved,
        )
        matches.append(match)
        if reached != "approved":
            introductions.append((match, reached, when, last["value_usd"]))
    Match.objects.bulk_create(matches, batch_size=1000)
    created = Introduction.objects.bulk_create(
        [_introduction(match, stage, when, value) for match, stage, when, value in introductions],
        batch_size=1000,
    )
    # Dated as the history says (creation stamps "now"; an update keeps what it is given).
    for match in matches:
        match.created_at = match.decided_at or match.created_at
    for introduction in created:
        introduction.created_at = introduction.introduced_at or introduction.stage_changed_at
    Match.objects.bulk_update(matches, ["created_at"], batch_size=1000)
    Introduction.objects.bulk_update(created, ["created_at"], batch_size=1000)
    # Their briefs' stage in the demand index (introduced, won) follows.
    briefs_stage_set(brief_stages({match.brief_id for match, *_ in introductions}))
    return len(introductions)


def _introduction(
    match: Match, stage: str, when: dict[str, datetime], value_usd: int | None
) -> Introduction:
    closed = when[stage] if stage in ("won", "lost") else None
    return Introduction(
        match=match,
        stage=stage,
        stage_changed_at=when[stage],
        introduced_at=when.get("introduced"),
        meeting_at=when.get("meeting"),
        proposal_at=when.get("proposal"),
        closed_at=closed,
        deal_value=value_usd if stage == "won" else None,
        deal_currency="USD" if stage == "won" and value_usd else "",
        deal_value_usd=value_usd if stage == "won" else None,
    )


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def record_label(match: Match, stage: str, *, value_usd: int | None = None) -> None:
    """The decision as a training label, with the rank and score the officer saw. A
    relationship (introduced or further) changes the firm's track record, so cached
    matches are recomputed."""
    if stage in RELATIONSHIP_STAGES:
        transaction.on_commit(bump_generation)
    Outcome.objects.update_or_create(
        brief_id=match.brief_id,
        vendor_id=match.vendor_id,
        outcome=stage,
        defaults={
            "decided_at": timezone.localdate(),
            "rank": match.rank,
            "score": match.score,
            "value_usd": value_usd,
        },
    )
