"""Opportunities for firms (open briefs that fit them: ranked, or searched with
facets; raising a hand) and the officers' search of buyers and briefs — the pages over
``matchmaking.curation.opportunities`` and ``search.selectors.demand_search``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from buyers.models import Brief, SizeBand
from core.codes import country_name
from core.errors import Refused
from core.page_actions import officers_only
from matchmaking.curation.opportunities import (
    hands_of,
    opportunities_for,
    published_from,
    raise_hand,
)
from search.backends.base import SearchUnavailable
from search.demand import BRIEF, BUYER, OPEN_STAGES
from search.pages import facet_panels, page_number, pager, snippet
from search.query import (
    DEMAND_ALL_OF,
    DEMAND_ANY_OF,
    DEMAND_SORTS,
    DemandQuery,
)
from search.selectors import demand_search
from vendors.selectors import firm_of
from vendors.services import member_digest_set

PAGE_SIZE = 20
SORT_LABELS = {"relevance": "Best match", "newest": "Newest", "budget": "Largest budget"}
BRIEF_FACETS = {
    "industry": "Sector",
    "country": "Buyer's country",
    "budget_band": "Budget (USD)",
    "services": "Services",
    "technologies": "Technologies",
    "engagement_model": "Engagement",
    "size_band": "Buyer's size",
}
OFFICER_FACETS = {"stage": "Stage", **BRIEF_FACETS}
BUYER_FACETS = {"country": "Country", "industry": "Sector", "size_band": "Size"}
SIZE_NAMES = dict(SizeBand.choices)


def _size_name(band: str) -> str:
    return str(SIZE_NAMES.get(band, band))


FACET_NAMES: dict[str, Callable[[str], str]] = {"country": country_name, "size_band": _size_name}


def _searched(
    request: HttpRequest, kind: str, titles: dict[str, str], *, for_firms: bool
) -> dict[str, Any]:
    """A page of ``demand_search`` from the request's parameters, for the templates."""
    text = request.GET.get("q", "").strip()[:500]
    selected = {
        field: tuple(v for v in request.GET.getlist(field) if v)
        for field in (*DEMAND_ALL_OF, *DEMAND_ANY_OF)
        if field != "stage" or not for_firms
    }
    filters = {field: values for field, values in selected.items() if values}
    if for_firms:
        filters["stage"] = OPEN_STAGES
    sort = request.GET.get("sort", "relevance")
    sort = sort if sort in DEMAND_SORTS else "relevance"
    page = page_number(request, PAGE_SIZE)
    query = DemandQuery(
        kind=kind,
        text=text,
        filters=filters,
        sort=sort,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        published_from=published_from() if for_firms else None,
    )
    found = demand_search(query, for_firms=for_firms)
    applied = {field: set(values) for field, values in selected.items() if values}
    for result in found["results"]:
        result["snippet"] = snippet(result, ("description", "title"))
    return {
        "q": text,
        "sort": sort,
        "sorts": [(name, SORT_LABELS[name]) for name in DEMAND_SORTS],
        "facets": facet_panels(found["facets"], applied, titles, FACET_NAMES),
        "facets_exact": True,
        "filters_applied": sum(len(v) for v in applied.values()),
        "results": found["results"],
        "count": found["count"],
        **pager(request, found["count"], page, PAGE_SIZE),
    }


@login_required
def opportunities_page(request: HttpRequest) -> HttpResponse:
    """Members of a firm: open briefs that fit their firm, ranked with reasons; with
    words or filters, a full-text search of open briefs with facets. Others are sent
    home."""
    vendor = firm_of(request.user)
    if vendor is None:
        messages.info(request, "Opportunities are for members of a listed IT firm.")
        return redirect("home")
    searching = bool(request.GET.get("q", "").strip()) or any(
        request.GET.getlist(field) for field in BRIEF_FACETS
    )
    context: dict[str, Any] = {"vendor": vendor, "searching": searching, "facets": []}
    try:
        if searching:
            context.update(_searched(request, BRIEF, BRIEF_FACETS, for_firms=True))
        else:
            page = page_number(request, PAGE_SIZE)
            found = opportunities_for(vendor, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
            context.update(
                results=[{**r["brief"], **r} for r in found["results"]],
                count=found["count"],
                **pager(request, found["count"], page, PAGE_SIZE),
            )
    except SearchUnavailable:
        context.update(results=[], count=0, page=1, pages=1, unavailable=True)
    # The firm's raised hands, with their status: on the briefs they were raised on and
    # in a list of their own (a brief closed or no longer new still shows there).
    context["hands"] = hands_of(vendor)
    status = {hand["brief"]["external_id"]: hand["status"] for hand in context["hands"]}
    for result in context["results"]:
        result["hand"] = status.get(result.get("external_id", ""), "")
    context["digest"] = request.user.vendor_membership.opportunity_digest  # type: ignore[union-attr]
    return render(request, "matchmaking/opportunities.html", context)


@require_POST
@login_required
def digest_choice(request: HttpRequest) -> HttpResponse:
    """Members of a firm: receive (or stop) the weekly e-mail of new fitting briefs —
    each member for themselves. Others get 403."""
    if firm_of(request.user) is None:
        raise PermissionDenied("Only members of a listed IT firm receive the digest.")
    wanted = request.POST.get("digest") == "yes"
    member_digest_set(user=request.user, wanted=wanted)  # type: ignore[arg-type]
    messages.success(
        request,
        "You will get a weekly e-mail of new briefs that fit your firm."
        if wanted
        else "No more digests: you can turn them on again here.",
    )
    return redirect("opportunities")


@require_POST
@login_required
def raise_hand_page(request: HttpRequest, external_id: str) -> HttpResponse:
    """Members of a firm: raise the firm's hand on an open brief with a short pitch.
    Others get 403; an unknown brief is a 404."""
    vendor = firm_of(request.user)
    if vendor is None:
        raise PermissionDenied("Only members of a listed IT firm may raise a hand.")
    brief = get_object_or_404(Brief.objects.select_related("buyer"), external_id=external_id)
    try:
        user: Any = request.user
        raise_hand(vendor=vendor, brief=brief, actor=user, pitch=request.POST.get("pitch", ""))
    except Refused as refused:
        messages.error(request, f"{refused.field}: {refused.message}")
    else:
        messages.success(
            request,
            "Your hand is raised. A trade officer will review it; the buyer hears of it "
            "only if the officer approves.",
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = ""
    return redirect(back or "opportunities")


@officers_only
def console_demand(request: HttpRequest) -> HttpResponse:
    """Officers: search buyers or briefs with facets (country, sector, budget band,
    stage, …)."""
    kind = BUYER if request.GET.get("kind") == BUYER else BRIEF
    titles = BUYER_FACETS if kind == BUYER else OFFICER_FACETS
    context: dict[str, Any] = {"kind": kind, "facets": []}
    try:
        context.update(_searched(request, kind, titles, for_firms=False))
    except SearchUnavailable:
        context.update(results=[], count=0, page=1, pages=1, unavailable=True)
    return render(request, "matchmaking/console_demand.html", context)
