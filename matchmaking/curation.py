"""Officers' curation: suggesting matches for briefs, the review queue, and decisions
(approve, reject with a reason, pin, hand-add). Every decision is audited, becomes an
``Outcome`` label for the ranker, and is guarded by the match's version (409 on a race).
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
from buyers.services import BRIEF_TOPIC
from core.audit import audit_record
from core.errors import Conflict, Refused
from core.limits import day_ago, refuse_beyond
from core.models import AuditEntry
from core.outbox import outbox_claim, outbox_done, outbox_failed
from core.versions import update_if_version
from matchmaking.introductions import introduction_open
from matchmaking.models import Introduction, Match, Outcome, RejectReason, Review
from matchmaking.outcomes import record_label
from matchmaking.recipients import buyer_members
from matchmaking.services import match_brief
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


# Suggestions -------------------------------------------------------------------------
def suggest_matches(brief: Brief, *, limit: int | None = None) -> Review:
    """Put the ranker's current shortlist on the brief's review (opening it if needed).

    Decided, pinned and hand-added matches stay as they are; undecided suggestions that
    fell out of the shortlist are dropped; the others take their new rank and score."""
    result = match_brief(brief, limit=limit or settings.RAABTA_SUGGESTIONS_PER_BRIEF)
    wanted = [m["vendor"]["external_id"] for m in result["matches"]]
    vendor_pks = dict(
        Vendor.objects.filter(external_id__in=wanted).values_list("external_id", "pk")
    )
    with transaction.atomic():
        existing = {m.vendor_id: m for m in Match.objects.select_for_update().filter(brief=brief)}
        kept = set()
        created: list[Match] = []
        for suggestion in result["matches"]:
            vendor_pk = vendor_pks.get(suggestion["vendor"]["external_id"])
            if vendor_pk is None:
                continue
            kept.add(vendor_pk)
            fields = {
                "rank": suggestion["rank"],
                "score": suggestion["score"],
                "reasons": suggestion["reasons"],
                "gaps": suggestion["gaps"],
                "features": suggestion["features"],
                "ranker": result["meta"]["ranker"],
            }
            match = existing.get(vendor_pk)
            if match is None:
                created.append(Match.objects.create(brief=brief, vendor_id=vendor_pk, **fields))
            elif match.state == Match.State.SUGGESTED and match.source != Match.Source.OFFICER:
                Match.objects.filter(pk=match.pk).update(version=F("version") + 1, **fields)
        Match.objects.filter(
            brief=brief, state=Match.State.SUGGESTED, source=Match.Source.RANKER, pinned=False
        ).exclude(vendor_id__in=kept).delete()
        if created:
            _tell_buyer_of_suggestions(brief, created)
        review, _ = Review.objects.get_or_create(brief=brief)
        if review.closed_at is not None:
            review.closed_at = None
            review.save(update_fields=["closed_at"])
    return review


def _tell_buyer_of_suggestions(brief: Brief, new: list[Match]) -> None:
    """In the app only: suggestions change with every edit of a brief, and an e-mail
    each time would be noise; what the buyer acts on (introductions) is e-mailed."""
    firms = "a new firm" if len(new) == 1 else f"{len(new)} new firms"
    notify(
        buyer_members(new[0]),
        notice(
            "brief.suggested",
            url=reverse("brief-detail", args=[brief.external_id]),
            brief=brief.pk,
            last=new[-1].pk,
            firms=firms,
            title=brief.title,
        ),
    )


def _decided_elsewhere(brief: Brief) -> bool:
    """Imported history: decisions recorded for a brief that never had a review here."""
    return (
        not Review.objects.filter(brief=brief).exists()
        and Outcome.objects.filter(brief=brief).exclude(outcome=Outcome.Stage.SUGGESTED).exists()
    )


def suggest_for_changed_briefs(batch_size: int = 50) -> int:
    """The background task after briefs are created or changed (outbox topic ``brief``):
    suggest matches for each brief on its own — one that fails keeps its event, with the
    attempt counted and the error, and the others go on. Matching runs outside any
    transaction (``suggest_matches`` writes in its own). Returns how many succeeded."""
    done, failed = 0, set[int]()
    while True:
        events = outbox_claim(BRIEF_TOPIC, batch_size, skip=failed)
        if not events:
            return done
        for event in events:
            try:
                brief = Brief.objects.select_related("buyer").filter(external_id=event.key).first()
                if brief is not None and not _decided_elsewhere(brief):
                    suggest_matches(brief)
            except Exception as error:  # any failure stays with its own brief
                log.warning("suggestions for brief %s failed", event.key, exc_info=True)
                outbox_failed([event], f"{type(error).__name__}: {error}")
                failed.add(event.id)
            else:
                outbox_done([event])
                done += 1


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
    ``matchmaking.opportunities``) — never again for a firm turned down or declined
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
    review, _ = Review.objects.get_or_create(brief=brief)
    if review.closed_at is not None:
        Review.objects.filter(pk=review.pk).update(closed_at=None)
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
def review_take(*, brief: Brief, actor: User) -> Review:
    """The officer takes the brief (shown as theirs in the queue)."""
    review, _ = Review.objects.get_or_create(brief=brief)
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
def review_close(*, brief: Brief, actor: User, automatic: bool = False) -> Review:
    review, _ = Review.objects.get_or_create(brief=brief)
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
