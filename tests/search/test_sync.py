"""The index follows the database through the outbox, on both backends."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from core.models import OutboxEvent
from search.documents import vendor_document
from search.query import VendorQuery
from search.sync import drain_outbox, find_drift, repair_drift
from tests.factories import make_vendor
from vendors.models import Vendor
from vendors.services import vendor_archive

pytestmark = pytest.mark.django_db(transaction=True)


def indexed_ids(backend) -> set[str]:
    return {hit.id for hit in backend.search(VendorQuery(limit=100, facets=False)).hits}


def test_profile_writes_reach_the_index_after_commit(configured_backend):
    vendor = make_vendor(external_id="pk-sync", technologies=["Django"])
    assert indexed_ids(configured_backend) == {"pk-sync"}
    assert not OutboxEvent.objects.exists()
    vendor_archive(vendor=Vendor.objects.get(pk=vendor.pk))
    assert indexed_ids(configured_backend) == set()


def test_a_rolled_back_write_leaves_no_event_and_no_document(configured_backend):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        make_vendor(external_id="pk-rollback")
        raise RuntimeError("abort")
    assert not OutboxEvent.objects.exists()
    assert indexed_ids(configured_backend) == set()


def test_draining_twice_is_harmless(configured_backend):
    make_vendor(external_id="pk-twice")
    OutboxEvent.objects.create(topic="vendor", key="pk-twice", version=1)  # a replayed event
    report = drain_outbox()
    assert (report.events, report.indexed) == (1, 0)  # already indexed at that version
    assert indexed_ids(configured_backend) == {"pk-twice"}


def test_reconcile_finds_and_repairs_a_corrupted_index(configured_backend, capsys):
    for n in range(3):
        make_vendor(external_id=f"pk-r{n}", city="Lahore")
    configured_backend.delete_documents(["pk-r0"])  # lost
    configured_backend.index_documents(  # garbage from the future
        [
            {
                "id": "pk-r1",
                "version": 10**17,
                "name": "Corrupted",
                "name_sort": "corrupted",
                "city": "Nowhere",
            }
        ]
    )
    configured_backend.index_documents(
        [{"id": "ghost", "version": 1, "name": "Ghost", "name_sort": "ghost"}]
    )
    drift = find_drift(configured_backend)
    assert (drift.missing, drift.stale, drift.orphaned) == (["pk-r0"], ["pk-r1"], ["ghost"])
    call_command("reconcile_search_index")
    assert "Repaired 3 documents; 0 differences left." in capsys.readouterr().out
    assert find_drift(configured_backend).total == 0
    assert indexed_ids(configured_backend) == {"pk-r0", "pk-r1", "pk-r2"}
    page = configured_backend.search(VendorQuery(filters={"city": ("Nowhere",)}))
    assert page.total == 0


def test_reconcile_compares_content_not_only_versions(configured_backend):
    vendor = make_vendor(external_id="pk-same-version", name="Right Name")
    document = vendor_document(vendor)
    # What an old race left behind: the right version, another save's content.
    configured_backend.delete_documents([vendor.external_id])
    configured_backend.index_documents(
        [{**document, "name": "Wrong Name", "name_sort": "wrong name", "record_hash": "other"}]
    )
    assert find_drift(configured_backend).stale == ["pk-same-version"]
    repair_drift(find_drift(configured_backend), configured_backend)
    assert find_drift(configured_backend).total == 0


def test_rebuild_command_indexes_everything_and_switches(configured_backend, capsys):
    for n in range(5):
        make_vendor(external_id=f"pk-b{n}")
    configured_backend.delete_documents(["pk-b0", "pk-b1"])
    call_command("rebuild_search_index")
    assert "Indexed 5 vendors" in capsys.readouterr().out
    assert indexed_ids(configured_backend) == {f"pk-b{n}" for n in range(5)}


def test_an_import_tells_the_index_once_at_the_end(configured_backend, monkeypatch):
    import json

    from core.interchange import JsonLinesImporter
    from search import sync
    from tests.factories import VendorRecordFactory
    from vendors.schema import VendorRecord
    from vendors.services import vendors_upsert

    calls: list[int] = []
    real = sync.sync_search_index

    def counting() -> object:
        calls.append(OutboxEvent.objects.count())  # events waiting when the index is told
        return real()

    monkeypatch.setattr(sync, "sync_search_index", counting)
    lines = [
        json.dumps(VendorRecordFactory(external_id=f"pk-bulk-{n}")) for n in range(1200)
    ]  # 3 batches
    JsonLinesImporter(VendorRecord, vendors_upsert).run(lines)
    assert calls == [1200]  # one drain, after the last batch committed
    assert configured_backend.count() == 1200 and not OutboxEvent.objects.exists()
    make_vendor(external_id="pk-single")  # outside an import: told after its own commit
    assert calls == [1200, 1] and configured_backend.count() == 1201


@pytest.mark.parametrize("entry", ["command", "console job"])
def test_every_write_made_during_a_rebuild_is_searchable_after_it(
    configured_backend, monkeypatch, entry
):
    """Writes during the build are indexed into the index being replaced (inline, as a
    worker would); the rebuild replays them into the new one after the switch."""
    from search import sync

    for n in range(3):
        make_vendor(external_id=f"pk-old-{n}", name=f"Old Firm {n}")
    real_documents, written = sync.vendor_documents, list[bool]()

    def documents_with_writes_meanwhile(*args, **kwargs):
        for number, document in enumerate(real_documents(*args, **kwargs)):
            if number == 1 and not written:  # half-way through the build, users keep working
                written.append(True)
                make_vendor(external_id="pk-new", name="Brand New Firm")
                changed = Vendor.objects.get(external_id="pk-old-2")
                make_vendor(
                    external_id="pk-old-2", name="Renamed Firm", team_size=changed.team_size
                )
                vendor_archive(vendor=Vendor.objects.get(external_id="pk-old-0"))
            yield document

    monkeypatch.setattr(sync, "vendor_documents", documents_with_writes_meanwhile)
    if entry == "command":
        call_command("rebuild_search_index")
    else:
        sync.rebuild_job(lambda share, message: None)
    assert indexed_ids(configured_backend) == {"pk-old-1", "pk-old-2", "pk-new"}
    renamed = configured_backend.search(VendorQuery(text="renamed", facets=False))
    assert [hit.id for hit in renamed.hits] == ["pk-old-2"]
