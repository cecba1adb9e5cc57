"""Reverse matching: the open briefs that fit one firm, ranked and explained.

    .venv/bin/python bench/opportunities.py --sizes 20000 [--firms 2000 --asks 200]

Each size is a number of open briefs: a fresh SQLite database and embedded index in a
temporary directory, the demo catalogue (seed 11, ``--firms`` firms, 400 historical
briefs with outcomes) loaded through the import path, then ``size`` open briefs from
the demo generator (``DemoCatalogue.open_briefs``) imported in batches of 1,000 through
``briefs_upsert`` and indexed through the outbox into the demand index. (Curation
suggestions for those briefs — a match per brief, the buyer side — are left out: their
outbox events are dropped in the importing transaction; they are not what is measured.)
The process is then prepared as a server's is (``core.runtime.prepare_process``).

Timed, in-process: ``matchmaking.curation.opportunities.opportunities_for`` for ``--asks``
firms after 20 untimed ones (retrieve 200 open briefs from the demand index, read
them, features from the firm's side, score with the serving ranker, explain the first
20), with the time spent in each stage. Target (issue 17): p95 ≤ 100 ms at 20,000 open
briefs. A benchmark, not a test.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import harness  # bench/harness.py (this script's own folder is on sys.path)


def import_open_briefs(count: int, firms: int) -> float:
    """``count`` open briefs through the import path; returns the seconds it took."""
    from django.db import transaction
    from django.utils import timezone

    from buyers.schema import BriefRecord
    from buyers.services import BRIEF_TOPIC, briefs_upsert
    from core.interchange import JsonLinesImporter
    from core.models import OutboxEvent
    from matchmaking.demo import DATES_DRAWN_FOR, DemoCatalogue
    from search.sync import sync_demand_index

    # Dated as load_demo dates them: recent, so they are opportunities today.
    shift = max(0, (timezone.localdate() - DATES_DRAWN_FOR).days)
    catalogue = DemoCatalogue(vendors=firms, briefs=400, seed=11, shift_days=shift)
    started = time.perf_counter()
    with transaction.atomic():
        importer = JsonLinesImporter(BriefRecord, briefs_upsert)
        report = importer.run(json.dumps(r) for r in catalogue.open_briefs(count))
        OutboxEvent.objects.filter(topic=BRIEF_TOPIC).delete()  # no curation suggestions
    sync_demand_index()  # what the worker does after the commit (inline here too)
    print(f"  open briefs: {report.summary()}", flush=True)
    return time.perf_counter() - started


def run_one(size: int, workdir: Path, firms: int, asks: int) -> dict[str, Any]:
    harness.setup_django(workdir)
    from django.core.management import call_command

    from matchmaking.curation import opportunities
    from search.loading import get_demand_index
    from vendors.models import Vendor

    call_command("migrate", verbosity=0)
    call_command(*harness.demo_args(firms), "--open-briefs", "0", verbosity=0)
    import_seconds = import_open_briefs(size, firms)
    indexed = get_demand_index().count()
    harness.prepare_process()

    current: dict[str, float] = defaultdict(float)  # this ask's time in each stage
    wrapped = _timed_stages(opportunities, current)
    vendors = list(Vendor.objects.order_by("external_id"))
    random.Random(11).shuffle(vendors)
    for vendor in vendors[:20]:
        opportunities.opportunities_for(vendor)
    stages: dict[str, list[float]] = defaultdict(list)
    latencies, counts = [], []
    for vendor in vendors[20 : 20 + asks]:
        current.clear()
        started = time.perf_counter()
        found = opportunities.opportunities_for(vendor)
        latencies.append((time.perf_counter() - started) * 1000)
        counts.append(found["count"])
        for label, spent in current.items():
            stages[label].append(spent)
    wrapped()
    return {
        "size": size,
        "indexed": indexed,
        "import_s": import_seconds,
        "p50": statistics.median(latencies),
        "p95": harness.percentile(latencies, 95),
        "p99": harness.percentile(latencies, 99),
        "candidates": statistics.median(counts),
        "stages": {name: statistics.median(times) for name, times in stages.items()},
    }


def _timed_stages(module: Any, spent: dict[str, float]) -> Any:
    """Add the time of each stage of ``opportunities_for`` to ``spent`` by wrapping what
    it calls; returns a function that undoes the wrapping."""
    names = {
        "retrieve": "get_demand_index",
        "features": "extract_for_firm",
        "explain": "reasons",
        "brief rows": "brief_data",
    }
    originals = {name: getattr(module, name) for name in names.values()}

    def timing(label: str, function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            result = function(*args, **kwargs)
            spent[label] += (time.perf_counter() - started) * 1000
            return result

        return timed

    class Retrieval:  # the index's candidates() call, not the index lookup
        def __init__(self, index: Any) -> None:
            self.index = index

        def candidates(self, query: Any) -> Any:
            return timing("retrieve", self.index.candidates)(query)

    for label, name in names.items():
        if name == "get_demand_index":
            setattr(module, name, lambda original=originals[name]: Retrieval(original()))
        else:
            setattr(module, name, timing(label, originals[name]))

    def undo() -> None:
        for name, original in originals.items():
            setattr(module, name, original)

    return undo


def main() -> None:
    parser = harness.parser(__doc__)
    parser.set_defaults(sizes=[20_000])
    parser.add_argument("--firms", type=int, default=2000)
    parser.add_argument("--asks", type=int, default=200)
    args = parser.parse_args()
    harness.dispatch(
        args,
        __file__,
        lambda size, workdir: run_one(size, workdir, args.firms, args.asks),
        ["--firms", str(args.firms), "--asks", str(args.asks)],
        f"{'briefs':>8} {'indexed':>8} {'import s':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'cands':>6}  stages (median ms)",
        lambda f: (
            f"{f['size']:>8,} {f['indexed']:>8,} {f['import_s']:>9.1f} {f['p50']:>7.1f} "
            f"{f['p95']:>7.1f} {f['p99']:>7.1f} {f['candidates']:>6.0f}  "
            + ", ".join(f"{k} {v:.1f}" for k, v in f["stages"].items())
        ),
    )


if __name__ == "__main__":
    main()
