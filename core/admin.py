from django.contrib import admin

from core.models import CurrencyRate


@admin.register(CurrencyRate)
class CurrencyRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "valid_from", "usd_per_unit", "source"]
    list_filter = ["currency"]
