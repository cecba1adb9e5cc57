"""Query building blocks of the embedded engine that the firm and demand indexes share:
filters, ranges, reading hits, stage-1 retrieval's ids and scores, and its text
clauses (``TextClauses``)."""

from __future__ import annotations

import re
from typing import Any

import tantivy

from search.backends.tantivy_index import TEXT_ANALYZER
from search.query import (
    Hit,
    best_first,
)


def filter_clause(query: tantivy.Query) -> tuple[tantivy.Occur, tantivy.Query]:
    """A clause that must match but does not change the score."""
    return tantivy.Occur.Must, tantivy.Query.const_score_query(query, 0.0)


def range_query(
    schema: tantivy.Schema, field: str, low: int | None, high: int | None
) -> tantivy.Query:
    return tantivy.Query.range_query(
        schema,
        field,
        tantivy.FieldType.Integer,
        low if low is not None else -(2**62),
        high if high is not None else 2**62,
    )


def read_hits(
    searcher: tantivy.Searcher, hits: list[Any], snippets: dict[str, tantivy.SnippetGenerator]
) -> list[Hit]:
    """Search hits as ``Hit``: the stored id, the score, and a snippet of each field in
    ``snippets`` that marks a word searched."""
    found = []
    for score, address in hits:
        document = searcher.doc(address)
        highlights = {}
        for field, generator in snippets.items():
            html = generator.snippet_from_doc(document).to_html()
            if "<b>" in html:
                highlights[field] = html.replace("<b>", "<mark>").replace("</b>", "</mark>")
        found.append(
            Hit(
                id=document["id"][0],
                score=float(score) if isinstance(score, float) else 0.0,
                highlights=highlights,
            )
        )
    return found


# Document ids by ``id_key``, as retrieval has met them (an id's key never changes, so
# nothing here goes stale; a removed document is simply never found again).
_ids_by_key: dict[int, str] = {}
IDS_KEPT = 1_000_000


def ids_and_scores(
    searcher: tantivy.Searcher, query: tantivy.Query, limit: int
) -> list[tuple[str, float]]:
    """Stage-1 retrieval: ``(id, score)`` best first. The hits' ids come from the
    ``key`` fast field, read for all hits at once: loading each hit's stored document
    for its id took ~2 ms of a 300-candidate match (docs/benchmarks.md)."""
    hits = searcher.search(query, limit, count=False).hits
    # Every document has a key (``identity``): 0 never stands for a missing one.
    keys = [int(key or 0) for key in searcher.fast_field_values("key", [a for _, a in hits])]
    found = []
    for (score, address), key in zip(hits, keys, strict=True):
        id = _ids_by_key.get(key)
        if id is None:
            id = searcher.doc(address)["id"][0]
            if len(_ids_by_key) >= IDS_KEPT:
                _ids_by_key.clear()
            _ids_by_key[key] = id
        found.append((id, float(score)))
    return sorted(found, key=best_first)


Clauses = tuple[tuple[tantivy.Occur, tantivy.Query], ...]


class TextClauses:
    """Stage-1 retrieval's text clauses over fields weighted by ``boosts``: every
    distinct word of a text, in each field, scored by BM25 times the field's weight and
    summed — what Elasticsearch's ``multi_match`` (``most_fields``) scores. The words
    are plain: ``AND``, ``OR``, ``NOT`` and a leading ``+`` are words, as in
    Elasticsearch (tantivy's query parser took them as operators), English stop
    words score nothing (``TEXT_ANALYZER``), and a word written twice counts once.

    The clauses join the labels' in one flat union of term queries, which tantivy
    scores much faster than the parser's query of one union per word (a match's
    retrieval 3.7-4.6 -> 2.3-2.4 ms at 10,000 firms, docs/benchmarks.md, session 16;
    the sums differ only in the order of float additions). A word's clauses depend only
    on the schema and the weights, so they are kept, ``WORDS_KEPT`` words at most:
    briefs share most of their words."""

    WORDS_KEPT = 100_000

    def __init__(
        self,
        schema: tantivy.Schema,
        boosts: dict[str, float],
        *,
        unpositioned: frozenset[str] = frozenset(),
    ) -> None:
        self.schema, self.boosts, self.unpositioned = schema, boosts, unpositioned
        self._words: dict[str, Clauses] = {}

    def __call__(self, text: str) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for word in dict.fromkeys(re.findall(r"[\w#+.]+", text)):
            found = self._words.get(word)
            if found is None:
                found = self._of(word)
                if len(self._words) >= self.WORDS_KEPT:
                    self._words.clear()
                self._words[word] = found
            clauses.extend(found)
        return clauses

    def _of(self, word: str) -> Clauses:
        terms = TEXT_ANALYZER.analyze(word)
        if not terms:
            return ()
        return tuple(
            (tantivy.Occur.Should, tantivy.Query.boost_query(self._in(field, terms), weight))
            for field, weight in self.boosts.items()
        )

    def _in(self, field: str, terms: list[str]) -> tantivy.Query:
        """The terms of one word in one field: a term; several ("node.js") a phrase where
        the field keeps positions, else all of them."""
        if len(terms) == 1:
            return tantivy.Query.term_query(self.schema, field, terms[0])
        if field not in self.unpositioned:
            return tantivy.Query.phrase_query(
                self.schema, field, list[str | tuple[int, str]](terms)
            )
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.term_query(self.schema, field, t)) for t in terms]
        )
