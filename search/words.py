"""How the one box treats words: filler that says nothing of which firm fits, general
words that only add to a score, the words of free text, inflections, and how many
typos a word of a length tolerates. Plain Python and tantivy's stemmer, no Django."""

from __future__ import annotations

import re
from functools import lru_cache

import tantivy


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say nothing about which firm fits: dropped, never required. Elasticsearch's
# English stop words are among them, so no backend requires a word another ignores.
FILLER = _word_set(
    """a an the and or of for in on at to with from by near who that which our we i me my
    are as be but if into is no not such their then there these they this was will
    need needs needed want wanted looking seek seeking find hire hiring best top good great
    experienced experience expert experts specialist specialists specialised specialized
    firm firms company companies agency agencies vendor vendors provider providers
    partner partners team teams developer developers dev devs engineer engineers
    programmer programmers freelancer freelancers consultant consultants studio studios
    house houses shop shops service services solution solutions it based located
    speaking speaker speakers speak speaks language languages fluent native
    client clients customer customers market markets serving serve serves working work
    works pakistani"""
)
# Words that describe most firms' work in general: they add to a firm's score when its
# text has them but are never required ("react native apps" asks for React Native).
GENERAL = _word_set(
    """app apps application applications website websites site sites web software
    platform platforms system systems project projects product products development
    develop developing build building builder builders"""
)


# Phrases are also known without their inflections ("penetration tests", "pentest" →
# "pentesting", "chatbots"): the English stemmer's stem, when what it cut off is only an
# inflection — "mobility" does not become "mobile".
_STEMMER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)
INFLECTIONS = frozenset({"", "e", "s", "es", "ing", "ed", "er", "ers"})


@lru_cache(maxsize=20_000)
def uninflected(word: str) -> str:
    stems = _STEMMER.analyze(word)
    if len(stems) == 1 and word.startswith(stems[0]) and word[len(stems[0]) :] in INFLECTIONS:
        return stems[0]
    return word


def stem_key(text: str) -> str:
    return "".join(uninflected(word) for word in words_of(text))


def max_edits(word: str) -> int:
    """Typos tolerated in a word of this length (Elasticsearch's ``AUTO:4,7``)."""
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


def words_of(text: str) -> list[str]:
    """The words of free text as the index's plain-word field holds them."""
    return [word for word in re.findall(r"[\w#+]+", text.lower()) if word.strip("_")]
