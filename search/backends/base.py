"""The search backend interface. Every backend passes the same contract suite
(tests/search/test_backend_contract.py)."""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterable, Iterator
from typing import Any, Self

from search.query import (
    CandidateQuery,
    DemandQuery,
    OpportunityQuery,
    SearchPage,
    Suggestion,
    VendorQuery,
)


class SearchUnavailable(Exception):
    """The backend cannot be reached or refused the operation; retry later."""


class SearchIndex(abc.ABC):
    """What every index does, whatever it holds: documents are dicts with an ``id``, a
    ``version`` that only grows and a ``record_hash`` of what they were built from."""

    def __init__(self, alias: str, params: dict[str, Any]):
        self.alias = alias
        self.params = params

    @abc.abstractmethod
    def index_documents(self, documents: Iterable[dict[str, Any]]) -> int:
        """Add or replace documents; a document older (lower ``version``) than the
        indexed one is ignored, so replays and out-of-order updates are harmless.
        Returns how many were written."""

    @abc.abstractmethod
    def delete_documents(self, ids: Iterable[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""

    @abc.abstractmethod
    def fingerprints(self) -> dict[str, tuple[int, str]]:
        """Every indexed id with its version and the ``record_hash`` of the row it was
        built from (for reconciling with the database: versions and content)."""

    @abc.abstractmethod
    def count(self) -> int:
        """Number of indexed documents."""

    @abc.abstractmethod
    def rebuild(self, documents: Iterable[dict[str, Any]]) -> int:
        """Build a new index from ``documents`` and switch to it atomically; searches
        keep answering from the old index until the switch. Returns the count."""

    @abc.abstractmethod
    def health(self) -> dict[str, Any]:
        """``{"ok": bool, ...}`` without raising."""

    @classmethod
    @abc.abstractmethod
    @contextlib.contextmanager
    def scratch(cls, params: dict[str, Any]) -> Iterator[Self]:
        """A throw-away, empty index on the engine ``params`` configure (its own
        directory or index name), removed when the block ends: what a replay of history
        (``matchmaking.training.replay``) retrieves from, so that evaluation asks the engine that
        serves."""

    def fragmented(self) -> bool:
        """Would a rebuild make searches faster (``search.sync.compact_if_fragmented``)?
        No, unless the engine says so: Elasticsearch merges its segments itself."""
        return False


class VendorIndex(SearchIndex):
    """The vendor index. Documents are dicts from ``search.documents.vendor_document``:
    ``id`` is the vendor's external id."""

    # The dotted path of the same engine's demand index (buyers and briefs).
    demand_backend: str

    @abc.abstractmethod
    def search(self, query: VendorQuery) -> SearchPage:
        """Full text + filters + facets + sort + pagination + highlighting."""

    @abc.abstractmethod
    def candidates(self, query: CandidateQuery) -> list[tuple[str, float]]:
        """Stage-1 retrieval for matchmaking: ``(id, score)`` best first."""

    @abc.abstractmethod
    def autocomplete_names(self, prefix: str, limit: int) -> list[Suggestion]:
        """Firms whose name has a word starting with ``prefix``."""

    @abc.abstractmethod
    def word_counts(self, words: Iterable[str]) -> dict[str, int]:
        """How many documents have each word (lower case, as written, not stemmed) in
        their name, description, portfolio or labels: the index's vocabulary, for
        spelling correction (search/understanding.py)."""

    @abc.abstractmethod
    def label_values(self, field: str) -> dict[str, int]:
        """Every value of a label field with its document count (for suggestions)."""


class DemandIndex(SearchIndex):
    """The demand index: buyers and briefs (``search.demand``), ids ``kind:external_id``."""

    @abc.abstractmethod
    def search(self, query: DemandQuery) -> SearchPage:
        """Full text over one kind of document + filters + facets + sort + pages +
        highlighting; hits carry document ids."""

    @abc.abstractmethod
    def candidates(self, query: OpportunityQuery) -> list[tuple[str, float]]:
        """Stage-1 retrieval of briefs for a firm: ``(document id, score)`` best first."""
