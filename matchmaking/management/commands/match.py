import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from buyers.models import Brief
from matchmaking.matching.services import match_brief


class Command(BaseCommand):
    help = "Rank vendors for one or more briefs, with reasons (JSON, or JSON Lines for several)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("briefs", nargs="+", metavar="BRIEF_EXTERNAL_ID")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        briefs = {
            b.external_id: b
            for b in Brief.objects.select_related("buyer").filter(external_id__in=options["briefs"])
        }
        missing = [b for b in options["briefs"] if b not in briefs]
        if missing:
            raise CommandError(f"unknown brief(s): {', '.join(missing)}")
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        several = len(options["briefs"]) > 1
        for external_id in options["briefs"]:
            result = match_brief(briefs[external_id], limit=options["limit"])
            if options["format"] == "table":
                self._table(result)
            else:
                self.stdout.write(
                    json.dumps(result, ensure_ascii=False, indent=None if several else 2)
                )

    def _table(self, result: dict[str, Any]) -> None:
        self.stdout.write(f"Brief {result['brief']} ({result['meta'].get('ranker', '-')}):")
        for match in result["matches"]:
            vendor = match["vendor"]
            why = "; ".join(reason["text"] for reason in match["reasons"])
            self.stdout.write(
                f"{match['rank']:>3}. {vendor['name']} ({vendor['external_id']}, {vendor['city']}) "
                f"{match['score']:.3f} — {why}"
            )
