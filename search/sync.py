"""Keeping the index in step with the database.

``drain_outbox`` is the only writer in normal operation: it reads vendor events from
the outbox, indexes the vendors' *current* rows (or deletes the missing ones) and removes
the events. It is idempotent: replaying an event re-sends a document the backend already
has at that version, which the backend ignores. ``reconcile`` compares the whole index
with the database and repairs what differs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from core.outbox import outbox_claim, outbox_done, outbox_failed
from search.backends.base import SearchBackend, SearchUnavailable
from search.cache import bump_generation
from search.documents import index_version, vendor_documents
from search.loading import get_search_backend
from vendors.models import Vendor
from vendors.selectors import vendor_list
from vendors.services import VENDOR_TOPIC

log = logging.getLogger(__name__)


@dataclass
class DrainReport:
    events: int = 0
    indexed: int = 0
    deleted: int = 0
    error: str = ""


def drain_outbox(
    *, backend: SearchBackend | None = None, batch_size: int | None = None
) -> DrainReport:
    """Index every pending vendor change, ``batch_size`` (default RAABTA_INDEX_BATCH) at a
    time; stops at the first backend failure, leaving the failed batch in the outbox with
    its attempt count and error."""
    backend = backend or get_search_backend()
    batch_size = batch_size or settings.RAABTA_INDEX_BATCH
    report = DrainReport()
    while True:
        events = outbox_claim(VENDOR_TOPIC, batch_size)
        if not events:
            break
        try:  # no transaction is open while the search engine is called
            indexed, deleted = _apply(backend, {event.key for event in events})
        except SearchUnavailable as error:
            outbox_failed(events, str(error))
            report.error = str(error)
            log.warning("search index unavailable, %d events kept: %s", len(events), error)
            break
        outbox_done(events)
        report.events += len(events)
        report.indexed += indexed
        report.deleted += deleted
    if report.events:
        bump_generation()
    return report


def _apply(backend: SearchBackend, keys: set[str]) -> tuple[int, int]:
    documents = list(vendor_documents(sorted(keys)))
    missing = keys - {document["id"] for document in documents}
    indexed = backend.index_documents(documents)
    backend.delete_documents(sorted(missing))
    return indexed, len(missing)


def sync_search_index() -> DrainReport:
    """The background task run after every commit that changed vendors."""
    return drain_outbox()


@dataclass
class Drift:
    missing: list[str] = field(default_factory=list)  # in the database, not in the index
    # indexed at another version, or at the same version with other content
    stale: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)  # in the index, not in the database

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.orphaned)


def find_drift(backend: SearchBackend | None = None) -> Drift:
    backend = backend or get_search_backend()
    indexed = backend.fingerprints()
    rows = vendor_list().values("external_id", "created_at", "version", "record_hash")
    expected = {
        row["external_id"]: (index_version(row), row["record_hash"])
        for row in rows.iterator(chunk_size=5000)
    }
    return Drift(
        missing=sorted(set(expected) - set(indexed)),
        stale=sorted(
            key for key, found in indexed.items() if key in expected and expected[key] != found
        ),
        orphaned=sorted(set(indexed) - set(expected)),
    )


def repair_drift(drift: Drift, backend: SearchBackend | None = None) -> None:
    """Re-index missing and stale vendors from the database; delete orphans. Stale
    documents are deleted first, so a corrupted document with a *higher* version than
    the database row is replaced too."""
    backend = backend or get_search_backend()
    backend.delete_documents(drift.stale + drift.orphaned)
    backend.index_documents(vendor_documents(drift.missing + drift.stale))
    bump_generation()


def reconcile_search_index() -> int:
    """The nightly task: find drift between the database and the index and repair it;
    returns how many documents were repaired."""
    drift = find_drift()
    if drift.total:
        log.warning(
            "index drift repaired: %d missing, %d stale, %d orphaned",
            len(drift.missing),
            len(drift.stale),
            len(drift.orphaned),
        )
        repair_drift(drift)
    return drift.total


# How far before a rebuild starts its replay looks: a write stamps ``updated_at`` before
# it commits, so one that committed (and was indexed into the old index) just after the
# build began may carry a slightly earlier time; transactions are far shorter than this.
REPLAY_MARGIN = timedelta(minutes=5)


def rebuild(
    backend: SearchBackend | None = None, *, progress: Callable[[int], None] | None = None
) -> int:
    """Build a fresh index from every vendor and switch to it atomically; ``progress``
    hears the number of documents built so far, every 1,000.

    Writes keep being indexed while it builds — into the index being replaced. So once
    the new index is live, every vendor changed since the build started (less
    ``REPLAY_MARGIN``) is indexed again from its current row, and removed if it is gone:
    no write made during a rebuild is lost."""
    backend = backend or get_search_backend()
    started = timezone.now() - REPLAY_MARGIN
    documents = vendor_documents()
    if progress is not None:
        documents = _counted(documents, progress)
    count = backend.rebuild(documents)
    changed = Vendor.all_objects.filter(updated_at__gte=started)  # archived ones too
    _apply(backend, set(changed.values_list("external_id", flat=True)))
    bump_generation()
    return count


def _counted(
    documents: Iterable[dict[str, Any]], progress: Callable[[int], None]
) -> Iterator[dict[str, Any]]:
    for number, document in enumerate(documents, start=1):
        if number % 1000 == 0:
            progress(number)
        yield document


def rebuild_job(report: Callable[[float, str], None]) -> str:
    """``rebuild`` as a console job, reporting the share of vendors indexed."""
    total = max(1, vendor_list().count())
    count = rebuild(progress=lambda n: report(n / total, f"{n:,} of {total:,} vendors indexed"))
    return f"Indexed {count:,} vendors into a fresh index and switched to it."
