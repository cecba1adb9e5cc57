"""The firm index on Elasticsearch 8/9: its mapping, its documents, and the directory
search, facets, stage-1 candidates and suggestions read from it. The index lifecycle
(aliases, external versions, timeouts) is ``search.backends.elasticsearch_index``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from search.backends.base import VendorIndex
from search.backends.elasticsearch_index import INDEX_SETTINGS, ElasticsearchIndex, terms_filter
from search.query import (
    ALL_OF,
    ANY_OF,
    BOOST_SCORES,
    FACETS,
    FIELD_WEIGHTS,
    FUZZY_SCORE,
    HIGHLIGHT_FIELDS,
    LABEL_FIELDS,
    LABEL_SCORE,
    MATCH_FIELD_WEIGHTS,
    SORTS,
    WORD_TIE_BREAKER,
    CandidateQuery,
    SearchPage,
    Suggestion,
    VendorQuery,
    boosted_labels,
    plain_words,
)
from search.understood import Concept, Understanding

# Bumped whenever ``index_body`` changes in a way old indexes cannot serve; an index of
# another version is reported by ``health`` and rebuilt by `rebuild_search_index
# --if-needed`.
SCHEMA_VERSION = 3
# Directory search: FIELD_WEIGHTS on this mapping's fields.
WEIGHTED_FIELDS = [
    f"{name}.text^{weight}" if name in LABEL_FIELDS else f"{name}^{weight}"
    for name, weight in FIELD_WEIGHTS.items()
]
# Stage-1 retrieval's fields (MATCH_FIELD_WEIGHTS) in this mapping.
MATCH_FIELDS = {"profile": "words.profile", **{name: f"{name}.text" for name in LABEL_FIELDS}}
TEXT_FIELDS = [f"{MATCH_FIELDS[name]}^{weight}" for name, weight in MATCH_FIELD_WEIGHTS.items()]


def index_body() -> dict[str, Any]:
    text = {"type": "text", "analyzer": "raabta_text"}
    keyword_with_text = {"type": "keyword", "fields": {"text": text}}
    return {
        "settings": INDEX_SETTINGS,
        "mappings": {
            "_meta": {"raabta_schema": SCHEMA_VERSION},
            "dynamic": "strict",
            "properties": {
                "id": {"type": "keyword"},
                "version": {"type": "long"},
                "record_hash": {"type": "keyword", "index": False},
                "name": {**text, "fields": {"suggest": {"type": "search_as_you_type"}}},
                "name_sort": {"type": "keyword"},
                # Without term frequencies: a word repeated in a description counts once.
                "description": {**text, "index_options": "docs"},
                "portfolio_text": text,
                # Every word as written (lower case, not stemmed), for spelling.
                # ... and as stage-1 retrieval scores it: the whole profile, stemmed,
                # without stop words or term frequencies.
                "words": {
                    "type": "text",
                    "analyzer": "standard",
                    "index_options": "docs",
                    "fields": {"profile": {**text, "index_options": "docs"}},
                },
                **{field: keyword_with_text for field in LABEL_FIELDS},
                **{field: {"type": "keyword"} for field in FACETS if field not in LABEL_FIELDS},
                **{
                    field: {"type": "long"}
                    for field in ("team_size", "rate_min", "rate_max", "min_project_usd")
                },
                "rating": {"type": "float"},
            },
        },
    }


class ElasticsearchBackend(ElasticsearchIndex, VendorIndex):
    """The vendor index on Elasticsearch."""

    demand_backend = "search.backends.elasticsearch_demand.ElasticsearchDemandIndex"
    name = "raabta-vendors"  # the alias, unless params give INDEX
    schema = SCHEMA_VERSION

    def index_body(self) -> dict[str, Any]:
        return index_body()

    def source(self, document: dict[str, Any]) -> dict[str, Any]:
        source = {key: value for key, value in document.items() if value not in (None, "", [])}
        source["words"] = plain_words(document)
        return source

    # Reads ---------------------------------------------------------------------------------
    def _text_query(self, text: str) -> dict[str, Any] | None:
        """Stage-1 retrieval's text clause: BM25 over ``TEXT_FIELDS``."""
        if not text.strip():
            return None
        return {"multi_match": {"query": text, "fields": TEXT_FIELDS, "type": "most_fields"}}

    def _query(self, query: VendorQuery) -> dict[str, Any]:
        filters: list[dict[str, Any]] = []
        for field in ALL_OF:
            filters.extend({"term": {field: value}} for value in query.filters.get(field, ()))
        for field in ANY_OF:
            if query.filters.get(field):
                filters.append(terms_filter(field, query.filters[field]))
        for field, low, high in (
            ("rate_min", query.min_rate, query.max_rate),
            ("team_size", query.min_team_size, query.max_team_size),
        ):
            if low is not None or high is not None:
                filters.append(
                    {
                        "range": {
                            field: {k: v for k, v in (("gte", low), ("lte", high)) if v is not None}
                        }
                    }
                )
        return {"bool": {**_understood(query.plan), "filter": filters}}

    def search(self, query: VendorQuery) -> SearchPage:
        return self._search_page(
            self._query(query),
            offset=query.offset,
            limit=query.limit,
            sort=SORTS.get(query.sort),
            facets=FACETS if query.facets else (),
            highlight=_highlighted_words(query.plan) if query.highlight else None,
            highlight_fields=HIGHLIGHT_FIELDS,
        )

    def candidates(self, query: CandidateQuery) -> list[tuple[str, float]]:
        self._ensure_index()
        should: list[dict[str, Any]] = [
            {"term": {field: {"value": label, "boost": boost}}}
            for field, label, boost in boosted_labels(query)
        ]
        text = self._text_query(query.text)
        if text:
            should.append(text)
        filters: list[dict[str, Any]] = [
            {"term": {"certifications": c}} for c in query.required_certifications
        ]
        filters.extend({"term": {"languages": language}} for language in query.languages)
        if query.max_budget_usd is not None:
            filters.append(
                {
                    "bool": {
                        "should": [
                            {"range": {"min_project_usd": {"lte": query.max_budget_usd}}},
                            {"bool": {"must_not": {"exists": {"field": "min_project_usd"}}}},
                        ]
                    }
                }
            )
        body = {
            "query": {
                "bool": {
                    "should": should or [{"match_all": {}}],
                    "filter": filters,
                    "must_not": [terms_filter("id", query.exclude)] if query.exclude else [],
                }
            },
            "size": query.limit,
            "_source": ["id"],
        }
        return self._ids_and_scores(body)

    def autocomplete_names(self, prefix: str, limit: int) -> list[Suggestion]:
        self._ensure_index()
        fields = ["name.suggest", "name.suggest._2gram", "name.suggest._3gram"]
        body = {
            "query": {"multi_match": {"query": prefix, "type": "bool_prefix", "fields": fields}},
            "size": limit,
            "sort": [{"name_sort": "asc"}],
            "_source": ["id", "name"],
        }
        response = self._call(self.client.search, index=self.index, **body)
        return [
            Suggestion("vendor", hit["_source"]["name"], hit["_source"]["id"])
            for hit in response["hits"]["hits"]
        ]

    def word_counts(self, words: Iterable[str]) -> dict[str, int]:
        words = list(dict.fromkeys(words))
        if not words:
            return {}
        self._ensure_index()
        filters = {str(n): {"term": {"words": word}} for n, word in enumerate(words)}
        body = {"size": 0, "aggs": {"words": {"filters": {"filters": filters}}}}
        response = self._call(self.client.search, index=self.index, **body)
        buckets = response["aggregations"]["words"]["buckets"]
        return {word: int(buckets[str(n)]["doc_count"]) for n, word in enumerate(words)}

    def label_values(self, field: str) -> dict[str, int]:
        self._ensure_index()
        body = {"size": 0, "aggs": {"v": {"terms": {"field": field, "size": 10_000}}}}
        response = self._call(self.client.search, index=self.index, **body)
        return {b["key"]: b["doc_count"] for b in response["aggregations"]["v"]["buckets"]}


# Directory search: an Understanding in the query DSL --------------------------------------
def _understood(plan: Understanding) -> dict[str, Any]:
    """The scoring part of a directory search's ``bool`` query."""
    must: list[dict[str, Any]] = []
    concepts = [_concept(concept) for concept in plan.concepts]
    if concepts:
        must.append({"bool": {"should": concepts, "minimum_should_match": plan.minimum_match}})
    boosts = [
        {
            "constant_score": {
                "filter": terms_filter(chip.field, chip.values),
                "boost": BOOST_SCORES[chip.kind],
            }
        }
        for chip in plan.boosts
    ]
    should = [_word(word, 0) for word in plan.general]
    if plan.boosts_required:
        must.append({"bool": {"should": boosts, "minimum_should_match": 1}})
    else:
        should.extend(boosts)
    return {"must": must or [{"match_all": {}}], "should": should}


def _concept(concept: Concept) -> dict[str, Any]:
    """Any of the concept's labels, or all of its words in the firm's text."""
    edits = dict(concept.fuzzy)
    should: list[dict[str, Any]] = [
        {"constant_score": {"filter": {"term": {field: label}}, "boost": LABEL_SCORE}}
        for field, label in concept.labels
    ]
    if concept.words:
        should.append({"bool": {"must": [_word(w, edits.get(w, 0)) for w in concept.words]}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _word(word: str, edits: int) -> dict[str, Any]:
    """One word in the firm's text: scored by its best field; with ``edits``, close
    spellings match too (for a constant, low score)."""
    exact = {
        "multi_match": {
            "query": word,
            "fields": WEIGHTED_FIELDS,
            "type": "best_fields",
            "tie_breaker": WORD_TIE_BREAKER,
            "operator": "and",
        }
    }
    if not edits:
        return exact
    close = {
        "constant_score": {
            "filter": {"match": {"words": {"query": word, "fuzziness": edits}}},
            "boost": FUZZY_SCORE,
        }
    }
    return {"dis_max": {"queries": [exact, close]}}


def _highlighted_words(plan: Understanding) -> dict[str, Any] | None:
    """The query's words in the highlighted fields (snippets mark them)."""
    words = [w for concept in plan.concepts for w in concept.words] + list(plan.general)
    if not words:
        return None
    return {"multi_match": {"query": " ".join(words), "fields": list(HIGHLIGHT_FIELDS)}}
