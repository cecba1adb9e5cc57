"""Opportunities: the open briefs that fit a firm, and a firm raising its hand on one.

The ranker works in the reverse direction here: stage 1 retrieves open briefs from the
demand index with the firm's offer as the query (``OpportunityQuery``), stage 2 scores
each (brief, firm) pair with the serving ranker's features computed from the firm's
side (``extraction.extract_for_firm``) and explains each with reasons told to the firm.
What a firm sees of a brief is ``buyers.selectors.brief_for_firms``: never the buyer's
name (unless it opted in) or contacts.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from buyers.models import Brief
from buyers.selectors import brief_for_firms
from core.errors import Refused
from core.limits import day_ago, refuse_beyond
from core.mail import email_queue
from core.models import AuditEntry, Email
from matchmaking.curation.decisions import match_add
from matchmaking.matching.selectors import brief_data, vendors_data
from matchmaking.matching.services import active_ranker
from matchmaking.models import Match
from matchmaking.pipeline.selectors import match_status
from matchmaking.ranking.explain import reasons
from matchmaking.ranking.extraction import extract_for_firm
from search.demand import BRIEF, OPEN_STAGES, document_id, split_id, stage_of
from search.loading import get_demand_index
from search.query import OpportunityQuery
from vendors.models import Vendor, VendorMember

CANDIDATES = 200  # open briefs retrieved per firm before ranking
PITCH_LIMIT = 1000  # characters


def published_from(today: date | None = None) -> int:
    """The first publication day (as an ordinal) of a brief that is still news to firms:
    ``RAABTA_OPPORTUNITY_DAYS`` back. Older briefs stay searchable for officers."""
    today = today or timezone.localdate()
    return (today - timedelta(days=settings.RAABTA_OPPORTUNITY_DAYS)).toordinal()


def opportunity_query(vendor: Vendor, data: Any, today: date | None = None) -> OpportunityQuery:
    """Stage 1 for a firm: its offer against recent open briefs, briefs it is already
    matched with left out — but not those it raised its own hand on, which stay with
    their status (``pipeline.selectors.match_status``)."""
    matched = (
        Match.objects.filter(vendor=vendor)
        .exclude(source=Match.Source.FIRM)
        .values_list("brief__external_id", flat=True)
    )
    return OpportunityQuery(
        published_from=published_from(today),
        text=data.profile_text[:5000],
        services=data.services,
        technologies=data.technologies,
        industries=data.industries,
        stages=OPEN_STAGES,
        exclude=tuple(document_id(BRIEF, key) for key in matched),
        limit=CANDIDATES,
    )


def opportunities_for(
    vendor: Vendor, *, offset: int = 0, limit: int = 20, today: date | None = None
) -> dict[str, Any]:
    """Open briefs that fit ``vendor``, best first, each with reasons and what it asks
    for that the firm lacks (as of ``today``)."""
    data = vendors_data([vendor.external_id]).get(vendor.external_id)
    if data is None:
        return {"count": 0, "results": []}
    found = get_demand_index().candidates(opportunity_query(vendor, data, today))
    keys = [split_id(document)[1] for document, _ in found]
    briefs = {
        brief.external_id: brief
        for brief in Brief.objects.select_related("buyer").filter(external_id__in=keys)
    }
    pairs = [
        (briefs[key], score) for key, (_, score) in zip(keys, found, strict=True) if key in briefs
    ]
    if not pairs:
        return {"count": 0, "results": []}
    briefs_data = [brief_data(brief) for brief, _ in pairs]
    features = extract_for_firm(data, briefs_data, [score for _, score in pairs])
    ranker = active_ranker().ranker
    scores = ranker.decision_function(features.matrix)
    contributions = ranker.contributions(features.matrix)
    order = sorted(range(len(pairs)), key=lambda i: (not features.meets[i], -scores[i]))
    results = []
    for i in order[offset : offset + limit]:
        detail = features.details[i]
        results.append(
            {
                "brief": brief_for_firms(pairs[i][0]),
                "reasons": reasons(briefs_data[i], contributions[i], detail, to_firm=True),
                "meets_requirements": bool(features.meets[i]),
                "missing": {
                    "certifications": detail["missing_certifications"],
                    "languages": detail["missing_languages"],
                },
            }
        )
    return {"count": len(pairs), "results": results}


def raised_hands(vendor: Vendor) -> QuerySet[Match]:
    """The firm's raised hands: its matches it asked for itself."""
    return Match.objects.filter(vendor=vendor, source=Match.Source.FIRM)


def hands_of(vendor: Vendor) -> list[dict[str, Any]]:
    """Every hand the firm raised, newest first, each with its brief as firms may read
    it and its status — also once the brief is no longer open or new."""
    raised = (
        raised_hands(vendor)
        .select_related("brief__buyer", "introduction")
        .order_by("-created_at", "-id")
    )
    return [
        {
            "brief": brief_for_firms(match.brief),
            "status": match_status(match, reader="firm"),
            "at": match.created_at,
        }
        for match in raised
    ]


def hands_raised_today(vendor: Vendor) -> int:
    """Hands the firm's members raised in the last 24 hours, from the audit log (a hand
    raised on a brief the ranker had already suggested the firm for reuses that match,
    so matches alone would not count it)."""
    raised = AuditEntry.objects.filter(
        action="match.request", actor__vendor_membership__vendor=vendor, at__gte=day_ago()
    )
    return raised.count()


@transaction.atomic
def raise_hand(*, vendor: Vendor, brief: Brief, actor: User, pitch: str) -> Match:
    """The firm asks to be introduced to an open brief's buyer: a firm-requested match
    in the officers' queue (the buyer hears of it only once an officer approves it and
    the introduction starts). Audited; at most ``RAABTA_HANDS_PER_DAY`` per firm in any
    24 hours. A brief that is not open is ``Http404``, as an unknown one is."""
    if stage_of(brief) not in OPEN_STAGES:
        # As for an unknown brief (before anything else is checked): a firm must not
        # learn that a hidden brief exists.
        raise Http404
    pitch = pitch.strip()
    if not pitch:
        raise Refused("pitch", "say in a sentence or two why your firm fits this brief")
    if len(pitch) > PITCH_LIMIT:
        raise Refused("pitch", f"at most {PITCH_LIMIT:,} characters")
    Vendor.objects.select_for_update().filter(pk=vendor.pk).first()  # one count at a time
    if raised_hands(vendor).filter(brief=brief).exists():
        raise Refused("brief", "your firm has already raised its hand on this brief")
    refuse_beyond(
        hands_raised_today(vendor),
        settings.RAABTA_HANDS_PER_DAY,
        field="brief",
        what="raised hands per firm",
    )
    return match_add(brief=brief, vendor=vendor, actor=actor, note=pitch)


# The weekly digest ---------------------------------------------------------------------
DIGEST_BRIEFS = 8  # at most, per e-mail
DIGEST_DAYS = 7  # briefs published within this many days are "new"


def digest_key(vendor: Vendor, user: User, day: date) -> str:
    """One digest per firm, member and ISO week: the e-mail queue keeps keys once, so a
    job run twice in a week (or retried) sends nothing twice."""
    year, week, _ = day.isocalendar()
    return f"digest-{vendor.external_id}-{year}-w{week:02d}-to-{user.pk}"


def digest_for(vendor: Vendor, day: date) -> list[dict[str, Any]]:
    """The firm's best-fitting open briefs published in the last ``DIGEST_DAYS``, but
    not those it raised its hand on already."""
    since = day - timedelta(days=DIGEST_DAYS)
    found = opportunities_for(vendor, limit=CANDIDATES, today=day)["results"]
    raised = set(raised_hands(vendor).values_list("brief__external_id", flat=True))
    fresh = [
        result
        for result in found
        if result["brief"].get("published_at")
        and result["brief"]["published_at"] > since.isoformat()
        and result["brief"]["external_id"] not in raised
    ]
    return fresh[:DIGEST_BRIEFS]


def _digest_body(vendor: Vendor, results: list[dict[str, Any]]) -> str:
    lines = [f"New open briefs that fit {vendor.name} this week:", ""]
    for result in results:
        brief = result["brief"]
        buyer = brief.get("buyer", {})
        who = " · ".join(
            part for part in (buyer.get("name"), buyer.get("sector"), buyer.get("country")) if part
        )
        lines.append(f"- {brief['title']}" + (f" ({who})" if who else ""))
        if result["reasons"]:
            lines.append(f"  Why: {result['reasons'][0]['text']}")
    url = settings.RAABTA_SITE_URL.rstrip("/") + reverse("opportunities")
    lines += [
        "",
        f"See them and raise your hand: {url}",
        "You get this e-mail at most once a week; turn it off on that page.",
    ]
    return "\n".join(lines)


def send_digests(day: date | None = None) -> int:
    """The weekly job: e-mail each firm member who has not opted out the new open
    briefs that fit the firm (none when nothing new fits). Returns the e-mails queued."""
    day = day or timezone.localdate()
    members = VendorMember.objects.filter(opportunity_digest=True).exclude(user__email="")
    by_firm: dict[int, list[VendorMember]] = {}
    for member in members.select_related("user", "vendor").order_by("vendor_id", "id"):
        by_firm.setdefault(member.vendor_id, []).append(member)
    queued = 0
    for firm_members in by_firm.values():
        vendor = firm_members[0].vendor
        sent = set(
            Email.objects.filter(
                key__in=[digest_key(vendor, m.user, day) for m in firm_members]
            ).values_list("key", flat=True)
        )
        due = [m for m in firm_members if digest_key(vendor, m.user, day) not in sent]
        if vendor.archived_at is not None or not due:
            continue  # gone, or this week's went already
        fresh = digest_for(vendor, day)
        if not fresh:
            continue
        subject = (
            f"Raabta: {len(fresh)} new brief{'s' if len(fresh) != 1 else ''} for {vendor.name}"
        )
        body = _digest_body(vendor, fresh)
        for member in due:
            with transaction.atomic():
                email_queue(
                    key=digest_key(vendor, member.user, day),
                    to=[member.user.email],
                    subject=subject,
                    body=body,
                )
            queued += 1
    return queued
