"""Introductions: mutual opt-in, then the pipeline to a deal.

    awaiting_vendor ─vendor accepts→ awaiting_buyer ─buyer confirms→ introduced
          └─vendor declines→ declined        └─buyer declines→ declined
    introduced → meeting → proposal → won | lost   (introduced → proposal, and → lost
    from any open stage, are allowed; nothing moves back)

Every move checks the introduction's version (409 if someone moved it first), is
audited, becomes an ``Outcome`` label, and tells the people it concerns
(``notifications.services.notify``: in the app and by e-mail).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django_countries import countries

from accounts.models import User
from buyers.models import Brief
from buyers.redaction import redact
from buyers.services import briefs_stage_set
from core.audit import audit_record
from core.errors import Conflict, Refused
from core.versions import update_if_version
from matchmaking.models import Introduction, Match
from matchmaking.pipeline.deals import check_deal_amount, deal_value_usd
from matchmaking.pipeline.outcomes import record_label
from matchmaking.pipeline.recipients import buyer_members, curating_officer, firm_members
from matchmaking.pipeline.selectors import (
    PIPELINE,
    REVEALED_STAGES,
    STAGE_DATES,
    Stage,
    brief_stages,
)
from notifications.catalogue import notice
from notifications.services import notify
from vendors.models import Vendor


def introduction_state(introduction: Introduction) -> dict[str, Any]:
    return {
        "stage": introduction.stage,
        "declined_by": introduction.declined_by,
        "deal_value": str(introduction.deal_value) if introduction.deal_value is not None else None,
        "deal_currency": introduction.deal_currency,
        "deal_value_usd": introduction.deal_value_usd,
        "note": introduction.note,
        "version": introduction.version,
    }


def _addresses(users: QuerySet[User]) -> str:
    return ", ".join(users.exclude(email="").values_list("email", flat=True)) or "through Raabta"


def _page(introduction: Introduction) -> str:
    return f"{reverse('introductions')}#intro-{introduction.pk}"


def _country(buyer: Any) -> str:
    return countries.name(str(buyer.country)) if buyer and buyer.country else ""


def introduction_from_meeting(
    *, brief: Brief, vendor: Vendor, actor: User, held_at: datetime, note: str
) -> Introduction:
    """A meeting held at an event, into the pipeline: an approved match (source
    ``event``) and an introduction that starts at ``meeting`` (both sides asked for and
    accepted the meeting, so they opted in already), with the labels the ranker learns
    from (approved, introduced, meeting) as for any introduction."""
    if Match.objects.filter(brief=brief, vendor=vendor).exists():
        raise Refused("meeting", f"{vendor.name} is already matched to {brief.title}")
    match = Match.objects.create(
        brief=brief,
        vendor=vendor,
        state=Match.State.APPROVED,
        source=Match.Source.EVENT,
        note=note,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    introduction = Introduction.objects.create(
        match=match,
        stage=Stage.MEETING,
        stage_changed_at=timezone.now(),
        moved_by=actor,
        introduced_at=held_at,
        meeting_at=held_at,
    )
    for stage in ("approved", "introduced", "meeting"):
        record_label(match, stage)
    briefs_stage_set(brief_stages([brief.pk]))  # the brief is now in talks
    return introduction


def introduction_open(*, match: Match, actor: User) -> Introduction:
    """Called when an officer approves a match: invite the vendor — or, when the firm
    itself raised its hand on the brief (``source`` firm), ask the buyer to confirm
    straight away, with the firm's pitch."""
    firm_asked = match.source == Match.Source.FIRM
    introduction = Introduction.objects.create(
        match=match,
        stage=Stage.AWAITING_BUYER if firm_asked else Stage.AWAITING_VENDOR,
        stage_changed_at=timezone.now(),
        moved_by=actor,
    )
    audit_record(
        actor=actor,
        action="introduction.open",
        subject=introduction,
        before=None,
        after=introduction_state(introduction),
        brief=match.brief.external_id,
    )
    brief = match.brief
    # What a firm reads of the brief before the buyer confirmed: never the buyer's name.
    title, description = redact(brief.title, brief.buyer), redact(brief.description, brief.buyer)
    if firm_asked:
        _tell_of_approved_hand(match, introduction, title)
        return introduction
    country = _country(brief.buyer) or "abroad"
    notify(
        firm_members(match),
        notice(
            "introduction.invited",
            url=_page(introduction),
            introduction=introduction.pk,
            country=country,
            firm=match.vendor.name,
            title=title,
            description=description,
        ),
    )
    if match.source == Match.Source.BUYER:
        notify(
            buyer_members(match),
            notice(
                "introduction.request_approved",
                url=_page(introduction),
                introduction=introduction.pk,
                firm=match.vendor.name,
                title=brief.title,
            ),
        )
    return introduction


def _tell_of_approved_hand(match: Match, introduction: Introduction, title: str) -> None:
    """A firm's raised hand was approved: the buyer is asked to confirm (with the
    firm's pitch), the firm hears it is the buyer's turn."""
    vendor, brief = match.vendor, match.brief
    notify(
        buyer_members(match),
        notice(
            "introduction.firm_asked",
            url=_page(introduction),
            introduction=introduction.pk,
            firm=vendor.name,
            city=vendor.city,
            title=brief.title,
            pitch=match.note,
        ),
    )
    notify(
        firm_members(match),
        notice(
            "introduction.hand_approved",
            url=_page(introduction),
            introduction=introduction.pk,
            title=title,
        ),
    )


def _move(
    introduction: Introduction,
    *,
    actor: User,
    version: int,
    expected: tuple[str, ...],
    action: str,
    changes: dict[str, Any],
) -> Introduction:
    before = introduction_state(introduction)
    if introduction.stage not in expected:
        raise Refused(
            "stage",
            f"the introduction is {introduction.stage}; this needs it to be "
            f"{' or '.join(expected)}",
        )
    stage = changes.get("stage", introduction.stage)
    if stage in STAGE_DATES:
        changes.setdefault(STAGE_DATES[stage], timezone.now())
    update_if_version(
        introduction,
        version=version,
        changes={"stage_changed_at": timezone.now(), "moved_by": actor, **changes},
        conflict=lambda now: Conflict(
            f"introduction {now.pk} changed since version {version}: it is now {now.stage}",
            current=introduction_state(now),
        ),
        stage=introduction.stage,
    )
    audit_record(
        actor=actor,
        action=action,
        subject=introduction,
        before=before,
        after=introduction_state(introduction),
        brief=introduction.match.brief.external_id,
    )
    if introduction.stage in REVEALED_STAGES and introduction.stage != before["stage"]:
        # The brief's stage in the demand index (open / introduced / won) may follow;
        # moves before the introduction (invitations, declines) leave it as it was.
        briefs_stage_set(brief_stages([introduction.match.brief_id]))
    return introduction


# Each side's turn: who answers, at which stage, and where a yes leads.
OPT_IN = {
    "vendor": (Stage.AWAITING_VENDOR, Stage.AWAITING_BUYER, "accept"),
    "buyer": (Stage.AWAITING_BUYER, Stage.INTRODUCED, "confirm"),
}


def _answer(
    introduction: Introduction, *, side: str, actor: User, version: int, yes: bool
) -> Introduction:
    waiting, next_stage, verb = OPT_IN[side]
    changes: dict[str, Any] = (
        {"stage": next_stage} if yes else {"stage": Stage.DECLINED, "declined_by": side}
    )
    return _move(
        introduction,
        actor=actor,
        version=version,
        changes=changes,
        expected=(waiting,),
        action=f"introduction.{side}_{verb if yes else 'decline'}",
    )


@transaction.atomic
def introduction_vendor_answer(
    *, introduction: Introduction, actor: User, version: int, accept: bool
) -> Introduction:
    """The invited vendor accepts (the buyer is asked to confirm) or declines."""
    introduction = _answer(introduction, side="vendor", actor=actor, version=version, yes=accept)
    match = introduction.match
    if accept:
        notify(
            [*buyer_members(match), *curating_officer(match)],
            notice(
                "introduction.vendor_accepted",
                url=_page(introduction),
                introduction=introduction.pk,
                firm=match.vendor.name,
                city=match.vendor.city,
                title=match.brief.title,
            ),
            actor=actor,
        )
    else:
        requested = match.source == Match.Source.BUYER
        notify(
            [*curating_officer(match), *(buyer_members(match) if requested else [])],
            notice(
                "introduction.vendor_declined",
                url=_page(introduction),
                introduction=introduction.pk,
                firm=match.vendor.name,
                title=match.brief.title,
            ),
            actor=actor,
        )
    return introduction


@transaction.atomic
def introduction_buyer_answer(
    *, introduction: Introduction, actor: User, version: int, confirm: bool
) -> Introduction:
    """The buyer confirms (both sides now see each other) or declines."""
    introduction = _answer(introduction, side="buyer", actor=actor, version=version, yes=confirm)
    match = introduction.match
    buyer_name = match.brief.buyer.name if match.brief.buyer else "the buyer"
    if not confirm:
        notify(
            [*firm_members(match), *curating_officer(match)],
            notice(
                "introduction.buyer_declined",
                url=_page(introduction),
                introduction=introduction.pk,
                title=redact(match.brief.title, match.brief.buyer),
                firm=match.vendor.name,
            ),
            actor=actor,
        )
        return introduction
    record_label(match, Stage.INTRODUCED)
    thread = reverse("conversation", args=[introduction.pk])
    notify(
        firm_members(match),
        notice(
            "introduction.introduced_vendor",
            url=thread,
            introduction=introduction.pk,
            buyer=buyer_name,
            title=match.brief.title,
            country=_country(match.brief.buyer),
            contact=_addresses(buyer_members(match)),
        ),
    )
    notify(
        [*buyer_members(match), *curating_officer(match)],
        notice(
            "introduction.introduced_buyer",
            url=thread,
            introduction=introduction.pk,
            firm=match.vendor.name,
            title=match.brief.title,
            city=match.vendor.city,
            contact=_addresses(firm_members(match)),
        ),  # the buyer who confirmed is told too: this is where the firm's contact arrives
    )
    return introduction


@transaction.atomic
def introduction_move(
    *,
    introduction: Introduction,
    actor: User,
    version: int,
    stage: str,
    deal_value: Decimal | None = None,
    currency: str = "",
    note: str = "",
) -> Introduction:
    """An officer moves the pipeline on. ``won`` needs a deal value (any currency; its
    US-dollar value is stored at today's rate); a proposal may carry one."""
    allowed = PIPELINE.get(introduction.stage, ())
    if stage not in allowed:
        raise Refused(
            "stage",
            f"cannot move from {introduction.stage} to {stage}; allowed: "
            f"{', '.join(allowed) or 'nothing (closed or awaiting opt-in)'}",
        )
    changes: dict[str, Any] = {"stage": stage}
    if deal_value is not None:
        check_deal_amount(deal_value)
    if note:
        changes["note"] = note
    if deal_value is not None:
        if not currency:
            raise Refused("deal_value.currency", "required with an amount")
        changes.update(
            deal_value=deal_value,
            deal_currency=currency.upper(),
            deal_value_usd=deal_value_usd(deal_value, currency),
        )
    elif stage == Stage.WON and introduction.deal_value_usd is None:
        raise Refused("deal_value", "a won deal needs its value (amount and currency)")
    introduction = _move(
        introduction,
        actor=actor,
        version=version,
        changes=changes,
        expected=(introduction.stage,),
        action=f"introduction.{stage}",
    )
    match = introduction.match
    record_label(
        match, stage, value_usd=introduction.deal_value_usd if stage == Stage.WON else None
    )
    notify(
        [*firm_members(match), *buyer_members(match)],
        notice(
            "introduction.moved",
            url=_page(introduction),
            introduction=introduction.pk,
            stage=stage,
            firm=match.vendor.name,
            title=match.brief.title,
            label=Stage(stage).label.lower(),
        ),
        actor=actor,
    )
    return introduction
