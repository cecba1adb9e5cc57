"""The user's notifications, as a page: any signed-in user, for their own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications import selectors, services

NOTIFICATIONS_PAGE = 30


@login_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    """Newest first, paged; ``?unread=1`` for the unread ones only."""
    user: Any = request.user
    rows = selectors.notifications_of(user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, NOTIFICATIONS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notifications.html",
        {"page": page, "only_unread": only_unread, "unread": selectors.unread_count(user)},
    )


@require_POST
@login_required
def notifications_mark(request: HttpRequest) -> HttpResponse:
    """Mark one (``id``) or all of the user's notifications read; ``next`` opens the
    notification's page."""
    user: Any = request.user
    one = request.POST.get("id", "")
    services.notifications_read(user=user, ids=[int(one)] if one.isdigit() else None)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts=None):  # this site's paths only
        return redirect(target)
    return redirect("notifications")
