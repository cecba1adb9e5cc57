"""Directory search and suggestions, as the API and pages use them."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.db.models import Count, Q

from buyers.models import Brief, Buyer
from buyers.selectors import brief_for_firms
from core import codes
from core.db import json_list_has
from core.generations import cached, generation
from core.metrics import SEARCH_SECONDS
from core.schema import compact
from search.backends.base import SearchUnavailable, VendorIndex
from search.demand import BRIEF, split_id
from search.loading import get_demand_index, get_search_backend
from search.query import (
    ALL_OF,
    ANY_OF,
    CandidateQuery,
    DemandQuery,
    Hit,
    Suggestion,
    VendorQuery,
)
from search.understanding import Interpreter
from search.understood import Understanding
from vendors.models import Vendor
from vendors.selectors import vendor_list, vendors_by_external_id
from vendors.taxonomy import Kind, get_taxonomy

log = logging.getLogger(__name__)
_LABEL_KINDS: dict[str, Kind] = {
    "services": "service",
    "technologies": "technology",
    "industries": "industry",
    "certifications": "certification",
}


def _normalise_filter(field: str, values: Iterable[str]) -> tuple[str, ...]:
    taxonomy = get_taxonomy()
    normalised = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        if field in _LABEL_KINDS:
            value = taxonomy.normalise(_LABEL_KINDS[field], value)
        elif field in {"country", "export_markets"}:
            value = _or_raw(codes.country_code, value)
        elif field == "languages":
            value = _or_raw(codes.language_code, value)
        elif field == "city":
            value = " ".join(word.capitalize() for word in value.split())
        normalised.append(value)
    return tuple(dict.fromkeys(normalised))


def _or_raw(normalise: Any, value: str) -> str:
    try:
        return str(normalise(value))
    except ValueError:
        return value  # an unknown code simply matches nothing


def build_query(
    *,
    text: str = "",
    filters: dict[str, Iterable[str]] | None = None,
    as_typed: bool = False,
    backend: VendorIndex | None = None,
    **options: Any,
) -> VendorQuery:
    """A backend query from user input: filter values normalised, the text understood
    against ``backend``'s index (the configured one by default; ``as_typed``: without
    spelling correction)."""
    cleaned = {
        field: _normalise_filter(field, values)
        for field, values in (filters or {}).items()
        if field in ALL_OF or field in ANY_OF
    }
    text = " ".join(text.split())
    understanding = None
    if text and backend is not None:
        understanding = understand(text, as_typed=as_typed, backend=backend)
    elif text:
        understanding = cached(
            "understanding",
            {"text": text, "as_typed": as_typed},
            lambda: understand(text, as_typed=as_typed),
        )
    return VendorQuery(
        text=text,
        filters={k: v for k, v in cleaned.items() if v},
        understanding=understanding,
        **options,
    )


def understand(
    text: str, *, as_typed: bool = False, backend: VendorIndex | None = None
) -> Understanding:
    """How a query is read (search/understanding.py) against what the configured index
    holds, or ``backend``'s (then nothing is cached: tests and tools). If the index is
    down, against the taxonomy and places alone."""
    try:
        if backend is None:
            backend = get_search_backend()
            interpreter = _interpreter(backend)
        else:
            interpreter = _interpreter_for(_index_places(backend))
        return interpreter.understand(text, backend.word_counts, as_typed=as_typed)
    except SearchUnavailable:
        return _interpreter_for(((), ())).understand(text)


# Per process: the interpreter for the configured index, checked once per index
# generation and rebuilt only when the index's cities or countries changed.
_current: dict[str, tuple[int, Interpreter]] = {}


def _interpreter(backend: VendorIndex) -> Interpreter:
    now = generation()
    known = _current.get(backend.alias)
    if known is None or known[0] != now:
        known = (now, _interpreter_for(_index_places(backend)))
        _current[backend.alias] = known
    return known[1]


def _index_places(backend: VendorIndex) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The cities firms are in and the countries they are based in."""
    return (
        tuple(sorted(backend.label_values("city"))),
        tuple(sorted(backend.label_values("country"))),
    )


@lru_cache(maxsize=8)
def _interpreter_for(places: tuple[tuple[str, ...], tuple[str, ...]]) -> Interpreter:
    cities, countries = places
    return Interpreter(get_taxonomy(), cities=cities, firm_countries=countries)


def vendor_search(query: VendorQuery) -> dict[str, Any]:
    """One page of results with facets, each hit with the vendor's summary; cached until
    the index changes. If the search backend is down, a plain database search answers
    instead (no facets, no highlights, ``"degraded": true``) and is not cached."""
    understood = query.understanding.as_dict() if query.understanding else None
    try:
        found = cached("vendors", query.__dict__, lambda: _search(query))
    except SearchUnavailable:
        log.warning("search backend unavailable; answering from the database", exc_info=True)
        found = _database_search(query)
    return {**found, "understood": understood}


def _database_search(query: VendorQuery) -> dict[str, Any]:
    vendors = vendor_list()
    for word in query.text.split():
        vendors = vendors.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if query.filters.get("city"):
        vendors = vendors.filter(city__in=query.filters["city"])
    page = list(vendors.order_by("name")[query.offset : query.offset + query.limit])
    hits = [Hit(id=vendor.external_id, score=0.0) for vendor in page]
    return {
        "count": vendors.count(),
        "results": _results(hits, {vendor.external_id: vendor for vendor in page}),
        "facets": {},
        "degraded": True,
    }


def _search(query: VendorQuery) -> dict[str, Any]:
    backend = get_search_backend()
    with SEARCH_SECONDS.labels(backend=type(backend).__name__).time():
        page = backend.search(query)
    facets = {name: [value.__dict__ for value in values] for name, values in page.facets.items()}
    vendors = vendors_by_external_id([hit.id for hit in page.hits], only=SUMMARY_COLUMNS)
    return {"count": page.total, "results": _results(page.hits, vendors), "facets": facets}


# What a result shows of a firm (``_results``), read for each page of hits.
SUMMARY_COLUMNS = (
    "name",
    "city",
    "team_size",
    "hourly_rate_min_usd",
    "hourly_rate_max_usd",
    "services",
    "technologies",
    "industries",
    "certifications",
)


def _results(hits: list[Hit], vendors: dict[str, Vendor]) -> list[dict[str, Any]]:
    results = []
    for hit in hits:
        vendor = vendors.get(hit.id)
        if vendor is None:  # deleted since it was indexed; the outbox will catch up
            continue
        results.append(
            {
                "external_id": vendor.external_id,
                "name": vendor.name,
                "city": vendor.city,
                "team_size": vendor.team_size,
                "hourly_rate_usd": {
                    "min": vendor.hourly_rate_min_usd,
                    "max": vendor.hourly_rate_max_usd,
                },
                "services": [service["name"] for service in vendor.services],
                "technologies": vendor.technologies,
                "industries": vendor.industries,
                "certifications": vendor.certifications,
                "score": round(hit.score, 4),
                "highlights": hit.highlights,
            }
        )
    return results


def suggestions(prefix: str, *, limit: int = 10) -> list[Suggestion]:
    """Firm names, services and technologies starting with ``prefix`` (any word). If the
    search backend is down, the taxonomy's labels and a database lookup of firm names
    answer instead."""
    prefix = prefix.strip()
    if len(prefix) < 2:
        return []
    try:
        return _suggestions(prefix, limit, get_search_backend())
    except SearchUnavailable:
        log.warning("search backend unavailable; suggesting from the database", exc_info=True)
        return _suggestions(prefix, limit, None)


def _suggestions(prefix: str, limit: int, backend: Any) -> list[Suggestion]:
    lowered = prefix.casefold()
    labels: list[Suggestion] = []
    for field, kind in (("services", "service"), ("technologies", "technology")):
        indexed = backend.label_values(field) if backend else {}
        known = set(get_taxonomy().labels(kind)) | set(indexed)  # type: ignore[arg-type]
        words = {label: label.casefold().split() for label in known}
        matching = sorted(
            label for label, split in words.items() if any(w.startswith(lowered) for w in split)
        )
        labels.extend(Suggestion(kind=kind, text=label) for label in matching)
    # Labels first (few and short) but at most half the list; firm names fill the rest.
    labels = labels[: max(limit // 2, limit - len(labels))]
    rest = limit - len(labels)
    names = backend.autocomplete_names(prefix, rest) if backend else _names_from_db(prefix, rest)
    return [*labels, *names][:limit]


def _names_from_db(prefix: str, limit: int) -> list[Suggestion]:
    vendors = vendor_list().filter(Q(name__istartswith=prefix) | Q(name__icontains=f" {prefix}"))
    return [
        Suggestion(kind="vendor", text=name, id=external_id)
        for external_id, name in vendors.order_by("name").values_list("external_id", "name")[:limit]
    ]


def candidates_for(query: CandidateQuery) -> list[tuple[str, float]]:
    """Stage-1 retrieval for matchmaking (used by the ranker); raises
    ``SearchUnavailable`` when the backend is down (training must not learn from a
    degraded retrieval; ``candidates_from_database`` is the serving fallback)."""
    return get_search_backend().candidates(query)


def candidates_from_database(query: CandidateQuery) -> list[tuple[str, float]]:
    """A plain database retrieval for when the search backend is down: firms offering
    any of the brief's services, technologies or industries, the filters applied
    (certifications, languages, minimum project); no text score, so the ranker's other features
    decide the order."""
    wanted = Q()
    asked = {
        "services": query.services,
        "technologies": query.technologies,
        "industries": query.industries,
    }
    for field, labels in asked.items():
        for label in labels:
            wanted |= json_list_has(field, label)
    vendors = vendor_list().filter(wanted) if wanted else vendor_list()
    for certification in query.required_certifications:
        vendors = vendors.filter(json_list_has("certifications", certification))
    for language in query.languages:
        vendors = vendors.filter(json_list_has("languages", language))
    if query.max_budget_usd is not None:
        vendors = vendors.exclude(min_project_usd__gt=query.max_budget_usd)
    vendors = vendors.exclude(external_id__in=query.exclude).order_by("-updated_at")
    return [
        (external_id, 0.0)
        for external_id in vendors.values_list("external_id", flat=True)[: query.limit]
    ]


def vendors_offering(field: str, label: str) -> int:
    """How many firms list ``label`` in ``field`` (the index, else the database)."""
    try:
        page = get_search_backend().search(
            VendorQuery(filters={field: (label,)}, limit=1, facets=False, highlight=False)
        )
        return page.total
    except SearchUnavailable:
        return vendor_list().filter(json_list_has(field, label)).count()


# Buyers and briefs (the demand index) ------------------------------------------------------
def brief_for_officers(brief: Brief) -> dict[str, Any]:
    buyer = brief.buyer
    return compact(
        {
            "external_id": brief.external_id,
            "title": brief.title,
            "buyer": {"external_id": buyer.external_id, "name": buyer.name} if buyer else None,
            "country": str(buyer.country) if buyer else None,
            "industry": brief.industry,
            "services": brief.services,
            "technologies": brief.technologies,
            "budget_usd": compact({"min": brief.budget_min_usd, "max": brief.budget_max_usd}),
            "engagement_model": brief.engagement_model,
            "published_at": brief.published_at.isoformat() if brief.published_at else None,
        }
    )


def buyer_for_officers(buyer: Buyer) -> dict[str, Any]:
    """A buyer as officers see it in a search (``brief_count`` annotated: its current
    briefs)."""
    return compact(
        {
            "external_id": buyer.external_id,
            "name": buyer.name,
            "country": str(buyer.country),
            "industry": buyer.industry,
            "size_band": buyer.size_band,
            "named_to_firms": buyer.named_to_firms,
            "briefs": buyer.brief_count,  # type: ignore[attr-defined]
        }
    )


def demand_search(query: DemandQuery, *, for_firms: bool) -> dict[str, Any]:
    """A page of buyers or briefs with facets. Results are read from the database (the
    index only finds them): briefs as firms may see them (``brief_for_firms``) or, for
    officers, with their buyer; buyers only for officers. Degrades to an error the API
    reports as 503 when the index cannot be reached."""
    if for_firms and query.kind != BRIEF:
        raise ValueError("firms search briefs only")
    page = get_demand_index().search(query)
    keys = [split_id(hit.id)[1] for hit in page.hits]
    shown: dict[str, dict[str, Any]]
    if query.kind == BRIEF:
        show = brief_for_firms if for_firms else brief_for_officers
        briefs = Brief.objects.select_related("buyer").filter(external_id__in=keys)
        shown = {brief.external_id: show(brief) for brief in briefs}
    else:
        current = Count("briefs", filter=Q(briefs__archived_at__isnull=True))
        buyers = Buyer.objects.filter(external_id__in=keys).annotate(brief_count=current)
        shown = {buyer.external_id: buyer_for_officers(buyer) for buyer in buyers}
    results = [
        {**shown[key], "highlights": hit.highlights}
        for key, hit in zip(keys, page.hits, strict=True)
        if key in shown
    ]
    facets = {
        field: [value.__dict__ for value in values]
        for field, values in page.facets.items()
        if not (for_firms and field == "stage")
    }
    return {"count": page.total, "results": results, "facets": facets}
