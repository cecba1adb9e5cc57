"""The vendor workspace: a firm's members edit its profile and portfolio (validated by
the same record model as imports and the API, errors shown next to each field) and see
how complete the profile is."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from pydantic import ValidationError

from core.forms import error_field, form_number, posted_rows, split_list
from core.money import RateTable
from core.page_actions import saved_unless_stale, version_shown
from core.schema import field_errors, validate_record
from core.upsert import fresh_external_id
from vendors.schema import PORTFOLIO_LIMIT, VendorRecord
from vendors.selectors import profile_completeness, vendor_of_member, vendor_record
from vendors.services import vendor_save
from vendors.taxonomy import get_taxonomy
from vendors.verification import REGISTRARS

TEXT = ("name", "city", "description", "website")
NUMBERS = ("founded_year", "team_size", "min_project_usd")
CONTACT = ("name", "email", "phone")
LISTS = ("services", "technologies", "industries", "certifications", "languages", "export_markets")
PORTFOLIO = (
    "title",
    "client",
    "client_country",
    "industry",
    "year",
    "value_usd",
    "description",
    "technologies",
)
EMPTY_PORTFOLIO_ROWS = 1
# Rows the form may post: the record's own limit plus the empty row(s) the page adds.
MAX_PORTFOLIO_ROWS = PORTFOLIO_LIMIT + EMPTY_PORTFOLIO_ROWS


def record_from_form(post: QueryDict, external_id: str, kept: dict[str, Any]) -> dict[str, Any]:
    """The interchange record a submitted profile form describes. Fields this form does
    not edit (rating, preferences) are kept from the stored record."""
    data: dict[str, Any] = {"external_id": external_id, "country": "PK", **kept}
    data.update({name: post.get(name, "").strip() or None for name in TEXT})
    data.update({name: form_number(post.get(name, "")) for name in NUMBERS})
    data.update({name: split_list(post.get(name, "")) for name in LISTS})
    contact = {key: post.get(f"contact.{key}", "").strip() for key in CONTACT}
    data["contact"] = {key: value for key, value in contact.items() if value} or None
    # Registration numbers the firm states: claims until an officer verifies them.
    registrations = {key: post.get(f"registrations.{key}", "").strip() for key in REGISTRARS}
    data["registrations"] = {key: value for key, value in registrations.items() if value}
    for band, (low, high) in (
        ("hourly_rate_usd", ("min", "max")),
        ("working_hours_utc", ("start", "end")),
    ):
        values = {key: form_number(post.get(f"{band}.{key}", "")) for key in (low, high)}
        data[band] = values if any(v is not None for v in values.values()) else None
    portfolio = []
    for index in range(posted_rows(post, "portfolio_rows", maximum=MAX_PORTFOLIO_ROWS)):
        item = {key: post.get(f"portfolio[{index}].{key}", "").strip() for key in PORTFOLIO}
        if not any(item.values()):
            continue  # an empty row is not an item
        item["technologies"] = split_list(item["technologies"])  # type: ignore[assignment]
        item["year"], item["value_usd"] = form_number(item["year"]), form_number(item["value_usd"])
        portfolio.append({key: value for key, value in item.items() if value not in ("", None, [])})
    data["portfolio"] = portfolio
    return {key: value for key, value in data.items() if value is not None}


def _form_values(record: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {name: record.get(name, "") for name in (*TEXT, *NUMBERS)}
    for name in LISTS:
        items = record.get(name, [])
        values[name] = ", ".join(i["name"] if isinstance(i, dict) else i for i in items)
    for band, keys in (
        ("hourly_rate_usd", ("min", "max")),
        ("working_hours_utc", ("start", "end")),
    ):
        for key in keys:
            values[f"{band}.{key}"] = (record.get(band) or {}).get(key, "")
    for key in CONTACT:
        values[f"contact.{key}"] = (record.get("contact") or {}).get(key, "")
    for key in REGISTRARS:
        values[f"registrations.{key}"] = (record.get("registrations") or {}).get(key, "")
    rows = [
        {**item, "technologies": ", ".join(item.get("technologies", []))}
        for item in record.get("portfolio", [])
    ]
    values["portfolio"] = rows + [{}] * EMPTY_PORTFOLIO_ROWS
    return values


def _posted_values(post: QueryDict) -> dict[str, Any]:
    """What the member typed, to show again beside the errors (nothing is lost)."""
    values: dict[str, Any] = {
        key: post.get(key, "") for key in post if not key.startswith("portfolio")
    }
    count = posted_rows(post, "portfolio_rows", maximum=MAX_PORTFOLIO_ROWS)
    rows = [{key: post.get(f"portfolio[{i}].{key}", "") for key in PORTFOLIO} for i in range(count)]
    values["portfolio"] = rows
    return values


@login_required
def firm_profile(request: HttpRequest) -> HttpResponse:
    """Vendor members: create (first time) or edit their own firm's profile. Officers
    and buyers are sent away; a vendor never reaches another firm's form."""
    user: Any = request.user
    if user.role != "vendor":
        messages.info(request, "The firm workspace is for members of an IT firm.")
        return redirect("home")
    vendor = vendor_of_member(user)
    stored = vendor_record(vendor) if vendor else {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        kept: dict[str, Any] = {
            key: stored[key] for key in ("rating", "preferences") if key in stored
        }
        # A new firm's id is the server's, as in the API (RecordViewSet.member_id).
        external_id = vendor.external_id if vendor else fresh_external_id("firm")
        data = record_from_form(request.POST, external_id, kept)
        try:
            record = validate_record(VendorRecord, data, rates=RateTable.load())
        except ValidationError as error:
            for path, reasons in field_errors(error).items():
                errors.setdefault(error_field(path), []).extend(reasons)
        else:
            saved = saved_unless_stale(
                request,
                lambda: vendor_save(
                    record=record,
                    member=user,
                    create_only=vendor is None,
                    by_firm=True,
                    version=version_shown(request, vendor),
                ),
                what="profile",
                shown=vendor,
            )
            if saved is not None:
                messages.success(
                    request, "Profile saved. Buyers see the changes in search within seconds."
                )
                return redirect("firm-workspace")
        values = _posted_values(request.POST)
    else:
        values = _form_values(stored)
    completeness, advice = profile_completeness(vendor) if vendor else (0.0, [])
    context = {
        "vendor": vendor,
        "version": vendor.version if vendor else None,
        "values": values,
        "errors": errors,
        "completeness": round(completeness * 100),
        "advice": advice,
        "taxonomy": {
            kind: get_taxonomy().labels(kind)
            for kind in ("service", "technology", "industry", "certification")
        },
    }
    return render(request, "vendors/workspace.html", context)
