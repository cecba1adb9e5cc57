"""The label taxonomy (services, technologies, industries, certifications).

Labels arrive as free text. ``normalise`` maps case, spacing, punctuation, synonyms
("RN" → "React Native") and close spellings ("Optimisation"/"Optimization") to the
canonical label; a label it cannot place is returned trimmed, unchanged otherwise, and
``is_known`` says so, so imports keep it as a free tag and report it.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

Kind = Literal["service", "technology", "industry", "certification"]
KINDS: tuple[Kind, ...] = ("service", "technology", "industry", "certification")
TAXONOMY_FILE = Path(__file__).parent / "data" / "taxonomy.json"
_SPELLING_CUTOFF = 0.9
_MIN_FUZZY_LENGTH = 6


def label_key(label: str) -> str:
    """Case-, space- and punctuation-insensitive key; keeps + and # (C++, C#)."""
    return re.sub(r"[^0-9a-z+#]", "", label.lower())


@dataclass(frozen=True)
class Vocabulary:
    canonical: tuple[str, ...]
    by_key: dict[str, str]

    @classmethod
    def from_entries(cls, entries: dict[str, list[str]]) -> Vocabulary:
        by_key: dict[str, str] = {}
        for label, synonyms in entries.items():
            for variant in (label, *synonyms):
                by_key.setdefault(label_key(variant), label)
        return cls(tuple(entries), by_key)

    def lookup(self, label: str) -> str | None:
        key = label_key(label)
        if not key:
            return None
        if key in self.by_key:
            return self.by_key[key]
        if len(key) < _MIN_FUZZY_LENGTH:
            return None
        close = difflib.get_close_matches(key, self.by_key, n=1, cutoff=_SPELLING_CUTOFF)
        return self.by_key[close[0]] if close else None


class Taxonomy:
    def __init__(self, data: dict[str, dict[str, list[str]]]):
        self.entries = {kind: data[kind] for kind in KINDS}  # label -> synonyms, as written
        self.vocabularies = {kind: Vocabulary.from_entries(data[kind]) for kind in KINDS}
        self._normalise = lru_cache(maxsize=50_000)(self._normalise_uncached)

    def labels(self, kind: Kind) -> tuple[str, ...]:
        return self.vocabularies[kind].canonical

    def _normalise_uncached(self, kind: Kind, label: str) -> tuple[str, bool]:
        cleaned = " ".join(label.split())
        found = self.vocabularies[kind].lookup(cleaned)
        return (found, True) if found else (cleaned, False)

    def normalise(self, kind: Kind, label: str) -> str:
        return self._normalise(kind, label)[0]

    def is_known(self, kind: Kind, label: str) -> bool:
        return self._normalise(kind, label)[1]

    def normalise_all(self, kind: Kind, labels: list[str]) -> list[str]:
        """Normalise and de-duplicate, keeping first-seen order; drops empty labels."""
        seen: dict[str, None] = {}
        for label in labels:
            canonical = self._normalise(kind, label)[0]
            if canonical:
                seen[canonical] = None
        return list(seen)

    def labels_in(self, text: str, *, max_words: int = 4) -> list[str]:
        """Canonical labels named anywhere in free text, synonyms resolved, exact
        matches only ("RN developers in Lahore" → ["React Native"])."""
        words = re.findall(r"[\w#+.&/-]+", text)
        found: dict[str, None] = {}
        for size in range(max_words, 0, -1):
            for start in range(len(words) - size + 1):
                key = label_key(" ".join(words[start : start + size]))
                for vocabulary in self.vocabularies.values():
                    if key in vocabulary.by_key:
                        found[vocabulary.by_key[key]] = None
        return list(found)

    def unknown(self, kind: Kind, labels: list[str]) -> list[str]:
        return [label for label in labels if not self.is_known(kind, label)]


@cache
def get_taxonomy() -> Taxonomy:
    data = json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    return Taxonomy(data)
