"""Offline evaluation on interchange files: the plain BM25 reference, stage 1, the
default ranker and one trained on the outcomes before each cutoff (one split date, or
walk-forward folds), replayed as the model serves (``matchmaking.training.replay``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone
from pydantic import ValidationError

from buyers.models import Brief, Buyer
from buyers.schema import BriefRecord
from buyers.services import brief_fields
from core.interchange import read_json_lines
from core.money import RateTable
from core.schema import validate_record
from matchmaking.schema import OutcomeRecord
from matchmaking.training.replay import Replay
from matchmaking.training.reports import (
    add_training_arguments,
    print_report,
    print_walk_forward,
    run_replay,
    run_walk_forward,
)
from vendors.schema import VendorRecord
from vendors.services import unsaved_row


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
        "Replay vendors/briefs/outcomes JSON Lines files and compare BM25, the default and "
        "the trained ranker on one split or walk-forward folds (NDCG@10, MRR@10, recall@10, "
        "recall@50, bootstrap 95% CIs), with a plain BM25 reference over whole profiles."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--vendors", required=True)
        parser.add_argument("--briefs", required=True)
        parser.add_argument("--outcomes", required=True)
        add_training_arguments(parser)
        parser.add_argument(
            "--compare",
            action="store_true",
            help="also train and report the other objectives (pairwise, pointwise, boosted)",
        )
        parser.add_argument(
            "--json", dest="json_out", help="also write the results as JSON to this file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["walk_forward"] is not None and options["split_date"]:
            raise CommandError("--split-date and --walk-forward: choose one of them")
        try:
            rates = RateTable.load()
        except DatabaseError:
            raise CommandError(
                "the database has no tables yet: run `manage.py migrate` first "
                "(evaluate_ranker reads exchange rates from it and writes nothing)"
            ) from None
        now = timezone.now()
        vendor_records, bad_vendors = records(options["vendors"], VendorRecord, rates)
        brief_records, bad_briefs = records(options["briefs"], BriefRecord, rates)
        outcome_records, bad_outcomes = records(options["outcomes"], OutcomeRecord, rates)
        self.stderr.write(
            f"read {len(vendor_records):,} vendors, {len(brief_records):,} briefs, "
            f"{len(outcome_records):,} outcomes "
            f"(skipped {bad_vendors + bad_briefs + bad_outcomes} bad lines)"
        )
        rows = [unsaved_row(r, now) for r in vendor_records]
        replay = Replay(
            rows,
            (_brief(r) for r in brief_records),
            (
                (o.brief, o.vendor, str(o.outcome), o.decided_at, o.rank, o.value_usd)
                for o in outcome_records
            ),
            progress=self.stderr,
        )
        if options["walk_forward"] is not None:
            folds = run_walk_forward(replay, options)
            summary = folds.summary()
            print_walk_forward(self.stdout, folds)
        else:
            report = run_replay(replay, options)
            summary = report.summary()
            print_report(self.stdout, report)
        self.stdout.write(json.dumps(summary))
        if options["json_out"]:
            Path(options["json_out"]).write_text(json.dumps(summary, indent=2))


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
