"""Firms kept in the process between matches: never stale, read without queries while
nothing changed, and read ahead before a server forks."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from core.generations import GENERATION_KEY, generation
from matchmaking.matching import selectors
from matchmaking.pipeline.outcomes import outcomes_upsert
from matchmaking.schema import OutcomeRecord
from tests.factories import make_brief, make_buyer, make_vendor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cold():
    selectors.clear_caches()
    yield
    selectors.clear_caches()


def _vendor_queries(ids: list[str]) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as seen:
        found = selectors.vendors_data(ids)
    return found, [q["sql"] for q in seen.captured_queries if "vendors_vendor" in q["sql"]]


def test_firms_are_read_once_while_the_generation_stands_and_again_after_a_write():
    make_vendor(external_id="a", name="Chenab Mobile", technologies=["Flutter"])
    make_vendor(external_id="b", name="Ravi Apps")
    first, reads = _vendor_queries(["a", "b"])
    assert reads and set(first) == {"a", "b"}
    again, reads = _vendor_queries(["a", "b"])
    assert reads == [] and again["a"] is first["a"]
    before = generation()
    make_vendor(external_id="a", name="Chenab Mobile", technologies=["Flutter", "Kotlin"])
    assert generation() > before  # indexed (inline here), so the generation moved on
    changed, reads = _vendor_queries(["a", "b"])
    assert reads and changed["a"].technologies == ("Flutter", "Kotlin")
    assert changed["b"] is first["b"]  # unchanged row: kept by its version


def test_an_outcome_reaches_the_firms_track_record_at_once():
    buyer = make_buyer(external_id="acme")
    brief = make_brief(buyer, external_id="b-1", title="Fleet app")
    make_vendor(external_id="a", name="Chenab Mobile")
    assert selectors.vendors_data(["a"])["a"].wins == ()
    outcomes_upsert(
        [
            OutcomeRecord.model_validate(
                {"brief": brief.external_id, "vendor": "a", "outcome": "won"}
            )
        ]
    )
    assert [win.brief for win in selectors.vendors_data(["a"])["a"].wins] == ["b-1"]


def test_an_emptied_shared_cache_never_repeats_a_generation_held_in_memory():
    make_vendor(external_id="a", name="Chenab Mobile")
    selectors.vendors_data(["a"])
    held = generation()
    caches["shared"].delete(GENERATION_KEY)  # evicted, or Redis restarted empty
    assert generation() != held
    _, reads = _vendor_queries(["a"])
    assert reads  # read again: what was held may be older than the emptied cache knew


def test_without_a_generation_every_match_reads_the_firms(monkeypatch):
    make_vendor(external_id="a", name="Chenab Mobile")
    monkeypatch.setattr(selectors, "known_generation", lambda: None)  # shared cache down
    selectors.vendors_data(["a"])
    _, reads = _vendor_queries(["a"])
    assert reads


def test_a_server_reads_firms_ahead_and_starts_even_when_it_cannot(settings, monkeypatch, caplog):
    import gc

    from core.runtime import YOUNG_COLLECTION, prepare_process

    for number in range(3):
        make_vendor(external_id=f"v{number}", name=f"Firm {number}")
    settings.RAABTA_PREWARM_FIRMS = 2
    with caplog.at_level(logging.INFO, logger="core.runtime"):
        prepare_process()
    assert "2 firms read ahead" in caplog.text
    _, reads = _vendor_queries(["v1", "v2"])  # the two most recently updated
    assert reads == []
    assert gc.get_threshold()[0] == YOUNG_COLLECTION  # fewer young collections a match

    def broken(limit: int) -> int:
        raise DatabaseError("no such table: vendors_vendor")

    monkeypatch.setattr(selectors, "prewarm", broken)
    caplog.clear()
    prepare_process()  # logs, does not raise
    assert "firms not read ahead" in caplog.text
    assert "the first requests will read them" in caplog.text


def test_reimporting_the_same_outcomes_writes_nothing_and_keeps_the_firms():
    buyer = make_buyer(external_id="acme")
    make_brief(buyer, external_id="b-1", title="Fleet app")
    make_vendor(external_id="a", name="Chenab Mobile")

    def upsert(value: int):
        record = {"brief": "b-1", "vendor": "a", "outcome": "won", "value_usd": value}
        return outcomes_upsert([OutcomeRecord.model_validate(record)])

    assert upsert(50_000).created == 1
    held = generation()
    again = upsert(50_000)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert generation() == held  # nothing changed: every process keeps its firms
    assert upsert(60_000).updated == 1 and generation() > held
