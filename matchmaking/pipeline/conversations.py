"""Conversations: one thread per introduction, once both sides opted in.

The firm's members, the buyer's members and the trade officers read and post; nobody
else sees a thread (``introductions_visible_to`` decides, as for the introduction).
Each user has a read mark (the last message id they saw). A new message notifies the
other participants once per unread run — the first message after their read mark — and
e-mails each of them at most once per ``RAABTA_MESSAGE_QUIET_MINUTES``, through the
once-only e-mail queue.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.errors import Refused
from core.limits import day_ago, refuse_beyond
from core.models import Email
from matchmaking.models import Introduction, Message, ThreadRead
from matchmaking.pipeline.recipients import buyer_members, curating_officer, firm_members
from matchmaking.pipeline.selectors import REVEALED_STAGES
from notifications.catalogue import notice
from notifications.models import Notification
from notifications.services import notify

MAX_BODY = 5000


def conversation_refusal(introduction: Introduction) -> str:
    """Why nobody may post yet (empty when the conversation is open)."""
    if introduction.stage in REVEALED_STAGES:
        return ""
    return "the conversation opens once the firm has accepted and the buyer has confirmed"


def participants(introduction: Introduction) -> list[User]:
    """Who hears of new messages: both sides' members, the officer who approved the
    match and any officer who has posted."""
    match = introduction.match
    posting_officers = User.objects.filter(
        pk__in=introduction.messages.values("author"),
        role__in=(User.Role.OFFICER, User.Role.ADMIN),
    )
    return [
        *firm_members(match),
        *buyer_members(match),
        *curating_officer(match),
        *posting_officers,
    ]


def author_label(message: Message) -> str:
    """Who wrote it, as the other side should read it: the person and their side."""
    author = message.author
    match = message.introduction.match
    name = author.get_full_name() or author.username
    if author.is_officer:
        return f"{name} (trade officer)"
    if author.role == User.Role.VENDOR:
        return f"{name} ({match.vendor.name})"
    buyer = match.brief.buyer
    return f"{name} ({buyer.name})" if buyer else name


def messages_of(introduction: Introduction) -> QuerySet[Message]:
    return introduction.messages.select_related(
        "author", "introduction__match__vendor", "introduction__match__brief__buyer"
    ).order_by("id")


@transaction.atomic
def message_post(*, introduction: Introduction, author: User, body: str) -> Message:
    """Post ``body`` to the introduction's conversation and tell the others."""
    body = body.strip()
    if not body:
        raise Refused("body", "write a message first")
    if len(body) > MAX_BODY:
        raise Refused("body", f"at most {MAX_BODY:,} characters (this one has {len(body):,})")
    if why := conversation_refusal(introduction):
        raise Refused("stage", why)
    User.objects.select_for_update().filter(pk=author.pk).first()  # one count at a time
    refuse_beyond(
        Message.objects.filter(author=author, created_at__gte=day_ago()).count(),
        settings.RAABTA_MESSAGES_PER_DAY,
        field="body",
        what="messages per person",
    )
    message = Message.objects.create(introduction=introduction, author=author, body=body)
    thread_read(introduction=introduction, user=author, up_to=message.pk)
    for user in participants(introduction):
        if user.pk != author.pk:
            _tell(user, message)
    return message


def _tell(user: User, message: Message) -> None:
    introduction = message.introduction
    mark = _read_mark(introduction, user)
    thread = f"thread-{introduction.pk}-user-{user.pk}-"
    quiet = timezone.now() - timedelta(minutes=settings.RAABTA_MESSAGE_QUIET_MINUTES)
    emailed_lately = Email.objects.filter(key__startswith=thread, created_at__gte=quiet).exists()
    notify(
        [user],
        notice(
            "message.new",
            url=reverse("conversation", args=[introduction.pk]),
            thread=thread,
            mark=mark,
            author=author_label(message),
            title=introduction.match.brief.title,
            message=message.body[:1000],
        ),
        email=not emailed_lately,
    )


def _read_mark(introduction: Introduction, user: User) -> int:
    mark = ThreadRead.objects.filter(introduction=introduction, user=user).values("last_read")
    return int(mark[0]["last_read"]) if mark else 0


def thread_read(*, introduction: Introduction, user: User, up_to: int | None = None) -> int:
    """Move the user's read mark to ``up_to`` (default: the newest message; never back)
    and mark their notifications of this thread read. Returns the mark."""
    newest = up_to or introduction.messages.order_by("-id").values_list("id", flat=True).first()
    if newest is None:
        return 0
    mark, _ = ThreadRead.objects.get_or_create(introduction=introduction, user=user)
    ThreadRead.objects.filter(pk=mark.pk, last_read__lt=newest).update(last_read=newest)
    Notification.objects.filter(
        user=user, key__startswith=f"thread-{introduction.pk}-user-{user.pk}-", read_at=None
    ).update(read_at=timezone.now())
    return max(mark.last_read, newest)


def with_unread(introductions: QuerySet[Introduction], user: User) -> QuerySet[Introduction]:
    """``introductions`` annotated with ``unread_messages``: messages by others after
    the user's read mark."""
    mark = ThreadRead.objects.filter(introduction=OuterRef(OuterRef("pk")), user=user)
    unread = (
        Message.objects.filter(introduction=OuterRef("pk"))
        .exclude(author=user)
        .filter(id__gt=Coalesce(Subquery(mark.values("last_read")[:1]), 0))
        .values("introduction")
        .annotate(count=Count("id"))
        .values("count")
    )
    return introductions.annotate(unread_messages=Coalesce(Subquery(unread), 0))
