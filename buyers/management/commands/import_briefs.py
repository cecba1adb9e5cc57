from buyers.schema import BriefRecord
from buyers.services import briefs_upsert
from core.management.interchange import ImportCommand


class Command(ImportCommand):
    help = "Import briefs (and their buyers) from a briefs.jsonl file (idempotent by external_id)."
    record_model = BriefRecord
    writer = staticmethod(briefs_upsert)
    noun = "briefs"
