from core.management.interchange import ExportCommand
from vendors.selectors import vendor_records


class Command(ExportCommand):
    help = "Export every vendor to a vendors.jsonl file."
    noun = "vendors"

    def records(self):
        return vendor_records()
