"""What the curation, introduction and audit endpoints return and accept."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.api.fields import StrictCharField
from core.models import AuditEntry
from matchmaking.models import Curation, Introduction, Match, Message, RejectReason
from matchmaking.pipeline.conversations import MAX_BODY, author_label
from matchmaking.pipeline.selectors import (
    brief_text_for,
    buyer_revealed_to,
    contact_cards,
    is_stale,
)


class UsernameField(serializers.SlugRelatedField[Any]):
    """Who did it, by username; null when nobody has (yet) or the user is gone."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="username", read_only=True, allow_null=True, **kwargs)


class VendorBrief(serializers.Serializer[Any]):
    external_id = serializers.CharField()
    name = serializers.CharField()
    city = serializers.CharField()
    team_size = serializers.IntegerField(allow_null=True)


class MatchOut(serializers.ModelSerializer[Match]):
    vendor = VendorBrief()
    decided_by = UsernameField()

    class Meta:
        model = Match
        fields = [
            "id",
            "vendor",
            "state",
            "source",
            "pinned",
            "rank",
            "score",
            "ranker",
            "reasons",
            "gaps",
            "note",
            "reject_reason",
            "decided_by",
            "decided_at",
            "version",
        ]


class BriefSummary(serializers.Serializer[Any]):
    external_id = serializers.CharField()
    title = serializers.CharField()
    industry = serializers.CharField()
    services = serializers.ListField(child=serializers.CharField())
    technologies = serializers.ListField(child=serializers.CharField())
    budget_max_usd = serializers.IntegerField(allow_null=True)
    published_at = serializers.DateField(allow_null=True)
    buyer_country = serializers.SerializerMethodField()

    def get_buyer_country(self, brief: Any) -> str | None:
        return str(brief.buyer.country) if brief.buyer and brief.buyer.country else None


class ReviewOut(serializers.ModelSerializer[Curation]):
    brief = BriefSummary()
    officer = UsernameField()
    matches = serializers.SerializerMethodField()

    class Meta:
        model = Curation
        fields = ["brief", "officer", "opened_at", "closed_at", "matches"]

    def get_matches(self, review: Curation) -> list[dict[str, Any]]:
        return MatchOut(review.brief.matches.all(), many=True).data  # type: ignore[return-value]


class Versioned(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, help_text="the version you saw (409 if stale)")


class ApproveIn(Versioned):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RejectIn(Versioned):
    reason = serializers.ChoiceField(choices=RejectReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PinIn(Versioned):
    pinned = serializers.BooleanField()


class AddIn(serializers.Serializer[Any]):
    vendor = serializers.CharField(help_text="the vendor's external_id")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RespondIn(Versioned):
    accept = serializers.BooleanField(
        help_text="vendors accept or decline; buyers confirm or decline"
    )


class DealValue(serializers.Serializer[Any]):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    currency = serializers.CharField(min_length=3, max_length=3)


class MoveIn(Versioned):
    stage = serializers.ChoiceField(choices=["meeting", "proposal", "won", "lost"])
    deal_value = DealValue(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class IntroductionOut(serializers.ModelSerializer[Introduction]):
    """The buyer is named only once both sides opted in (and always to officers and the
    buyer's own members)."""

    vendor = serializers.SerializerMethodField()
    brief = serializers.SerializerMethodField()
    buyer = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()
    unread_messages = serializers.IntegerField(
        read_only=True, default=0, help_text="messages by others you have not read"
    )
    moved_by = UsernameField()

    class Meta:
        model = Introduction
        fields = [
            "id",
            "stage",
            "declined_by",
            "vendor",
            "brief",
            "buyer",
            "contacts",
            "unread_messages",
            "stale",
            "stage_changed_at",
            "moved_by",
            "introduced_at",
            "meeting_at",
            "proposal_at",
            "closed_at",
            "deal_value",
            "deal_currency",
            "deal_value_usd",
            "note",
            "version",
            "created_at",
        ]

    def get_vendor(self, introduction: Introduction) -> dict[str, Any]:
        return VendorBrief(introduction.match.vendor).data

    def get_brief(self, introduction: Introduction) -> dict[str, Any]:
        brief = introduction.match.brief
        title, description = brief_text_for(introduction, self.context["request"].user)
        return {
            "external_id": brief.external_id,
            "title": title,
            "description": description,
            "industry": brief.industry,
            "services": brief.services,
            "technologies": brief.technologies,
            "budget_max_usd": brief.budget_max_usd,
            "timeline_weeks": brief.timeline_weeks,
        }

    def get_contacts(self, introduction: Introduction) -> dict[str, dict[str, str]] | None:
        """Both sides' contact cards once both opted in, else null."""
        return contact_cards(introduction)

    def get_buyer(self, introduction: Introduction) -> dict[str, Any] | None:
        buyer = introduction.match.brief.buyer
        if buyer is None:
            return None
        if not buyer_revealed_to(introduction, self.context["request"].user):
            return {"country": str(buyer.country) or None, "anonymous": True}
        return {
            "external_id": buyer.external_id,
            "name": buyer.name,
            "country": str(buyer.country) or None,
            "website": buyer.website,
            "anonymous": False,
        }

    def get_stale(self, introduction: Introduction) -> bool:
        return is_stale(introduction)


class AuditOut(serializers.ModelSerializer[AuditEntry]):
    actor = UsernameField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "subject_type",
            "subject_id",
            "brief",
            "before",
            "after",
        ]


class MessageOut(serializers.ModelSerializer[Message]):
    author = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "author", "mine", "body", "created_at"]

    def get_author(self, message: Message) -> str:
        """The person and their side: "Ayesha Khan (Indus Code)"."""
        return author_label(message)

    def get_mine(self, message: Message) -> bool:
        return bool(message.author_id == self.context["request"].user.pk)


class MessageIn(serializers.Serializer[Any]):
    body = StrictCharField(max_length=MAX_BODY, trim_whitespace=True)


class ReadOut(serializers.Serializer[Any]):
    last_read = serializers.IntegerField(help_text="the newest message id you have read")
