from django.contrib import admin

from core.admin import ReadOnlyAdmin
from matchmaking.models import Curation, Introduction, Match


@admin.register(Curation)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["brief", "officer", "opened_at", "closed_at"]


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ["brief", "vendor", "state", "source", "pinned", "rank", "score", "decided_by"]
    list_filter = ["state", "source"]


@admin.register(Introduction)
class IntroductionAdmin(ReadOnlyAdmin):
    list_display = [
        "match",
        "stage",
        "stage_changed_at",
        "deal_value",
        "deal_currency",
        "deal_value_usd",
    ]
    list_filter = ["stage"]
