from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = "IT firms"

    def ready(self) -> None:
        from core.jobs import register_job
        from vendors.jobs import import_vendors_job

        register_job("import_vendors", "Import vendors (JSON Lines file)", import_vendors_job)
