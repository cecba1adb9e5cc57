"""Train a ranker on the recorded outcomes; promote it only if the method beats the
serving ranker walk-forward over the most recent periods of the history."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from buyers.models import Brief
from matchmaking.matching.selectors import VENDOR_COLUMNS
from matchmaking.matching.services import active_ranker
from matchmaking.models import Outcome, RankerModel
from matchmaking.training import learning
from matchmaking.training.replay import Replay
from matchmaking.training.reports import (
    add_training_arguments,
    print_walk_forward,
    run_walk_forward,
)
from search.documents import DOCUMENT_COLUMNS
from vendors.models import Vendor

PROMOTION_METRIC = "mrr@10"
# Walk-forward folds over the most recent periods that a candidate must win.
PROMOTION_FOLDS = 3


class Command(BaseCommand):
    help = (
        "Train on outcomes (officers' decisions, deals, wins), replaying each brief as it "
        "was published. The candidate is retrained and judged walk-forward over the most "
        "recent periods against the serving ranker, and promoted only if it beats it there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_training_arguments(parser, promotion_folds=PROMOTION_FOLDS)
        parser.add_argument("--dry-run", action="store_true", help="train and report, save nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = list(
            Outcome.objects.values_list(
                "brief__external_id",
                "vendor__external_id",
                "outcome",
                "decided_at",
                "rank",
                "value_usd",
            )
        )
        if not rows:
            raise CommandError(
                "no outcomes recorded yet: import_outcomes or curate some matches first"
            )
        briefs = Brief.all_objects.select_related("buyer").filter(
            external_id__in={r[0] for r in rows}
        )
        columns = sorted({*DOCUMENT_COLUMNS, *VENDOR_COLUMNS})
        vendors = Vendor.objects.values(*columns).iterator(chunk_size=2000)
        replay = Replay(vendors, briefs, rows, progress=self.stderr)
        current = active_ranker()
        report = run_walk_forward(
            replay, options, baselines={"current": current.ranker}, trained_name="candidate"
        )
        print_walk_forward(self.stdout, report)
        if all(fold.not_trained for fold in report.folds):
            raise CommandError(
                f"nothing trained in any fold ({report.folds[-1].not_trained}); "
                f"{current.name} keeps serving matches"
            )
        pooled = report.pooled
        candidate, serving = (
            pooled["candidate"][PROMOTION_METRIC],
            pooled["current"][PROMOTION_METRIC],
        )
        promote = candidate > serving
        verdict = (
            f"promoted: its pooled {PROMOTION_METRIC} {candidate:.3f} beats {current.name}'s "
            f"{serving:.3f}, and it now serves matches"
            if promote
            else f"not promoted: its pooled {PROMOTION_METRIC} {candidate:.3f} does not beat "
            f"{current.name}'s {serving:.3f} ({current.name} keeps serving)"
        )
        if options["dry_run"]:
            self.stdout.write(f"Dry run, nothing saved; it would be {verdict}.")
            return
        try:
            model = replay.fit_all(objective=options["objective"], seed=options["seed"])
        except learning.NotEnoughOutcomes as error:
            raise CommandError(f"{error}; {current.name} keeps serving matches") from None
        saved = RankerModel.objects.create(
            parameters=model.to_dict(),
            metrics=pooled,
            promoted=promote,
            note=(
                f"seed {options['seed']}, {options['objective']}, trained on every outcome; "
                f"judged walk-forward over {len(report.folds)} folds from "
                f"{report.folds[0].cutoff}, replaces {current.name}"
            ),
        )
        self.stdout.write(f"Saved ranker v{saved.pk}, {verdict}.")
        self.stdout.write(json.dumps({"model": saved.pk, "promoted": promote, "results": pooled}))
