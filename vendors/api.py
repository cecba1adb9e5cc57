from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.fields import StrictCharField
from core.api.permissions import IsOfficer, OrganisationAccess, has_role, is_officer
from core.api.viewsets import InterchangeActions, RecordViewSet, record_schema
from core.interchange import JsonLinesImporter
from vendors import selectors, services, verification
from vendors.filters import VendorFilter
from vendors.models import Vendor
from vendors.schema import VendorRecord


class VendorAccess(OrganisationAccess):
    member_role = "vendor"
    membership = "vendor_membership"
    public_read = True


@record_schema(
    VendorRecord,
    tag="vendors",
    read="Anyone, signed in or not: vendor profiles are a public directory.",
    write=(
        "Create: officers, or a vendor-role user who has no firm yet (they become its member). "
        "Update: officers and the firm's own members. Delete: officers."
    ),
)
class VendorViewSet(InterchangeActions, RecordViewSet):
    """IT firms, addressed by ``external_id``. Import/export: officers only."""

    record_model = VendorRecord
    permission_classes = [VendorAccess]
    filterset_class = VendorFilter

    model = Vendor
    member_id_prefix = "firm"

    def visible(self, user: Any) -> Any:
        return selectors.vendor_list()

    @cached_property
    def _sees_extra_of(self) -> Callable[[Vendor], bool]:
        """Whose unknown keys the caller sees: every firm's (officers), its own firm's
        (members), none. Worked out once per request, not once per listed firm."""
        user = self.request.user
        if is_officer(user):
            return lambda vendor: True
        own = selectors.vendor_of_member(user) if user.is_authenticated else None
        return lambda vendor: own is not None and vendor.pk == own.pk

    output_only = frozenset({"verified_facts"})

    def to_record(self, obj: Vendor) -> dict[str, Any]:
        """The record, plus ``verified_facts``: the facts (``registration:pseb``,
        ``certification:ISO 27001``) an officer verified; the rest of what the record
        states about registrations and certifications are the firm's claims."""
        record = selectors.vendor_record(obj, public=not self._sees_extra_of(obj))
        return {**record, "verified_facts": [f.key for f in verification.facts(obj) if f.verified]}

    def stored_record(self, obj: Vendor) -> dict[str, Any]:
        return selectors.vendor_record(obj)

    def save_record(self, record: VendorRecord, *, creating: bool) -> Vendor:
        request: Request = self.request
        member = request.user if creating and has_role(request.user, "vendor") else None
        officer = is_officer(request.user)
        return services.vendor_save(
            record=record,
            member=member,  # type: ignore[arg-type]
            create_only=creating,
            by_firm=not officer,  # a member's write states claims; an officer's records facts
            source=f"officer {request.user.username}" if officer else "",
        )

    def delete_object(self, obj: Vendor) -> None:
        services.vendor_archive(vendor=obj, actor=self.request.user)  # type: ignore[arg-type]

    def importer(self) -> JsonLinesImporter[Any]:
        return JsonLinesImporter(VendorRecord, services.vendors_upsert)

    def export_records(self) -> Any:
        return selectors.vendor_records()


class FactOut(serializers.Serializer[Any]):
    fact = serializers.CharField(source="key", help_text="registration:pseb, certification:…")
    kind = serializers.CharField()
    name = serializers.CharField()
    badge = serializers.CharField(source="label", help_text="PSEB registered, ISO 27001 certified")
    reference = serializers.CharField()
    verified = serializers.SerializerMethodField()

    def get_verified(self, fact: verification.Fact) -> dict[str, Any] | None:
        """Who verified it, when, with what evidence and until when; null: a claim."""
        return fact.verified


class FirmFactsOut(serializers.Serializer[Any]):
    external_id = serializers.CharField()
    name = serializers.CharField()
    city = serializers.CharField()
    version = serializers.IntegerField()
    unverified_claims = serializers.IntegerField()
    facts = serializers.SerializerMethodField()

    def get_facts(self, vendor: Vendor) -> list[dict[str, Any]]:
        return FactOut(verification.facts(vendor), many=True).data  # type: ignore[return-value]


class VerifyIn(serializers.Serializer[Any]):
    fact = StrictCharField(max_length=200)
    version = serializers.IntegerField(min_value=1)
    evidence = StrictCharField(max_length=500)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)


class RevokeIn(serializers.Serializer[Any]):
    fact = StrictCharField(max_length=200)
    version = serializers.IntegerField(min_value=1)
    reason = StrictCharField(max_length=500)


@extend_schema(tags=["verification"])
class VerificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Vendor]
):
    """Officers only: the firms with claims waiting (oldest change first; ``?all=true``
    for every firm with facts), each firm's facts, and verify / revoke one fact (with
    the version seen: 409 if the firm changed meanwhile). Both are audited."""

    permission_classes = [IsOfficer]
    serializer_class = FirmFactsOut
    lookup_field = "external_id"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[Vendor]:
        rows = selectors.vendor_list().order_by("updated_at", "id")
        if self.action == "list" and self.request.query_params.get("all") != "true":
            rows = rows.filter(unverified_claims__gt=0)
        return rows

    @extend_schema(request=VerifyIn, responses=FirmFactsOut)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, external_id: str) -> Response:
        """Verify one fact the firm states: evidence required; a certification may
        carry its expiry date."""
        return self._decided(request, VerifyIn, verification.fact_verify)

    @extend_schema(request=RevokeIn, responses=FirmFactsOut)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, external_id: str) -> Response:
        """Withdraw a verification, saying why; the fact is a claim again."""
        return self._decided(request, RevokeIn, verification.fact_revoke)

    def _decided(
        self, request: Request, form: type[serializers.Serializer[Any]], decide: Any
    ) -> Response:
        vendor = self.get_object()  # who may decide is settled before the body
        data = form(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        vendor = decide(vendor=vendor, key=values.pop("fact"), actor=request.user, **values)
        return Response(FirmFactsOut(vendor).data)
