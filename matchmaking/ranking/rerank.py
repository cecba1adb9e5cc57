"""Re-ranking for a page people see: no run of near-identical firms, and a floor of
exposure for small firms and firms outside the three largest cities."""

from __future__ import annotations

import math
from dataclasses import dataclass

from matchmaking.ranking.data import VendorData

BIG_CITIES = frozenset({"Lahore", "Karachi", "Islamabad"})
SMALL_TEAM = 20
SIMILARITY_LIMIT = 0.8  # Jaccard of services + technologies above which firms look alike
SIMILARITY_PENALTY = 0.85
POOL_FACTOR = 4


def is_emerging(vendor: VendorData) -> bool:
    """A small firm or one outside Lahore, Karachi and Islamabad."""
    small = vendor.team_size is not None and vendor.team_size <= SMALL_TEAM
    return small or (vendor.city is not None and vendor.city not in BIG_CITIES)


def _labels(vendor: VendorData) -> frozenset[str]:
    return frozenset((*vendor.services, *vendor.technologies))


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@dataclass(frozen=True)
class Ranked:
    index: int  # position in the candidate list
    score: float


def _discounted(score: float, times: int) -> float:
    """``score`` lowered once per look-alike already taken (scores may be negative)."""
    factor = SIMILARITY_PENALTY**times
    return score * factor if score >= 0 else score / factor


def diversify(vendors: list[VendorData], scores: list[float], limit: int) -> list[Ranked]:
    """Greedy: take the best remaining firm, its score discounted once per firm already
    taken that it looks almost identical to. O(limit x candidates)."""
    # Only the best few times the page size can reach the page, even after discounts.
    best_first = sorted(range(len(vendors)), key=lambda i: (-scores[i], i))[: limit * POOL_FACTOR]
    labels = {i: _labels(vendors[i]) for i in best_first}
    alike = dict.fromkeys(best_first, 0)  # remaining -> look-alikes already taken
    picked: list[Ranked] = []
    while alike and len(picked) < limit:
        best = max(alike, key=lambda i: (_discounted(scores[i], alike[i]), -i))
        picked.append(Ranked(best, _discounted(scores[best], alike.pop(best))))
        for i in alike:
            if _similarity(labels[i], labels[best]) >= SIMILARITY_LIMIT:
                alike[i] += 1
    return picked


def apply_exposure_floor(
    vendors: list[VendorData], ranked: list[Ranked], pool: list[Ranked], floor: float
) -> list[Ranked]:
    """Make at least ``floor`` of the page emerging firms, swapping the lowest-ranked
    established firms for the best emerging ones not shown (``pool``, best first)."""
    needed = math.ceil(floor * len(ranked))
    page = list(ranked)
    shown = {r.index for r in page}
    extra = [r for r in pool if r.index not in shown and is_emerging(vendors[r.index])]
    while sum(is_emerging(vendors[r.index]) for r in page) < needed and extra:
        victim = max(
            (i for i, r in enumerate(page) if not is_emerging(vendors[r.index])), default=None
        )
        if victim is None:
            break
        page[victim] = extra.pop(0)
    return sorted(page, key=lambda r: -r.score)


def exposure_share(vendors: list[VendorData], ranked: list[Ranked]) -> float:
    return sum(is_emerging(vendors[r.index]) for r in ranked) / len(ranked) if ranked else 0.0
