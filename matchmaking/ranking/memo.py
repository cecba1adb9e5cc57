"""A bounded, thread-safe memo (least recently used entries go first).

Matching runs in threads (gunicorn threads, the facet pool, the tests' concurrent
clients); an ``OrderedDict`` LRU mutated without a lock raised ``KeyError`` there."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
_MISSING = object()
V = TypeVar("V")


class LRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get_many(self, keys: Iterable[K]) -> dict[K, V]:
        """The entries held for ``keys`` (missing keys are left out)."""
        found: dict[K, V] = {}
        with self._lock:
            entries, promote = self._entries, self._entries.move_to_end
            for key in keys:
                value = entries.get(key, _MISSING)
                if value is not _MISSING:
                    found[key] = value  # type: ignore[assignment]
                    promote(key)
        return found

    def put_many(self, items: dict[K, V]) -> None:
        with self._lock:
            for key, value in items.items():
                self._entries[key] = value
                self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
