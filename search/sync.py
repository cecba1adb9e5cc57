"""Keeping the indexes in step with the database.

Two indexes, one machinery: ``VENDORS`` (firms) and ``DEMAND`` (buyers and briefs,
search/demand.py), each an ``Indexed``: its outbox topics, how its documents are built
and what the database says they should be.

``drain_outbox`` is the only writer in normal operation: it reads an index's events
from the outbox, indexes the rows' *current* documents (or deletes the missing ones)
and removes the events. It is idempotent: replaying an event re-sends a document the
backend already has at that version, which the backend ignores. ``reconcile`` compares
a whole index with the database and repairs what differs.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from core.generations import bump_generation
from core.outbox import outbox_claim, outbox_done, outbox_failed
from search import demand
from search.backends.base import SearchIndex, SearchUnavailable
from search.documents import index_version, vendor_documents
from search.loading import get_demand_index, get_search_backend
from vendors.models import Vendor
from vendors.selectors import vendor_list
from vendors.services import VENDOR_TOPIC

log = logging.getLogger(__name__)


def _vendor_fingerprints() -> dict[str, tuple[int, str]]:
    rows = vendor_list().values("external_id", "created_at", "version", "record_hash")
    return {
        row["external_id"]: (index_version(row), row["record_hash"])
        for row in rows.iterator(chunk_size=5000)
    }


def _vendors_changed(since: datetime) -> list[str]:
    changed = Vendor.all_objects.filter(updated_at__gte=since)  # archived ones too
    return list(changed.values_list("external_id", flat=True))


def _demand_fingerprints() -> dict[str, tuple[int, str]]:
    return {d["id"]: (d["version"], d["record_hash"]) for d in demand.demand_documents()}


def _demand_changed(since: datetime) -> list[str]:
    return [
        demand.document_id(kind.name, key)
        for kind in demand.KINDS
        for key in kind.changed_since(since)
    ]


@dataclass(frozen=True)
class Indexed:
    """One index and what keeps it in step with the database."""

    name: str  # what is indexed, for messages: "vendors", "buyers and briefs"
    topics: dict[str, Callable[[str], str]]  # outbox topic -> document id of an event key
    documents: Callable[[list[str] | None], Iterator[dict[str, Any]]]  # by document id
    fingerprints: Callable[[], dict[str, tuple[int, str]]]  # id -> (version, record_hash)
    changed_since: Callable[[datetime], list[str]]  # document ids written since
    count: Callable[[], int]  # documents the database holds
    index: Callable[[], SearchIndex]


def _same(key: str) -> str:
    return key


VENDORS = Indexed(
    name="vendors",
    topics={VENDOR_TOPIC: _same},
    documents=lambda ids: vendor_documents(ids),  # looked up when called (tests wrap it)
    fingerprints=_vendor_fingerprints,
    changed_since=_vendors_changed,
    count=lambda: vendor_list().count(),
    index=get_search_backend,
)
DEMAND = Indexed(
    name="buyers and briefs",
    topics={kind.topic: functools.partial(demand.document_id, kind.name) for kind in demand.KINDS},
    documents=demand.demand_documents,
    fingerprints=_demand_fingerprints,
    changed_since=_demand_changed,
    count=lambda: sum(kind.count() for kind in demand.KINDS),
    index=get_demand_index,
)
INDEXES = (VENDORS, DEMAND)


@dataclass
class DrainReport:
    events: int = 0
    indexed: int = 0
    deleted: int = 0
    error: str = ""


def drain_outbox(
    *,
    backend: SearchIndex | None = None,
    batch_size: int | None = None,
    indexed: Indexed = VENDORS,
) -> DrainReport:
    """Index every pending change of ``indexed`` (default: vendors), ``batch_size``
    (default RAABTA_INDEX_BATCH) at a time; stops at the first backend failure, leaving
    the failed batch in the outbox with its attempt count and error."""
    backend = backend or indexed.index()
    batch_size = batch_size or settings.RAABTA_INDEX_BATCH
    report = DrainReport()
    for topic, document_id in indexed.topics.items():
        while not report.error:
            events = outbox_claim(topic, batch_size)
            if not events:
                break
            try:  # no transaction is open while the search engine is called
                written, deleted = _apply(
                    backend, {document_id(event.key) for event in events}, indexed
                )
            except SearchUnavailable as error:
                outbox_failed(events, str(error))
                report.error = str(error)
                log.warning("search index unavailable, %d events kept: %s", len(events), error)
                break
            outbox_done(events)
            report.events += len(events)
            report.indexed += written
            report.deleted += deleted
    if report.events:
        bump_generation()
    return report


def _apply(backend: SearchIndex, ids: set[str], indexed: Indexed = VENDORS) -> tuple[int, int]:
    documents = list(indexed.documents(sorted(ids)))
    missing = ids - {document["id"] for document in documents}
    written = backend.index_documents(documents)
    backend.delete_documents(sorted(missing))
    return written, len(missing)


def sync_search_index() -> DrainReport:
    """The background task run after every commit that changed vendors."""
    return drain_outbox()


def sync_demand_index() -> DrainReport:
    """The background task run after every commit that changed buyers or briefs."""
    return drain_outbox(indexed=DEMAND)


@dataclass
class Drift:
    missing: list[str] = field(default_factory=list)  # in the database, not in the index
    # indexed at another version, or at the same version with other content
    stale: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)  # in the index, not in the database

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.orphaned)


def find_drift(backend: SearchIndex | None = None, indexed: Indexed = VENDORS) -> Drift:
    backend = backend or indexed.index()
    found = backend.fingerprints()
    expected = indexed.fingerprints()
    return Drift(
        missing=sorted(set(expected) - set(found)),
        stale=sorted(
            key for key, have in found.items() if key in expected and expected[key] != have
        ),
        orphaned=sorted(set(found) - set(expected)),
    )


def repair_drift(
    drift: Drift, backend: SearchIndex | None = None, indexed: Indexed = VENDORS
) -> None:
    """Re-index missing and stale documents from the database; delete orphans. Stale
    documents are deleted first, so a corrupted document with a *higher* version than
    the database row is replaced too."""
    backend = backend or indexed.index()
    backend.delete_documents(drift.stale + drift.orphaned)
    backend.index_documents(indexed.documents(drift.missing + drift.stale))
    bump_generation()


def reconcile_search_index() -> int:
    """The nightly task: find drift between the database and each index and repair it,
    then compact an index whose segments piled up; returns how many documents were
    repaired."""
    repaired = 0
    for indexed in INDEXES:
        drift = find_drift(indexed=indexed)
        if drift.total:
            log.warning(
                "index drift repaired (%s): %d missing, %d stale, %d orphaned",
                indexed.name,
                len(drift.missing),
                len(drift.stale),
                len(drift.orphaned),
            )
            repair_drift(drift, indexed=indexed)
        repaired += drift.total
        compact_if_fragmented(indexed)
    return repaired


def compact_if_fragmented(indexed: Indexed = VENDORS) -> bool:
    """Rebuild the index if its engine says a rebuild would search faster (the embedded
    engine: segments piled up by many commits, ``EmbeddedIndex.fragmented``); after bulk
    loads and nightly (``reconcile_search_index``). Returns whether it rebuilt."""
    backend = indexed.index()
    if not backend.fragmented():
        return False
    log.info("compacting the index of %s", indexed.name)
    rebuild(backend, indexed=indexed)
    return True


# How far before a rebuild starts its replay looks: a write stamps ``updated_at`` before
# it commits, so one that committed (and was indexed into the old index) just after the
# build began may carry a slightly earlier time; transactions are far shorter than this.
REPLAY_MARGIN = timedelta(minutes=5)


def rebuild(
    backend: SearchIndex | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    indexed: Indexed = VENDORS,
) -> int:
    """Build a fresh index from every row and switch to it atomically; ``progress``
    hears the number of documents built so far, every 1,000.

    Writes keep being indexed while it builds — into the index being replaced. So once
    the new index is live, every row changed since the build started (less
    ``REPLAY_MARGIN``) is indexed again from its current state, and removed if it is
    gone: no write made during a rebuild is lost."""
    backend = backend or indexed.index()
    started = timezone.now() - REPLAY_MARGIN
    documents = indexed.documents(None)
    if progress is not None:
        documents = _counted(documents, progress)
    count = backend.rebuild(documents)
    _apply(backend, set(indexed.changed_since(started)), indexed)
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
    """``rebuild`` of every index as a console job, reporting the share indexed."""
    done = []
    for indexed in INDEXES:
        total = max(1, indexed.count())

        def progress(n: int, total: int = total, name: str = indexed.name) -> None:
            report(n / total, f"{n:,} of {total:,} {name} indexed")

        count = rebuild(indexed=indexed, progress=progress)
        done.append(f"{count:,} {indexed.name}")
    return f"Indexed {' and '.join(done)} into fresh indexes and switched to them."
