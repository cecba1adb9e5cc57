"""The officers' verification queue as a page: firms with claims waiting, each fact
with its state; verify (evidence, expiry for a certification) or revoke (a reason).
Officers only; the services decide and audit, as the API's do."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import Refused
from core.page_actions import decided, officers_only, posted_version
from vendors import verification
from vendors.selectors import vendor_list

QUEUE_PAGE = 20


def _expiry(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError as error:
        raise Refused("expires_on", "a date as YYYY-MM-DD") from error


@officers_only
def verification_queue(request: HttpRequest) -> HttpResponse:
    """Firms with claims waiting or a name that looks like another firm's, the
    longest-waiting first (``?all=1``: every firm that states something too)."""
    show_all = request.GET.get("all") == "1"
    rows = vendor_list().order_by("updated_at", "id")
    waiting = (
        ~Q(verified={}) | Q(unverified_claims__gt=0) if show_all else Q(unverified_claims__gt=0)
    )
    rows = rows.filter(waiting | verification.looks_like_another())
    page = Paginator(rows, QUEUE_PAGE).get_page(request.GET.get("page"))
    alike = verification.look_alikes(list(page))
    firms = [
        {"vendor": vendor, "facts": verification.facts(vendor), "alike": alike.get(vendor.pk)}
        for vendor in page
    ]
    return render(
        request,
        "vendors/verification_queue.html",
        {"page": page, "firms": firms, "show_all": show_all},
    )


@require_POST
@officers_only
def verification_decide(request: HttpRequest, external_id: str) -> HttpResponse:
    officer: Any = request.user
    vendor = get_object_or_404(vendor_list(), external_id=external_id)
    post = request.POST
    key, version = post.get("fact", ""), posted_version(request)
    if post.get("decision") == "revoke":
        reason = post.get("reason", "")
        if decided(
            request,
            lambda: verification.fact_revoke(
                vendor=vendor, key=key, actor=officer, version=version, reason=reason
            ),
        ):
            messages.success(request, f"{vendor.name}: verification of {key} withdrawn.")
    elif decided(
        request,
        lambda: verification.fact_verify(
            vendor=vendor,
            key=key,
            actor=officer,
            version=version,
            evidence=post.get("evidence", ""),
            expires_on=_expiry(post.get("expires_on", "")),
        ),
    ):
        messages.success(request, f"{vendor.name}: {key} verified.")
    return redirect(f"{reverse('verification-queue')}#firm-{vendor.external_id}")
