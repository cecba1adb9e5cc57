"""What ``train_ranker`` and ``evaluate_ranker`` share: their training options, running a
replay with them, and the side-by-side table they print."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser

from matchmaking import learning
from matchmaking.ranking.evaluation import METRICS
from matchmaking.replay import Replay, Report, Writer

OBJECTIVES = ("pointwise", "pairwise", "boosted")


def add_training_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--split-date",
        type=date.fromisoformat,
        help="train on briefs published before it, test on the rest (YYYY-MM-DD; "
        "default: the last fifth of labelled briefs is held out)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of sampling and training")
    parser.add_argument(
        "--objective",
        choices=OBJECTIVES[:2],
        default="pointwise",
        help="what the trained ranker learns: each match's chance on its own (pointwise, "
        "the default) or the order of firms per brief (pairwise); docs/ranking.md",
    )


def run_replay(
    replay: Replay,
    options: dict[str, Any],
    *,
    baselines: dict[str, learning.Ranker | None] | None = None,
    trained_name: str = "trained",
) -> Report:
    objectives = [options["objective"]]
    if options.get("compare"):
        objectives += [o for o in OBJECTIVES if o != options["objective"]]
    if not replay.labels:
        raise CommandError(
            "no usable outcomes: none names a known brief and vendor with a stage that "
            "carries a label (approved, rejected, introduced … won, lost)"
        )
    train, test = learning.split(replay.labels, replay.briefs, options["split_date"])
    if not train or not test:
        raise CommandError(
            f"need labelled briefs on both sides of the split: {len(train)} before it, "
            f"{len(test)} on or after it (choose another --split-date)"
        )
    return replay.run(
        options["split_date"],
        baselines=baselines,
        trained_name=trained_name,
        objectives=objectives,
        seed=options["seed"],
    )


def print_report(out: Writer, report: Report) -> None:
    """The replay's figures as a table: one row per ranker, each metric with its
    bootstrap 95 % interval, and how long each phase took."""
    summary = report.summary()
    out.write(
        f"train briefs {summary['train_briefs']}, test briefs {summary['test_briefs']}, "
        f"training pairs {summary['training_pairs']:,} "
        f"(of which {summary['implicit_negatives']:,} implicit negatives)\n"
    )
    if summary["not_trained"]:
        out.write(f"No ranker trained: {summary['not_trained']}\n")
    out.write(
        f"{'ranker':<18}" + "".join(f"{metric:>22}" for metric in METRICS) + f"{'briefs':>8}\n"
    )
    for name, metrics in summary["results"].items():
        cells = []
        for metric in METRICS:
            low, high = metrics.get("ci95", {}).get(metric, (0.0, 0.0))
            cells.append(f"{metrics[metric]:.3f} [{low:.3f}-{high:.3f}]".rjust(22))
        out.write(f"{name:<18}{''.join(cells)}{metrics['briefs']:>8}\n")
    out.write(learning.describe_position_bias(summary["position_bias"]) + "\n")
    out.write(
        "seconds: " + ", ".join(f"{phase} {s:.1f}" for phase, s in report.seconds.items()) + "\n"
    )
