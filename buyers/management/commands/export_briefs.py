from buyers.selectors import brief_records
from core.management.interchange import ExportCommand


class Command(ExportCommand):
    help = "Export every brief, its buyer embedded, to a briefs.jsonl file."
    noun = "briefs"

    def records(self):
        return brief_records()
