"""Role checks shared by every app's API. Each view class states its own policy in its
docstring; these are the building blocks."""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request


def is_officer(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_officer)


def has_role(user: Any, role: str) -> bool:
    return bool(user and user.is_authenticated and user.role == role)


class IsOfficer(BasePermission):
    """Trade officers and admins only."""

    message = "Only trade officers may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_officer(request.user)


class OrganisationAccess(BasePermission):
    """Reads as the view allows; writes by officers or by members of the organisation.

    Subclasses set ``member_role`` and ``membership`` (the user's related name) and
    ``public_read``. A user of ``member_role`` without an organisation may create one.
    """

    member_role: str
    membership: str
    public_read = False

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if request.method in SAFE_METHODS and self.public_read:
            return True
        if not user or not user.is_authenticated:
            return False
        if getattr(view, "action", None) == "create":
            return is_officer(user) or (
                has_role(user, self.member_role) and not self._organisation(user)
            )
        return is_officer(user) or has_role(user, self.member_role)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        user = request.user
        if request.method in SAFE_METHODS and self.public_read:
            return True
        if is_officer(user):
            return True
        if getattr(view, "action", None) == "destroy":
            return False
        return self._organisation(user) == obj

    def _organisation(self, user: Any) -> Any:
        membership = getattr(user, self.membership, None)
        return getattr(membership, self.member_role, None) if membership else None
