from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from buyers.models import Brief
from matchmaking.curation.suggestions import suggest_for_changed_briefs, suggest_matches


class Command(BaseCommand):
    help = (
        "Suggest matches for the officers' queue: for briefs created or changed since the "
        "last run (the outbox; the safety net for lost jobs), or for the briefs named."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("briefs", nargs="*", metavar="BRIEF", help="external ids to refresh")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["briefs"]:
            done = suggest_for_changed_briefs()
            self.stdout.write(f"Suggested matches for {done:,} changed brief(s).")
            return
        briefs = {
            b.external_id: b
            for b in Brief.objects.select_related("buyer").filter(external_id__in=options["briefs"])
        }
        missing = sorted(set(options["briefs"]) - set(briefs))
        if missing:
            raise CommandError(f"unknown brief(s): {', '.join(missing)}")
        for external_id in options["briefs"]:
            review = suggest_matches(briefs[external_id])
            self.stdout.write(
                f"{external_id}: {review.brief.matches.count()} match(es) on its review"
            )
