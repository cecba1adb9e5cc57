"""Bulk insert and update for wide rows, used where ``bulk_create``/``bulk_update``
are the bottleneck (imports, core.upsert)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q

Adapt = Callable[[Any], Any]


def _adapter(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Adapt | None:
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return lambda value: ops.adapt_json_value(value, field.encoder)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return None  # str, int, bool and None go to the driver as they are


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows given as ``{field name: python value}`` with one ``executemany``.

    For imports of wide rows with many JSON columns. ``bulk_create`` spends most of its
    time in model instantiation and the SQL compiler's per-value work (see the import
    profile in docs/benchmarks.md); this adapts each value once with the backend's own
    adapters, so the stored bytes are what the ORM would write. Every concrete field
    except the primary key must be in each row. No signals, no primary keys returned.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    adapters = [(field.attname, _adapter(field, connection)) for field in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(str(field.column)) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    values = [
        tuple(
            row[name] if adapt is None or row[name] is None else adapt(row[name])
            for name, adapt in adapters
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def update_rows(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    fields: Sequence[str],
    *,
    increment: str | None = None,
) -> None:
    """Update ``fields`` of existing rows, each given as ``{"id": pk, field: value, …}``,
    with one ``executemany``; ``increment`` names a counter column raised by one in the
    same statement (``version = version + 1``: overlapping writers never share a value).
    ``bulk_update`` builds a CASE expression per field over the whole batch, which made
    re-importing changed profiles ~70 rows/s."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    targets: list[models.Field[Any, Any]] = [meta.get_field(name) for name in fields]  # type: ignore[misc]
    adapters = [(field.attname, _adapter(field, connection)) for field in targets]
    quote = connection.ops.quote_name
    assignments = [f"{quote(str(field.column))} = %s" for field in targets]
    if increment:
        column = quote(str(meta.get_field(increment).column))  # type: ignore[union-attr]
        assignments.append(f"{column} = {column} + 1")
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(assignments),
        quote(str(meta.pk.column)),
    )
    values = [
        (
            *(
                row[name] if adapt is None or row[name] is None else adapt(row[name])
                for name, adapt in adapters
            ),
            row["id"],
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def json_list_has(field: str, value: str) -> Q:
    """Rows whose JSON list ``field`` (of strings, or of ``{"name": …}`` objects) holds
    ``value``. The quoted JSON string is matched, so "Java" does not match
    "JavaScript"; it works the same on SQLite and PostgreSQL."""
    return Q(**{f"{field}__icontains": json.dumps(value)})
