from collections.abc import Callable
from functools import cached_property
from typing import Any

from rest_framework.request import Request

from core.api.permissions import OrganisationAccess, has_role, is_officer
from core.api.viewsets import InterchangeActions, RecordViewSet, record_schema
from core.interchange import JsonLinesImporter
from vendors import selectors, services
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

    def visible(self, user: Any) -> Any:
        return selectors.vendor_list()

    @cached_property
    def _sees_extra_of(self) -> Callable[[Vendor], bool]:
        """Whose unknown keys the caller sees: every firm's (officers), its own firm's
        (members), none. Worked out once per request, not once per listed firm."""
        user = self.request.user
        if is_officer(user):
            return lambda vendor: True
        own = selectors.vendor_of_member(user) if user.is_authenticated else None  # type: ignore[arg-type]
        return lambda vendor: own is not None and vendor.pk == own.pk

    def to_record(self, obj: Vendor) -> dict[str, Any]:
        return selectors.vendor_record(obj, public=not self._sees_extra_of(obj))

    def stored_record(self, obj: Vendor) -> dict[str, Any]:
        return selectors.vendor_record(obj)

    def save_record(self, record: VendorRecord, *, creating: bool) -> Vendor:
        request: Request = self.request
        member = request.user if creating and has_role(request.user, "vendor") else None
        return services.vendor_save(record=record, member=member, create_only=creating)  # type: ignore[arg-type]

    def delete_object(self, obj: Vendor) -> None:
        services.vendor_archive(vendor=obj, actor=self.request.user)  # type: ignore[arg-type]

    def importer(self) -> JsonLinesImporter[Any]:
        return JsonLinesImporter(VendorRecord, services.vendors_upsert)

    def export_records(self) -> Any:
        return selectors.vendor_records()
