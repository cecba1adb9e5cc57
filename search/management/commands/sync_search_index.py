from typing import Any

from django.core.management.base import BaseCommand, CommandError

from search.sync import INDEXES, drain_outbox


class Command(BaseCommand):
    help = "Apply every pending change to the search indexes (safe to run any time)."

    def handle(self, *args: Any, **options: Any) -> None:
        errors = []
        for indexed in INDEXES:
            report = drain_outbox(indexed=indexed)
            self.stdout.write(
                f"{indexed.name.capitalize()}: applied {report.events:,} changes: "
                f"{report.indexed:,} indexed, {report.deleted:,} deleted."
            )
            if report.error:
                errors.append(report.error)
        if errors:
            raise CommandError(
                f"search backend unavailable, changes kept for later: {'; '.join(errors)}"
            )
