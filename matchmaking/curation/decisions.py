"""Officers' decisions on matches: approve, reject with a reason, pin, hand-add (and a
buyer's or firm's request), and the review queue. Every decision is audited, becomes an
``Outcome`` label for the ranker, and is guarded by the match's version (409 on a race).
The suggestions the officers decide on are ``matchmaking.curation.suggestions``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from buyers.models import Brief, Buyer
from core.audit import audit_record
from core.errors import Conflict, Refused
from core.limits import day_ago, refuse_beyond
from core.models import AuditEntry
from core.versions import update_if_version
from matchmaking.models import Curation, Introduction, Match, Outcome, RejectReason
from matchmaking.pipeline.introductions import introduction_open
from matchmaking.pipeline.outcomes import record_label
from notifications.catalogue import notice
from notifications.selectors import officers
from notifications.services import notify
from vendors.models import Vendor

log = logging.getLogger(__name__)


def match_state(match: Match) -> dict[str, Any]:
    """What the audit log and a 409 show of a match."""
    return {
        "state": match.state,
        "pinned": match.pinned,
        "rank": match.rank,
        "score": match.score,
        "note": match.note,
        "reject_reason": match.reject_reason,
        "decided_by": match.decided_by.username if match.decided_by else None,
        "version": match.version,
    }


# Decisions ---------------------------------------------------------------------------
def _decide(
    match: Match,
    *,
    actor: User,
    version: int,
    action: str,
    undecided: bool,
    changes: dict[str, Any],
) -> Match:
    """Apply ``changes`` if the match is still at ``version`` (and undecided, if asked);
    otherwise raise ``Conflict`` with what the other officer did."""
    before = match_state(match)

    def conflict(now: Match) -> Conflict:
        who = f" by {now.decided_by.username}" if now.decided_by else ""
        return Conflict(
            f"match {now.pk} changed since version {version}: it is now {now.state}{who}",
            current=match_state(now),
        )

    guard = {"state": Match.State.SUGGESTED} if undecided else {}
    update_if_version(match, version=version, changes=changes, conflict=conflict, **guard)
    audit_record(
        actor=actor,
        action=action,
        subject=match,
        before=before,
        after=match_state(match),
        brief=match.brief.external_id,
    )
    return match


def _close_if_done(brief: Brief, actor: User) -> None:
    if not Match.objects.filter(brief=brief, state=Match.State.SUGGESTED).exists():
        review_close(brief=brief, actor=actor, automatic=True)


@transaction.atomic
def match_approve(*, match: Match, actor: User, version: int, note: str = "") -> Match:
    """Approve: the vendor is invited to an introduction (the buyer stays anonymous)."""
    match = _decide(
        match,
        actor=actor,
        version=version,
        action="match.approve",
        undecided=True,
        changes={
            "state": Match.State.APPROVED,
            "decided_by": actor,
            "decided_at": timezone.now(),
            "note": note or F("note"),
        },
    )
    record_label(match, Outcome.Stage.APPROVED)
    introduction_open(match=match, actor=actor)
    _close_if_done(match.brief, actor)
    return match


@transaction.atomic
def match_reject(*, match: Match, actor: User, version: int, reason: str, note: str = "") -> Match:
    if reason not in RejectReason.values:
        raise Refused("reason", f"must be one of {', '.join(RejectReason.values)}")
    if reason == RejectReason.OTHER and not note.strip():
        raise Refused("note", "say why when the reason is 'other'")
    match = _decide(
        match,
        actor=actor,
        version=version,
        action="match.reject",
        undecided=True,
        changes={
            "state": Match.State.REJECTED,
            "decided_by": actor,
            "reject_reason": reason,
            "decided_at": timezone.now(),
            "note": note,
        },
    )
    record_label(match, Outcome.Stage.REJECTED)
    _close_if_done(match.brief, actor)
    return match


@transaction.atomic
def match_pin(*, match: Match, actor: User, version: int, pinned: bool) -> Match:
    """Pinned matches stay on the review when suggestions are refreshed, on top."""
    return _decide(
        match,
        actor=actor,
        version=version,
        undecided=False,
        action="match.pin" if pinned else "match.unpin",
        changes={"pinned": pinned},
    )


def requests_closed(brief: Brief) -> dict[str, str]:
    """Firms the brief's buyer cannot ask for again, by external id, each with why in
    the buyer's words: the officers turned the match down, or one side declined the
    introduction."""
    closed = {
        vendor: "The trade officers decided not to introduce this firm for this brief."
        for vendor in Match.objects.filter(brief=brief, state=Match.State.REJECTED).values_list(
            "vendor__external_id", flat=True
        )
    }
    declined = Introduction.objects.filter(
        match__brief=brief, stage=Introduction.Stage.DECLINED
    ).values_list("match__vendor__external_id", "declined_by")
    for vendor, side in declined:
        closed[vendor] = (
            "You declined this introduction."
            if side == "buyer"
            else "This firm declined the introduction for this brief."
        )
    return closed


@transaction.atomic
def match_add(*, brief: Brief, vendor: Vendor, actor: User, note: str = "") -> Match:
    """An officer adds a firm the ranker did not suggest (pinned, awaiting decision),
    the brief's buyer asks to be introduced to one (``actor`` is then a buyer), or a
    firm raises its hand on the brief (``actor`` is its member; see
    ``matchmaking.curation.opportunities``) — never again for a firm turned down or declined
    for this brief."""
    sources: dict[str, Match.Source] = {
        User.Role.BUYER: Match.Source.BUYER,
        User.Role.VENDOR: Match.Source.FIRM,
    }
    source = sources.get(actor.role, Match.Source.OFFICER)
    requested = source != Match.Source.OFFICER
    if source == Match.Source.BUYER and brief.buyer is not None:
        Buyer.objects.select_for_update().filter(pk=brief.buyer.pk).first()  # one count at a time
        asked = AuditEntry.objects.filter(
            action="match.request", actor__buyer_membership__buyer=brief.buyer, at__gte=day_ago()
        )
        refuse_beyond(
            asked.count(),
            settings.RAABTA_BUYER_REQUESTS_PER_DAY,
            field="vendor",
            what="introduction requests per buyer",
        )
    if requested and (why := requests_closed(brief).get(vendor.external_id)):
        raise Refused("vendor", why)
    existing = Match.objects.filter(brief=brief, vendor=vendor).first()
    if existing is not None and not (requested and existing.state == Match.State.SUGGESTED):
        raise Refused("vendor", f"{vendor.external_id} is already matched to {brief.external_id}")
    default_note = {Match.Source.BUYER: "requested by the buyer", Match.Source.FIRM: ""}
    if existing is not None:  # asked for a suggested firm: pin it for the officers
        _tell_officers_of_request(existing, actor)
        return _decide(
            existing,
            actor=actor,
            version=existing.version,
            action="match.request",
            undecided=True,
            changes={"pinned": True, "source": source, "note": note or default_note[source]},
        )
    match = Match.objects.create(
        brief=brief,
        vendor=vendor,
        source=source,
        pinned=True,
        note=note or default_note.get(source, ""),
        ranker="",
    )
    audit_record(
        actor=actor,
        action="match.request" if requested else "match.add",
        subject=match,
        before=None,
        after=match_state(match),
        brief=brief.external_id,
    )
    review, _ = Curation.objects.get_or_create(brief=brief)
    if review.closed_at is not None:
        Curation.objects.filter(pk=review.pk).update(closed_at=None)
    if requested:
        _tell_officers_of_request(match, actor)
    return match


def _tell_officers_of_request(match: Match, actor: User) -> None:
    brief, vendor = match.brief, match.vendor
    if match.source == Match.Source.FIRM:
        asker, other = vendor.name, brief.buyer.name if brief.buyer else "the buyer"
    else:
        asker, other = (brief.buyer.name if brief.buyer else actor.username), vendor.name
    notify(
        officers(),
        notice(
            "match.requested",
            url=reverse("console-review", args=[brief.external_id]),
            match=match.pk,
            asker=asker,
            other=other,
            title=brief.title,
            pitch=match.note if match.source == Match.Source.FIRM else "",
        ),
    )


# The queue ---------------------------------------------------------------------------
@transaction.atomic
def review_take(*, brief: Brief, actor: User) -> Curation:
    """The officer takes the brief (shown as theirs in the queue)."""
    review, _ = Curation.objects.get_or_create(brief=brief)
    before = {"officer": review.officer.username if review.officer else None}
    review.officer = actor
    review.save(update_fields=["officer"])
    audit_record(
        actor=actor,
        action="review.take",
        subject=review,
        before=before,
        after={"officer": actor.username},
        brief=brief.external_id,
    )
    return review


@transaction.atomic
def review_close(*, brief: Brief, actor: User, automatic: bool = False) -> Curation:
    review, _ = Curation.objects.get_or_create(brief=brief)
    if review.closed_at is None:
        review.closed_at = timezone.now()
        review.save(update_fields=["closed_at"])
        audit_record(
            actor=actor,
            action="review.close" + (".auto" if automatic else ""),
            subject=review,
            before={"closed": False},
            after={"closed": True},
            brief=brief.external_id,
        )
    return review
