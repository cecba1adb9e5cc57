"""Counting how often a firm is seen: profile views, appearances in search results and
clicks from search to the profile.

A request only adds to a counter in its process; every few seconds the process hands
what it gathered to the worker as one job (inline in the embedded default), and the
worker adds it with one atomic ``INSERT … ON CONFLICT DO UPDATE SET count = count + n``,
so concurrent requests never lose a count and no page waits for a write. Obvious bots (by
user agent) and the firm's own members viewing their profile are not counted. Counts
are per firm and day only: nothing about who looked is kept.
"""

from __future__ import annotations

import atexit
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from core.tasks import enqueue
from vendors.models import FirmStat, Vendor

BOTS = re.compile(r"bot|crawl|spider|slurp|curl|wget|python-requests|httpx|scrapy", re.I)


def is_bot(request: HttpRequest) -> bool:
    agent = request.headers.get("User-Agent", "")
    return not agent or bool(BOTS.search(agent))


def count_seen(request: HttpRequest, kind: str, external_ids: Iterable[str]) -> None:
    """Count one ``kind`` for each firm in ``external_ids`` (not for bots). No query:
    the worker looks the firms up."""
    ids = list(external_ids)
    if ids and not is_bot(request):
        _buffer.add(kind, timezone.localdate().isoformat(), ids)


class _Buffer:
    """Counts gathered in this process and handed to the worker as one job per kind and
    day every ``FLUSH_SECONDS`` (a job per page view would keep a forking RQ worker
    busy at a few hundred searches a second; with inline tasks, a write per search
    would queue SQLite's writers). What an idle process holds goes at its next request,
    when someone reads insights in it, or when it exits."""

    FLUSH_SECONDS = 5.0

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._lock = threading.Lock()
        self._since = time.monotonic()
        atexit.register(self.flush)

    def add(self, kind: str, day: str, ids: list[str]) -> None:
        with self._lock:
            self._counts.update((kind, day, vendor_id) for vendor_id in ids)
            due = time.monotonic() - self._since >= self.FLUSH_SECONDS
        if due:
            self.flush()

    def discard(self) -> None:
        """Drop what is held, unsent (between tests: one test's counts must not land in
        the next test's database)."""
        with self._lock:
            self._counts.clear()

    def flush(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, Counter()
            self._since = time.monotonic()
        batches: dict[tuple[str, str], list[str]] = defaultdict(list)
        for (kind, day, vendor_id), n in counts.items():
            batches[(kind, day)].extend([vendor_id] * n)
        for (kind, day), ids in batches.items():
            enqueue("vendors.insights.record", kind, ids, day)


_buffer = _Buffer()


def flush_counts() -> None:
    """Hand over what this process has counted so far (before reading the figures)."""
    _buffer.flush()


def record(kind: str, external_ids: list[str], day: str) -> None:
    """The background task: add the counts, atomically (firms gone since: skipped)."""
    seen = Counter(external_ids)
    pks = dict(Vendor.objects.filter(external_id__in=list(seen)).values_list("external_id", "pk"))
    counts = {pks[key]: n for key, n in seen.items() if key in pks}  # one row once per statement
    if not counts:
        return
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
