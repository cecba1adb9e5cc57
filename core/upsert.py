"""One way to write keyed records (vendors, buyers, briefs): create or update by
``external_id``, skip what did not change, and count versions in the database.

* A record whose canonical hash equals the stored one is not written (re-imports are
  idempotent; ``version`` only counts real changes).
* New rows are INSERTed; with ``create_only`` (an API create) an id that exists, or
  that another request inserts first, is an ``AlreadyExists`` — never a merge into
  someone else's row.
* Changed rows get ``version = version + 1`` in the UPDATE itself, so two overlapping
  saves of one row write two versions, and the versions returned are the ones stored.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from core.audit import audit_record
from core.db import insert_rows, update_rows
from core.errors import Conflict
from core.interchange import WriteCounts
from core.outbox import outbox_record


class AlreadyExists(Exception):
    """A create named an ``external_id`` that is taken."""

    def __init__(self, external_id: str) -> None:
        super().__init__(f"'{external_id}' is taken")
        self.external_id = external_id


def fresh_external_id(prefix: str) -> str:
    """A random id for a private record created by a member (a brief, a buyer): it says
    nothing about other rows, as a chosen id that is "taken" would."""
    return f"{prefix}-{secrets.token_hex(6)}"


@dataclass
class Written:
    """What an upsert did: stored versions of the rows it created or changed."""

    created: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0

    @property
    def versions(self) -> dict[str, int]:
        return {**self.created, **self.changed}

    def announce(self, topic: str) -> WriteCounts:
        """Record the writes in the outbox under ``topic`` (same transaction) and
        return the import counts."""
        outbox_record(
            topic=topic, changes=[(key, version, False) for key, version in self.versions.items()]
        )
        return WriteCounts(
            created=len(self.created), updated=len(self.changed), unchanged=self.unchanged
        )


def upsert_rows(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    *,
    create_only: bool = False,
) -> Written:
    """Write ``rows`` (``{"external_id", "record_hash", field: value …}``, every field
    the record sets) to ``model``; must run inside the caller's transaction."""
    by_id = {row["external_id"]: row for row in rows}  # a later row wins, as in a file
    stored = {
        obj["external_id"]: obj
        for obj in model._base_manager.filter(external_id__in=list(by_id)).values(
            "id", "external_id", "record_hash"
        )
    }
    if create_only and stored:
        raise AlreadyExists(next(iter(stored)))
    now = timezone.now()
    new = [
        _complete(model, {**row, "version": 1, "created_at": now, "updated_at": now})
        for key, row in by_id.items()
        if key not in stored
    ]
    changed = [
        {**row, "id": stored[key]["id"], "updated_at": now}
        for key, row in by_id.items()
        if key in stored and stored[key]["record_hash"] != row["record_hash"]
    ]
    _insert(model, new, create_only=create_only)
    if changed:
        fields = sorted(set(changed[0]) - {"id", "external_id", "version", "created_at"})
        update_rows(model, changed, fields, increment="version")
    # New rows are at version 1; changed ones are read back (a concurrent writer may
    # have incremented first, so stored + 1 could be wrong on PostgreSQL).
    versions = dict(
        model._base_manager.filter(
            external_id__in=[row["external_id"] for row in changed]
        ).values_list("external_id", "version")
        if changed
        else ()
    )
    return Written(
        created={row["external_id"]: 1 for row in new},
        changed={row["external_id"]: versions[row["external_id"]] for row in changed},
        unchanged=len(by_id) - len(new) - len(changed),
    )


def _complete(model: type[models.Model], row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with every other concrete field at its default (``insert_rows`` writes
    every column)."""
    for model_field in model._meta.concrete_fields:
        if not model_field.primary_key and model_field.attname not in row:
            row[model_field.attname] = model_field.get_default()
    return row


def _insert(model: type[models.Model], rows: list[dict[str, Any]], *, create_only: bool) -> None:
    if not rows:
        return
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives
            insert_rows(model, rows)
    except IntegrityError:
        taken = model._base_manager.filter(
            external_id__in=[row["external_id"] for row in rows]
        ).values_list("external_id", flat=True)
        if create_only and taken:
            raise AlreadyExists(taken[0]) from None
        raise


def lock_rows(model: type[models.Model], external_ids: Sequence[str]) -> None:
    """Lock these rows until the caller's transaction ends (``SELECT … FOR UPDATE``), so
    a read-merge-write of them cannot interleave with another. On SQLite the
    IMMEDIATE transaction already holds the database's write lock (FOR UPDATE is a
    no-op there)."""
    list(
        model._base_manager.select_for_update()
        .filter(external_id__in=list(external_ids))
        .values_list("pk", flat=True)
    )


def check_version(model: type[models.Model], external_id: str, seen: int | None) -> None:
    """Refuse with ``Conflict`` if the write was based on another version than the
    stored one (``seen``; ``None`` checks nothing), reading it under the row's lock (one
    ``SELECT … FOR UPDATE``). Must run inside the writing transaction."""
    if seen is None:
        return
    stored = list(
        model._base_manager.select_for_update()
        .filter(external_id=external_id)
        .values_list("version", flat=True)
    )
    if stored and stored[0] != seen:
        raise Conflict(
            f"this record changed since version {seen}: it is now at version {stored[0]}",
            current={"version": stored[0]},
        )


def archive_row(obj: models.Model, *, actor: Any, record: dict[str, Any]) -> int:
    """Archive ``obj`` (a vendor, buyer or brief) instead of deleting it: set
    ``archived_at``, count a version, audit who did it with the record as it was.
    Returns the new version; must run inside the caller's transaction."""
    now = timezone.now()
    manager = type(obj)._base_manager
    manager.filter(pk=obj.pk).update(archived_at=now, updated_at=now, version=F("version") + 1)
    audit_record(
        actor=actor,
        action=f"{obj._meta.model_name}.archive",
        subject=obj,
        before=record,
        after={"archived_at": now.isoformat()},
    )
    return int(manager.filter(pk=obj.pk).values_list("version", flat=True)[0])
