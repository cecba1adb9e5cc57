"""Introductions for the vendor and the buyer (and officers), newest first and paged:
answering in turn, the contact cards once both opted in, each conversation's unread
count."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_countries import countries

from buyers.selectors import briefs_visible_to
from core.forms import whole_number
from core.page_actions import decided, posted_version
from matchmaking.models import DealReview, Introduction, Match
from matchmaking.pipeline import introductions, reviews
from matchmaking.pipeline.conversations import with_unread
from matchmaking.pipeline.selectors import (
    brief_text_for,
    buyer_revealed_to,
    contact_cards,
    introductions_visible_to,
    is_stale,
)

INTRODUCTIONS_PAGE = 25


@login_required
def introductions_page(request: HttpRequest) -> HttpResponse:
    """Vendor members: their firm's introductions (buyer anonymous until both opted in);
    buyer members: their briefs' introductions; officers: all. Each answers in turn."""
    user: Any = request.user
    rows = (
        with_unread(introductions_visible_to(user), user)
        .select_related("review")
        .order_by("-stage_changed_at", "-id")
    )
    page = Paginator(rows, INTRODUCTIONS_PAGE).get_page(request.GET.get("page"))
    # A buyer's requests the officers have not decided yet: no introduction exists, but
    # the buyer asked and should see that it is on its way.
    pending = (
        Match.objects.filter(
            brief__in=briefs_visible_to(user),
            source=Match.Source.BUYER,
            state=Match.State.SUGGESTED,
        )
        .select_related("brief", "vendor")
        .order_by("-created_at")[:200]
        if user.role == "buyer"
        else []
    )
    items = []
    for intro in page:
        buyer = intro.match.brief.buyer
        revealed = buyer_revealed_to(intro, user)
        title, description = brief_text_for(intro, user)
        turn = (user.role == "vendor" and intro.stage == Introduction.Stage.AWAITING_VENDOR) or (
            user.role == "buyer" and intro.stage == Introduction.Stage.AWAITING_BUYER
        )
        items.append(
            {
                "intro": intro,
                "brief_title": title,
                "brief_description": description,
                "buyer_name": buyer.name if buyer and revealed else None,
                "buyer_country": countries.name(str(buyer.country))
                if buyer and buyer.country
                else "",
                "turn": turn,
                "stale": is_stale(intro),
                "contacts": contact_cards(intro),
                "review": getattr(intro, "review", None),
                "reviewable": user.role == "buyer" and intro.stage in reviews.REVIEWABLE,
            }
        )
    return render(
        request,
        "matchmaking/introductions.html",
        {
            "items": items,
            "pending": pending,
            "page": page,
            "review_scores": [
                ("quality", "Quality"),
                ("communication", "Communication"),
                ("delivery", "Delivery"),
            ],
        },
    )


@require_POST
@login_required
def introduction_respond(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    intro = get_object_or_404(introductions_visible_to(user), pk=pk)
    accept = request.POST.get("accept") == "yes"
    version = posted_version(request)
    if user.role == "vendor":
        done = decided(
            request,
            lambda: introductions.introduction_vendor_answer(
                introduction=intro, actor=user, version=version, accept=accept
            ),
        )
    elif user.role == "buyer":
        done = decided(
            request,
            lambda: introductions.introduction_buyer_answer(
                introduction=intro, actor=user, version=version, confirm=accept
            ),
        )
    else:
        raise PermissionDenied("Only the vendor and the buyer answer an introduction.")
    if done:
        messages.success(request, "Thank you — your answer is recorded." if accept else "Declined.")
    return redirect("introductions")


@require_POST
@login_required
def introduction_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The brief's buyer reviews the firm of a won or lost deal; the firm replies."""
    user: Any = request.user
    intro = get_object_or_404(introductions_visible_to(user), pk=pk)
    text = request.POST.get("text", "")
    if user.role == "buyer":
        scores = {name: whole_number(request.POST.get(name, "")) for name in reviews.SCORES}
        if decided(
            request,
            lambda: reviews.review_post(introduction=intro, author=user, text=text, **scores),
        ):
            messages.success(request, "Thank you — your review is on the firm's profile.")
    elif user.role == "vendor":
        review = get_object_or_404(DealReview, introduction=intro)
        if decided(request, lambda: reviews.review_reply(review=review, author=user, text=text)):
            messages.success(request, "Your reply is shown with the review.")
    else:
        raise PermissionDenied("Only the buyer reviews, and only the firm replies.")
    return redirect(f"{reverse('introductions')}#intro-{intro.pk}")
