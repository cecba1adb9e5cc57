from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = "IT firms"

    def ready(self) -> None:
        from accounts.selectors import register_organisation
        from core.jobs import register_job
        from vendors.jobs import import_vendors_job
        from vendors.selectors import vendor_of_member

        register_job("import_vendors", "Import vendors (JSON Lines file)", import_vendors_job)
        register_organisation(
            "vendor", lambda user: firm.external_id if (firm := vendor_of_member(user)) else None
        )
