"""How a buyer's one-box query is understood, in one place for every backend.

``Interpreter.understand("Shopify developers Lahore")`` reads the words left to right,
longest phrase first, and recognises:

- taxonomy phrases — services, technologies, industries, certifications and their
  synonyms ("penetration testing" → Cybersecurity): *concepts*, matched as labels that
  outweigh loose word matches;
- places — cities (the index's own and Pakistan's), regions ("Punjab", "KPK", "Twin
  Cities"); languages ("German speaking", "Arabic"); countries ("clients in UAE",
  "Dubai"): *boosts*, which lift the firms that fit without hiding the others;
- every other word that is not filler ("developers", "firm", "in") is a concept of its
  own, matched loosely in the firm's text.

A firm must answer most concepts (``minimum_match``: all of one or two, all but one of
three or four, three quarters of more), so a multi-word query does not report nearly
the whole catalogue. A query of places or languages only is a query *for* them: the
boosts then become the requirement.

Spelling: a word that is neither in the vocabulary (taxonomy, places, languages,
countries) nor in any indexed firm's text is corrected to the closest vocabulary word
within an edit distance that grows with its length (``max_edits``), and the query is
understood again ("pyhton django" → "python django", said as "showing results for");
a word that stays unknown, or that only a few firms use, is also matched by close
spellings in the index (``Concept.fuzzy``).

The backends translate an ``Understanding`` into their own query language
(``search/backends/``); this module knows nothing of them or of Django.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
from rapidfuzz import process
from rapidfuzz.distance import OSA

from search.understood import Chip, Concept, Understanding, minimum_match
from search.words import FILLER, GENERAL, max_edits, stem_key, uninflected, words_of
from vendors.taxonomy import KINDS, Taxonomy, label_key

PLACES_FILE = Path(__file__).parent / "data" / "places.json"
# The document field each taxonomy kind is a label list of.
KIND_FIELDS = {
    "service": "services",
    "technology": "technologies",
    "industry": "industries",
    "certification": "certifications",
}


# How many firms must contain a word before close spellings stop being tried for it.
FEW_EXACT = 3
MAX_PHRASE = 6  # tokens
MAX_WORD = 40  # characters: tantivy drops longer tokens (``remove_long``)


@dataclass(frozen=True)
class _Entity:
    kind: str
    field: str
    values: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class _Token:
    text: str  # as typed
    start: int
    end: int
    key: str  # label_key of the text
    word: str  # lower-case plain word ("" for pure punctuation)
    joined: bool  # part of a hyphenated or slashed word ("e-commerce", "ui/ux")


def _tokens(text: str) -> list[_Token]:
    found = []
    for match in re.finditer(r"[\w#+.&/'-]+", text):
        whole = match.group()
        parts = list(re.finditer(r"[\w#+']+", whole))
        for part in parts:
            raw = part.group().strip("'")
            if not raw:
                continue
            offset = part.start() + part.group().find(raw)
            found.append(
                _Token(
                    text=raw,
                    start=match.start() + offset,
                    end=match.start() + offset + len(raw),
                    key=label_key(raw),
                    word=re.sub(r"[^\w#+]", "", raw.lower()),
                    joined=len(parts) > 1,
                )
            )
    return found


class Interpreter:
    """Reads queries against the taxonomy, the places file and what the index holds
    (``cities``: every city a firm is in; ``firm_countries``: where firms are based)."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        *,
        cities: Iterable[str] = (),
        firm_countries: Iterable[str] = (),
        places: Mapping[str, Any] | None = None,
    ):
        places = places if places is not None else load_places()
        self.firm_countries = frozenset(firm_countries)
        self.phrases: dict[str, list[_Entity]] = {}
        self.stemmed: dict[str, list[_Entity]] = {}
        self._words: set[str] = set()  # every word of every phrase
        self._add_taxonomy(taxonomy)
        self._add_places(places, cities)
        self._add_countries(places)
        # The spelling vocabulary: every word of every phrase above.
        self._known = frozenset(self._words | {uninflected(word) for word in self._words})
        self.vocabulary = sorted(w for w in self._words if len(w) >= 4 and w.isalpha())

    def _add_taxonomy(self, taxonomy: Taxonomy) -> None:
        """Every label of every kind, with its synonyms."""
        for kind in KINDS:
            for label, synonyms in taxonomy.entries[kind].items():
                entity = _Entity(kind, KIND_FIELDS[kind], (label,), label)
                for variant in (label, *synonyms):
                    self._add(variant, entity)

    def _add_places(self, places: Mapping[str, Any], cities: Iterable[str]) -> None:
        """Cities (the index's and the places file's), their aliases, regions and city
        groups, and languages by name."""
        known_cities = {*cities, *(c for cs in places["regions"].values() for c in cs)}
        for city in sorted(known_cities):
            self._add(city, _Entity("city", "city", (city,), city))
        for alias, city in places["city_aliases"].items():
            self._add(alias, _Entity("city", "city", (city,), city))
        for region, region_cities in places["regions"].items():
            self._add(region, _Entity("region", "city", tuple(region_cities), region))
        for alias, region in places["region_aliases"].items():
            entity = _Entity("region", "city", tuple(places["regions"][region]), region)
            self._add(alias, entity)
        for group, group_cities in places["city_groups"].items():
            self._add(group, _Entity("region", "city", tuple(group_cities), group))
        for code, names in places["languages"].items():
            entity = _Entity("language", "languages", (code,), names[0])
            for name in names:
                self._add(name, entity)

    def _add_countries(self, places: Mapping[str, Any]) -> None:
        """Countries by their ISO names, the places file's aliases, and foreign cities
        standing for their country."""
        for country in pycountry.countries:
            for name in {country.name, getattr(country, "common_name", country.name)}:
                if "," not in name:
                    self._add(name, self._country(country.alpha_2))
        for alias, code in places["country_aliases"].items():
            self._add(alias, self._country(code))
        for city, code in places["foreign_cities"].items():
            self._add(city, self._country(code))

    def _add(self, phrase: str, entity: _Entity) -> None:
        key = label_key(phrase)
        if not key:
            return
        for index, found in ((self.phrases, key), (self.stemmed, stem_key(phrase))):
            entities = index.setdefault(found, [])
            if entity not in entities:
                entities.append(entity)
        self._words.update(words_of(phrase))

    def _country(self, code: str) -> _Entity:
        country = pycountry.countries.get(alpha_2=code)
        name = getattr(country, "common_name", None) or (country.name if country else code)
        if code in self.firm_countries:
            return _Entity("country", "country", (code,), name)
        return _Entity("market", "export_markets", (code,), name)

    # Reading -------------------------------------------------------------------------
    def understand(
        self,
        text: str,
        word_counts: Callable[[Sequence[str]], Mapping[str, int]] | None = None,
        *,
        as_typed: bool = False,
    ) -> Understanding:
        """``word_counts`` says in how many indexed firms' text each word occurs; without
        it (the index is down) spelling is left alone, as it is with ``as_typed``."""
        text = " ".join(text.split())
        if not text:
            return Understanding(text="")
        counts: Mapping[str, int] = {}
        if word_counts is not None:
            unknown = self._unknown_words(_tokens(text))
            counts = word_counts(unknown) if unknown else {}
        corrections = {} if as_typed else self._corrections(counts)
        searched = text
        for typed, fixed in sorted(corrections.items(), key=lambda item: -len(item[0])):
            searched = re.sub(
                rf"(?<![\w#+]){re.escape(typed)}(?![\w#+])", fixed, searched, flags=re.IGNORECASE
            )
        chips, concepts, boosts, general = self._read(searched, counts, set(corrections.values()))
        changed = searched.casefold() != text.casefold()
        return Understanding(
            text=text,
            concepts=tuple(concepts),
            boosts=tuple(boosts),
            general=tuple(general),
            chips=tuple(chips),
            corrected=searched if changed else None,
            corrections=tuple(corrections.items()) if changed else (),
        )

    def _unknown_words(self, tokens: list[_Token]) -> list[str]:
        return list(
            dict.fromkeys(
                t.word
                for t in tokens
                if t.word
                and t.word not in FILLER
                and t.word not in self._known
                and uninflected(t.word) not in self._known
            )
        )

    def _corrections(self, counts: Mapping[str, int]) -> dict[str, str]:
        found = {}
        for word, count in counts.items():
            edits = max_edits(word)
            if count or not edits or not word.isalpha():
                continue
            candidates = process.extract(
                word, self.vocabulary, scorer=OSA.distance, score_cutoff=edits, limit=5
            )
            if candidates:
                # Closest first; among equals, one with the same first letter.
                best = min(candidates, key=lambda c: (c[1], c[0][0] != word[0], c[2]))
                found[word] = best[0]
        return found

    def _read(
        self, text: str, counts: Mapping[str, int], corrected: set[str]
    ) -> tuple[list[Chip], list[Concept], list[Chip], list[str]]:
        tokens = _tokens(text)
        chips: list[Chip] = []
        concepts: list[Concept] = []
        boosts: list[Chip] = []
        general: list[str] = []
        position = 0
        previous: tuple[list[_Entity], int, int] | None = None  # entities, chips, start
        while position < len(tokens):
            size, entities = self._longest(tokens, position)
            span = tokens[position : position + size]
            if entities and previous and previous[0] == entities:
                # "UI/UX": both halves name the same label; one chip for the whole
                _, merged, start = previous
                phrase = text[start : span[-1].end]
                chips[-merged:] = [replace(chip, text=phrase) for chip in chips[-merged:]]
                if concepts and concepts[-1].labels:
                    concepts[-1] = replace(concepts[-1], words=tuple(words_of(phrase)))
                position += size
                continue
            previous = None
            if entities:
                phrase = text[span[0].start : span[-1].end]
                found = [
                    Chip(e.kind, e.field, e.values, e.label, phrase) for e in _merged(entities)
                ]
                chips.extend(found)
                previous = (entities, len(found), span[0].start)
                labels = tuple(
                    (chip.field, chip.values[0]) for chip in found if chip.kind in KIND_FIELDS
                )
                if labels:
                    concepts.append(Concept(words=tuple(words_of(phrase)), labels=labels))
                else:
                    boosts.extend(found)
                position += size
                continue
            token = tokens[position]
            position += 1
            if not _searchable(token.word) or token.word in FILLER:
                continue
            if token.word in GENERAL or token.word.isdigit():
                # a lone number ("2022" of "ISO 27001:2022") scores, never excludes
                general.append(token.word)
                continue
            count = counts.get(token.word)
            edits = max_edits(token.word)
            fuzzy: tuple[tuple[str, int], ...] = ()
            if count is not None and count < FEW_EXACT and edits and token.word not in corrected:
                fuzzy = ((token.word, edits),)
            concepts.append(Concept(words=(token.word,), fuzzy=fuzzy))
        general = list(dict.fromkeys(general))
        if not concepts and not boosts:  # "software": the general words are the query
            concepts, general = [Concept(words=(word,)) for word in general], []
        return chips, _unique(concepts), list(dict.fromkeys(boosts)), general

    def _longest(self, tokens: list[_Token], start: int) -> tuple[int, list[_Entity]]:
        for size in range(min(MAX_PHRASE, len(tokens) - start), 0, -1):
            span = tokens[start : start + size]
            key = "".join(t.key for t in span)
            if size == 1 and len(key) == 1 and span[0].joined:
                continue  # "R" of "R&D" is not the R language
            entities = self.phrases.get(key)
            if entities is None and len(key) > 3:
                entities = self.stemmed.get(stem_key(" ".join(t.text for t in span)))
            if entities:
                return size, entities
        return 1, []


def _searchable(word: str) -> bool:
    """Whether the index can match the word at all: two characters or more, a letter or
    digit among them, and not longer than the indexes keep a word (40)."""
    return 2 <= len(word) <= MAX_WORD and any(c.isalnum() for c in word)


def _merged(entities: list[_Entity]) -> list[_Entity]:
    """A phrase that is both a taxonomy label and a place or language is read as the
    label ("Java" the technology)."""
    labels = [e for e in entities if e.kind in KIND_FIELDS]
    return labels or entities[:1]


def _unique(concepts: list[Concept]) -> list[Concept]:
    return list(dict.fromkeys(concepts))


@cache
def load_places() -> dict[str, Any]:
    return json.loads(PLACES_FILE.read_text(encoding="utf-8"))


__all__ = [
    "Chip",
    "Concept",
    "Interpreter",
    "Understanding",
    "max_edits",
    "minimum_match",
    "words_of",
]
