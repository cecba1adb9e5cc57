"""Reading a page of firms (or a brief's candidates) by external id must use the
external id's index, never walk every row."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from buyers.models import Brief, Buyer
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table would be scanned
        cursor.execute(f"EXPLAIN {sql}", params)
        return " ".join(row[0] for row in cursor.fetchall())


# The index a plan reads: SQLite "USING INDEX name", PostgreSQL "Index Scan on name".
INDEX_USED = re.compile(r"(?:USING (?:COVERING )?INDEX|Index (?:Only )?Scan on) (\S+)")


@pytest.mark.parametrize("model", [Vendor, Buyer, Brief])
def test_rows_by_external_id_are_found_through_its_index(model):
    ids = [f"pk-{number:06d}" for number in range(20)]
    plan = _plan(model.objects.filter(external_id__in=ids))  # archived rows left out
    used = INDEX_USED.findall(plan)
    assert used and all("external_id" in name or "autoindex" in name for name in used), plan
