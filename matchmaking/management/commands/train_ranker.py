"""Train a ranker on the recorded outcomes and promote it if it is not worse."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from buyers.models import Brief
from matchmaking.models import Outcome, RankerModel
from matchmaking.ranking.ranker import LearnedRanker
from matchmaking.replay import Replay
from matchmaking.reports import add_training_arguments, print_report, run_replay
from matchmaking.selectors import VENDOR_COLUMNS
from matchmaking.services import active_ranker
from search.documents import DOCUMENT_COLUMNS
from vendors.models import Vendor

PROMOTION_METRIC = "mrr@10"


class Command(BaseCommand):
    help = (
        "Train on outcomes (officers' decisions, deals, wins), replaying each brief as it "
        "was published; promote the model if it is not worse than the current ranker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_training_arguments(parser)
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
        report = run_replay(
            replay, options, baselines={"current": current.ranker}, trained_name="candidate"
        )
        print_report(self.stdout, report)
        if not isinstance(report.trained, LearnedRanker):
            raise CommandError(f"nothing trained, {current.name} keeps serving matches")
        results = report.results
        promote = results["candidate"][PROMOTION_METRIC] >= results["current"][PROMOTION_METRIC]
        verdict = (
            "promoted: it now serves matches"
            if promote
            else f"not promoted: its {PROMOTION_METRIC} is below the current ranker's "
            f"({current.name} keeps serving)"
        )
        if options["dry_run"]:
            self.stdout.write(f"Dry run, nothing saved; it would be {verdict.split(':')[0]}.")
            return
        model = RankerModel.objects.create(
            parameters=report.trained.to_dict(),
            metrics=results,
            promoted=promote,
            note=(
                f"seed {options['seed']}, {options['objective']}, "
                f"split {options['split_date'] or 'last 20%'}, replaces {current.name}"
            ),
        )
        self.stdout.write(f"Saved ranker v{model.pk}, {verdict}.")
        self.stdout.write(json.dumps({"model": model.pk, "promoted": promote, "results": results}))
