from typing import Any

from core.interchange import JsonLinesImporter
from core.management.interchange import ImportCommand
from vendors.schema import VendorRecord
from vendors.services import vendors_upsert


class Command(ImportCommand):
    help = "Import vendors from a vendors.jsonl file (idempotent by external_id)."
    noun = "vendors"

    def importer(self) -> JsonLinesImporter[Any]:
        return JsonLinesImporter(VendorRecord, vendors_upsert)
