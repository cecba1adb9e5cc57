"""The demand index (buyers and briefs, search/demand.py) on the embedded engine.

Same lifecycle as the vendor index (``EmbeddedIndex``: generations under ``PATH``, a
file lock for writers, atomic rebuilds), its own schema and reads.
"""

from __future__ import annotations

from typing import Any

import tantivy

from search.backends.base import DemandIndex
from search.backends.tantivy_index import (
    ANALYZER,
    UNPOSITIONED,
    UNPOSITIONED_OPTION,
    EmbeddedIndex,
    add_identity_fields,
    identity,
)
from search.backends.tantivy_queries import (
    TextClauses,
    filter_clause,
    ids_and_scores,
    range_query,
    read_hits,
)
from search.query import (
    DEMAND_ALL_OF,
    DEMAND_ANY_OF,
    DEMAND_FACETS,
    DEMAND_HIGHLIGHT_FIELDS,
    DEMAND_SORTS,
    DEMAND_TEXT_WEIGHTS,
    WORD_TIE_BREAKER,
    DemandQuery,
    FacetValue,
    OpportunityQuery,
    SearchPage,
    boosted_labels,
)

KEYWORDS = (*DEMAND_FACETS, "kind", "languages", "certifications")
LABELS = ("services", "technologies", "industry")  # also analysed, as ``<name>_text``
INTEGERS = ("budget_usd", "published")
TEXT_FIELDS = {name: f"{name}_text" if name in LABELS else name for name in DEMAND_TEXT_WEIGHTS}


def build_schema() -> tantivy.Schema:
    schema = tantivy.SchemaBuilder()
    add_identity_fields(schema)
    schema.add_text_field("title", stored=True, tokenizer_name="en_stem")
    schema.add_text_field("buyer_name", stored=True, tokenizer_name="en_stem")
    # Without term frequencies, as firms' descriptions: repeating a word gains nothing.
    schema.add_text_field(
        "description", stored=True, tokenizer_name="en_stem", index_option=UNPOSITIONED_OPTION
    )
    for name in LABELS:
        schema.add_text_field(f"{name}_text", tokenizer_name="en_stem")
    for name in KEYWORDS:
        schema.add_text_field(name, tokenizer_name="raw", fast=True)
    for name in INTEGERS:
        schema.add_integer_field(name, fast=True, indexed=True)
    return schema.build()


SCHEMA = build_schema()
TEXT_CLAUSES = TextClauses(
    SCHEMA,
    {TEXT_FIELDS[name]: weight for name, weight in DEMAND_TEXT_WEIGHTS.items()},
    unpositioned=UNPOSITIONED,
)


def _term(field: str, value: str) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, field, value)


def _any(field: str, values: tuple[str, ...] | list[str]) -> tantivy.Query:
    return tantivy.Query.term_set_query(SCHEMA, field, list(values))


def _words(text: str) -> list[str]:
    return list(ANALYZER.analyze(text))


class EmbeddedDemandIndex(EmbeddedIndex, DemandIndex):
    name = "demand"
    schema = SCHEMA

    def to_tantivy(self, document: dict[str, Any]) -> tantivy.Document:
        values: dict[str, Any] = {
            **identity(document),
            **{
                key: document[key]
                for key in ("title", *KEYWORDS, *INTEGERS)
                if document.get(key) not in (None, "", [])
            },
        }
        for name in ("description", "buyer_name"):
            if document.get(name):
                values[name] = document[name]
        for name in LABELS:
            value = document.get(name)
            labels = value if isinstance(value, list) else [value] if value else []
            values[f"{name}_text"] = " . ".join(labels)
        return tantivy.Document.from_dict(values, SCHEMA)

    # Reads ---------------------------------------------------------------------------
    def _query(self, query: DemandQuery) -> tantivy.Query:
        clauses = [filter_clause(_term("kind", query.kind))]
        for term in _words(query.text):  # every word, each scored by its best field
            clauses.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.disjunction_max_query(
                        [
                            tantivy.Query.boost_query(_term(TEXT_FIELDS[name], term), weight)
                            for name, weight in DEMAND_TEXT_WEIGHTS.items()
                        ],
                        WORD_TIE_BREAKER,
                    ),
                )
            )
        for field in DEMAND_ALL_OF:
            clauses.extend(
                filter_clause(_term(field, value)) for value in query.filters.get(field, ())
            )
        for field in DEMAND_ANY_OF:
            if query.filters.get(field):
                clauses.append(filter_clause(_any(field, query.filters[field])))
        if query.published_from is not None:
            clauses.append(
                filter_clause(range_query(SCHEMA, "published", query.published_from, None))
            )
        return tantivy.Query.boolean_query(clauses)

    def search(self, query: DemandQuery) -> SearchPage:
        searcher = self._open().searcher()
        tantivy_query = self._query(query)
        sort = DEMAND_SORTS.get(query.sort)
        options: dict[str, Any] = {"count": True, "offset": query.offset}
        if sort is not None:
            options["order_by_field"] = sort[0]
            options["order"] = tantivy.Order.Desc if sort[1] == "desc" else tantivy.Order.Asc
        result = searcher.search(tantivy_query, query.limit, **options)
        highlighted = query.highlight and bool(_words(query.text))
        generators = (
            {
                field: tantivy.SnippetGenerator.create(
                    searcher, self._highlight_query(query.text), SCHEMA, field
                )
                for field in DEMAND_HIGHLIGHT_FIELDS
            }
            if highlighted
            else {}
        )
        hits = read_hits(searcher, result.hits, generators)
        facets = {}
        if query.facets:
            request = {field: {"terms": {"field": field, "size": 50}} for field in DEMAND_FACETS}
            counted = searcher.aggregate(tantivy_query, request)
            facets = {
                field: [
                    FacetValue(bucket["key"], bucket["doc_count"])
                    for bucket in counted[field]["buckets"]
                ]
                for field in DEMAND_FACETS
            }
        return SearchPage(total=int(result.count or 0), hits=hits, facets=facets)  # type: ignore[attr-defined]

    def _highlight_query(self, text: str) -> tantivy.Query:
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, _term(field, term))
                for field in DEMAND_HIGHLIGHT_FIELDS
                for term in sorted(set(_words(text)))
            ]
        )

    def candidates(self, query: OpportunityQuery) -> list[tuple[str, float]]:
        index = self._open()
        searcher = index.searcher()
        should = [
            (tantivy.Occur.Should, tantivy.Query.boost_query(_term(field, label), boost))
            for field, label, boost in boosted_labels(query, "industry")
        ]
        should.extend(TEXT_CLAUSES(query.text))
        clauses = [
            (
                tantivy.Occur.Must,
                tantivy.Query.boolean_query(should) if should else tantivy.Query.all_query(),
            ),
            filter_clause(_term("kind", "brief")),
            filter_clause(_any("stage", query.stages)),
        ]
        if query.published_from is not None:
            clauses.append(
                filter_clause(range_query(SCHEMA, "published", query.published_from, None))
            )
        if query.exclude:
            clauses.append((tantivy.Occur.MustNot, _any("id", query.exclude)))
        return ids_and_scores(searcher, tantivy.Query.boolean_query(clauses), query.limit)
