"""A rebuild never leaves searchers without an index (alias / CURRENT switch)."""

from __future__ import annotations

import threading

from search.query import VendorQuery
from tests.search.test_backend_contract import CATALOGUE


def test_every_search_answers_while_the_index_is_rebuilt_repeatedly(backend):
    backend.index_documents(CATALOGUE)
    totals: list[int] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def search_continuously() -> None:
        while not stop.is_set():
            try:
                totals.append(backend.search(VendorQuery(text="fintech", facets=False)).total)
            except BaseException as error:
                failures.append(error)

    searcher = threading.Thread(target=search_continuously)
    searcher.start()
    try:
        for _ in range(5):
            assert backend.rebuild(CATALOGUE) == len(CATALOGUE)
    finally:
        stop.set()
        searcher.join(timeout=30)
    assert failures == []
    assert len(totals) > 5
    assert set(totals) == {backend.search(VendorQuery(text="fintech", facets=False)).total}
    assert min(totals) > 0
