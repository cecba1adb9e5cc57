"""The firm index on the embedded engine (tantivy, in-process): its schema, its
documents, and the directory search, facets, stage-1 candidates and suggestions read
from it. The index's lifecycle on disk is ``search.backends.tantivy_index``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import tantivy

from search.backends.base import VendorIndex
from search.backends.embedded_schema import (
    SAMPLE_SLOTS,
    SCHEMA,
    TEXT_BOOSTS,
    TEXT_FIELDS,
    field_term,
    to_tantivy,
)
from search.backends.tantivy_index import (
    ANALYZER,
    UNPOSITIONED,
    EmbeddedIndex,
)
from search.backends.tantivy_queries import (
    TextClauses,
    filter_clause,
    ids_and_scores,
    range_query,
    read_hits,
)
from search.query import (
    ALL_OF,
    ANY_OF,
    BOOST_SCORES,
    FACETS,
    FIELD_WEIGHTS,
    FUZZY_SCORE,
    HIGHLIGHT_FIELDS,
    LABEL_SCORE,
    SORTS,
    WORD_TIE_BREAKER,
    CandidateQuery,
    FacetValue,
    Hit,
    SearchPage,
    Suggestion,
    VendorQuery,
    boosted_labels,
)
from search.understood import Concept, Understanding

# Facet counting costs ~20 ns per label value of every matching document; above this
# many matches the counts are estimated from a deterministic sample of the documents
# (like Elasticsearch's random_sampler), keeping broad searches fast at 100k firms.
# Up to FACET_INLINE_LIMIT matches they are counted on the calling thread.
FACET_SAMPLE_LIMIT = 5_000
FACET_INLINE_LIMIT = 2_000
# Facets are counted in two groups on two threads (tantivy releases the GIL).
FACET_GROUPS = (
    ("services", "certifications", "city", "country", "languages"),
    ("technologies", "industries", "export_markets", "rate_band", "team_band"),
)
_facet_pool = ThreadPoolExecutor(max_workers=len(FACET_GROUPS), thread_name_prefix="facets")


class EmbeddedBackend(EmbeddedIndex, VendorIndex):
    """The vendor index on the embedded engine."""

    name = "vendors"
    schema = SCHEMA

    def to_tantivy(self, document: dict[str, Any]) -> tantivy.Document:
        return to_tantivy(document)

    demand_backend = "search.backends.embedded_demand.EmbeddedDemandIndex"

    # Reads ---------------------------------------------------------------------------
    def _query(self, query: VendorQuery) -> tantivy.Query:
        clauses = _understood(query.plan)
        for field in ALL_OF:
            clauses.extend(
                filter_clause(field_term(field, value)) for value in query.filters.get(field, ())
            )
        for field in ANY_OF:
            values = query.filters.get(field, ())
            if values:
                clauses.append(
                    filter_clause(tantivy.Query.term_set_query(SCHEMA, field, list(values)))
                )
        if query.min_rate is not None or query.max_rate is not None:
            clauses.append(
                filter_clause(range_query(SCHEMA, "rate_min", query.min_rate, query.max_rate))
            )
        if query.min_team_size is not None or query.max_team_size is not None:
            clauses.append(
                filter_clause(
                    range_query(SCHEMA, "team_size", query.min_team_size, query.max_team_size)
                )
            )
        return tantivy.Query.boolean_query(clauses)

    def search(self, query: VendorQuery) -> SearchPage:
        index = self._open()
        searcher = index.searcher()
        tantivy_query = self._query(query)
        sort = SORTS.get(query.sort)
        if sort is None:
            result = searcher.search(tantivy_query, query.limit, count=True, offset=query.offset)
        else:
            field, direction = sort
            order = tantivy.Order.Asc if direction == "asc" else tantivy.Order.Desc
            result = searcher.search(
                tantivy_query,
                query.limit,
                count=True,
                offset=query.offset,
                order_by_field=field,
                order=order,
            )
        total = int(result.count or 0)  # type: ignore[attr-defined]
        if not query.facets:
            return SearchPage(total=total, hits=self._hits(searcher, query, result.hits))
        counting = self._count_facets(searcher, tantivy_query, total)  # runs on the pool
        hits = self._hits(searcher, query, result.hits)  # meanwhile, on this thread
        facets, exact = counting()
        return SearchPage(total=total, hits=hits, facets=facets, facets_exact=exact)

    def _hits(self, searcher: tantivy.Searcher, query: VendorQuery, hits: list[Any]) -> list[Hit]:
        generators = {}
        words = _highlighted_words(query.plan) if query.highlight else None
        if words is not None:
            generators = {
                field: tantivy.SnippetGenerator.create(searcher, words, SCHEMA, field)
                for field in HIGHLIGHT_FIELDS
            }
        return read_hits(searcher, hits, generators)

    def _count_facets(
        self, searcher: tantivy.Searcher, query: tantivy.Query, total: int
    ) -> Callable[[], tuple[dict[str, list[FacetValue]], bool]]:
        """Start counting facets on the pool; the returned function waits for them."""
        scale = 1.0
        if total > FACET_SAMPLE_LIMIT:
            slots = max(1, -(-SAMPLE_SLOTS * FACET_SAMPLE_LIMIT // total))
            sample = tantivy.Query.range_query(
                SCHEMA, "sample", tantivy.FieldType.Unsigned, 0, slots - 1
            )
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), filter_clause(sample)]
            )
            scale = SAMPLE_SLOTS / slots

        def count(group: tuple[str, ...]) -> dict[str, Any]:
            request = {field: {"terms": {"field": field, "size": 50}} for field in group}
            return searcher.aggregate(query, request)

        if total <= FACET_INLINE_LIMIT:  # cheaper than handing over to threads
            done: Future[dict[str, Any]] = Future()
            done.set_result(count(FACETS))
            futures = [done]
        else:
            futures = [_facet_pool.submit(count, group) for group in FACET_GROUPS]

        def collect() -> tuple[dict[str, list[FacetValue]], bool]:
            result: dict[str, Any] = {}
            for future in futures:
                result.update(future.result())
            facets = {
                field: [
                    FacetValue(bucket["key"], round(bucket["doc_count"] * scale))
                    for bucket in result[field]["buckets"]
                ]
                for field in FACETS
            }
            return facets, scale == 1.0

        return collect

    def candidates(self, query: CandidateQuery) -> list[tuple[str, float]]:
        index = self._open()
        searcher = index.searcher()
        should = [
            (tantivy.Occur.Should, tantivy.Query.boost_query(field_term(field, label), boost))
            for field, label, boost in boosted_labels(query)
        ]
        should.extend(TEXT_CLAUSES(query.text))
        clauses = [
            (
                tantivy.Occur.Must,
                tantivy.Query.boolean_query(should) if should else tantivy.Query.all_query(),
            )
        ]
        clauses.extend(
            filter_clause(field_term("certifications", c)) for c in query.required_certifications
        )
        clauses.extend(
            filter_clause(field_term("languages", language)) for language in query.languages
        )
        if query.max_budget_usd is not None:
            within = range_query(SCHEMA, "min_project_usd", None, query.max_budget_usd)
            unknown = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, tantivy.Query.all_query()),
                    (tantivy.Occur.MustNot, tantivy.Query.exists_query("min_project_usd")),
                ]
            )
            clauses.append(
                filter_clause(
                    tantivy.Query.boolean_query(
                        [(tantivy.Occur.Should, within), (tantivy.Occur.Should, unknown)]
                    )
                )
            )
        if query.exclude:
            clauses.append(
                (
                    tantivy.Occur.MustNot,
                    tantivy.Query.term_set_query(SCHEMA, "id", list(query.exclude)),
                )
            )
        return ids_and_scores(searcher, tantivy.Query.boolean_query(clauses), query.limit)

    def autocomplete_names(self, prefix: str, limit: int) -> list[Suggestion]:
        words = re.findall(r"\w+", prefix.lower())
        if not words:
            return []
        index = self._open()
        searcher = index.searcher()
        query = tantivy.Query.phrase_prefix_query(SCHEMA, "name_words", words)
        hits = searcher.search(
            query, limit, count=False, order_by_field="name_sort", order=tantivy.Order.Asc
        ).hits
        found = []
        for _, address in hits:
            document = searcher.doc(address)
            found.append(Suggestion(kind="vendor", text=document["name"][0], id=document["id"][0]))
        return found

    def word_counts(self, words: Iterable[str]) -> dict[str, int]:
        searcher = self._open().searcher()
        return {word: int(searcher.doc_freq("words", word)) for word in words}

    def label_values(self, field: str) -> dict[str, int]:
        searcher = self._open().searcher()
        result = searcher.aggregate(
            tantivy.Query.all_query(), {"v": {"terms": {"field": field, "size": 10_000}}}
        )
        return {bucket["key"]: bucket["doc_count"] for bucket in result["v"]["buckets"]}


# Directory search: an Understanding as a tantivy query ------------------------------------
def _understood(plan: Understanding) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """The scoring clauses of a directory search (filters are added beside them)."""
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
    concepts = [q for q in map(_concept, plan.concepts) if q is not None]
    if concepts:
        should = [(tantivy.Occur.Should, concept) for concept in concepts]
        required = min(plan.minimum_match, len(concepts))
        clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(should, required)))
    boosts = [
        tantivy.Query.const_score_query(
            tantivy.Query.term_set_query(SCHEMA, chip.field, list(chip.values)),
            BOOST_SCORES[chip.kind],
        )
        for chip in plan.boosts
    ]
    if plan.boosts_required:
        either = [(tantivy.Occur.Should, boost) for boost in boosts]
        clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(either)))
    else:
        clauses.extend((tantivy.Occur.Should, boost) for boost in boosts)
    clauses.extend(
        (tantivy.Occur.Should, query)
        for query in (_word(word, 0) for word in plan.general)
        if query is not None
    )
    if not any(occur == tantivy.Occur.Must for occur, _ in clauses):
        clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    return clauses


def _concept(concept: Concept) -> tantivy.Query | None:
    """Any of the concept's labels, or all of its words in the firm's text."""
    edits = dict(concept.fuzzy)
    words = [_word(word, edits.get(word, 0)) for word in concept.words]
    should = [
        (
            tantivy.Occur.Should,
            tantivy.Query.const_score_query(field_term(field, label), LABEL_SCORE),
        )
        for field, label in concept.labels
    ]
    if words and all(word is not None for word in words):
        all_words = [(tantivy.Occur.Must, word) for word in words if word is not None]
        should.append((tantivy.Occur.Should, tantivy.Query.boolean_query(all_words)))
    return tantivy.Query.boolean_query(should) if should else None


def _word(word: str, edits: int) -> tantivy.Query | None:
    """One word in the firm's text: scored by its best field; with ``edits``, close
    spellings match too (for a constant, low score)."""
    terms = ANALYZER.analyze(word)
    if not terms:
        return None
    exact = [
        tantivy.Query.disjunction_max_query(
            [
                tantivy.Query.boost_query(field_term(TEXT_FIELDS[name], term), weight)
                for name, weight in FIELD_WEIGHTS.items()
            ],
            WORD_TIE_BREAKER,
        )
        for term in terms
    ]
    query = (
        exact[0]
        if len(exact) == 1
        else tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in exact])
    )
    if not edits:
        return query
    close = tantivy.Query.const_score_query(
        tantivy.Query.fuzzy_term_query(SCHEMA, "words", word, distance=edits), FUZZY_SCORE
    )
    return tantivy.Query.disjunction_max_query([query, close], 0.0)


def _highlighted_words(plan: Understanding) -> tantivy.Query | None:
    """The query's words in the highlighted fields (snippets mark them)."""
    words = [w for concept in plan.concepts for w in concept.words] + list(plan.general)
    terms = {term for word in words for term in ANALYZER.analyze(word)}
    if not terms:
        return None
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Should, field_term(field, term))
            for field in HIGHLIGHT_FIELDS
            for term in sorted(terms)
        ]
    )


TEXT_CLAUSES = TextClauses(SCHEMA, TEXT_BOOSTS, unpositioned=UNPOSITIONED)
