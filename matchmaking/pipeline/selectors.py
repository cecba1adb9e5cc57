"""Reading introductions: where each stands, who may see which, what a side may read
of the other before both opted in (through the one redaction, ``buyers.redaction``),
and the contacts once they have."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from buyers.redaction import redact
from core.schema import compact
from matchmaking.models import Introduction, Match, RejectReason

Stage = Introduction.Stage
PIPELINE: dict[str, tuple[str, ...]] = {
    Stage.INTRODUCED: (Stage.MEETING, Stage.PROPOSAL, Stage.LOST),
    Stage.MEETING: (Stage.PROPOSAL, Stage.LOST),
    Stage.PROPOSAL: (Stage.WON, Stage.LOST),
}
OPEN_STAGES = (Stage.AWAITING_VENDOR, Stage.AWAITING_BUYER, *PIPELINE)
REVEALED_STAGES = (Stage.INTRODUCED, Stage.MEETING, Stage.PROPOSAL, Stage.WON, Stage.LOST)
STAGE_DATES = {
    Stage.INTRODUCED: "introduced_at",
    Stage.MEETING: "meeting_at",
    Stage.PROPOSAL: "proposal_at",
    Stage.WON: "closed_at",
    Stage.LOST: "closed_at",
}


def contact_cards(introduction: Introduction) -> dict[str, dict[str, str]] | None:
    """Whom each side talks to — organisation, person, e-mail, phone, website — once
    both opted in (the firm accepted, the buyer confirmed); ``None`` before."""
    if introduction.stage not in REVEALED_STAGES:
        return None
    vendor, buyer = introduction.match.vendor, introduction.match.brief.buyer

    def card(organisation: Any) -> dict[str, str]:
        if organisation is None:
            return {}
        return compact(
            {
                "organisation": organisation.name,
                **(organisation.contact or {}),
                "website": organisation.website,
            }
        )

    return {"firm": card(vendor), "buyer": card(buyer)}


def buyer_revealed_to(introduction: Introduction, user: User) -> bool:
    """Whether ``user`` may know who the buyer of ``introduction`` is: officers and the
    buyer's own members always, the firm once both sides opted in."""
    buyer = introduction.match.brief.buyer
    return (
        introduction.stage in REVEALED_STAGES
        or user.is_officer
        or buyer is None
        or getattr(getattr(user, "buyer_membership", None), "buyer_id", None) == buyer.pk
    )


def brief_text_for(introduction: Introduction, user: User) -> tuple[str, str]:
    """The brief's title and description as ``user`` may read them: through the one
    redaction (``buyers.redaction``) until the buyer is revealed to them."""
    brief = introduction.match.brief
    if buyer_revealed_to(introduction, user):
        return brief.title, brief.description
    return redact(brief.title, brief.buyer), redact(brief.description, brief.buyer)


def brief_stages(brief_ids: Iterable[int]) -> dict[int, str]:
    """Each brief's place in the pipeline from its introductions: ``won`` if any deal
    was won, ``introduced`` while any introduction is past both opt-ins and not closed,
    else ``open`` (``Brief.pipeline_stage``)."""
    stages = dict.fromkeys(brief_ids, "open")
    talking = (Stage.INTRODUCED, Stage.MEETING, Stage.PROPOSAL)
    rows = Introduction.objects.filter(match__brief_id__in=list(stages)).values_list(
        "match__brief_id", "stage"
    )
    for brief_id, stage in rows:
        if stage == Stage.WON:
            stages[brief_id] = "won"
        elif stage in talking and stages[brief_id] == "open":
            stages[brief_id] = "introduced"
    return stages


def match_status(match: Match, *, reader: str) -> str:
    """Where a match stands, as its firm (``reader="firm"``) or its buyer (``"buyer"``)
    may read it: with the officers, approved and waiting for one side, declined by whom,
    introduced, and how it ended."""
    firm = reader == "firm"
    if match.state == Match.State.SUGGESTED:
        return "Waiting for a trade officer" if firm else "Requested: waiting for a trade officer"
    if match.state == Match.State.REJECTED:
        reason = RejectReason(match.reject_reason).label if match.reject_reason else ""
        return f"Not taken forward by the officers{f': {reason}' if reason else ''}"
    introduction = getattr(match, "introduction", None)
    if introduction is None:
        return "Approved by the officers"
    if introduction.stage == Stage.DECLINED:
        own = introduction.declined_by == ("vendor" if firm else "buyer")
        return "You declined" if own else ("The buyer declined" if firm else "The firm declined")
    return {
        Stage.AWAITING_VENDOR: "Approved: your answer is awaited"
        if firm
        else "Approved: waiting for the firm to accept",
        Stage.AWAITING_BUYER: "Approved: waiting for the buyer to confirm"
        if firm
        else "The firm accepted: your confirmation is awaited",
        Stage.WON: "Introduced: deal won",
        Stage.LOST: "Introduced: closed without a deal",
    }.get(introduction.stage, "Introduced: talks under way")


def is_stale(introduction: Introduction, now: Any = None) -> bool:
    """Open and not moved for ``RAABTA_STALE_AFTER_DAYS``."""
    limit = (now or timezone.now()) - timedelta(days=settings.RAABTA_STALE_AFTER_DAYS)
    return introduction.stage in OPEN_STAGES and introduction.stage_changed_at < limit


def stale_filter() -> Q:
    limit = timezone.now() - timedelta(days=settings.RAABTA_STALE_AFTER_DAYS)
    return Q(stage__in=OPEN_STAGES, stage_changed_at__lt=limit)


def introductions_visible_to(user: Any) -> QuerySet[Introduction]:
    """Officers: all; vendor members: their firm's; buyer members: their briefs'."""
    rows = Introduction.objects.select_related("match__brief__buyer", "match__vendor", "moved_by")
    if user.is_officer:
        return rows
    if user.role == "vendor":
        return rows.filter(match__vendor__members__user=user)
    if user.role == "buyer":
        return rows.filter(match__brief__buyer__members__user=user)
    return rows.none()
