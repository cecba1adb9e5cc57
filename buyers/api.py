from typing import Any

from django.utils import timezone
from rest_framework.exceptions import ValidationError

from buyers import selectors, services
from buyers.filters import BriefFilter, BuyerFilter
from buyers.models import Brief, Buyer
from buyers.schema import BriefRecord, BuyerRecord
from core.api.permissions import OrganisationAccess, has_role, is_officer
from core.api.viewsets import InterchangeActions, RecordViewSet, record_schema
from core.interchange import JsonLinesImporter


class BuyerAccess(OrganisationAccess):
    member_role = "buyer"
    membership = "buyer_membership"


@record_schema(
    BuyerRecord,
    tag="buyers",
    read="Officers see every buyer; a buyer member sees only their own organisation.",
    write=(
        "Create: officers, or a buyer-role user with no organisation yet (they become its "
        "member). Update: officers and the organisation's members. Delete: officers."
    ),
)
class BuyerViewSet(RecordViewSet):
    """Buyer organisations, addressed by ``external_id``."""

    record_model = BuyerRecord
    permission_classes = [BuyerAccess]
    filterset_class = BuyerFilter

    model = Buyer
    member_id_prefix = "buyer"

    def visible(self, user: Any) -> Any:
        return selectors.buyers_visible_to(user)

    def to_record(self, obj: Buyer) -> dict[str, Any]:
        return selectors.buyer_record(obj)

    def save_record(self, record: BuyerRecord, *, creating: bool) -> Buyer:
        user = self.request.user
        member = user if creating and has_role(user, "buyer") else None
        return services.buyer_save(record=record, member=member, create_only=creating)  # type: ignore[arg-type]

    def delete_object(self, obj: Buyer) -> None:
        services.buyer_archive(buyer=obj, actor=self.request.user)  # type: ignore[arg-type]


class BriefAccess(OrganisationAccess):
    member_role = "buyer"
    membership = "buyer_membership"

    def has_permission(self, request: Any, view: Any) -> bool:
        # A buyer member posts briefs for their organisation (checked in ``prepare``).
        user = request.user
        return bool(user and user.is_authenticated) and (
            is_officer(user) or has_role(user, "buyer")
        )

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return (
            super().has_object_permission(request, view, obj.buyer)
            if obj.buyer
            else is_officer(request.user)
        )


@record_schema(
    BriefRecord,
    tag="briefs",
    read="Officers see every brief; a buyer member sees their organisation's briefs only.",
    write=(
        "Officers, for any buyer; buyer members, for their own organisation (the brief's "
        "`buyer` is set to it). Import/export: officers only."
    ),
)
class BriefViewSet(InterchangeActions, RecordViewSet):
    """Buyers' briefs, addressed by ``external_id``."""

    record_model = BriefRecord
    permission_classes = [BriefAccess]
    filterset_class = BriefFilter

    model = Brief
    member_id_prefix = "b"

    def visible(self, user: Any) -> Any:
        return selectors.briefs_visible_to(user)

    def to_record(self, obj: Brief) -> dict[str, Any]:
        return selectors.brief_record(obj)

    def prepare(self, data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        user = self.request.user
        if is_officer(user):
            return data
        if creating:
            data = {**data, "published_at": timezone.localdate().isoformat()}
        own = selectors.buyer_of_member(user)  # type: ignore[arg-type]
        if own is None:
            raise ValidationError(
                {"buyer": ["create your buyer organisation first (POST /api/v1/buyers/)"]}
            )
        given = data.get("buyer")
        given_id = given.get("external_id") if isinstance(given, dict) else given
        if given_id not in (None, own.external_id):
            raise ValidationError({"buyer": [f"you may post briefs only for '{own.external_id}'"]})
        return {**data, "buyer": {"external_id": own.external_id}}

    def save_record(self, record: BriefRecord, *, creating: bool) -> Brief:
        return services.brief_save(record=record, create_only=creating)

    def delete_object(self, obj: Brief) -> None:
        services.brief_archive(brief=obj, actor=self.request.user)  # type: ignore[arg-type]

    def importer(self) -> JsonLinesImporter[Any]:
        return JsonLinesImporter(BriefRecord, services.briefs_upsert)

    def export_records(self) -> Any:
        return selectors.brief_records()
