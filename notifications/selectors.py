"""Who hears of things, and a user's own list."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Notification


# Recipients ---------------------------------------------------------------------------
def members_of(*, vendor_id: int | None = None, buyer_id: int | None = None) -> QuerySet[User]:
    """The active users who speak for a firm (``vendor_id``) or a buyer organisation."""
    if vendor_id is not None:
        return User.objects.filter(vendor_membership__vendor_id=vendor_id, is_active=True)
    if buyer_id is not None:
        return User.objects.filter(buyer_membership__buyer_id=buyer_id, is_active=True)
    return User.objects.none()


def officers() -> QuerySet[User]:
    return User.objects.filter(role__in=(User.Role.OFFICER, User.Role.ADMIN), is_active=True)


# The user's list ----------------------------------------------------------------------
def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
