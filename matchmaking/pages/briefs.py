"""The buyer's briefs: the form, the ranked shortlist, shortlisting and asking for an
introduction."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_countries import countries
from pydantic import ValidationError

from buyers.models import Brief, SizeBand
from buyers.schema import BriefRecord, BuyerRecord
from buyers.selectors import brief_record, briefs_visible_to, buyer_of_member
from buyers.services import brief_save, buyer_save, buyers_upsert
from core.codes import city_time_zones
from core.forms import error_field, form_number, split_list
from core.money import RateTable
from core.page_actions import decided, saved_unless_stale, version_shown
from core.schema import field_errors, validate_record
from core.upsert import fresh_external_id
from matchmaking.curation import decisions
from matchmaking.matching.services import match_brief
from matchmaking.models import Match, Shortlisted
from matchmaking.pipeline.selectors import introductions_visible_to, match_status
from vendors.models import EngagementModel, Vendor
from vendors.taxonomy import get_taxonomy

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
    organisation = buyer_of_member(user)
    briefs = (
        briefs_visible_to(user).order_by("-published_at", "-id")
        if organisation
        else Brief.objects.none()
    )
    return render(
        request,
        "matchmaking/briefs.html",
        {"briefs": briefs, "organisation": organisation, "size_bands": SizeBand.choices},
    )


@require_POST
@login_required
def buyer_visibility(request: HttpRequest) -> HttpResponse:
    """Buyer members: what firms may know of their organisation on its open briefs —
    its size band, and whether it is named. Others get 403."""
    user = _buyer_only(request)
    organisation = buyer_of_member(user)
    if organisation is None:
        raise PermissionDenied("Post a brief first: it creates your organisation.")
    try:
        record = validate_record(
            BuyerRecord,
            {
                "external_id": organisation.external_id,
                "size_band": request.POST.get("size_band") or None,
                "named_to_firms": request.POST.get("named_to_firms") == "yes",
            },
            rates=RateTable.load(),
        )
    except ValidationError as error:
        for path, reasons in field_errors(error).items():
            messages.error(request, f"{error_field(path)}: {'; '.join(reasons)}")
    else:
        buyers_upsert([record], merge=True)
        messages.success(request, "Saved: firms see your open briefs this way from now on.")
    return redirect("briefs")


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
                    "size_band": request.POST.get("org.size_band", "").strip() or None,
                    "named_to_firms": request.POST.get("org.named_to_firms") == "yes" or None,
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

            def save() -> Any:
                with transaction.atomic():  # the organisation and its first brief, or neither
                    if organisation is None:
                        buyer_save(record=organisation_record, member=user, create_only=True)
                    return brief_save(
                        record=record,
                        create_only=brief is None,
                        version=version_shown(request, brief),
                    )

            saved = saved_unless_stale(request, save, what="brief", shown=brief)
            if saved is not None:
                messages.success(
                    request, "Brief saved. Your shortlist is below; officers are reviewing it too."
                )
                return redirect("brief-detail", saved.external_id)
        values = {key: request.POST.get(key, "") for key in request.POST}
    else:
        values = _brief_values(brief_record(brief)) if brief else {"budget.currency": "USD"}
    context = {
        "brief": brief,
        "version": brief.version if brief else None,
        "values": values,
        "errors": errors,
        "needs_org": organisation is None,
        "currencies": sorted(RateTable.load().currencies() | {"USD"}),
        "engagements": EngagementModel.choices,
        "taxonomy": {k: get_taxonomy().labels(k) for k in ("service", "technology", "industry")},
        # Chosen by name: the browser offers these as the buyer types.
        "country_names": [str(name) for _, name in countries] if organisation is None else [],
        "zone_cities": city_time_zones() if organisation is None else [],
        "size_bands": SizeBand.choices,
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
    # Firms the buyer asked for, or the officers proposed: where each stands.
    requested = {
        m.vendor.external_id: match_status(m, reader="buyer")
        for m in Match.objects.filter(brief=brief).select_related("vendor", "introduction")
        if m.source == Match.Source.BUYER or m.state == Match.State.APPROVED
    }
    intros = introductions_visible_to(user).filter(match__brief=brief)
    saved = list(Shortlisted.objects.filter(brief=brief).select_related("vendor"))
    closed = decisions.requests_closed(brief) if user.role == "buyer" else {}
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
    if decided(request, lambda: decisions.match_add(brief=brief, vendor=vendor, actor=user)):
        messages.success(request, f"Asked the trade officers to introduce you to {vendor.name}.")
    return redirect("brief-detail", brief.external_id)
