"""Telling users: what happened that they should know of, in the app and by e-mail.

Every event the product tells people about goes through ``notify``: one in-app
``Notification`` per recipient (once per event key, so a retried task never repeats
it) and, for the recipients who have an address, one message through the once-only
e-mail queue. Both are written in the transaction that made the event, so either the
decision and its news commit together or neither does.

Who hears of what:
    requested  a buyer asked for a firm                → the officers
    invited    an officer approved a match             → the firm (and a requesting buyer)
    answered   the firm or the buyer answered          → the other side and the officer
    moved      the pipeline moved on                   → both sides
    message    a new message in a conversation         → the other participants
    matches    the ranker suggested new firms          → the brief's buyer
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from core.mail import email_queue
from notifications.models import Notification


@dataclass(frozen=True)
class Notice:
    """One thing that happened. ``key`` identifies it (per recipient); ``text`` is the
    line in the in-app list; ``subject``/``body`` the e-mail (none when ``subject`` is
    empty); ``url`` the page to open, relative to the site."""

    kind: str
    key: str
    text: str
    url: str
    subject: str = ""
    body: str = ""


def notify(
    users: Iterable[User], event: Notice, *, actor: User | None = None, email: bool = True
) -> list[User]:
    """Tell ``users`` of ``event`` (each once, ever; never the ``actor`` who caused it);
    e-mail each of those newly told who has an address (key ``{event.key}-to-{user}``),
    unless ``email`` is false. Returns the users newly told."""
    told = []
    for user in {user.pk: user for user in users}.values():
        if actor is not None and user.pk == actor.pk:
            continue
        _, created = Notification.objects.get_or_create(
            user=user,
            key=event.key,
            defaults={"kind": event.kind, "text": event.text[:300], "url": event.url},
        )
        if created:
            told.append(user)
    if email and event.subject:
        for user in told:  # one message each: nobody sees another recipient's address
            email_queue(
                key=f"{event.key}-to-{user.pk}",
                to=[user.email],  # email_queue drops an empty address
                subject=event.subject,
                body=f"{event.body}\n\n{settings.RAABTA_SITE_URL.rstrip('/')}{event.url}",
            )
    return told


def notifications_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (these ``ids``, or all); returns how many."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
