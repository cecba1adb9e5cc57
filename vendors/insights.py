"""Counting how often a firm is seen: profile views, appearances in search results and
clicks from search to the profile.

A request only queues the count (``core.tasks.enqueue``: a Redis round trip in
production, inline in the embedded default); the worker adds it with one atomic
``INSERT … ON CONFLICT DO UPDATE SET count = count + n`` per batch, so concurrent
requests never lose a count and search does not wait for a write. Obvious bots (by
user agent) and the firm's own members viewing their profile are not counted. Counts
are per firm and day only: nothing about who looked is kept.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from core.tasks import enqueue
from vendors.models import FirmStat

BOTS = re.compile(r"bot|crawl|spider|slurp|curl|wget|python-requests|httpx|scrapy", re.I)


def is_bot(request: HttpRequest) -> bool:
    agent = request.headers.get("User-Agent", "")
    return not agent or bool(BOTS.search(agent))


def count_seen(request: HttpRequest, kind: str, vendor_ids: Iterable[int]) -> None:
    """Queue one count of ``kind`` for each firm in ``vendor_ids`` (not for bots)."""
    ids = list(vendor_ids)
    if ids and not is_bot(request):
        enqueue("vendors.insights.record", kind, ids, timezone.localdate().isoformat())


def record(kind: str, vendor_ids: list[int], day: str) -> None:
    """The background task: add the counts, atomically."""
    counts = Counter(vendor_ids)  # one row once per statement (PostgreSQL requires it)
    table = connection.ops.quote_name(FirmStat._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s)"] * len(counts))
    params: list[Any] = []
    for vendor_id, n in counts.items():
        params.extend([vendor_id, day, kind, n])
    add = f"DO UPDATE SET count = {table}.count + excluded.count"
    with connection.cursor() as cursor:  # names are ours; values are parameters
        cursor.execute(
            f"INSERT INTO {table} (vendor_id, day, kind, count) VALUES {values} "
            f"ON CONFLICT (vendor_id, day, kind) {add}",
            params,
        )
