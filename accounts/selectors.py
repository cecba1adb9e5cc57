"""Reads about users that the apps above accounts answer: the organisation a member
speaks for. Vendors and buyers register theirs (``register_organisation``, from their
``ready``), so accounts does not import them (the layers: docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import User

_ORGANISATIONS: dict[str, Callable[[User], str | None]] = {}


def register_organisation(kind: str, of_member: Callable[[User], str | None]) -> None:
    """``of_member(user)``: the external id of the ``kind`` organisation ("vendor",
    "buyer") the user is a member of, or ``None``."""
    _ORGANISATIONS[kind] = of_member


def organisations_of(user: User) -> dict[str, str | None]:
    """Each registered kind of organisation with the user's, ``None`` where none."""
    return {kind: of_member(user) for kind, of_member in _ORGANISATIONS.items()}
