"""Workspace and console pages for matchmaking: introductions (vendors and buyers),
the buyer's briefs with their ranked shortlist, and the officers' console (queue,
review with feature contributions, pipeline board, analytics dashboard).

Every view states who may open it; the services make the decisions (and audit them),
exactly as the API does."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_countries import countries
from pydantic import ValidationError

from buyers.models import Brief
from buyers.schema import BriefRecord, BuyerRecord
from buyers.selectors import brief_record, briefs_visible_to, buyer_of_member
from buyers.services import brief_save, buyer_save
from core.codes import city_time_zones, language_name
from core.errors import Conflict, Refused
from core.forms import error_field, form_number, split_list, whole_number
from core.jobs import job_kinds, job_start
from core.models import Job
from core.money import RateTable
from core.schema import field_errors, validate_record
from core.upsert import fresh_external_id
from matchmaking import analytics, curation, introductions
from matchmaking.models import Introduction, Match, RejectReason, Review, Shortlisted
from matchmaking.ranking.features import FEATURES
from matchmaking.services import match_brief
from vendors.models import EngagementModel, Vendor
from vendors.taxonomy import get_taxonomy


def officers_only(view: Any) -> Any:
    """Officers and admins; anyone else signed in gets 403, others sign in first."""

    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_officer:  # type: ignore[union-attr]
            raise PermissionDenied("Only trade officers may open the console.")
        return view(request, *args, **kwargs)  # type: ignore[no-any-return]

    return guarded


def _decided(request: HttpRequest, action: Any) -> bool:
    """Run a service call; a refusal or a conflict becomes a message, not an error page."""
    try:
        action()
    except Refused as error:
        messages.error(request, f"{error.field}: {error.message}")
    except Conflict as error:
        messages.error(
            request,
            f"Someone else got there first — {error.message}. The page shows the current state.",
        )
    else:
        return True
    return False


def _version(request: HttpRequest) -> int:
    """The version the page showed (0 if missing or garbled: the service then answers
    with a conflict and the current state)."""
    value = request.POST.get("version", "")
    return whole_number(value) or 0


# Introductions (vendors and buyers) ------------------------------------------------------
@login_required
def introductions_page(request: HttpRequest) -> HttpResponse:
    """Vendor members: their firm's introductions (buyer anonymous until both opted in);
    buyer members: their briefs' introductions; officers: all. Each answers in turn."""
    user: Any = request.user
    rows = introductions.introductions_visible_to(user).order_by("-stage_changed_at")[:200]
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
    for intro in rows:
        buyer = intro.match.brief.buyer
        revealed = intro.stage in introductions.REVEALED_STAGES or user.role != "vendor"
        turn = (user.role == "vendor" and intro.stage == Introduction.Stage.AWAITING_VENDOR) or (
            user.role == "buyer" and intro.stage == Introduction.Stage.AWAITING_BUYER
        )
        items.append(
            {
                "intro": intro,
                "buyer_name": buyer.name if buyer and revealed else None,
                "buyer_country": countries.name(str(buyer.country))
                if buyer and buyer.country
                else "",
                "turn": turn,
                "stale": introductions.is_stale(intro),
                "contacts": introductions.contact_cards(intro),
            }
        )
    return render(request, "matchmaking/introductions.html", {"items": items, "pending": pending})


@require_POST
@login_required
def introduction_respond(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    intro = get_object_or_404(introductions.introductions_visible_to(user), pk=pk)
    accept = request.POST.get("accept") == "yes"
    version = _version(request)
    if user.role == "vendor":
        done = _decided(
            request,
            lambda: introductions.introduction_vendor_answer(
                introduction=intro, actor=user, version=version, accept=accept
            ),
        )
    elif user.role == "buyer":
        done = _decided(
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


# The buyer's briefs -------------------------------------------------------------------
BRIEF_TEXT = ("title", "description", "industry", "engagement_model", "location")
BRIEF_NUMBERS = ("timeline_weeks", "min_overlap_hours", "team_size")
BRIEF_LISTS = ("services", "technologies", "required_certifications", "languages")


def brief_from_form(
    post: QueryDict, external_id: str, buyer_id: str, published: str
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "external_id": external_id,
        "buyer": {"external_id": buyer_id},
        "published_at": published,
    }
    data.update({name: post.get(name, "").strip() or None for name in BRIEF_TEXT})
    data.update({name: form_number(post.get(name, "")) for name in BRIEF_NUMBERS})
    data.update({name: split_list(post.get(name, "")) for name in BRIEF_LISTS})
    low, high = post.get("budget.min", "").strip(), post.get("budget.max", "").strip()
    if low or high:
        data["budget"] = {
            "min": low or None,
            "max": high or None,
            "currency": post.get("budget.currency", "USD"),
        }
    return {key: value for key, value in data.items() if value is not None}


def _brief_values(record: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {name: record.get(name, "") for name in (*BRIEF_TEXT, *BRIEF_NUMBERS)}
    values.update({name: ", ".join(record.get(name, [])) for name in BRIEF_LISTS})
    budget = record.get("budget") or {}
    values.update(
        {
            "budget.min": budget.get("min", ""),
            "budget.max": budget.get("max", ""),
            "budget.currency": budget.get("currency", "USD"),
        }
    )
    return values


def _buyer_only(request: HttpRequest) -> Any:
    user: Any = request.user
    if user.role != "buyer":
        raise PermissionDenied("The brief workspace is for buyer members.")
    return user


@login_required
def briefs_page(request: HttpRequest) -> HttpResponse:
    """Buyer members: their organisation's briefs, each with its shortlist and pipeline."""
    user = _buyer_only(request)
    briefs = (
        briefs_visible_to(user).order_by("-published_at", "-id")
        if buyer_of_member(user)
        else Brief.objects.none()
    )
    return render(request, "matchmaking/briefs.html", {"briefs": briefs})


@login_required
def brief_edit(request: HttpRequest, external_id: str | None = None) -> HttpResponse:
    """Buyer members: post a brief (creating their organisation the first time) or edit
    one of their own; the budget stays in their currency."""
    user = _buyer_only(request)
    organisation = buyer_of_member(user)
    brief = (
        get_object_or_404(briefs_visible_to(user), external_id=external_id) if external_id else None
    )
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        rates = RateTable.load()
        try:
            if organisation is None:
                org = {
                    "external_id": fresh_external_id("buyer"),
                    "name": request.POST.get("org.name", "").strip() or None,
                    "country": request.POST.get("org.country", "").strip() or None,
                    "timezone": request.POST.get("org.timezone", "").strip() or None,
                    "contact": {
                        key: value
                        for key in ("name", "email", "phone")
                        if (value := request.POST.get(f"org.contact.{key}", "").strip())
                    }
                    or None,
                }
                organisation_record = validate_record(
                    BuyerRecord, {k: v for k, v in org.items() if v}, rates=rates
                )
            key = brief.external_id if brief else fresh_external_id("b")
            published = (
                brief.published_at if brief and brief.published_at else timezone.localdate()
            ).isoformat()
            buyer_id = organisation.external_id if organisation else organisation_record.external_id
            record = validate_record(
                BriefRecord, brief_from_form(request.POST, key, buyer_id, published), rates=rates
            )
        except ValidationError as error:
            prefix = "org." if organisation is None and error.title == "BuyerRecord" else ""
            for path, reasons in field_errors(error).items():
                errors.setdefault(prefix + error_field(path), []).extend(reasons)
        if organisation is None and not request.POST.get("org.name", "").strip():
            errors.setdefault("org.name", []).append(
                "Name your organisation (firms see it once introduced)."
            )
        if not errors:
            with transaction.atomic():  # the organisation and its first brief, or neither
                if organisation is None:
                    buyer_save(record=organisation_record, member=user, create_only=True)
                saved = brief_save(record=record, create_only=brief is None)
            messages.success(
                request, "Brief saved. Your shortlist is below; officers are reviewing it too."
            )
            return redirect("brief-detail", saved.external_id)
        values = {key: request.POST.get(key, "") for key in request.POST}
    else:
        values = _brief_values(brief_record(brief)) if brief else {"budget.currency": "USD"}
    context = {
        "brief": brief,
        "values": values,
        "errors": errors,
        "needs_org": organisation is None,
        "currencies": sorted(RateTable.load().currencies() | {"USD"}),
        "engagements": EngagementModel.choices,
        "taxonomy": {k: get_taxonomy().labels(k) for k in ("service", "technology", "industry")},
        # Chosen by name: the browser offers these as the buyer types.
        "country_names": [str(name) for _, name in countries] if organisation is None else [],
        "zone_cities": city_time_zones() if organisation is None else [],
    }
    return render(request, "matchmaking/brief_form.html", context)


@login_required
def brief_detail(request: HttpRequest, external_id: str) -> HttpResponse:
    """The brief's buyer members (and officers): the ranked shortlist with reasons, the
    firms asked for, and the introductions' progress."""
    user: Any = request.user
    if user.role not in ("buyer",) and not user.is_officer:
        raise PermissionDenied("Only the brief's buyer and officers see its shortlist.")
    brief = get_object_or_404(briefs_visible_to(user), external_id=external_id)
    result = match_brief(brief, limit=10)
    requested = {
        m.vendor.external_id: m
        for m in Match.objects.filter(brief=brief).select_related("vendor")
        if m.source == Match.Source.BUYER or m.state == Match.State.APPROVED
    }
    intros = introductions.introductions_visible_to(user).filter(match__brief=brief)
    saved = list(Shortlisted.objects.filter(brief=brief).select_related("vendor"))
    closed = curation.requests_closed(brief) if user.role == "buyer" else {}
    return render(
        request,
        "matchmaking/brief_detail.html",
        {
            "brief": brief,
            "result": result,
            "requested": requested,
            "closed": closed,
            "introductions": intros,
            "saved": saved,
            "saved_ids": {s.vendor.external_id for s in saved},
        },
    )


def _buyer_brief_and_vendor(request: HttpRequest, external_id: str) -> tuple[Any, Brief, Vendor]:
    """For a buyer's action on one of its briefs about the firm named in the form."""
    user = _buyer_only(request)
    brief = get_object_or_404(briefs_visible_to(user), external_id=external_id)
    return user, brief, get_object_or_404(Vendor, external_id=request.POST.get("vendor", ""))


@require_POST
@login_required
def brief_shortlist(request: HttpRequest, external_id: str) -> HttpResponse:
    """The brief's buyer members keep a firm on the brief's shortlist, or take it off."""
    user, brief, vendor = _buyer_brief_and_vendor(request, external_id)
    removed, _ = Shortlisted.objects.filter(brief=brief, vendor=vendor).delete()
    if not removed:
        Shortlisted.objects.create(brief=brief, vendor=vendor, added_by=user)
    messages.success(
        request, f"{vendor.name} {'taken off' if removed else 'added to'} your shortlist."
    )
    return redirect("brief-detail", brief.external_id)


@require_POST
@login_required
def brief_request(request: HttpRequest, external_id: str) -> HttpResponse:
    """The brief's buyer members ask officers to introduce them to a firm."""
    user, brief, vendor = _buyer_brief_and_vendor(request, external_id)
    if _decided(request, lambda: curation.match_add(brief=brief, vendor=vendor, actor=user)):
        messages.success(request, f"Asked the trade officers to introduce you to {vendor.name}.")
    return redirect("brief-detail", brief.external_id)


# The officers' console ------------------------------------------------------------------
@officers_only
def console_queue(request: HttpRequest) -> HttpResponse:
    """Officers: briefs awaiting review, oldest first; filters sector, country, officer."""
    reviews = Review.objects.filter(closed_at__isnull=True).select_related(
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
    sectors = sorted(
        set(Review.objects.filter(closed_at__isnull=True).values_list("brief__industry", flat=True))
        - {""}
    )
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
            "review": Review.objects.filter(brief=brief).first(),
            "languages": [language_name(code) for code in brief.languages],
        },
    )


@require_POST
@officers_only
def console_decide(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_object_or_404(Match.objects.select_related("brief", "vendor"), pk=pk)
    version = _version(request)
    user: Any = request.user
    decision = request.POST.get("decision")
    if decision == "approve":
        done = _decided(
            request, lambda: curation.match_approve(match=match, actor=user, version=version)
        )
    elif decision == "reject":
        done = _decided(
            request,
            lambda: curation.match_reject(
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
        curation.review_take(brief=brief, actor=user)
        messages.success(request, "The brief is yours: it shows under your name in the queue.")
    elif action == "close":
        curation.review_close(brief=brief, actor=user)
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
        elif _decided(
            request,
            lambda: curation.match_add(
                brief=brief, vendor=found[0], actor=user, note=request.POST.get("note", "")
            ),
        ):
            messages.success(request, f"{found[0].name} added, pinned, awaiting your decision.")
    else:
        messages.error(request, "action: one of take, close, add")
    return redirect("console-review", brief.external_id)


PIPELINE_PAGE = 25  # cards per column and page
PIPELINE_COLUMNS = (
    "awaiting_vendor",
    "awaiting_buyer",
    "introduced",
    "meeting",
    "proposal",
    "won",
    "lost",
)


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
                "stale": introductions.is_stale(intro),
                "moves": introductions.PIPELINE.get(intro.stage, ()),
            }
            for intro in page
        ]
        columns.append((stage, Introduction.Stage(stage).label, cards, page))
    return render(
        request,
        "matchmaking/console_pipeline.html",
        {"columns": columns, "currencies": sorted(RateTable.load().currencies() | {"USD"})},
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
    if _decided(
        request,
        lambda: introductions.introduction_move(
            introduction=intro,
            actor=user,
            version=_version(request),
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


def _bars(rows: list[dict[str, Any]], label: str, value: str) -> list[dict[str, Any]]:
    """Rows with each value's share of the largest, for CSS bar charts."""
    top = max((row[value] for row in rows), default=0) or 1
    return [
        {"label": row[label], "value": row[value], "pct": round(100 * row[value] / top, 1)}
        for row in rows
    ]


@officers_only
def console_analytics(request: HttpRequest) -> HttpResponse:
    """Officers: the analytics tables as charts, each with its CSV download."""
    year = timezone.localdate().year
    by_month = analytics.value_by("month")
    context = {
        "won_by_month": _bars(by_month, "month", "won_usd"),
        "pipeline_by_month": _bars(by_month, "month", "pipeline_usd"),
        "by_sector": _bars(analytics.value_by("sector"), "sector", "won_usd"),
        "by_country": _bars(analytics.value_by("buyer_country"), "buyer_country", "won_usd"),
        "by_city": _bars(analytics.value_by("vendor_city"), "vendor_city", "won_usd"),
        "funnel": _bars(analytics.funnel(), "stage", "count"),
        "unmet": analytics.unmet_demand(since=date(year - 1, 1, 1))[:15],
        "exposure": analytics.exposure(),
        "target": analytics.target_progress(year)[0],
        "time_to_intro": analytics.time_to_introduction()[-1:],
    }
    return render(request, "matchmaking/console_analytics.html", context)


@officers_only
def console_operations(request: HttpRequest) -> HttpResponse:
    """Officers: start a long operation (import, index rebuild, training) and follow its
    progress; the page refreshes a running job's bar every second."""
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        params: dict[str, Any] = {}
        if kind == "import_vendors":
            upload = request.FILES.get("file")
            if upload is None:
                messages.error(request, "file: choose a vendors.jsonl file to import")
                return redirect("console-operations")
            if (upload.size or 0) > settings.RAABTA_IMPORT_MAX_BYTES:
                messages.error(
                    request,
                    f"file: {upload.size:,} bytes is over the import limit of "
                    f"{settings.RAABTA_IMPORT_MAX_BYTES:,} bytes",
                )
                return redirect("console-operations")
            folder = Path(settings.DATA_DIR) / "uploads"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{uuid.uuid4().hex}.jsonl"
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            params["path"] = str(target)
        try:
            job = job_start(kind=kind, actor=request.user, **params)
        except ValueError as error:
            messages.error(request, str(error))
            return redirect("console-operations")
        return redirect("console-job", job.pk)
    return render(
        request,
        "matchmaking/console_operations.html",
        {
            "kinds": job_kinds(),
            "jobs": Job.objects.select_related("started_by")[:20],
        },
    )


@officers_only
def console_job(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: one job's progress (``?format=json`` for the page's polling)."""
    job = get_object_or_404(Job, pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"status": job.status, "progress": job.progress, "message": job.message}
        )
    labels = {kind.name: kind.label for kind in job_kinds()}
    return render(
        request,
        "matchmaking/console_job.html",
        {"job": job, "label": labels.get(job.kind, job.kind)},
    )
