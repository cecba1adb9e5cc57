"""Train a ranker on the recorded outcomes and promote it if it is not worse."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from buyers.models import Brief
from matchmaking.learning import (
    describe_position_bias,
    evaluate,
    labels_from,
    position_bias,
    split,
    train,
    training_set,
)
from matchmaking.models import Outcome, RankerModel
from matchmaking.selectors import brief_data, vendors_data
from matchmaking.services import active_ranker, candidate_query
from search.selectors import candidates_for


class Command(BaseCommand):
    help = (
        "Train on outcomes (officers' decisions, deals); "
        "promote if not worse than the current ranker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--split-date", type=date.fromisoformat, help="hold out briefs published on/after it"
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--dry-run", action="store_true", help="train and report, save nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = list(
            Outcome.objects.values_list(
                "brief__external_id", "vendor__external_id", "outcome", "decided_at", "rank"
            )
        )
        if not rows:
            raise CommandError(
                "no outcomes recorded yet: import_outcomes or curate some matches first"
            )
        brief_objects = {
            b.external_id: b
            for b in Brief.objects.select_related("buyer").filter(
                external_id__in={r[0] for r in rows}
            )
        }
        briefs = {key: brief_data(brief) for key, brief in brief_objects.items()}
        labels = labels_from(rows)
        train_ids, test_ids = split(labels, briefs, options["split_date"])
        if not train_ids or not test_ids:
            raise CommandError("need labelled briefs on both sides of the split")
        retrieved = {key: candidates_for(candidate_query(b)) for key, b in brief_objects.items()}
        # Every retrieved firm, not only the judged ones: recall@50 ranks the whole set.
        vendors = vendors_data(
            {row[1] for row in rows} | {v for found in retrieved.values() for v, _ in found}
        )
        retrieve = retrieved.__getitem__

        X, y, w = training_set(briefs, vendors, labels, retrieve, train_ids)
        candidate = train(X, y, w, random_state=options["seed"])
        current = active_ranker()
        results = evaluate(
            {"bm25": None, "current": current.ranker, "candidate": candidate},
            briefs,
            vendors,
            labels,
            retrieve,
            test_ids,
        )
        promote = results["candidate"]["ndcg@10"] >= results["current"]["ndcg@10"]
        self.stdout.write(
            f"{len(y):,} training pairs from {len(train_ids)} briefs; {len(test_ids)} held out"
        )
        for name, metrics in results.items():
            label = f"{name} ({current.name})" if name == "current" else name
            self.stdout.write(
                f"  {label:<22} NDCG@10 {metrics['ndcg@10']:.4f}  "
                f"MRR@10 {metrics['mrr@10']:.4f}  recall@50 {metrics['recall@50']:.4f}"
            )
        self.stdout.write(describe_position_bias(position_bias(labels)))
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing saved.")
            return
        model = RankerModel.objects.create(
            parameters=candidate.to_dict(),
            metrics=results,
            promoted=promote,
            note=(
                f"seed {options['seed']}, split {options['split_date'] or 'last 20%'}, "
                f"replaces {current.name}"
            ),
        )
        verdict = (
            "promoted: it now serves matches"
            if promote
            else "not promoted: worse than the current ranker"
        )
        self.stdout.write(f"Saved ranker v{model.pk}, {verdict}.")
        self.stdout.write(json.dumps({"model": model.pk, "promoted": promote, "results": results}))
