"""Offline evaluation on interchange files: BM25 baseline vs prior weights vs a ranker
trained on the outcomes before the split date."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from pydantic import ValidationError

from buyers.models import Brief, Buyer
from buyers.schema import BriefRecord
from buyers.services import brief_fields
from core.interchange import read_json_lines
from core.money import RateTable
from core.schema import validate_record
from matchmaking.learning import (
    describe_position_bias,
    evaluate,
    labels_from,
    position_bias,
    split,
    train,
    training_set,
)
from matchmaking.ranking.data import past_relationships
from matchmaking.ranking.ranker import PriorRanker
from matchmaking.schema import OutcomeRecord
from matchmaking.selectors import brief_data, vendor_data
from matchmaking.services import candidate_query
from search.backends.embedded import EmbeddedBackend
from search.documents import vendor_document
from vendors.schema import VendorRecord
from vendors.services import vendor_fields


def records(path: str, model: Any, rates: RateTable) -> tuple[list[Any], int]:
    good, bad = [], 0
    with open(path, encoding="utf-8") as lines:
        for _, value in read_json_lines(lines):
            try:
                good.append(validate_record(model, value, rates=rates))
            except (ValidationError, AttributeError, TypeError):
                bad += 1
    return good, bad


class Command(BaseCommand):
    help = (
        "Evaluate rankers on vendors/briefs/outcomes JSON Lines files (NDCG@10, MRR@10, recall@50)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--vendors", required=True)
        parser.add_argument("--briefs", required=True)
        parser.add_argument("--outcomes", required=True)
        parser.add_argument(
            "--split-date",
            type=date.fromisoformat,
            help="train before, test on or after (YYYY-MM-DD)",
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="random_state of the trained ranker"
        )
        parser.add_argument(
            "--json", dest="json_out", help="also write the results as JSON to this file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rates = RateTable.load()
        now = timezone.now()
        vendor_records, bad_vendors = records(options["vendors"], VendorRecord, rates)
        brief_records, bad_briefs = records(options["briefs"], BriefRecord, rates)
        outcome_records, bad_outcomes = records(options["outcomes"], OutcomeRecord, rates)
        self.stderr.write(
            f"read {len(vendor_records):,} vendors, {len(brief_records):,} briefs, "
            f"{len(outcome_records):,} outcomes "
            f"(skipped {bad_vendors + bad_briefs + bad_outcomes} bad lines)"
        )
        rows = [
            {
                **vendor_fields(r, r.canonical()),
                "external_id": r.external_id,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for r in vendor_records
        ]
        brief_objects = {r.external_id: _brief(r) for r in brief_records}
        buyer_of = {
            key: b.buyer.external_id if b.buyer else None for key, b in brief_objects.items()
        }
        relationships = past_relationships(
            ((o.brief, o.vendor, str(o.outcome), o.decided_at) for o in outcome_records), buyer_of
        )
        vendors = {
            row["external_id"]: replace(
                vendor_data(row), past_buyers=relationships.get(row["external_id"], {})
            )
            for row in rows
        }
        briefs = {key: brief_data(brief) for key, brief in brief_objects.items()}
        labels = labels_from(
            (o.brief, o.vendor, str(o.outcome), o.decided_at, o.rank) for o in outcome_records
        )
        train_ids, test_ids = split(labels, briefs, options["split_date"])
        if not train_ids or not test_ids:
            raise CommandError("need labelled briefs on both sides of the split date")
        with tempfile.TemporaryDirectory(prefix="raabta-eval-") as workdir:
            index = EmbeddedBackend("evaluation", {"PATH": workdir})
            index.rebuild(vendor_document(row) for row in rows)

            def retrieve(brief_id: str) -> list[tuple[str, float]]:
                return index.candidates(candidate_query(brief_objects[brief_id]))

            X, y, w = training_set(briefs, vendors, labels, retrieve, train_ids)
            trained = train(X, y, w, random_state=options["seed"])
            results = evaluate(
                {"bm25": None, "prior": PriorRanker().fit(), "trained": trained},
                briefs,
                vendors,
                labels,
                retrieve,
                test_ids,
            )
        summary = {
            "train_briefs": len(train_ids),
            "test_briefs": len(test_ids),
            "training_pairs": len(y),
            "results": results,
            "position_bias": position_bias(labels),
        }
        self._table(summary)
        self.stdout.write(json.dumps(summary))
        if options["json_out"]:
            Path(options["json_out"]).write_text(json.dumps(summary, indent=2))

    def _table(self, summary: dict[str, Any]) -> None:
        self.stdout.write(
            f"train briefs {summary['train_briefs']}, test briefs {summary['test_briefs']}, "
            f"training pairs {summary['training_pairs']}"
        )
        self.stdout.write(
            f"{'ranker':<10} {'NDCG@10':>8} {'MRR@10':>8} {'recall@50':>10} {'briefs':>7}"
        )
        for name, metrics in summary["results"].items():
            self.stdout.write(
                f"{name:<10} {metrics['ndcg@10']:>8.4f} {metrics['mrr@10']:>8.4f} "
                f"{metrics['recall@50']:>10.4f} {metrics['briefs']:>7}"
            )
        self.stdout.write(describe_position_bias(summary["position_bias"]))


def _brief(record: BriefRecord) -> Brief:
    """An unsaved Brief (with its buyer) for a record: evaluation never writes."""
    brief = Brief(external_id=record.external_id, **brief_fields(record))
    if record.buyer:
        brief.buyer = Buyer(
            external_id=record.buyer.external_id,
            name=record.buyer.name or record.buyer.external_id,
            country=record.buyer.country or "",
            timezone=record.buyer.timezone or "",
        )
    return brief
