"""The search backend interface. Every backend passes the same contract suite
(tests/search/test_backend_contract.py)."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import Any

from search.query import CandidateQuery, SearchPage, Suggestion, VendorQuery


class SearchUnavailable(Exception):
    """The backend cannot be reached or refused the operation; retry later."""


class SearchBackend(abc.ABC):
    """A vendor index. Documents are dicts from ``search.documents.vendor_document``:
    an ``id`` (the vendor's external id) and a ``version`` that only grows."""

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
