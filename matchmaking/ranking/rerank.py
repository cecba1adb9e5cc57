"""Re-ranking for a page people see: no run of near-identical firms, and a floor of
exposure for small firms and firms outside the three largest cities."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

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


def look_alike(vendors: list[VendorData]) -> np.ndarray:
    """``[i, j]``: firms i and j offer almost the same services and technologies
    (Jaccard of the two label sets ≥ ``SIMILARITY_LIMIT``; two firms with no labels
    are not alike). One matrix product instead of a set operation per pair."""
    labels = [_labels(vendor) for vendor in vendors]
    column: dict[str, int] = {}
    rows = np.repeat(np.arange(len(labels)), [len(each) for each in labels])
    columns = [column.setdefault(label, len(column)) for each in labels for label in each]
    member = np.zeros((len(labels), len(column)), dtype=np.int32)  # integers: no BLAS threads
    member[rows, columns] = 1
    common = member @ member.T
    sizes = member.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - common
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, common / union, 0.0) >= SIMILARITY_LIMIT


@dataclass(frozen=True)
class Ranked:
    index: int  # position in the candidate list
    score: float


def _discounted(score: float, times: int) -> float:
    """``score`` lowered once per look-alike already taken (scores may be negative)."""
    factor = SIMILARITY_PENALTY**times
    return score * factor if score >= 0 else score / factor


def diversify(vendors: list[VendorData], scores: list[float], limit: int) -> list[Ranked]:
    """Greedy: take the best remaining firm (the lower position on a tie), its score
    discounted once per firm already taken that it looks almost identical to.
    ``tests/matchmaking/test_rerank.py`` holds it to the plain definition.

    A discount only lowers a score, so the firms wait in a heap by the score they had
    when last looked at: the best of the heap is taken if its score is still current,
    else put back with its lowered score (a page takes 20 of 80, with a few re-checks,
    instead of rescoring all 80 for each place)."""
    # Only the best few times the page size can reach the page, even after discounts.
    pool = sorted(range(len(vendors)), key=lambda i: (-scores[i], i))[: limit * POOL_FACTOR]
    alike = look_alike([vendors[i] for i in pool])
    times = [0] * len(pool)  # look-alikes already taken
    # (-score: best first, position: lower first on a tie, place in the pool, the
    # look-alikes taken when it was scored, the score)
    waiting = [(-scores[i], i, at, 0, _discounted(scores[i], 0)) for at, i in enumerate(pool)]
    heapq.heapify(waiting)
    picked: list[Ranked] = []
    while waiting and len(picked) < limit:
        _, i, at, seen, score = heapq.heappop(waiting)
        if seen != times[at]:
            score = _discounted(scores[i], times[at])
            heapq.heappush(waiting, (-score, i, at, times[at], score))
            continue
        picked.append(Ranked(i, score))
        for other in np.flatnonzero(alike[at]).tolist():
            times[other] += 1
    return picked


def apply_exposure_floor(
    vendors: list[VendorData], ranked: list[Ranked], pool: Iterable[Ranked], floor: float
) -> list[Ranked]:
    """Make at least ``floor`` of the page emerging firms, swapping the lowest-ranked
    established firms for the best emerging ones not shown (``pool``, best first; read
    only as far as the page falls short, so it may be a generator that sorts on demand)."""
    needed = math.ceil(floor * len(ranked))
    page = list(ranked)
    shown = {r.index for r in page}
    extra = (r for r in pool if r.index not in shown and is_emerging(vendors[r.index]))
    while sum(is_emerging(vendors[r.index]) for r in page) < needed:
        victim = max(
            (i for i, r in enumerate(page) if not is_emerging(vendors[r.index])), default=None
        )
        replacement = next(extra, None) if victim is not None else None
        if victim is None or replacement is None:
            break
        page[victim] = replacement
    return sorted(page, key=lambda r: -r.score)


def exposure_share(vendors: list[VendorData], ranked: list[Ranked]) -> float:
    return sum(is_emerging(vendors[r.index]) for r in ranked) / len(ranked) if ranked else 0.0


def _best_first(indices: list[int], scores: np.ndarray) -> Iterator[Ranked]:
    """The candidates at ``indices`` best first (ties in index order), sorted only when
    first read: the exposure floor reads them only when a page falls short."""
    yield from sorted((Ranked(i, float(scores[i])) for i in indices), key=lambda r: -r.score)


def served_page(
    vendors: list[VendorData],
    scores: np.ndarray,
    meets: np.ndarray,
    allowed: np.ndarray,
    limit: int,
    floor: float,
) -> list[Ranked]:
    """The page ``match`` serves, and the order offline evaluation scores: the firms
    ``allowed`` (within the budget) only; those meeting the brief's requirements
    first (``ranker.ordered``), each group diversified and given the exposure floor
    within itself, never across."""
    kept = [i for i in range(len(vendors)) if allowed[i]]
    page: list[Ranked] = []
    for group in ([i for i in kept if meets[i]], [i for i in kept if not meets[i]]):
        room = limit - len(page)
        if room <= 0 or not group:
            continue
        diverse = diversify([vendors[i] for i in group], [float(scores[i]) for i in group], room)
        chosen = [Ranked(group[r.index], r.score) for r in diverse]
        shown = {r.index for r in chosen}
        rest = _best_first([i for i in group if i not in shown], scores)
        page += apply_exposure_floor(vendors, chosen, rest, floor)
    return page
