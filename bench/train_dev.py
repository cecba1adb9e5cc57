"""Training and evaluating on the UK development data, as ``evaluate_ranker`` does.

    .venv/bin/python bench/train_dev.py [--data ../shared/data/uk-dos-2016-2017] [--repeat 3]
        [--walk-forward 4 | --split-date 2017-06-01]

A fresh SQLite database in a temporary directory (evaluation writes nothing to it).
Timed per run: training (replaying retrieval for every labelled brief, building the
training set of labelled pairs and implicit negatives, fitting the pointwise model), and
the whole command (also reading the files and evaluating BM25, the default and the
trained ranker with bootstrap intervals). With ``--walk-forward K`` (the default, 4: what
model choices are judged on) the phases are the one replay and the K folds' training and
evaluation together. Medians of ``--repeat`` runs. ``bench/match.py``
runs it after its table. A benchmark, not a test.
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

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "uk-dos-2016-2017"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split-date", help="one split instead of walk-forward folds")
    parser.add_argument("--walk-forward", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="raabta-bench-") as workdir:
        harness.setup_django(Path(workdir))
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        seconds, training, summary = [], [], {}
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
                *(
                    ("--split-date", args.split_date)
                    if args.split_date
                    else ("--walk-forward", str(args.walk_forward))
                ),
                stdout=out,
                stderr=io.StringIO(),
            )
            seconds.append(time.perf_counter() - start)
            printed = out.getvalue()
            summary = json.loads(printed.splitlines()[-1])
            phases = {
                name: float(value)
                for name, value in (
                    phase.rsplit(" ", 1)
                    for phase in printed.split("seconds: ")[1].split("\n")[0].split(", ")
                )
            }
            training.append(sum(v for k, v in phases.items() if k != "evaluation"))
    if args.split_date:
        what = (
            f"{summary['train_briefs']} training briefs, {summary['training_pairs']:,} pairs "
            f"({summary['implicit_negatives']:,} implicit negatives); training (replay + fit)"
        )
    else:
        folds = summary["folds"]
        what = (
            f"{len(folds)} walk-forward folds, {sum(f['training_pairs'] for f in folds):,} "
            f"training pairs in all; replay + every fold's fit and evaluation"
        )
    print(
        f"development set: {what} median {statistics.median(training):.1f} s, "
        f"whole evaluate_ranker {statistics.median(seconds):.1f} s, of {args.repeat} runs"
    )


if __name__ == "__main__":
    main()
