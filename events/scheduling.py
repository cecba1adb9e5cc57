"""Meeting schedules for an event: accepted requests get a slot and a table.

Plain data in, plain data out (no Django), so the benchmark and the tests drive it
directly. The search is OR-Tools' CP-SAT solver; this module only states the problem:

* a request is held at most once, in a slot where both sides are available;
* nobody is in two meetings in one slot;
* no slot holds more meetings than there are tables;
* the objective places as many meetings as it can, a buyer's high-priority requests
  before the others (weights 3 : 2 : 1), and, when rescheduling, keeps each meeting
  that was already confirmed in its slot where it can (a bonus smaller than any
  placement, so keeping never costs a meeting).

Tables are interchangeable to the solver (a count per slot); they are numbered after
it: a meeting keeps the table it had, else goes to its firm's usual table, else the
first one free. ``greedy`` is the baseline the benchmark compares against.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

PRIORITY_WEIGHT = {1: 3, 2: 2, 3: 1}  # a buyer's priority (1 high) → weight
PLACE_SCALE = 10  # a placed meeting is worth 10–30 …
KEEP_BONUS = 5  # … keeping a confirmed one where it was, 5
SMALL_PROBLEM = 20_000  # (request, slot) choices below which one solver worker is used


@dataclass(frozen=True)
class Request:
    """An accepted meeting request between a firm and a buyer (participant ids)."""

    id: int
    firm: int
    buyer: int
    priority: int = 2


@dataclass(frozen=True)
class Placement:
    slot: int
    table: int


@dataclass
class Schedule:
    placements: dict[int, Placement]
    status: str  # OPTIMAL, FEASIBLE (stopped at the time limit), or GREEDY
    seconds: float
    kept: int = 0  # confirmed meetings left in their slot
    bound: float | None = None  # the solver's best bound on the objective
    objective: float | None = None
    unplaced: list[int] = field(default_factory=list)

    @property
    def placed(self) -> int:
        return len(self.placements)


@dataclass(frozen=True)
class Problem:
    slots: int
    tables: int
    requests: Sequence[Request]
    # participant id -> the slots they can meet in; a participant missing here is free
    # in every slot
    available: Mapping[int, frozenset[int]] = field(default_factory=dict)
    # request id -> where it was (confirmed meetings, kept where possible)
    previous: Mapping[int, Placement] = field(default_factory=dict)

    def allowed(self, request: Request) -> list[int]:
        every = range(self.slots)
        firm = self.available.get(request.firm)
        buyer = self.available.get(request.buyer)
        return [s for s in every if (firm is None or s in firm) and (buyer is None or s in buyer)]


def solve(problem: Problem, *, seconds: float = 20.0, workers: int = 2) -> Schedule:
    """The CP-SAT schedule, stopped after ``seconds`` with the best one found."""
    started = time.perf_counter()
    model = cp_model.CpModel()
    chosen: dict[tuple[int, int], cp_model.IntVar] = {}
    by_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    terms = []
    # Start from where the meetings were, or else from the greedy schedule: the solver
    # then never returns less than the baseline.
    start = (
        {rid: placement.slot for rid, placement in problem.previous.items()}
        if problem.previous
        else {rid: placement.slot for rid, placement in greedy(problem).placements.items()}
    )
    for request in problem.requests:
        weight = PRIORITY_WEIGHT.get(request.priority, 2) * PLACE_SCALE
        before = problem.previous.get(request.id)
        options = []
        for slot in problem.allowed(request):
            var = model.new_bool_var(f"r{request.id}s{slot}")
            chosen[request.id, slot] = var
            options.append(var)
            by_person_slot[request.firm, slot].append(var)
            by_person_slot[request.buyer, slot].append(var)
            by_slot[slot].append(var)
            kept = before is not None and before.slot == slot
            terms.append((weight + (KEEP_BONUS if kept else 0)) * var)
            model.add_hint(var, start.get(request.id) == slot)
        if options:
            model.add_at_most_one(options)
    for variables in by_person_slot.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    for variables in by_slot.values():
        if len(variables) > problem.tables:
            model.add(sum(variables) <= problem.tables)
    model.maximize(sum(terms))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    # A small programme is solved to optimality by one worker in well under a second;
    # OR-Tools 9.15's parallel portfolio aborted the whole process once on such a one
    # (native "Check failed", google/or-tools#5025, fixed after 9.15), so several
    # workers are kept for the problems that need them. No repair_hint for the same
    # reason; the hints still start the search.
    solver.parameters.num_workers = 1 if len(chosen) < SMALL_PROBLEM else workers
    solver.parameters.random_seed = 7  # the same input gives the same schedule
    status = solver.solve(model)
    slots: dict[int, int] = {}
    bound: float | None = None
    objective: float | None = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        slots = {
            request_id: slot for (request_id, slot), var in chosen.items() if solver.value(var)
        }
        bound, objective = solver.best_objective_bound, solver.objective_value
    # else no solution in time (does not happen: "nothing placed" is always feasible)
    return _finish(
        problem,
        slots,
        status=solver.status_name(status),
        started=started,
        bound=bound,
        objective=objective,
    )


def greedy(problem: Problem) -> Schedule:
    """The baseline: requests by priority (then age), each in its first slot where both
    sides are free and a table is left."""
    started = time.perf_counter()
    busy: set[tuple[int, int]] = set()
    used: Counter[int] = Counter()
    slots: dict[int, int] = {}
    for request in sorted(problem.requests, key=lambda r: (r.priority, r.id)):
        for slot in problem.allowed(request):
            if used[slot] < problem.tables and not busy & {
                (request.firm, slot),
                (request.buyer, slot),
            }:
                slots[request.id] = slot
                used[slot] += 1
                busy |= {(request.firm, slot), (request.buyer, slot)}
                break
    return _finish(problem, slots, status="GREEDY", started=started)


def tables_for(problem: Problem, slots: Mapping[int, int]) -> dict[int, Placement]:
    """Number the tables in each slot: the table a meeting had (same slot), else its
    firm's usual table, else the lowest one free."""
    firm_of = {request.id: request.firm for request in problem.requests}
    usual: dict[int, Counter[int]] = defaultdict(Counter)
    for request_id, before in problem.previous.items():
        if request_id in firm_of:
            usual[firm_of[request_id]][before.table] += 1
    by_slot: dict[int, list[int]] = defaultdict(list)
    for request_id, slot in slots.items():
        by_slot[slot].append(request_id)
    placements: dict[int, Placement] = {}
    for slot, request_ids in by_slot.items():
        taken: set[int] = set()
        waiting = []
        for request_id in sorted(request_ids):
            kept = problem.previous.get(request_id)
            if kept is not None and kept.slot == slot and kept.table not in taken:
                placements[request_id] = Placement(slot, kept.table)
                taken.add(kept.table)
            else:
                waiting.append(request_id)
        for request_id in waiting:
            home = [t for t, _ in usual[firm_of[request_id]].most_common() if t not in taken]
            table = home[0] if home else _first_free(taken, problem.tables)
            placements[request_id] = Placement(slot, table)
            taken.add(table)
            usual[firm_of[request_id]][table] += 1
    return placements


def _first_free(taken: set[int], tables: int) -> int:
    return next(table for table in range(1, tables + 1) if table not in taken)


def _finish(
    problem: Problem,
    slots: Mapping[int, int],
    *,
    status: str,
    started: float,
    bound: float | None = None,
    objective: float | None = None,
) -> Schedule:
    placements = tables_for(problem, slots)
    kept = sum(
        1
        for request_id, placement in placements.items()
        if (before := problem.previous.get(request_id)) is not None
        and before.slot == placement.slot
    )
    return Schedule(
        placements=placements,
        status=status,
        seconds=time.perf_counter() - started,
        kept=kept,
        bound=bound,
        objective=objective,
        unplaced=sorted(r.id for r in problem.requests if r.id not in placements),
    )


def check(problem: Problem, schedule: Schedule) -> list[str]:
    """What is wrong with ``schedule`` (empty when nothing): every rule above, checked
    independently of the solver (the tests and the benchmark call it)."""
    errors = []
    requests = {request.id: request for request in problem.requests}
    seen_person: set[tuple[int, int]] = set()
    seen_table: set[tuple[int, int]] = set()
    for request_id, placement in schedule.placements.items():
        request = requests[request_id]
        if placement.slot not in problem.allowed(request):
            errors.append(f"request {request_id}: slot {placement.slot} outside availability")
        if not 1 <= placement.table <= problem.tables:
            errors.append(f"request {request_id}: no table {placement.table}")
        for person in (request.firm, request.buyer):
            if (person, placement.slot) in seen_person:
                errors.append(f"participant {person} double-booked in slot {placement.slot}")
            seen_person.add((person, placement.slot))
        if (placement.slot, placement.table) in seen_table:
            errors.append(f"table {placement.table} double-booked in slot {placement.slot}")
        seen_table.add((placement.slot, placement.table))
    return errors


def upper_bound(problem: Problem) -> int:
    """No schedule places more than this many meetings: the requests that have a
    common slot, the tables × slots, and for each participant their free slots."""
    possible = [r for r in problem.requests if problem.allowed(r)]
    per_person: Counter[int] = Counter()
    for request in possible:
        per_person[request.firm] += 1
        per_person[request.buyer] += 1
    # each meeting uses one firm: the firms' capacities bound the total
    firms: dict[int, int] = {}
    for request in possible:
        free = problem.available.get(request.firm)
        firms[request.firm] = min(per_person[request.firm], len(free) if free else problem.slots)
    return min(len(possible), problem.slots * problem.tables, sum(firms.values()))


def value(problem: Problem, schedule: Schedule) -> int:
    """The objective of ``schedule`` as the solver counts it (to compare with greedy)."""
    requests = {request.id: request for request in problem.requests}
    total = 0
    for request_id, placement in schedule.placements.items():
        total += PRIORITY_WEIGHT.get(requests[request_id].priority, 2) * PLACE_SCALE
        before = problem.previous.get(request_id)
        total += KEEP_BONUS if before is not None and before.slot == placement.slot else 0
    return total
