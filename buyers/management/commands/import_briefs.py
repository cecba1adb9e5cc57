from typing import Any

from buyers.schema import BriefRecord
from buyers.services import briefs_upsert
from core.interchange import JsonLinesImporter
from core.management.interchange import ImportCommand


class Command(ImportCommand):
    help = "Import briefs (and their buyers) from a briefs.jsonl file (idempotent by external_id)."
    noun = "briefs"

    def importer(self) -> JsonLinesImporter[Any]:
        return JsonLinesImporter(BriefRecord, briefs_upsert)
