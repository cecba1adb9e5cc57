"""What a query was understood to ask for: the plan every backend translates into its
own query (``search/backends/``), read by ``search.understanding.Interpreter``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from search.words import words_of


def minimum_match(concepts: int) -> int:
    """How many of a query's concepts a firm must answer."""
    if concepts <= 2:
        return concepts
    if concepts <= 4:
        return concepts - 1
    return math.ceil(concepts * 0.75)


@dataclass(frozen=True)
class Chip:
    """One thing the query was understood to ask for, as the page shows it; ``field``
    and ``values`` are the directory filter it can turn into."""

    # service, technology, industry, certification, city, region, language, market, country
    kind: str
    field: str
    values: tuple[str, ...]
    label: str
    text: str  # the words of the query it was read from

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "field": self.field,
            "values": list(self.values),
            "label": self.label,
            "text": self.text,
        }


@dataclass(frozen=True)
class Concept:
    """Something a firm should answer: any of ``labels`` (exact, strong) or all of
    ``words`` in its text (loose); words in ``fuzzy`` also match close spellings."""

    words: tuple[str, ...]
    labels: tuple[tuple[str, str], ...] = ()  # (document field, label)
    fuzzy: tuple[tuple[str, int], ...] = ()  # (word, edits)


@dataclass(frozen=True)
class Understanding:
    text: str
    concepts: tuple[Concept, ...] = ()
    boosts: tuple[Chip, ...] = ()
    general: tuple[str, ...] = ()  # words that only add to the score (``GENERAL``)
    chips: tuple[Chip, ...] = ()
    corrected: str | None = None  # the text searched, when spelling was corrected
    corrections: tuple[tuple[str, str], ...] = ()  # (typed, searched)

    @property
    def minimum_match(self) -> int:
        return minimum_match(len(self.concepts))

    @property
    def boosts_required(self) -> bool:
        """Places or languages alone: the query is *for* them."""
        return not self.concepts and bool(self.boosts)

    @property
    def fuzzy_words(self) -> tuple[str, ...]:
        return tuple(word for concept in self.concepts for word, _ in concept.fuzzy)

    @property
    def empty(self) -> bool:
        return not self.concepts and not self.boosts and not self.general

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "searched": self.corrected or self.text,
            "corrections": [{"typed": a, "searched": b} for a, b in self.corrections],
            "chips": [chip.as_dict() for chip in self.chips],
            "close_spellings_of": list(self.fuzzy_words),
            "minimum_match": self.minimum_match,
        }

    @classmethod
    def literal(cls, text: str) -> Understanding:
        """Every word a concept, nothing interpreted (backends' default)."""
        return cls(text=text, concepts=tuple(Concept(words=(w,)) for w in words_of(text)))
