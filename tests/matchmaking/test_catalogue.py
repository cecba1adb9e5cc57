"""The catalogue keeps firms' and track records' values as rows (``ranking.catalogue``);
``extract`` reads candidates from it. Whatever the catalogue has seen before — the same
firm as an older object, firms past its first capacity, a catalogue started afresh,
other threads adding rows — a match's features must be those of the pairs themselves
(``features.pair_values``) and the texts those the memo analyses."""

from __future__ import annotations

import gc
import threading
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaking.ranking import catalogue, columns
from matchmaking.ranking.data import BriefData, VendorData
from matchmaking.ranking.extraction import extract
from matchmaking.ranking.features import FEATURES, pair_values
from matchmaking.ranking.history import HistoryItem
from matchmaking.ranking.terms import WORDS, term_counts
from tests.matchmaking.test_features_vectorised import PAIR_FEATURES, TODAY, briefs, vendors

BRIEF = BriefData(
    id="b-1",
    text="Flutter app for a fleet of drivers",
    services=("Mobile App Development",),
    industry="Logistics & Supply Chain",
    budget_max_usd=60_000,
    timeline_weeks=12,
    buyer_id="acme.com",
    buyer_name="Acme GmbH",
    buyer_country="DE",
    published_at=date(2026, 10, 1),
)


def firm(number: int) -> VendorData:
    return VendorData(
        id=f"v-{number}",
        name=f"Firm {number}",
        text=f"Flutter and Django apps, firm number {number}",
        services=("Mobile App Development",) if number % 2 else ("Web Development",),
        industries=("Logistics & Supply Chain",) if number % 3 == 0 else (),
        export_markets=("DE",) if number % 5 == 0 else ("AE",),
        rate_min=20 + number % 30,
        rating_average=4.5 if number % 4 == 0 else None,
        rating_count=6 if number % 4 == 0 else 0,
        hours_utc=(number % 24, (number + 8) % 24),
        portfolio=(
            HistoryItem(
                title=f"Fleet app {number}",
                text="driver app for a fleet",
                client="Acme GmbH" if number % 7 == 0 else "Beta",
                buyer_id="acme.com" if number % 7 == 0 else None,
                industry="Logistics & Supply Chain",
                client_country="DE",
                year=2024,
            ),
        ),
    )


def assert_pairs(brief: BriefData, firms: list[VendorData]) -> None:
    """Every pair feature of ``extract`` equals ``pair_values``' for the same pair."""
    features = extract(brief, firms, [1.0] * len(firms), today=TODAY)
    for row, vendor in enumerate(firms):
        values, _ = pair_values(brief, vendor, vendor.record_for(brief), TODAY)
        for column, name in enumerate(FEATURES):
            if name in PAIR_FEATURES:
                assert features.matrix[row, column] == pytest.approx(values[name], rel=1e-12), (
                    vendor.id,
                    name,
                )


def test_a_changed_firm_is_read_as_it_now_is_not_as_its_old_row():
    before = firm(5)
    assert_pairs(BRIEF, [before])
    after = replace(
        before,
        services=("Web Development",),
        export_markets=(),
        rate_min=None,
        rating_average=4.9,
        rating_count=30,
        portfolio=(),
    )
    assert_pairs(BRIEF, [after, before])
    old, new = (
        extract(BRIEF, [vendor], [1.0], today=TODAY).matrix[0] for vendor in (before, after)
    )
    assert old[FEATURES.index("service_overlap")] == 1.0
    assert new[FEATURES.index("service_overlap")] == 0.0
    assert new[FEATURES.index("win_count")] == 0.0 < old[FEATURES.index("win_count")]


def test_rows_past_the_first_capacity_keep_their_values(monkeypatch):
    monkeypatch.setattr(columns, "FIRST_CAPACITY", 4)
    catalogue.clear()
    firms = [firm(number) for number in range(40)]
    for start in range(0, 40, 7):  # grown several times, rows added between reads
        assert_pairs(BRIEF, firms[start : start + 7])
    assert_pairs(BRIEF, firms)
    assert catalogue.catalogue().firms.capacity >= 40


def test_a_catalogue_mostly_garbage_is_started_afresh_and_reads_the_same(monkeypatch):
    monkeypatch.setattr(columns, "GARBAGE_FLOOR", 10)
    catalogue.clear()
    first = catalogue.catalogue()
    kept = [firm(number) for number in range(5)]
    assert_pairs(BRIEF, kept)
    assert_pairs(BRIEF, [firm(number) for number in range(100, 130)])  # then dropped
    gc.collect()
    assert first.firms.garbage == 30
    fresh = catalogue.catalogue()
    assert fresh is not first
    assert_pairs(BRIEF, kept)  # rows again, in the new catalogue
    assert fresh.firms.size == len(kept)


def test_threads_adding_the_same_and_different_firms_read_their_own_values():
    catalogue.clear()
    firms = [firm(number) for number in range(60)]
    expected = extract(BRIEF, [replace(f) for f in firms], [1.0] * 60, today=TODAY).matrix
    catalogue.clear()
    found: dict[int, np.ndarray] = {}
    start = threading.Barrier(6)

    def match(worker: int) -> None:
        order = firms[worker * 10 :] + firms[: worker * 10]  # overlapping, new to all
        start.wait()
        matrix = extract(BRIEF, order, [1.0] * 60, today=TODAY).matrix
        found[worker] = np.roll(matrix, worker * 10, axis=0)

    threads = [threading.Thread(target=match, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for matrix in found.values():
        assert np.array_equal(matrix, expected)
    assert catalogue.catalogue().firms.size == 60  # each firm one row


@settings(max_examples=100, deadline=None)
@given(
    brief=briefs,
    seen=st.lists(vendors, max_size=6),
    candidates=st.lists(vendors, min_size=1, max_size=6),
)
def test_whatever_was_seen_before_the_features_are_the_pairs(brief, seen, candidates):
    if (brief.budget_max_usd or brief.budget_min_usd) == 0:
        brief = BriefData(**{**brief.__dict__, "budget_min_usd": None})
    if seen:
        extract(brief, seen, [1.0] * len(seen), today=TODAY)
    assert_pairs(brief, candidates)


@settings(max_examples=100, deadline=None)
@given(
    texts=st.lists(
        st.lists(st.sampled_from(("fleet app", "", "bank portal django", "the")), max_size=4),
        min_size=1,
        max_size=6,
    ),
    order=st.randoms(),
)
def test_texts_taken_by_rows_are_what_the_memo_analyses(texts, order):
    """Each row holds several texts (a record's items): taking any rows, in any order,
    gives the memo's term rows for their texts laid end to end."""
    counts = term_counts(**WORDS)
    table = columns.Texts(2)
    table.grow_rows(max(len(texts), 2))  # rows; the texts and terms grow as added
    split = order.randrange(len(texts) + 1)  # rows added in two batches
    for start, groups in ((0, texts[:split]), (split, texts[split:])):
        flat = [text for group in groups for text in group]
        table.add_many(start, counts.rows_of(flat), [len(group) for group in groups])
    rows = list(range(len(texts))) * 2
    order.shuffle(rows)
    taken = table.take(np.array(rows))
    expected = counts.rows_of([text for row in rows for text in texts[row]])
    assert np.array_equal(taken.columns, expected.columns)
    assert np.array_equal(taken.tf, expected.tf)
    assert np.array_equal(taken.ends, expected.ends)


def test_rows_are_this_catalogue_s_even_when_a_fresh_one_takes_the_objects_meanwhile(
    monkeypatch,
):
    """Another thread may start a fresh catalogue and give the same objects rows in it
    between this catalogue adding them and answering: the answer is this one's rows."""
    table = catalogue.Catalogue().firms
    firms = [firm(number) for number in range(6)]
    table.rows(firms[:1])
    add_many = table._add_many

    def taken_meanwhile(things):
        added = add_many(things)
        for thing in things:
            thing.__dict__[columns.ROW] = (-1, 0)  # another catalogue's row 0
        return added

    monkeypatch.setattr(table, "_add_many", taken_meanwhile)
    rows = table.rows(firms)
    assert table.numbers["rate_min"][rows].tolist() == [f.rate_min for f in firms]
    assert rows.tolist() == [0, 1, 2, 3, 4, 5]
    # and an object another catalogue holds gets a row here too, with its own values
    assert table.rows(firms[2:3]).tolist() == [6]


def test_each_brief_reads_the_track_record_it_may_see_whatever_day_firms_were_first_met():
    """A firm's row keeps the track record of the day it was first met and the days
    that see the same (``Catalogue.rows_for``): briefs of those days read it, briefs of
    other days and a brief among the firm's outcomes read their own — on the very days
    an item becomes visible, the day before, and with no date."""
    today = timezone.localdate()
    history = (
        HistoryItem(title="old", text="erp", year=2020),
        HistoryItem(title="this year", text="crm", year=today.year),  # seen next year
        HistoryItem(
            title="won", text="app", decided_on=today - timedelta(days=1), brief="b-won"
        ),  # seen from today
    )
    days = [
        None,
        today,
        today - timedelta(days=1),
        date(today.year + 1, 1, 1),
        date(today.year, 12, 31),
        date(2021, 1, 1),
    ]
    for first in days:  # whichever brief meets the firms first
        catalogue.clear()
        firms = [replace(firm(n), portfolio=history) for n in range(3)]
        for day in [first, *days]:
            for id in ("b-1", "b-won"):
                brief = replace(BRIEF, id=id, published_at=day)
                rows = catalogue.catalogue().rows_for(brief, firms).record_rows
                expected = catalogue.catalogue().records.rows(
                    [vendor.record_for(brief) for vendor in firms]
                )
                assert rows.tolist() == expected.tolist(), (first, day, id)
                assert_pairs(brief, firms)
