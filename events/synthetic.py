"""Random scheduling problems of a given size, for the benchmark and the tests (the
demo's events are built from the demo catalogue instead, in ``events.demo``)."""

from __future__ import annotations

import random

from events.scheduling import Problem, Request


def random_problem(
    *,
    seed: int = 1,
    firms: int = 300,
    buyers: int = 200,
    requests: int = 3_000,
    days: int = 2,
    slots_per_day: int = 16,
    tables: int = 40,
    partly_available: float = 0.3,
) -> Problem:
    """``requests`` distinct firm–buyer pairs, buyers' priorities 1–3 (a fifth high, a
    fifth low); ``partly_available`` of the participants can meet on one day only or
    half of each day, the rest at any time. Buyers ask more than firms (a buyer meets
    ~15 firms, a firm ~10 buyers at 3,000 requests)."""
    rng = random.Random(seed)
    firm_ids = list(range(1, firms + 1))
    buyer_ids = list(range(firms + 1, firms + buyers + 1))
    slots = days * slots_per_day
    pairs: set[tuple[int, int]] = set()
    if requests > firms * buyers:
        raise ValueError("more requests than firm–buyer pairs")
    # some firms and buyers are in demand: a skewed choice, as at real events
    firm_weights = [1 / (rank + 10) for rank in range(firms)]
    while len(pairs) < requests:
        pairs.add((rng.choices(firm_ids, firm_weights)[0], rng.choice(buyer_ids)))
    chosen = sorted(pairs)
    rng.shuffle(chosen)
    made = [
        Request(id=i, firm=firm, buyer=buyer, priority=rng.choices([1, 2, 3], [1, 3, 1])[0])
        for i, (firm, buyer) in enumerate(chosen, start=1)
    ]
    available: dict[int, frozenset[int]] = {}
    for person in firm_ids + buyer_ids:
        if rng.random() >= partly_available:
            continue
        if rng.random() < 0.5:  # one day only
            day = rng.randrange(days)
            available[person] = frozenset(range(day * slots_per_day, (day + 1) * slots_per_day))
        else:  # mornings or afternoons
            half = rng.randrange(2)
            available[person] = frozenset(
                s for s in range(slots) if (s % slots_per_day) // (slots_per_day // 2) == half
            )
    return Problem(slots=slots, tables=tables, requests=made, available=available)
