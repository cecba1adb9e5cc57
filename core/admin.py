from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.models import AuditEntry, CurrencyRate, Email


@admin.register(CurrencyRate)
class CurrencyRateAdmin(admin.ModelAdmin[CurrencyRate]):
    list_display = ["currency", "valid_from", "usd_per_unit", "source"]
    list_filter = ["currency"]


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Shown, never changed here: these rows are written only by services (decisions
    are audited there; an admin edit would bypass the audit log)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "subject_type", "subject_id", "brief"]
    list_filter = ["action", "subject_type"]
    search_fields = ["brief", "subject_id", "actor__username"]


@admin.register(Email)
class EmailAdmin(ReadOnlyAdmin):
    list_display = ["key", "subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["key", "subject"]


class ArchiveNotDelete:
    """Admin for archivable records (vendors, buyers, briefs): no delete, which would
    cascade away deals and ranker labels; archive through the API (audited)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
