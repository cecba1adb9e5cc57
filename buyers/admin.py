from django.contrib import admin

from buyers.models import Brief, Buyer, BuyerMember
from core.admin import ArchiveNotDelete


class MemberInline(admin.TabularInline[BuyerMember, Buyer]):
    model = BuyerMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Buyer)
class BuyerAdmin(ArchiveNotDelete, admin.ModelAdmin[Buyer]):
    list_display = ["name", "external_id", "country", "industry"]
    list_filter = ["country"]
    search_fields = ["name", "external_id"]
    inlines = [MemberInline]


@admin.register(Brief)
class BriefAdmin(ArchiveNotDelete, admin.ModelAdmin[Brief]):
    list_display = ["title", "external_id", "buyer", "industry", "budget_max_usd", "published_at"]
    list_filter = ["industry", "engagement_model"]
    search_fields = ["title", "external_id"]
    raw_id_fields = ["buyer"]
    readonly_fields = ["version", "record_hash", "budget_min_usd", "budget_max_usd"]
