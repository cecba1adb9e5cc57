"""The public vendor directory page: full-text search with facets, filters,
autocomplete and highlighted snippets (the same selectors as the search API)."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.codes import country_name
from core.languages import language_name
from search.query import ALL_OF, ANY_OF, MAX_RESULT_WINDOW, SORTS
from search.selectors import build_query, vendor_search
from vendors.insights import count_seen
from vendors.models import FirmStat, Vendor
from vendors.verification import verified_certifications

PAGE_SIZE = 20
SORT_LABELS = {
    "relevance": "Best match",
    "name": "Name",
    "team_size": "Smallest team",
    "-team_size": "Largest team",
    "rate": "Lowest rate",
    "-rating": "Best rated",
}
# Facets shown on the page, in order, with their headings.
FACET_TITLES = {
    "services": "Services",
    "technologies": "Technologies",
    "industries": "Industries",
    "certifications": "Certifications",
    "city": "City",
    "team_band": "Team size",
    "rate_band": "Hourly rate (USD)",
    "export_markets": "Has clients in",
    "languages": "Languages",
}
# Facets whose values are codes: the page shows names (the link keeps the code).
FACET_NAMES: dict[str, Callable[[str], str]] = {
    "export_markets": country_name,
    "country": country_name,
    "languages": language_name,
}
# How the page names what a query was understood to ask for (search/understanding.py).
CHIP_TITLES = {
    "service": "Service: {}",
    "technology": "Technology: {}",
    "industry": "Industry: {}",
    "certification": "Certification: {}",
    "city": "In {}",
    "region": "In {}",
    "language": "Speaks {}",
    "market": "Clients in {}",
    "country": "Based in {}",
}


def facet_panels(
    counted: dict[str, list[dict[str, Any]]],
    applied: dict[str, set[str]],
    titles: dict[str, str],
    names: dict[str, Callable[[str], str]] = FACET_NAMES,
) -> list[dict[str, Any]]:
    """Facets as the pages show them (search/facets.html): each value with its label,
    count and whether it is applied; an applied value the counts left out stays
    listed (with 0) so it can be unticked."""
    panels = []
    for field, title in titles.items():
        values = counted.get(field, [])[:30]
        chosen = applied.get(field, set())
        shown = [{**value, "checked": value["value"] in chosen} for value in values]
        shown += [
            {"value": v, "count": 0, "checked": True} for v in chosen - {x["value"] for x in values}
        ]
        name = names.get(field, str)
        shown = [{**value, "label": name(value["value"])} for value in shown]
        if shown:
            panels.append({"field": field, "title": title, "values": shown, "open": bool(chosen)})
    return panels


def page_number(request: HttpRequest, page_size: int) -> int:
    """The ``page`` parameter of a result list (1 when absent or not a number); 400 past
    the deepest page an index can reach."""
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    if page * page_size > MAX_RESULT_WINDOW:
        raise BadRequest(f"page: only the first {MAX_RESULT_WINDOW:,} results can be paged to")
    return page


def pager(request: HttpRequest, count: int, page: int, page_size: int) -> dict[str, Any]:
    """What search/pager.html reads: this page, how many, the list's other parameters."""
    base = request.GET.copy()
    base.pop("page", None)
    pages = max(1, math.ceil(count / page_size))
    return {"page": page, "pages": pages, "base_query": base.urlencode()}


def snippet(hit: dict[str, Any], fields: Iterable[str]) -> SafeString | None:
    """The first of ``fields`` the search highlighted in ``hit``, as safe HTML."""
    marks = hit.get("highlights", {})
    return next((highlighted(marks[f]) for f in fields if marks.get(f)), None)


def highlighted(fragment: str) -> SafeString:
    """A backend's highlight as safe HTML: everything escaped except ``<mark>``."""
    text = escape(html.unescape(fragment))
    return mark_safe(text.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


def _shown(request: HttpRequest, external_ids: list[str]) -> dict[str, list[str]]:
    """The shown firms' verified certifications (the rest are claims and shown as
    such), with one query for the page; counts each firm's appearance."""
    rows = Vendor.objects.filter(external_id__in=external_ids).values(
        "external_id", "certifications", "verified"
    )
    count_seen(request, FirmStat.Kind.SEARCH_APPEARANCE, external_ids)
    return {row["external_id"]: verified_certifications(dict(row)) for row in rows}


def directory(request: HttpRequest) -> HttpResponse:
    """Anyone: search the directory. Filters are repeated query parameters, so every
    result page is a plain link (shareable, works without JavaScript)."""
    text = request.GET.get("q", "").strip()[:500]
    as_typed = request.GET.get("as_typed") == "1"
    selected: dict[str, Iterable[str]] = {
        field: request.GET.getlist(field) for field in (*ALL_OF, *ANY_OF)
    }
    sort = request.GET.get("sort", "relevance")
    sort = sort if sort in SORTS else "relevance"
    page = page_number(request, PAGE_SIZE)
    query = build_query(
        text=text,
        filters=selected,
        as_typed=as_typed,
        sort=sort,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    found = vendor_search(query)
    applied = {field: set(values) for field, values in query.filters.items()}
    facets = facet_panels(found.get("facets", {}), applied, FACET_TITLES)
    results = []
    verified = _shown(request, [hit["external_id"] for hit in found["results"]])
    for hit in found["results"]:
        results.append(
            {
                **hit,
                "snippet": snippet(hit, ("description", "portfolio_text")),
                "verified": verified.get(hit["external_id"], []),
            }
        )
    context: dict[str, Any] = {
        "q": text,
        "sort": sort,
        "sorts": [(name, SORT_LABELS.get(name, name)) for name in SORTS],
        "facets": facets,
        "results": results,
        "count": found["count"],
        **pager(request, found["count"], page, PAGE_SIZE),
        "degraded": found.get("degraded", False),
        "filters_applied": sum(len(v) for v in applied.values()),
        "facets_exact": found.get("facets_exact", True),
        "understood": _understood(request, found.get("understood")),
    }
    return render(request, "search/directory.html", context)


def _understood(request: HttpRequest, understood: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the page says about how the query was read: chips, each with a link that
    turns it into a filter and one that removes it, and the spelling it corrected."""
    if not understood:
        return None
    searched = understood["searched"]
    chips = []
    for chip in understood["chips"]:
        rest = _without(searched, chip["text"])
        as_filter = _query_string(request, q=rest)
        current = as_filter.getlist(chip["field"])
        added = [value for value in chip["values"] if value not in current]
        as_filter.setlist(chip["field"], [*current, *added])
        chips.append(
            {
                "title": CHIP_TITLES.get(chip["kind"], "{}").format(chip["label"]),
                "text": chip["text"],
                "filter_query": as_filter.urlencode(),
                "remove_query": _query_string(request, q=rest).urlencode(),
            }
        )
    return {
        "chips": chips,
        "searched": searched if understood["corrections"] else None,
        "typed": understood["text"],
        "as_typed_query": _query_string(request, as_typed="1").urlencode(),
        "close_spellings_of": understood["close_spellings_of"],
    }


def _query_string(request: HttpRequest, **changes: str) -> QueryDict:
    """This page's parameters, back to the first page and spelling correction on, with
    ``changes`` applied."""
    params = request.GET.copy()
    for name in ("page", "as_typed"):
        params.pop(name, None)
    for name, value in changes.items():
        params[name] = value
    return params


def _without(text: str, phrase: str) -> str:
    """``text`` with ``phrase`` taken out once (any case), spaces tidied."""
    pattern = rf"(?<![\w#+]){re.escape(phrase)}(?![\w#+])"
    return " ".join(re.sub(pattern, " ", text, count=1, flags=re.IGNORECASE).split())
