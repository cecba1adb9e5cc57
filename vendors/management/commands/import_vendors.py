from core.management.interchange import ImportCommand
from vendors.schema import VendorRecord
from vendors.services import vendors_upsert


class Command(ImportCommand):
    help = "Import vendors from a vendors.jsonl file (idempotent by external_id)."
    record_model = VendorRecord
    writer = staticmethod(vendors_upsert)
    noun = "vendors"
