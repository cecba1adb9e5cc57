from django.contrib import admin

from core.admin import ArchiveNotDelete
from vendors.models import Vendor, VendorMember


class MemberInline(admin.TabularInline[VendorMember, Vendor]):
    model = VendorMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Vendor)
class VendorAdmin(ArchiveNotDelete, admin.ModelAdmin[Vendor]):
    list_display = ["name", "external_id", "city", "team_size", "version", "updated_at"]
    list_filter = ["city", "country"]
    search_fields = ["name", "external_id"]
    readonly_fields = ["version", "record_hash", "created_at", "updated_at"]
    inlines = [MemberInline]
