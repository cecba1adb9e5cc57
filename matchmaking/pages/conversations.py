"""An introduction's conversation and the user's notifications, as pages.

The conversation page is open to whoever may see the introduction (its firm's members,
its buyer's members, officers; anyone else gets 404) and marks it read on opening; the
notifications page to any signed-in user, for their own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.page_actions import decided
from matchmaking import conversations, introductions, notifications

MESSAGES_PAGE = 50
NOTIFICATIONS_PAGE = 30


@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """Read (the newest page unless ``?page=`` says otherwise) and post."""
    user: Any = request.user
    intro = get_object_or_404(introductions.introductions_visible_to(user), pk=pk)
    if request.method == "POST":
        body = request.POST.get("body", "")
        posted = decided(
            request,
            lambda: conversations.message_post(introduction=intro, author=user, body=body),
        )
        if posted:
            return redirect(f"{reverse('conversation', args=[pk])}#newest")
    paginator = Paginator(conversations.messages_of(intro), MESSAGES_PAGE)
    page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
    conversations.thread_read(introduction=intro, user=user)
    match = intro.match
    return render(
        request,
        "matchmaking/conversation.html",
        {
            "intro": intro,
            "match": match,
            "page": page,
            "labels": {m.pk: conversations.author_label(m) for m in page},
            "closed": conversations.conversation_refusal(intro),
            "draft": request.POST.get("body", "") if request.method == "POST" else "",
            "max_body": conversations.MAX_BODY,
            "quiet_minutes": settings.RAABTA_MESSAGE_QUIET_MINUTES,
        },
    )


@login_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    """Newest first, paged; ``?unread=1`` for the unread ones only."""
    user: Any = request.user
    rows = notifications.notifications_of(user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, NOTIFICATIONS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "matchmaking/notifications.html",
        {"page": page, "only_unread": only_unread, "unread": notifications.unread_count(user)},
    )


@require_POST
@login_required
def notifications_mark(request: HttpRequest) -> HttpResponse:
    """Mark one (``id``) or all of the user's notifications read; ``next`` opens the
    notification's page."""
    user: Any = request.user
    one = request.POST.get("id", "")
    notifications.notifications_read(user=user, ids=[int(one)] if one.isdigit() else None)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts=None):  # this site's paths only
        return redirect(target)
    return redirect("notifications")
