"""Where a match request's time goes: stages of ``/api/v1/briefs/{id}/matches`` in one
process, for briefs nobody asked for before.

    .venv/bin/python bench/match_stages.py --sizes 10000 [--requests 300]

Each size: a fresh SQLite database and embedded index loaded by ``load_demo`` (seed 11,
``--open-briefs`` new briefs) in a temporary directory, prepared as a server process is
(``core.runtime.prepare_process``: firms read ahead, ``gc.freeze()``), then ``--requests``
match requests through Django's test client as an officer (30 untimed first), each for a
brief not asked for before. Printed: the mean time of a request and of each stage
(wrapped functions; a stage includes the stages it calls), and the garbage collector's
time per request (``gc.callbacks``). A benchmark, not a test: the stage figures say
where to look, ``bench/load.py`` says whether it helped.
"""

from __future__ import annotations

import collections
import functools
import gc
import os
import time
from pathlib import Path
from typing import Any

import harness  # bench/harness.py (this script's own folder is on sys.path)

STAGES = {
    "matchmaking.matching.services": (
        "_match",
        "retrieve_candidates",
        "vendors_data",
        "extract",
        "diversify",
        "apply_exposure_floor",
        "reasons",
    ),
    "matchmaking.ranking.features": ("_candidate_tfidf", "_cosines", "_columns", "_per_item"),
}


def run_one(size: int, workdir: Path, requests: int, open_briefs: int) -> dict[str, Any]:
    os.environ.update(
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="testserver",
        RAABTA_THROTTLE_USER="1000000/min",
    )
    harness.setup_django(workdir)
    import importlib

    from django.core.management import call_command
    from django.test import Client

    from accounts.services import token_issue, user_create
    from buyers.models import Brief
    from matchmaking.demo import OPEN_BRIEFS_FROM

    call_command("migrate", verbosity=0)
    call_command(*harness.demo_args(size), "--open-briefs", str(open_briefs), verbosity=0)
    token = token_issue(user=user_create(username="bench", password="x", role="officer"))
    briefs = list(
        Brief.objects.filter(published_at__gte=OPEN_BRIEFS_FROM)
        .order_by("external_id")
        .values_list("external_id", flat=True)
    )
    if len(briefs) < requests + 30:
        raise SystemExit(f"--open-briefs {open_briefs}: fewer than --requests + 30")
    harness.prepare_process()
    spent: collections.defaultdict[str, float] = collections.defaultdict(float)

    def timed(name: str, function: Any) -> Any:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        return wrapper

    for module_name, names in STAGES.items():
        module = importlib.import_module(module_name)
        for name in names:
            setattr(module, name, timed(name, getattr(module, name)))
    client = Client(HTTP_AUTHORIZATION=f"Token {token['token']}")
    for brief in briefs[:30]:
        client.get(f"/api/v1/briefs/{brief}/matches")
    spent.clear()
    collecting: dict[str, float] = {}

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            collecting["since"] = time.perf_counter()
        else:
            spent["garbage collector"] += time.perf_counter() - collecting.pop("since")

    gc.callbacks.append(on_gc)
    start = time.perf_counter()
    for brief in briefs[30 : 30 + requests]:
        assert client.get(f"/api/v1/briefs/{brief}/matches").status_code == 200
    total = time.perf_counter() - start
    gc.callbacks.remove(on_gc)
    return {
        "size": size,
        "request": total / requests * 1000,
        "stages": {
            name: seconds / requests * 1000
            for name, seconds in sorted(spent.items(), key=lambda item: -item[1])
        },
    }


def main() -> None:
    parser = harness.parser(__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--open-briefs", type=int, default=400)
    args = parser.parse_args()
    harness.dispatch(
        args,
        __file__,
        lambda size, workdir: run_one(size, workdir, args.requests, args.open_briefs),
        ["--requests", str(args.requests), "--open-briefs", str(args.open_briefs)],
        f"{'vendors':>8} {'request ms':>10}  stages (ms per request)",
        lambda f: (
            f"{f['size']:>8,} {f['request']:>10.1f}  "
            + ", ".join(f"{name} {ms:.2f}" for name, ms in f["stages"].items())
        ),
    )


if __name__ == "__main__":
    main()
