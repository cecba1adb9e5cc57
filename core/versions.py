"""Optimistic concurrency: a row changes only if nobody changed it since it was read.

Rows that people edit side by side carry a ``version`` that every write bumps. A
service applies a change with ``update_if_version``: one UPDATE that matches the
version the client read (and any other condition the change needs) and bumps it, so
two officers deciding the same match, or a firm and an officer editing one profile, can
never both win; the loser gets a ``Conflict`` (409) with the row as it now stands.
(A keyed record written whole, through the upsert, checks its version under a row lock
instead: ``core.upsert.check_version``.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import F, Model

from core.errors import Conflict

M = TypeVar("M", bound=Model)


def update_if_version(
    instance: M,
    *,
    version: int,
    changes: dict[str, Any],
    conflict: Callable[[M], Conflict],
    **still: Any,
) -> M:
    """Apply ``changes`` to ``instance``'s row if it is still at ``version`` and matches
    ``still`` (field lookups, e.g. ``state="suggested"``), bumping the version, and
    return the instance re-read; else raise ``conflict(instance re-read)``."""
    rows = type(instance)._default_manager.filter(pk=instance.pk, version=version, **still)
    updated = rows.update(version=F("version") + 1, **changes)
    instance.refresh_from_db()
    if not updated:
        raise conflict(instance)
    return instance
