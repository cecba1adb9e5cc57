"""What deals through Raabta add to a firm's public profile: its reviews and the trust
summary. A tag, so the profile page (``vendors``, below matchmaking) shows them without
importing matchmaking."""

from __future__ import annotations

from typing import Any

from django import template

from matchmaking.models import Introduction
from matchmaking.pipeline.reviews import reviews_of
from vendors.models import Vendor
from vendors.pages import rating_text
from vendors.verification import facts

register = template.Library()


@register.inclusion_tag("matchmaking/firm_trust.html")
def firm_trust(external_id: str) -> dict[str, Any]:
    """Verified facts, reviews from deals (with the firm's replies), deals won through
    Raabta, and an imported rating labelled as imported."""
    vendor = Vendor.objects.filter(external_id=external_id).first()
    if vendor is None:
        return {"vendor": None}
    return {
        "vendor": vendor,
        "verified": [fact for fact in facts(vendor) if fact.verified],
        "rating": rating_text(vendor),
        "reviews": list(reviews_of(vendor)[:20]),
        "deals_won": deals_won(external_id),
    }


@register.simple_tag
def deals_won(external_id: str) -> int:
    """Deals the firm won through introductions made here."""
    return Introduction.objects.filter(
        match__vendor__external_id=external_id, stage=Introduction.Stage.WON
    ).count()
