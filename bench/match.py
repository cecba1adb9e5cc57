"""Matching one brief (retrieve 300, re-rank, explain 20) and training time.

    .venv/bin/python bench/match.py --sizes 10000 100000

Each size: a fresh SQLite database and embedded index in a temporary directory, loaded
with the demo catalogue (seed 11: vendors, briefs, outcomes) through the import path,
then prepared as a server process is (``core.runtime.prepare_process``). Timed:
``_match`` (uncached: the result cache is bypassed) for 150 briefs after 20 warm-up briefs, first with the per-process caches cleared before every brief (each
brief's candidates read and analysed afresh), then warm (after one untimed pass over
the same briefs, as a server that has served them); and ``train_ranker --dry-run``
(replaying every labelled brief against the catalogue of its day, features for the
labelled pairs and the implicit negatives, fitting, evaluating). A benchmark, not a
test. Then, unless ``--dev`` points nowhere, ``bench/train_dev.py`` times training on the
UK development data.
"""

from __future__ import annotations

import io
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import harness  # bench/harness.py (this script's own folder is on sys.path)

DEV_DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "uk-dos-2016-2017"


def run_one(size: int, workdir: Path) -> dict:
    harness.setup_django(workdir)
    from django.core.management import call_command

    from buyers.models import Brief
    from matchmaking.matching import selectors, services
    from matchmaking.ranking import extraction

    call_command("migrate", verbosity=0)
    call_command(*harness.demo_args(size), verbosity=0)
    harness.prepare_process()  # as config/wsgi.py does in a server
    briefs = list(Brief.objects.select_related("buyer").order_by("external_id")[:170])

    def timed(clear: bool) -> list[float]:
        latencies = []
        for brief in briefs[20:]:
            if clear:
                selectors.clear_caches()
                extraction.clear_caches()
            start = time.perf_counter()
            services._match(brief, 20)
            latencies.append((time.perf_counter() - start) * 1000)
        return latencies

    for brief in briefs[:20]:
        services._match(brief, 20)
    cold = timed(clear=True)
    timed(clear=False)  # one pass to meet every candidate once, as a running server has
    warm = timed(clear=False)

    out = io.StringIO()
    call_command("train_ranker", "--dry-run", stdout=out, stderr=io.StringIO())
    printed = out.getvalue()
    pairs = int(printed.split("training pairs ")[1].split()[0].replace(",", ""))
    phases = printed.split("seconds: ")[1].splitlines()[0].split(", ")
    seconds = {phase.split()[0]: float(phase.split()[1]) for phase in phases}
    return {
        "size": size,
        "cold_p50": statistics.median(cold),
        "cold_p95": harness.percentile(cold, 95),
        "warm_p50": statistics.median(warm),
        "warm_p95": harness.percentile(warm, 95),
        # replaying retrieval and fitting: what the previous ``training_set`` + fit did
        "training_s": seconds["replay"] + seconds["training"],
        "evaluation_s": seconds["evaluation"],
        "training_pairs": pairs,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = harness.parser(__doc__)
    parser.add_argument(
        "--dev",
        type=Path,
        default=DEV_DATA,
        help="also time training on this development data (bench/train_dev.py)",
    )
    args = parser.parse_args()
    harness.dispatch(
        args,
        __file__,
        lambda size, workdir: run_one(size, workdir),
        [],
        f"{'vendors':>8} {'cold p50':>9} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9} {'train s':>8} {'eval s':>7} {'pairs':>6} {'RSS MB':>7}",
        lambda f: (
            f"{f['size']:>8,} {f['cold_p50']:>9.1f} {f['cold_p95']:>9.1f} {f['warm_p50']:>9.1f} {f['warm_p95']:>9.1f} "
            f"{f['training_s']:>8.1f} {f['evaluation_s']:>7.1f} {f['training_pairs']:>6,} {f['peak_rss_mb']:>7,.0f}"
        ),
    )

    if not args.one and (args.dev / "outcomes.jsonl").exists():
        script = Path(__file__).with_name("train_dev.py")
        subprocess.run([sys.executable, str(script), "--data", str(args.dev)], check=True)


if __name__ == "__main__":
    main()
