"""Who hears of what happens to a match: its firm's members, its buyer's members, the
officer following it. Telling them is ``notifications.services.notify``."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from matchmaking.models import Match
from notifications.selectors import members_of


def firm_members(match: Match) -> QuerySet[User]:
    return members_of(vendor_id=match.vendor_id)


def buyer_members(match: Match) -> QuerySet[User]:
    # an imported brief without an organisation has none
    return members_of(buyer_id=match.brief.buyer_id)


def curating_officer(match: Match) -> list[User]:
    """The officer who approved the match (the one following it), if any."""
    return [match.decided_by] if match.decided_by and match.decided_by.is_active else []
