"""Public pages of the vendor directory: a firm's profile, and firms side by side."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.codes import country_name
from core.languages import language_name
from vendors.insights import count_seen
from vendors.models import FirmStat, Vendor
from vendors.selectors import vendor_record
from vendors.verification import facts

MAX_COMPARED = 4


def rating_text(vendor: Vendor) -> str:
    """The firm's rating as a buyer should read it: from reviews of deals through
    Raabta when there are any, else an imported one, said to be imported."""
    if vendor.review_count and vendor.review_average is not None:
        reviews = "review" if vendor.review_count == 1 else "reviews"
        return (
            f"{vendor.review_average:.1f} / 5 from {vendor.review_count:,} {reviews} "
            "of deals introduced through Raabta"
        )
    if vendor.rating_average is not None:
        return (
            f"{vendor.rating_average:.1f} / 5 (imported: {vendor.rating_count or 0:,} reviews "
            "elsewhere, not checked by Raabta)"
        )
    return "no reviews yet"


def _profile(vendor: Vendor) -> dict[str, Any]:
    record = vendor_record(vendor, public=True)
    stated = facts(vendor)
    services = [s if isinstance(s, dict) else {"name": s} for s in record.get("services", [])]
    return {
        **record,
        "services": services,
        # Badges only for what an officer verified; what the firm states alone is
        # shown as a claim.
        "verified": [fact.label for fact in stated if fact.verified],
        "claims": [fact.label for fact in stated if not fact.verified],
        "rating_text": rating_text(vendor),
        "market_names": [country_name(code) for code in record.get("export_markets", [])],
        "language_names": [language_name(code) for code in record.get("languages", [])],
        "hours": record.get("working_hours_utc"),
    }


def vendor_profile(request: HttpRequest, external_id: str) -> HttpResponse:
    """Anyone: a firm's public profile (counted as a view, and as a click when it came
    from search, unless it is the firm's own member or a bot)."""
    vendor = Vendor.objects.filter(external_id=external_id).first()
    if vendor is None:
        raise Http404("No such firm")
    user: Any = request.user
    own = user.is_authenticated and vendor.members.filter(user=user).exists()
    if not own:  # a firm looking at itself is not interest
        count_seen(request, FirmStat.Kind.PROFILE_VIEW, [vendor.external_id])
        if request.GET.get("from") == "search":
            count_seen(request, FirmStat.Kind.SEARCH_CLICK, [vendor.external_id])
    return render(request, "vendors/profile.html", {"vendor": _profile(vendor)})


ROWS = (
    ("City", lambda v: v.get("city", "")),
    ("Team", lambda v: f"{v['team_size']} people" if v.get("team_size") else "—"),
    ("Active since", lambda v: v.get("founded_year", "—")),
    (
        "Hourly rate",
        lambda v: (
            f"US${v['hourly_rate_usd']['min']}–{v['hourly_rate_usd'].get('max', '')}"
            if v.get("hourly_rate_usd")
            else "—"
        ),
    ),
    (
        "Minimum project",
        lambda v: f"US${v['min_project_usd']:,}" if v.get("min_project_usd") else "—",
    ),
    ("Services", lambda v: ", ".join(s["name"] for s in v.get("services", [])) or "—"),
    ("Technologies", lambda v: ", ".join(v.get("technologies", [])) or "—"),
    ("Industries", lambda v: ", ".join(v.get("industries", [])) or "—"),
    ("Certifications", lambda v: ", ".join(v.get("certifications", [])) or "—"),
    ("Clients in", lambda v: ", ".join(v["market_names"]) or "—"),
    ("Languages", lambda v: ", ".join(v["language_names"]) or "—"),
    (
        "Working hours (UTC)",
        lambda v: (
            f"{v['hours']['start']:02d}:00–{v['hours']['end']:02d}:00" if v.get("hours") else "—"
        ),
    ),
    ("Rating", lambda v: v["rating_text"]),
    ("Verified by Raabta", lambda v: ", ".join(v["verified"]) or "—"),
    ("Claimed, not verified", lambda v: ", ".join(v["claims"]) or "—"),
    ("Portfolio", lambda v: f"{len(v.get('portfolio', []))} projects"),
)


def compare(request: HttpRequest) -> HttpResponse:
    """Anyone: up to four firms side by side (``?v=ID&v=ID``)."""
    wanted = list(dict.fromkeys(request.GET.getlist("v")))
    if len(wanted) > MAX_COMPARED:
        messages.info(
            request,
            f"Showing the first {MAX_COMPARED} firms; compare at most {MAX_COMPARED} at a time.",
        )
        wanted = wanted[:MAX_COMPARED]
    found = {v.external_id: v for v in Vendor.objects.filter(external_id__in=wanted)}
    profiles = [_profile(found[key]) for key in wanted if key in found]
    rows = [(label, [value(p) for p in profiles]) for label, value in ROWS]
    return render(request, "vendors/compare.html", {"vendors": profiles, "rows": rows})
