"""Opportunities: the open briefs that fit a firm, and a firm raising its hand on one.

The ranker works in the reverse direction here: stage 1 retrieves open briefs from the
demand index with the firm's offer as the query (``OpportunityQuery``), stage 2 scores
each (brief, firm) pair with the serving ranker's features computed from the firm's
side (``features.extract_for_firm``) and explains each with reasons told to the firm.
What a firm sees of a brief is ``buyers.selectors.brief_for_firms``: never the buyer's
name (unless it opted in) or contacts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from buyers.models import Brief
from buyers.selectors import brief_for_firms
from core.errors import Refused
from matchmaking.curation import match_add
from matchmaking.models import Match
from matchmaking.ranking.explain import reasons
from matchmaking.ranking.features import extract_for_firm
from matchmaking.selectors import brief_data, vendors_data
from matchmaking.services import active_ranker
from search.demand import BRIEF, OPEN_STAGES, document_id, split_id, stage_of, with_stage
from search.loading import get_demand_index
from search.query import OpportunityQuery
from vendors.models import Vendor

CANDIDATES = 200  # open briefs retrieved per firm before ranking
PITCH_LIMIT = 1000  # characters


def opportunity_query(vendor: Vendor, data: Any) -> OpportunityQuery:
    """Stage 1 for a firm: its offer against open briefs, briefs it is already matched
    with left out."""
    matched = Match.objects.filter(vendor=vendor).values_list("brief__external_id", flat=True)
    return OpportunityQuery(
        text=data.profile_text[:5000],
        services=data.services,
        technologies=data.technologies,
        industries=data.industries,
        stages=OPEN_STAGES,
        exclude=tuple(document_id(BRIEF, key) for key in matched),
        limit=CANDIDATES,
    )


def opportunities_for(vendor: Vendor, *, offset: int = 0, limit: int = 20) -> dict[str, Any]:
    """Open briefs that fit ``vendor``, best first, each with reasons and what it asks
    for that the firm lacks."""
    data = vendors_data([vendor.external_id]).get(vendor.external_id)
    if data is None:
        return {"count": 0, "results": []}
    found = get_demand_index().candidates(opportunity_query(vendor, data))
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


def hands_raised_today(vendor: Vendor) -> int:
    since = timezone.now() - timedelta(days=1)
    return Match.objects.filter(
        vendor=vendor, source=Match.Source.FIRM, created_at__gte=since
    ).count()


@transaction.atomic
def raise_hand(*, vendor: Vendor, brief: Brief, actor: User, pitch: str) -> Match:
    """The firm asks to be introduced to an open brief's buyer: a firm-requested match
    in the officers' queue (the buyer hears of it only once an officer approves it and
    the introduction starts). Audited; at most ``RAABTA_HANDS_PER_DAY`` per firm in any
    24 hours."""
    pitch = pitch.strip()
    if not pitch:
        raise Refused("pitch", "say in a sentence or two why your firm fits this brief")
    if len(pitch) > PITCH_LIMIT:
        raise Refused("pitch", f"at most {PITCH_LIMIT:,} characters")
    if stage_of(with_stage(Brief.objects.filter(pk=brief.pk)).get()) not in OPEN_STAGES:
        raise Refused("brief", "this brief is no longer open")
    Vendor.objects.select_for_update().filter(pk=vendor.pk).first()  # one count at a time
    if Match.objects.filter(brief=brief, vendor=vendor, source=Match.Source.FIRM).exists():
        raise Refused("brief", "your firm has already raised its hand on this brief")
    if hands_raised_today(vendor) >= settings.RAABTA_HANDS_PER_DAY:
        raise Refused(
            "brief",
            f"a firm may raise its hand on {settings.RAABTA_HANDS_PER_DAY} briefs a day; "
            "try again tomorrow",
        )
    return match_add(brief=brief, vendor=vendor, actor=actor, note=pitch)
