"""Matching a brief: retrieve candidates from the search index, re-rank them with the
ranker, keep the page diverse and fair, explain every match."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings

from buyers.models import Brief
from core.generations import cached
from core.metrics import MATCH_SECONDS
from matchmaking.matching.selectors import brief_data, vendors_data
from matchmaking.models import RankerModel
from matchmaking.ranking.explain import gaps, reasons
from matchmaking.ranking.extraction import extract
from matchmaking.ranking.features import FEATURES
from matchmaking.ranking.ranker import LearnedRanker, PriorRanker, ranker_from_json, within_budget
from matchmaking.ranking.rerank import exposure_share, served_page
from search.backends.base import SearchUnavailable
from search.query import CandidateQuery
from search.selectors import candidates_for, candidates_from_database

CANDIDATES = 300
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActiveRanker:
    ranker: PriorRanker | LearnedRanker
    name: str


def active_ranker() -> ActiveRanker:
    """The newest promoted model, else the prior weights (cold start). A promoted model
    saved for other features (before an upgrade changed them) is skipped, with a
    warning: matching goes on with the prior until ``train_ranker`` runs again.

    Asked on every match: one query for the serving model's id and creation time;
    its coefficients are read and parsed once per process and model (a model is never
    changed once saved; the time tells apart two databases' models of the same id)."""
    newest = (
        RankerModel.objects.filter(promoted=True)
        .order_by("-id")
        .values_list("pk", "created_at")
        .first()
    )
    return _ranker_of(newest)


@functools.lru_cache(maxsize=8)
def _ranker_of(model: tuple[int, datetime] | None) -> ActiveRanker:
    if model is not None:
        parameters = RankerModel.objects.get(pk=model[0]).parameters
        try:
            return ActiveRanker(ranker_from_json(json.dumps(parameters)), f"learned v{model[0]}")
        except ValueError:
            log.warning("ranker v%s does not fit the current features; serving the prior", model[0])
    return ActiveRanker(PriorRanker().fit(), "prior")


def candidate_query(brief: Brief, limit: int = CANDIDATES) -> CandidateQuery:
    return CandidateQuery(
        text=f"{brief.title} {brief.description}",
        services=tuple(brief.services),
        technologies=tuple(brief.technologies),
        industries=(brief.industry,) if brief.industry else (),
        required_certifications=tuple(brief.required_certifications),
        languages=tuple(brief.languages),
        max_budget_usd=brief.budget_max_usd or brief.budget_min_usd,
        limit=limit,
    )


Retrieve = Callable[[CandidateQuery], list[tuple[str, float]]]


def retrieve_candidates(brief: Brief, search: Retrieve = candidates_for) -> list[tuple[str, float]]:
    """Stage 1 for a brief: the firms that hold its required certifications and
    languages first, then (so that a brief nobody can fully meet still gets answers)
    the closest of the others, up to the candidate limit. The ranker keeps that order
    between the two groups (``ranker.ordered``)."""
    query = candidate_query(brief)
    if not (query.required_certifications or query.languages):
        return search(query)
    holding = search(query)
    if len(holding) >= query.limit:
        return holding
    held = {vendor_id for vendor_id, _ in holding}
    others = search(replace(query, required_certifications=(), languages=()))
    rest = [found for found in others if found[0] not in held]
    return holding + rest[: max(query.limit - len(holding), 0)]


def match_brief(brief: Brief, *, limit: int = 20) -> dict[str, Any]:
    """The ranked, explained shortlist for ``brief``; cached until the brief, any vendor
    profile or the promoted ranker changes."""
    active = active_ranker()
    key = {
        "brief": brief.external_id,
        "version": brief.version,
        "limit": limit,
        "ranker": active.name,
    }
    try:
        return cached("match", key, lambda: _timed_match(brief, limit, active))
    except SearchUnavailable:
        # Degraded like search: the database retrieves, the ranker still ranks and
        # explains; not cached, and marked so pages can say so.
        log.warning("search backend unavailable; matching from the database", exc_info=True)
        found = _match(brief, limit, active, retrieve=candidates_from_database)
        return {**found, "meta": {**found["meta"], "degraded": True}}


def rounded(matrix: np.ndarray, digits: int = 4) -> list[list[float]]:
    """``[[round(x, digits) for x in row] for row in matrix]``, the same numbers ~6x
    sooner (a page's feature values and contributions took ~0.6 ms one by one). numpy
    rounds the scaled value, which can land on the other side of a tie than Python's
    exact decimal rounding (0.00125 is 0.0013 to Python, 0.0012 to numpy). Below 2**30
    the scaled value is off by less than 1e-6, so only values that close to a tie (and
    large or non-finite ones) need Python's rounding."""
    scale = 10.0**digits
    with np.errstate(all="ignore"):
        scaled = matrix * scale
        result = np.round(scaled) / scale
        by_python = ~(np.abs(scaled) < 2**30)  # also NaN and infinities
        by_python |= np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) < 1e-6
    for at in zip(*np.nonzero(by_python), strict=True):
        result[at] = round(float(matrix[at]), digits)
    return result.tolist()


def without_scores(result: dict[str, Any]) -> dict[str, Any]:
    """A shortlist as buyers see it: ranks, reasons and gaps, but no raw scores or
    feature values (numbers only officers can read, and a buyer would over-read)."""
    hidden = {"score", "features"}
    return {
        **result,
        "matches": [
            {key: value for key, value in match.items() if key not in hidden}
            for match in result["matches"]
        ],
    }


def _timed_match(brief: Brief, limit: int, active: ActiveRanker) -> dict[str, Any]:
    with MATCH_SECONDS.time():
        return _match(brief, limit, active)


def _match(
    brief: Brief,
    limit: int,
    active: ActiveRanker | None = None,
    *,
    retrieve: Retrieve = candidates_for,
) -> dict[str, Any]:
    retrieved = retrieve_candidates(brief, retrieve)
    found = vendors_data(vendor_id for vendor_id, _ in retrieved)
    pairs = [(found[vendor_id], score) for vendor_id, score in retrieved if vendor_id in found]
    vendors = [vendor for vendor, _ in pairs]
    if not vendors:
        return {"brief": brief.external_id, "matches": [], "meta": {"candidates": 0}}
    data = brief_data(brief)
    features = extract(data, vendors, [score for _, score in pairs])
    active = active or active_ranker()
    scores = active.ranker.decision_function(features.matrix)
    allowed = within_budget(features.matrix)
    page = served_page(
        vendors, scores, features.meets, allowed, limit, settings.RAABTA_EXPOSURE_FLOOR
    )
    contributions = active.ranker.contributions(features.matrix)
    on_page = [r.index for r in page]
    values, parts = rounded(features.matrix[on_page]), rounded(contributions[on_page])
    matches = [
        {
            "rank": rank,
            "vendor": {
                "external_id": vendors[r.index].id,
                "name": vendors[r.index].name,
                "city": vendors[r.index].city,
                "team_size": vendors[r.index].team_size,
            },
            "score": round(r.score, 4),
            "reasons": reasons(data, contributions[r.index], features.details[r.index]),
            "gaps": gaps(data, features.details[r.index]),
            "meets_requirements": bool(features.meets[r.index]),
            # Every feature's value and its contribution to the score (officers' detail).
            "features": {
                name: [value, part]
                for name, value, part in zip(FEATURES, values[at], parts[at], strict=True)
            },
        }
        for at, (rank, r) in enumerate(enumerate(page, start=1))
    ]
    meta = {
        "candidates": len(vendors),
        "filtered_out": len(vendors) - int(allowed.sum()),
        "meeting_requirements": int(features.meets[allowed].sum()),
        "ranker": active.name,
        "exposure_share": round(exposure_share(vendors, page), 3),
        "exposure_floor": settings.RAABTA_EXPOSURE_FLOOR,
    }
    return {"brief": brief.external_id, "matches": matches, "meta": meta}
