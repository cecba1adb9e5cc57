"""The Elasticsearch 8/9 backend, through the official client.

A physical index per build (``<INDEX>-<timestamp>``) sits behind the alias ``INDEX``;
``rebuild`` fills a new physical index and moves the alias in one ``update_aliases``
call, so searches never see a half-built index. Documents use external versioning:
Elasticsearch itself refuses a write older than what it holds (409), which makes
replays and out-of-order updates harmless. Every call has a deliberate timeout and a
small retry budget (``TIMEOUT``, ``RETRIES``); failures surface as SearchUnavailable and
the outbox keeps the work.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, Self

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from search.backends.base import SearchBackend, SearchIndex, SearchUnavailable
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
    FacetValue,
    Hit,
    SearchPage,
    Suggestion,
    VendorQuery,
    best_first,
    boosted_labels,
    plain_words,
)
from search.understanding import Concept, Understanding

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
    # Synonyms are resolved before the query reaches the index (search/understanding.py).
    text = {"type": "text", "analyzer": "raabta_text"}
    keyword_with_text = {"type": "keyword", "fields": {"text": text}}
    return {
        "settings": {
            "number_of_shards": 1,
            "analysis": {
                "filter": {
                    "english_stop": {"type": "stop", "stopwords": "_english_"},
                    "english_stemmer": {"type": "stemmer", "language": "english"},
                    "english_possessive": {"type": "stemmer", "language": "possessive_english"},
                },
                "analyzer": {
                    "raabta_text": {
                        "tokenizer": "standard",
                        "filter": [
                            "english_possessive",
                            "lowercase",
                            "english_stop",
                            "english_stemmer",
                        ],
                    },
                },
            },
        },
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


def _terms(field: str, values: Iterable[str]) -> dict[str, Any]:
    return {"terms": {field: list(values)}}


class ElasticsearchIndex(SearchIndex):
    """An index behind an alias: physical indexes per build, external versions, bulk
    writes with a timeout and retries. Each kind of index gives its default alias, its
    index body (settings and mapping) with its schema version, and its documents'
    ``_source``."""

    name = "raabta-vendors"  # the alias, unless params give INDEX
    schema = SCHEMA_VERSION

    def index_body(self) -> dict[str, Any]:
        return index_body()

    def source(self, document: dict[str, Any]) -> dict[str, Any]:
        source = {key: value for key, value in document.items() if value not in (None, "", [])}
        source["words"] = plain_words(document)
        return source

    def __init__(self, alias: str, params: dict[str, Any]):
        super().__init__(alias, params)
        self.index = params.get("INDEX", self.name)
        self.refresh = params.get("REFRESH", "wait_for")
        self.client = Elasticsearch(
            params["URL"],
            request_timeout=float(params.get("TIMEOUT", 2.0)),
            max_retries=int(params.get("RETRIES", 2)),
            retry_on_timeout=True,
        )
        self._ready = False

    # Index lifecycle ---------------------------------------------------------------------
    def _call(self, method: Any, **kwargs: Any) -> Any:
        try:
            return method(**kwargs)
        except (TransportError, ApiError) as error:
            raise SearchUnavailable(f"{type(error).__name__}: {error}") from error

    def _ensure_index(self) -> None:
        if self._ready:
            return
        if not self._call(self.client.indices.exists_alias, name=self.index):
            physical = self._create_physical()
            self._call(self.client.indices.put_alias, index=physical, name=self.index)
        self._ready = True

    @classmethod
    @contextlib.contextmanager
    def scratch(cls, params: dict[str, Any]) -> Iterator[Self]:
        """An alias of its own (``<index>-scratch-<random>``), its indexes deleted after."""
        name = f"{params.get('INDEX', cls.name)}-scratch-{uuid.uuid4().hex[:12]}"
        # A replay writes once per catalogue change: a generous timeout, not a user's.
        timeout = max(30.0, float(params.get("TIMEOUT", 2.0)))
        index = cls("scratch", {**params, "INDEX": name, "TIMEOUT": timeout})
        try:
            yield index
        finally:
            for physical in index._physical():
                index._call(index.client.options(ignore_status=404).indices.delete, index=physical)

    def _physical(self) -> list[str]:
        """The physical indexes behind the alias (none before a first build)."""
        # A first build finds no alias: Elasticsearch answers 404 with an error body.
        aliases = self._call(
            self.client.options(ignore_status=404).indices.get_alias, name=self.index
        )
        return [name for name in aliases or {} if name not in ("error", "status")]

    def _create_physical(self) -> str:
        name = f"{self.index}-{time.time_ns()}"
        self._call(self.client.indices.create, index=name, **self.index_body())
        return name

    def rebuild(self, documents: Iterable[dict[str, Any]]) -> int:
        physical = self._create_physical()
        count = self._bulk((self._index_action(physical, d) for d in documents), refresh=True)
        old = self._physical()
        actions = [{"remove": {"index": name, "alias": self.index}} for name in old]
        actions.append({"add": {"index": physical, "alias": self.index}})
        self._call(self.client.indices.update_aliases, actions=actions)  # atomic switch
        for name in old:
            self._call(self.client.options(ignore_status=404).indices.delete, index=name)
        self._ready = True
        return count

    # Writes --------------------------------------------------------------------------------
    def _bulk(self, actions: Iterable[dict[str, Any]], refresh: Any) -> int:
        try:
            ok, errors = helpers.bulk(
                self.client, actions, raise_on_error=False, refresh=refresh, chunk_size=1000
            )
        except (TransportError, ApiError) as error:
            raise SearchUnavailable(f"{type(error).__name__}: {error}") from error
        failures: list[dict[str, Any]] = errors if isinstance(errors, list) else []
        real = [e for e in failures if next(iter(e.values())).get("status") not in (404, 409)]
        if real:
            raise SearchUnavailable(f"bulk indexing failed for {len(real)} documents: {real[0]}")
        return int(ok)

    def index_documents(self, documents: Iterable[dict[str, Any]]) -> int:
        self._ensure_index()
        return self._bulk(
            (self._index_action(self.index, d) for d in documents), refresh=self.refresh
        )

    def delete_documents(self, ids: Iterable[str]) -> None:
        self._ensure_index()
        actions = ({"_op_type": "delete", "_index": self.index, "_id": doc_id} for doc_id in ids)
        self._bulk(actions, refresh=self.refresh)

    def _index_action(self, index: str, document: dict[str, Any]) -> dict[str, Any]:
        return {
            "_op_type": "index",
            "_index": index,
            "_id": document["id"],
            "version": document["version"],
            "version_type": "external",
            "_source": self.source(document),
        }

    def _search_page(
        self,
        query: dict[str, Any],
        *,
        offset: int,
        limit: int,
        sort: tuple[str, str] | None,
        facets: tuple[str, ...],
        highlight: dict[str, Any] | None,
        highlight_fields: tuple[str, ...],
    ) -> SearchPage:
        """One page of hits (ids, scores, highlights) with its total and facet counts."""
        self._ensure_index()
        body: dict[str, Any] = {
            "query": query,
            "from": offset,
            "size": limit,
            "track_total_hits": True,
            "_source": ["id"],
        }
        if sort:
            body["sort"] = [{sort[0]: {"order": sort[1], "missing": "_last"}}, {"id": "asc"}]
        if facets:
            body["aggs"] = {field: {"terms": {"field": field, "size": 50}} for field in facets}
        if highlight:
            body["highlight"] = {
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "encoder": "html",
                "highlight_query": highlight,
                "fields": {
                    field: {"number_of_fragments": 1, "fragment_size": 200}
                    for field in highlight_fields
                },
            }
        response = self._call(self.client.search, index=self.index, **body)
        hits = [
            Hit(
                id=hit["_source"]["id"],
                score=float(hit.get("_score") or 0.0),
                highlights={field: parts[0] for field, parts in hit.get("highlight", {}).items()},
            )
            for hit in response["hits"]["hits"]
        ]
        aggregations = response.get("aggregations", {})
        counted = {
            field: [
                FacetValue(bucket["key"], bucket["doc_count"])
                for bucket in aggregations.get(field, {}).get("buckets", [])
            ]
            for field in facets
        }
        return SearchPage(total=response["hits"]["total"]["value"], hits=hits, facets=counted)

    def _ids_and_scores(self, body: dict[str, Any]) -> list[tuple[str, float]]:
        """Stage-1 retrieval: ``(id, score)`` best first."""
        self._ensure_index()
        response = self._call(self.client.search, index=self.index, **body)
        found = [
            (hit["_source"]["id"], float(hit["_score"] or 0.0)) for hit in response["hits"]["hits"]
        ]
        return sorted(found, key=best_first)

    def fingerprints(self) -> dict[str, tuple[int, str]]:
        self._ensure_index()
        try:
            found = helpers.scan(
                self.client,
                index=self.index,
                query={"query": {"match_all": {}}, "_source": ["id", "version", "record_hash"]},
            )
            return {
                hit["_source"]["id"]: (
                    int(hit["_source"]["version"]),
                    str(hit["_source"].get("record_hash", "")),
                )
                for hit in found
            }
        except (TransportError, ApiError) as error:
            raise SearchUnavailable(str(error)) from error

    def count(self) -> int:
        self._ensure_index()
        return int(self._call(self.client.count, index=self.index)["count"])

    def schema_version(self) -> int | None:
        """The ``SCHEMA_VERSION`` the live index was built with (None: before versions)."""
        self._ensure_index()
        mappings = self._call(self.client.indices.get_mapping, index=self.index)
        meta = next(iter(mappings.values()))["mappings"].get("_meta") or {}
        version = meta.get("raabta_schema")
        return int(version) if version is not None else None

    def health(self) -> dict[str, Any]:
        try:
            schema = self.schema_version()
            found = {
                "ok": schema == self.schema,
                "backend": "elasticsearch",
                "kind": self.name,
                "documents": self.count(),
                "index": self.index,
                "schema": schema,
            }
            if schema != self.schema:
                found["error"] = (
                    f"the index was built for schema {schema}, this code needs "
                    f"{self.schema}: run `manage.py rebuild_search_index`"
                )
            return found
        except Exception as error:  # health never raises
            return {"ok": False, "backend": "elasticsearch", "error": str(error)}


class ElasticsearchBackend(ElasticsearchIndex, SearchBackend):
    """The vendor index on Elasticsearch."""

    demand_backend = "search.backends.elasticsearch_demand.ElasticsearchDemandIndex"

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
                filters.append(_terms(field, query.filters[field]))
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
                    "must_not": [_terms("id", query.exclude)] if query.exclude else [],
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
                "filter": _terms(chip.field, chip.values),
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
