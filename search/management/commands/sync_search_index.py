from typing import Any

from django.core.management.base import BaseCommand, CommandError

from search.sync import drain_outbox


class Command(BaseCommand):
    help = "Apply every pending profile change to the search index (safe to run any time)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = drain_outbox()
        self.stdout.write(
            f"Applied {report.events:,} changes: "
            f"{report.indexed:,} indexed, {report.deleted:,} deleted."
        )
        if report.error:
            raise CommandError(
                f"search backend unavailable, changes kept for later: {report.error}"
            )
