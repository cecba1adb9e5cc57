from collections.abc import Iterator
from typing import Any

from core.management.interchange import ExportCommand
from core.schema import compact
from matchmaking.models import Outcome


class Command(ExportCommand):
    help = (
        "Export every outcome (imported, or recorded by officers' decisions and the "
        "pipeline) to an outcomes.jsonl file, e.g. for evaluate_ranker."
    )
    noun = "outcomes"

    def records(self) -> Iterator[dict[str, Any]]:
        rows = Outcome.objects.order_by("id").values_list(
            "brief__external_id",
            "vendor__external_id",
            "outcome",
            "value_usd",
            "decided_at",
            "rank",
            "score",
        )
        for brief, vendor, outcome, value_usd, decided_at, rank, score in rows.iterator():
            yield compact(
                {
                    "brief": brief,
                    "vendor": vendor,
                    "outcome": outcome,
                    "value_usd": value_usd,
                    "decided_at": decided_at.isoformat() if decided_at else None,
                    "rank": rank,
                    "score": score,
                }
            )
