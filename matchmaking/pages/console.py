"""The officers' console: the review queue, a brief's review (decide, take, close,
hand-add), the pipeline board and the audit log."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from buyers.models import Brief
from core.audit import AuditFilter, audit_changes
from core.languages import language_name
from core.models import AuditEntry
from core.money import RateTable
from core.page_actions import decided, officers_only, posted_version
from matchmaking.curation import decisions
from matchmaking.models import Curation, Introduction, Match, RejectReason
from matchmaking.pipeline import introductions
from matchmaking.pipeline.selectors import PIPELINE, is_stale
from matchmaking.ranking.features import FEATURES
from vendors.models import Vendor
from vendors.taxonomy import get_taxonomy


@officers_only
def console_queue(request: HttpRequest) -> HttpResponse:
    """Officers: briefs awaiting review, oldest first; filters sector, country, officer."""
    reviews = Curation.objects.filter(closed_at__isnull=True).select_related(
        "brief__buyer", "officer"
    )
    sector, country, officer = (
        request.GET.get(k, "").strip() for k in ("sector", "country", "officer")
    )
    if sector:
        reviews = reviews.filter(brief__industry=sector)
    if country:
        reviews = reviews.filter(brief__buyer__country=country.upper())
    if officer == "me":
        reviews = reviews.filter(officer_id=request.user.pk)
    elif officer == "none":
        reviews = reviews.filter(officer__isnull=True)
    waiting = Count("brief__matches", filter=Q(brief__matches__state=Match.State.SUGGESTED))
    reviews = reviews.annotate(waiting=waiting).order_by("brief__published_at", "opened_at", "id")[
        :100
    ]
    rows = [{"review": r, "waiting": r.waiting} for r in reviews]
    # Curated sectors only: a free-text industry nobody mapped to the taxonomy is not
    # a filter value (it would be one option per typo).
    waiting_sectors = set(
        Curation.objects.filter(closed_at__isnull=True).values_list("brief__industry", flat=True)
    )
    sectors = [s for s in get_taxonomy().labels("industry") if s in waiting_sectors]
    return render(
        request,
        "matchmaking/console_queue.html",
        {
            "rows": rows,
            "sector": sector,
            "country": country,
            "officer": officer,
            "sectors": sectors,
        },
    )


@officers_only
def console_review(request: HttpRequest, external_id: str) -> HttpResponse:
    """Officers: one brief's matches with their reasons and every feature's contribution;
    approve (a) or reject (r) with one key."""
    brief = get_object_or_404(Brief.objects.select_related("buyer"), external_id=external_id)
    matches = list(Match.objects.filter(brief=brief).select_related("vendor", "decided_by"))
    for match in matches:
        match.feature_rows = sorted(  # type: ignore[attr-defined]
            ((name, *match.features[name]) for name in FEATURES if name in match.features),
            key=lambda row: -abs(row[2]),
        )
    return render(
        request,
        "matchmaking/console_review.html",
        {
            "brief": brief,
            "matches": matches,
            "reasons": RejectReason.choices,
            "review": Curation.objects.filter(brief=brief).first(),
            "languages": [language_name(code) for code in brief.languages],
        },
    )


@require_POST
@officers_only
def console_decide(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_object_or_404(Match.objects.select_related("brief", "vendor"), pk=pk)
    version = posted_version(request)
    user: Any = request.user
    decision = request.POST.get("decision")
    if decision == "approve":
        done = decided(
            request, lambda: decisions.match_approve(match=match, actor=user, version=version)
        )
    elif decision == "reject":
        done = decided(
            request,
            lambda: decisions.match_reject(
                match=match,
                actor=user,
                version=version,
                reason=request.POST.get("reason", ""),
                note=request.POST.get("note", ""),
            ),
        )
    else:
        raise Http404("unknown decision")
    if done:
        messages.success(
            request,
            f"{match.vendor.name}: "
            f"{'approved, the firm is invited' if decision == 'approve' else 'rejected'}.",
        )
    return redirect("console-review", match.brief.external_id)


@require_POST
@officers_only
def console_act(request: HttpRequest, external_id: str) -> HttpResponse:
    """Officers, on a brief's review: take it (it shows as theirs in the queue), close
    the review, or hand-add a firm the ranker did not suggest (by id or exact name)."""
    brief = get_object_or_404(Brief, external_id=external_id)
    user: Any = request.user
    action = request.POST.get("action")
    if action == "take":
        decisions.review_take(brief=brief, actor=user)
        messages.success(request, "The brief is yours: it shows under your name in the queue.")
    elif action == "close":
        decisions.review_close(brief=brief, actor=user)
        messages.success(request, "Review closed.")
    elif action == "add":
        wanted = request.POST.get("vendor", "").strip()
        found = list(Vendor.objects.filter(Q(external_id=wanted) | Q(name__iexact=wanted))[:2])
        if len(found) != 1:
            messages.error(
                request,
                f"vendor: {'several firms are' if found else 'no firm is'} called "
                f"'{wanted}'; give the firm's id (pk-…)",
            )
        elif decided(
            request,
            lambda: decisions.match_add(
                brief=brief, vendor=found[0], actor=user, note=request.POST.get("note", "")
            ),
        ):
            messages.success(request, f"{found[0].name} added, pinned, awaiting your decision.")
    else:
        messages.error(request, "action: one of take, close, add")
    return redirect("console-review", brief.external_id)


PIPELINE_PAGE = 10  # cards per column and page: the closed board stays a scroll away
OPEN_COLUMNS = ("awaiting_vendor", "awaiting_buyer", "introduced", "meeting", "proposal")
CLOSED_COLUMNS = ("won", "lost")  # a board of their own, below: in view at 1280 px
PIPELINE_COLUMNS = OPEN_COLUMNS + CLOSED_COLUMNS


@officers_only
def console_pipeline(request: HttpRequest) -> HttpResponse:
    """Officers: every introduction by stage, newest first, each column paged on its own
    (``?won=2``) so closed deals never crowd out open ones; move one on (won needs a
    deal value)."""
    rows = Introduction.objects.select_related("match__brief__buyer", "match__vendor").order_by(
        "-stage_changed_at", "-id"
    )
    columns = []
    for stage in PIPELINE_COLUMNS:
        page = Paginator(rows.filter(stage=stage), PIPELINE_PAGE).get_page(request.GET.get(stage))
        cards = [
            {
                "intro": intro,
                "stale": is_stale(intro),
                "moves": PIPELINE.get(intro.stage, ()),
            }
            for intro in page
        ]
        columns.append((stage, Introduction.Stage(stage).label, cards, page))
    return render(
        request,
        "matchmaking/console_pipeline.html",
        {
            "boards": [
                ("Open", columns[: len(OPEN_COLUMNS)]),
                ("Closed", columns[len(OPEN_COLUMNS) :]),
            ],
            "currencies": sorted(RateTable.load().currencies() | {"USD"}),
        },
    )


@require_POST
@officers_only
def console_move(request: HttpRequest, pk: int) -> HttpResponse:
    intro = get_object_or_404(
        Introduction.objects.select_related("match__brief", "match__vendor"), pk=pk
    )
    amount_text = request.POST.get("amount", "").strip().replace(",", "")
    try:
        amount = Decimal(amount_text) if amount_text else None
    except InvalidOperation:
        messages.error(request, "deal_value.amount: not a number")
        return redirect("console-pipeline")
    user: Any = request.user
    stage = request.POST.get("stage", "")
    if decided(
        request,
        lambda: introductions.introduction_move(
            introduction=intro,
            actor=user,
            version=posted_version(request),
            stage=stage,
            deal_value=amount,
            currency=request.POST.get("currency", ""),
            note=request.POST.get("note", ""),
        ),
    ):
        messages.success(
            request, f"{intro.match.vendor.name} × {intro.match.brief.title}: moved to {stage}."
        )
    return redirect("console-pipeline")


AUDIT_PAGE = 50


@officers_only
def console_audit(request: HttpRequest) -> HttpResponse:
    """Officers: the audit log, newest first, filtered as the API filters it (action,
    actor, brief, subject, dates); a filter that does not parse is shown at its field."""
    entries = AuditEntry.objects.select_related("actor").order_by("-id")
    found = AuditFilter(request.GET, queryset=entries)
    rows = found.qs if found.is_valid() else entries.none()
    page = Paginator(rows, AUDIT_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matchmaking/console_audit.html",
        {
            "page": page,
            "filters": found.form,
            "query": query.urlencode(),
            "changes": {entry.pk: audit_changes(entry) for entry in page},
            "actions": AuditEntry.objects.order_by("action")
            .values_list("action", flat=True)
            .distinct(),
        },
    )
