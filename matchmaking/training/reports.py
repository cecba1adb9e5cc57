"""What ``train_ranker`` and ``evaluate_ranker`` share: their training options, running a
replay with them, and the side-by-side table they print."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser

from matchmaking.ranking.evaluation import METRICS
from matchmaking.training import learning
from matchmaking.training.replay import Replay, Report, WalkForward, Writer

OBJECTIVES = ("pointwise", "pairwise", "boosted")


def add_training_arguments(parser: CommandParser, *, promotion_folds: int | None = None) -> None:
    """The options of ``evaluate_ranker`` (one split or ``--walk-forward K``) or, given
    ``promotion_folds``, of ``train_ranker`` (walk-forward always, that many by default)."""
    if promotion_folds is None:
        parser.add_argument(
            "--split-date",
            type=date.fromisoformat,
            help="train on briefs published before it, test on the rest (YYYY-MM-DD; "
            "default: the last fifth of labelled briefs is held out)",
        )
    parser.add_argument(
        "--walk-forward",
        type=int,
        default=promotion_folds,
        metavar="K",
        help="rolling-origin evaluation: the labelled briefs are cut into K+1 periods, "
        "each of the last K judged by a model trained on what was decided before it "
        + (
            f"(default {promotion_folds}; a candidate is promoted only if it wins there)"
            if promotion_folds
            else "(instead of one split; docs/ranking.md)"
        ),
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
    objectives = objectives_of(options)
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


def objectives_of(options: dict[str, Any]) -> list[str]:
    """The objective asked for, then (``--compare``) the others."""
    objectives = [options["objective"]]
    if options.get("compare"):
        objectives += [o for o in OBJECTIVES if o != options["objective"]]
    return objectives


def run_walk_forward(
    replay: Replay,
    options: dict[str, Any],
    *,
    baselines: dict[str, learning.Ranker | None] | None = None,
    trained_name: str = "trained",
) -> WalkForward:
    if options["walk_forward"] < 1:
        raise CommandError("--walk-forward needs at least 1 fold")
    try:
        return replay.walk_forward(
            options["walk_forward"],
            baselines=baselines,
            trained_name=trained_name,
            objectives=objectives_of(options),
            seed=options["seed"],
        )
    except learning.NotEnoughOutcomes as error:
        raise CommandError(f"{error} (record more outcomes, or ask for fewer folds)") from None


def _table(out: Writer, results: dict[str, dict[str, Any]]) -> None:
    out.write(
        f"{'ranker':<18}" + "".join(f"{metric:>22}" for metric in METRICS) + f"{'briefs':>8}\n"
    )
    for name, metrics in results.items():
        cells = []
        for metric in METRICS:
            low, high = metrics.get("ci95", {}).get(metric, (0.0, 0.0))
            cells.append(f"{metrics[metric]:.3f} [{low:.3f}-{high:.3f}]".rjust(22))
        out.write(f"{name:<18}{''.join(cells)}{metrics['briefs']:>8}\n")


def print_walk_forward(out: Writer, report: WalkForward) -> None:
    """Each fold's table, then the pooled one, each metric with its bootstrap 95 %
    interval."""
    for number, fold in enumerate(report.folds, start=1):
        period = f"{fold.cutoff} to {fold.until}" if fold.until else f"from {fold.cutoff}"
        out.write(
            f"fold {number}: trained on {fold.train_briefs} briefs decided before "
            f"{fold.cutoff} ({fold.training_pairs:,} pairs), judged on briefs {period}\n"
        )
        if fold.not_trained:
            out.write(f"  nothing trained, the serving ranker stands in: {fold.not_trained}\n")
        _table(out, fold.results)
    out.write(f"pooled over {len(report.folds)} folds\n")
    _table(out, report.pooled)
    out.write(
        "seconds: " + ", ".join(f"{phase} {s:.1f}" for phase, s in report.seconds.items()) + "\n"
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
    _table(out, summary["results"])
    out.write(learning.describe_position_bias(summary["position_bias"]) + "\n")
    out.write(
        "seconds: " + ", ".join(f"{phase} {s:.1f}" for phase, s in report.seconds.items()) + "\n"
    )
