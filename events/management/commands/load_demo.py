"""Load the seeded demo catalogue through the same import path users use."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from buyers.models import Buyer, BuyerMember
from buyers.schema import BriefRecord
from buyers.services import briefs_upsert
from core.interchange import ImportReport, JsonLinesImporter
from events.demo import load_demo_events
from matchmaking.demo import DATES_DRAWN_FOR, DemoCatalogue
from matchmaking.pipeline.outcomes import outcomes_upsert, pipeline_from_outcomes
from matchmaking.schema import OutcomeRecord
from search.sync import INDEXES, compact_if_fragmented
from vendors.models import Vendor, VendorMember
from vendors.schema import VendorRecord
from vendors.services import vendors_upsert

DEMO_PASSWORD = "raabta-demo"


class Command(BaseCommand):
    help = "Generate and import a realistic demo catalogue (deterministic for a seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size", type=int, default=2000, help="number of vendors (default 2000)"
        )
        parser.add_argument(
            "--briefs", type=int, help="number of briefs (default: 15%% of size, min 300)"
        )
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--if-empty", action="store_true", help="do nothing if vendors exist")
        parser.add_argument("--no-users", action="store_true", help="skip the demo accounts")
        parser.add_argument(
            "--open-briefs",
            type=int,
            default=12,
            help="recent briefs without outcomes, awaiting curation (default 12)",
        )
        parser.add_argument(
            "--write-to", metavar="DIR", help="only write vendors/briefs/outcomes.jsonl to DIR"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_users"] and not settings.RAABTA_DEMO_ACCOUNTS:
            raise CommandError(
                "Demo accounts (admin/raabta-demo …) have a published password and are "
                "refused under these settings (production); add --no-users to load only "
                "the demo catalogue."
            )
        if options["if_empty"] and Vendor.objects.exists():
            self.stdout.write("Demo data already loaded; nothing to do.")
            return
        catalogue = DemoCatalogue(
            vendors=options["size"],
            briefs=options["briefs"],
            seed=options["seed"],
            shift_days=max(0, (timezone.localdate() - DATES_DRAWN_FOR).days),
        )
        if options["write_to"]:
            self._write(catalogue, Path(options["write_to"]))
            return
        self._import("vendors", VendorRecord, vendors_upsert, catalogue.vendors())
        # Historical briefs commit with their outcomes, so they are seen as decided
        # already and stay out of the officers' queue; the open briefs enter it.
        with transaction.atomic():
            self._import("briefs", BriefRecord, briefs_upsert, catalogue.briefs())
            self._import("outcomes", OutcomeRecord, outcomes_upsert, catalogue.outcomes())
            created = pipeline_from_outcomes()
            self.stdout.write(f"Demo pipeline: {created:,} introductions from the outcomes")
        self._import(
            "open briefs", BriefRecord, briefs_upsert, catalogue.open_briefs(options["open_briefs"])
        )
        if not options["no_users"]:
            self._demo_users()
        self.stdout.write(load_demo_events(seed=options["seed"]))
        for indexed in INDEXES:  # a bulk load leaves a segment per indexing round
            if compact_if_fragmented(indexed):
                self.stdout.write(f"Compacted the index of {indexed.name}.")

    def _import(self, noun: str, model: Any, writer: Any, records: Any) -> None:
        importer = JsonLinesImporter(model, writer)
        report = importer.run((json.dumps(r) for r in records), progress=self._progress(noun))
        self.stdout.write(f"Demo {noun}: {report.summary()}")

    def _write(self, catalogue: DemoCatalogue, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for noun, records in (
            ("vendors", catalogue.vendors()),
            ("briefs", catalogue.briefs()),
            ("outcomes", catalogue.outcomes()),
        ):
            path = directory / f"{noun}.jsonl"
            with path.open("w", encoding="utf-8") as out:
                count = sum(out.write(json.dumps(record) + "\n") > 0 for record in records)
            self.stdout.write(f"Wrote {count:,} {noun} to {path}")

    def _progress(self, noun: str):
        def show(report: ImportReport) -> None:
            if report.lines % 5000 < JsonLinesImporter.batch_size:
                self.stderr.write(f"  … {noun}: {report.summary()}")

        return show

    @transaction.atomic
    def _demo_users(self) -> None:
        accounts = [
            ("admin", User.Role.ADMIN),
            ("officer", User.Role.OFFICER),
            ("vendor", User.Role.VENDOR),
            ("buyer", User.Role.BUYER),
        ]
        for username, role in accounts:
            if not User.objects.filter(username=username).exists():
                user_create(
                    username=username,
                    password=DEMO_PASSWORD,
                    role=role,
                    email=f"{username}@demo.raabta.example",  # e-mails are queued for them
                )
        vendor, buyer = (
            Vendor.objects.order_by("external_id").first(),
            Buyer.objects.order_by("external_id").first(),
        )
        if vendor:
            VendorMember.objects.get_or_create(
                user=User.objects.get(username="vendor"), defaults={"vendor": vendor}
            )
        if buyer:
            BuyerMember.objects.get_or_create(
                user=User.objects.get(username="buyer"), defaults={"buyer": buyer}
            )
        self.stdout.write(
            f"Demo accounts (password '{DEMO_PASSWORD}'): " + ", ".join(a for a, _ in accounts)
        )
