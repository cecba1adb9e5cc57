from typing import Any

from core.interchange import JsonLinesImporter
from core.management.interchange import ImportCommand
from matchmaking.pipeline.outcomes import outcomes_upsert
from matchmaking.schema import OutcomeRecord


class Command(ImportCommand):
    help = "Import outcomes (officers' decisions, deal stages) from an outcomes.jsonl file."
    noun = "outcomes"

    def importer(self) -> JsonLinesImporter[Any]:
        return JsonLinesImporter(OutcomeRecord, outcomes_upsert)
