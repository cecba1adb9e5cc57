"""Daily limits on what one firm, buyer or person may ask of the officers and of each
other (raised hands, introduction requests, messages): counted over the last 24 hours
inside the writing transaction, refused naming the field."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from core.errors import Refused


def day_ago() -> datetime:
    """Where a day's count starts: 24 hours back, not midnight (no burst at midnight)."""
    return timezone.now() - timedelta(days=1)


def refuse_beyond(count: int, limit: int, *, field: str, what: str) -> None:
    """Refuse one more of ``what`` when ``count`` of them in the last 24 hours already
    reached ``limit``."""
    if count >= limit:
        raise Refused(field, f"at most {limit} {what} in 24 hours; try again tomorrow")
