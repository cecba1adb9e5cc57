"""Errors services raise for a refused decision; the API turns them into 400 / 409."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """The request names something that cannot be done (an illegal transition, a
    missing deal value): a 400 naming ``field``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


class Conflict(Exception):
    """Someone else changed the object first (its version moved on): a 409 with the
    object's current state, so the client can show it and decide again."""

    def __init__(self, message: str, current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message, self.current = message, current or {}
