"""The meeting scheduler (plain data, no database): every rule holds on random
problems, it never does worse than the greedy baseline, priorities count, and a
reschedule keeps confirmed meetings where they were."""

from __future__ import annotations

import pytest

from events.scheduling import (
    Placement,
    Problem,
    Request,
    check,
    greedy,
    solve,
    upper_bound,
    value,
)
from events.synthetic import random_problem


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_schedules_break_no_rule_and_beat_or_match_greedy(seed):
    problem = random_problem(
        seed=seed, firms=30, buyers=20, requests=150, slots_per_day=6, tables=8
    )
    found, baseline = solve(problem, seconds=5), greedy(problem)
    assert check(problem, found) == [] and check(problem, baseline) == []
    assert value(problem, found) >= value(problem, baseline)
    assert found.placed <= upper_bound(problem)
    assert found.placed + len(found.unplaced) == len(problem.requests)


def test_nobody_is_double_booked_and_tables_are_a_limit():
    # one buyer asked by three firms, one slot: only one meeting can happen
    problem = Problem(slots=1, tables=5, requests=[Request(i, i, 99) for i in (1, 2, 3)])
    assert solve(problem, seconds=2).placed == 1
    # three separate pairs, one slot, two tables: two meetings
    problem = Problem(slots=1, tables=2, requests=[Request(i, i, 10 + i) for i in (1, 2, 3)])
    found = solve(problem, seconds=2)
    assert found.placed == 2
    assert {p.table for p in found.placements.values()} == {1, 2}


def test_availability_is_respected():
    problem = Problem(
        slots=4,
        tables=3,
        requests=[Request(1, 1, 2), Request(2, 1, 3)],
        available={1: frozenset({2, 3}), 3: frozenset({0, 3})},
    )
    found = solve(problem, seconds=2)
    assert found.placements[1].slot in {2, 3}
    assert found.placements[2].slot == 3  # the only slot both are free
    assert found.placements[1].slot == 2


def test_a_buyers_high_priority_wins_the_last_place():
    # one firm, one slot: the buyer's priority-1 request goes before the priority-3 one
    problem = Problem(
        slots=1, tables=1, requests=[Request(1, 1, 2, priority=3), Request(2, 1, 3, priority=1)]
    )
    assert list(solve(problem, seconds=2).placements) == [2]
    assert list(greedy(problem).placements) == [2]


def test_rescheduling_keeps_confirmed_meetings_where_it_can():
    problem = random_problem(seed=5, firms=20, buyers=15, requests=80, slots_per_day=6, tables=6)
    first = solve(problem, seconds=3)
    # a new request arrives; everyone else keeps their slot and table
    added = Request(10_000, problem.requests[0].firm, problem.requests[-1].buyer)
    pairs = {(r.firm, r.buyer) for r in problem.requests}
    assert (added.firm, added.buyer) not in pairs
    again = Problem(
        slots=problem.slots,
        tables=problem.tables,
        requests=[*problem.requests, added],
        available=problem.available,
        previous=first.placements,
    )
    second = solve(again, seconds=3)
    assert check(again, second) == []
    assert second.placed >= first.placed
    moved = [rid for rid, p in first.placements.items() if second.placements.get(rid) != p]
    assert len(moved) <= 2, moved  # at most the new one's neighbours make room
    assert second.kept >= first.placed - 2


def test_tables_follow_the_firm_when_they_can():
    problem = Problem(
        slots=2,
        tables=3,
        requests=[Request(1, 1, 10), Request(2, 1, 11)],
        previous={1: Placement(0, 3)},
    )
    found = solve(problem, seconds=2)
    assert found.placements[1] == Placement(0, 3)
    assert found.placements[2] == Placement(1, 3)  # the firm's table
