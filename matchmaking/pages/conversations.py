"""An introduction's conversation, as a page: open to whoever may see the introduction
(its firm's members, its buyer's members, officers; anyone else gets 404); opening it
marks it read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.page_actions import decided
from matchmaking.pipeline import conversations
from matchmaking.pipeline.selectors import introductions_visible_to

MESSAGES_PAGE = 50


@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """Read (the newest page unless ``?page=`` says otherwise) and post."""
    user: Any = request.user
    intro = get_object_or_404(introductions_visible_to(user), pk=pk)
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
