"""Scheduling an event's meetings: CP-SAT against the greedy baseline.

    .venv/bin/python bench/schedule.py [--seconds 20] [--tables 40 100]

The issue's size: 500 participants (300 firms, 200 buyers), 3,000 accepted requests
(distinct pairs, a few firms in demand), 2 days × 16 slots, 40 tables; 30 % of the
participants free on one day only or half of each day; buyers' priorities 1–3. Also
run with more tables, where capacity is not the binding limit. Reports placements,
the share of requests and of the upper bound (``scheduling.upper_bound``: pairs with
a common slot, tables × slots, each firm's free slots), the weighted objective and
the wall time; every schedule is checked against the rules (``scheduling.check``).
A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import harness  # bench/harness.py (this script's own folder is on sys.path)

from events.scheduling import check, greedy, solve, upper_bound, value
from events.synthetic import random_problem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--tables", type=int, nargs="+", default=[40, 100])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(harness.machine())
    print(
        "tables  requests  bound  method   placed  of requests  of bound  objective  seconds  errors"
    )
    for tables in args.tables:
        problem = random_problem(seed=args.seed, tables=tables)
        bound = upper_bound(problem)
        for name, schedule in (
            ("greedy", greedy(problem)),
            ("cp-sat", solve(problem, seconds=args.seconds)),
        ):
            errors = check(problem, schedule)
            print(
                f"{tables:>6}  {len(problem.requests):>8,}  {bound:>5,}  {name:<7} "
                f"{schedule.placed:>6,}  {schedule.placed / len(problem.requests):>11.1%}  "
                f"{schedule.placed / bound:>8.1%}  {value(problem, schedule):>9,}  "
                f"{schedule.seconds:>7.1f}  {len(errors):>6}"
            )


if __name__ == "__main__":
    main()
