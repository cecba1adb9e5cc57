"""Training and evaluating on the UK development data, as ``evaluate_ranker`` does.

    .venv/bin/python bench/train_dev.py [--data ../shared/data/uk-dos-2016-2017] [--repeat 3]

A fresh SQLite database in a temporary directory (evaluation writes nothing to it).
Timed per run: reading the files, replaying retrieval for every labelled brief, building
the training set (labelled pairs and implicit negatives), fitting the pointwise model,
evaluating BM25, the default and the trained ranker with bootstrap intervals. The
figures are the median of ``--repeat`` runs. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import time
from pathlib import Path

import harness  # bench/harness.py (this script's own folder is on sys.path)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "uk-dos-2016-2017"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split-date", default="2017-06-01")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="raabta-bench-") as workdir:
        harness.setup_django(Path(workdir))
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        seconds, summary = [], {}
        for _ in range(args.repeat):
            out = io.StringIO()
            start = time.perf_counter()
            call_command(
                "evaluate_ranker",
                "--vendors",
                str(args.data / "vendors.jsonl"),
                "--briefs",
                str(args.data / "briefs.jsonl"),
                "--outcomes",
                str(args.data / "outcomes.jsonl"),
                "--split-date",
                args.split_date,
                stdout=out,
                stderr=io.StringIO(),
            )
            seconds.append(time.perf_counter() - start)
            summary = json.loads(out.getvalue().splitlines()[-1])
    print(
        f"{summary['train_briefs']} training briefs, {summary['training_pairs']:,} pairs "
        f"({summary['implicit_negatives']:,} implicit negatives): "
        f"median {statistics.median(seconds):.1f} s of {args.repeat} runs "
        f"({', '.join(f'{s:.1f}' for s in seconds)})"
    )


if __name__ == "__main__":
    main()
