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

import time
from collections.abc import Iterable
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from search.backends.base import SearchBackend, SearchUnavailable
from search.query import (
    ALL_OF,
    ANY_OF,
    FACETS,
    HIGHLIGHT_FIELDS,
    LABEL_FIELDS,
    SORTS,
    CandidateQuery,
    FacetValue,
    Hit,
    SearchPage,
    Suggestion,
    VendorQuery,
)
from vendors.taxonomy import KINDS, get_taxonomy

TEXT_FIELDS = [
    "name^2",
    "services.text^3",
    "technologies.text^3",
    "industries.text^2",
    "certifications.text^1.5",
    "description",
    "portfolio_text^0.7",
]
LABEL_BOOST = 4.0


def synonym_rules() -> list[str]:
    """Taxonomy synonyms as Solr rules (``rn, react native => react native``)."""
    rules = []
    for kind in KINDS:
        for label, synonyms in get_taxonomy().entries[kind].items():
            variants = [v for v in synonyms if v.replace(" ", "").isalnum() or " " in v]
            if variants:
                rules.append(f"{', '.join(v.lower() for v in variants)} => {label.lower()}")
    return rules


def index_body() -> dict[str, Any]:
    text = {"type": "text", "analyzer": "raabta_text", "search_analyzer": "raabta_search"}
    keyword_with_text = {"type": "keyword", "fields": {"text": text}}
    return {
        "settings": {
            "number_of_shards": 1,
            "analysis": {
                "filter": {
                    "english_stop": {"type": "stop", "stopwords": "_english_"},
                    "english_stemmer": {"type": "stemmer", "language": "english"},
                    "english_possessive": {"type": "stemmer", "language": "possessive_english"},
                    "taxonomy_synonyms": {
                        "type": "synonym_graph",
                        "synonyms": synonym_rules(),
                        "lenient": True,
                    },
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
                    "raabta_search": {
                        "tokenizer": "standard",
                        "filter": [
                            "english_possessive",
                            "lowercase",
                            "taxonomy_synonyms",
                            "english_stop",
                            "english_stemmer",
                        ],
                    },
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": {"type": "keyword"},
                "version": {"type": "long"},
                "record_hash": {"type": "keyword", "index": False},
                "name": {**text, "fields": {"suggest": {"type": "search_as_you_type"}}},
                "name_sort": {"type": "keyword"},
                "description": text,
                "portfolio_text": text,
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


class ElasticsearchBackend(SearchBackend):
    def __init__(self, alias: str, params: dict[str, Any]):
        super().__init__(alias, params)
        self.index = params.get("INDEX", "raabta-vendors")
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

    def _create_physical(self) -> str:
        name = f"{self.index}-{time.time_ns()}"
        self._call(self.client.indices.create, index=name, **index_body())
        return name

    def rebuild(self, documents: Iterable[dict[str, Any]]) -> int:
        physical = self._create_physical()
        count = self._bulk(({**_index_action(physical, d)} for d in documents), refresh=True)
        old = list(
            self._call(self.client.indices.get_alias, name=self.index, ignore_unavailable=True)
            or {}
        )
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
        return self._bulk((_index_action(self.index, d) for d in documents), refresh=self.refresh)

    def delete_documents(self, ids: Iterable[str]) -> None:
        self._ensure_index()
        actions = ({"_op_type": "delete", "_index": self.index, "_id": doc_id} for doc_id in ids)
        self._bulk(actions, refresh=self.refresh)

    # Reads ---------------------------------------------------------------------------------
    def _text_query(self, text: str, labels: tuple[str, ...]) -> dict[str, Any] | None:
        should: list[dict[str, Any]] = []
        if text.strip():
            should.append(
                {"multi_match": {"query": text, "fields": TEXT_FIELDS, "type": "most_fields"}}
            )
        for label in labels:
            should.extend(
                {"term": {field: {"value": label, "boost": LABEL_BOOST}}} for field in LABEL_FIELDS
            )
        return {"bool": {"should": should, "minimum_should_match": 1}} if should else None

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
        text = self._text_query(query.text, query.labels)
        return {"bool": {"must": [text or {"match_all": {}}], "filter": filters}}

    def search(self, query: VendorQuery) -> SearchPage:
        self._ensure_index()
        body: dict[str, Any] = {
            "query": self._query(query),
            "from": query.offset,
            "size": query.limit,
            "track_total_hits": True,
            "_source": ["id"],
        }
        sort = SORTS.get(query.sort)
        if sort:
            body["sort"] = [{sort[0]: {"order": sort[1], "missing": "_last"}}, {"id": "asc"}]
        if query.facets:
            body["aggs"] = {field: {"terms": {"field": field, "size": 50}} for field in FACETS}
        if query.highlight and query.text.strip():
            body["highlight"] = {
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "encoder": "html",
                "highlight_query": self._text_query(query.text, ()),
                "fields": {
                    field: {"number_of_fragments": 1, "fragment_size": 200}
                    for field in HIGHLIGHT_FIELDS
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
        facets = {
            field: [
                FacetValue(b["key"], b["doc_count"])
                for b in response.get("aggregations", {}).get(field, {}).get("buckets", [])
            ]
            for field in (FACETS if query.facets else ())
        }
        return SearchPage(total=response["hits"]["total"]["value"], hits=hits, facets=facets)

    def candidates(self, query: CandidateQuery) -> list[tuple[str, float]]:
        self._ensure_index()
        should: list[dict[str, Any]] = []
        for field, labels, boost in (
            ("services", query.services, 3.0),
            ("technologies", query.technologies, 2.0),
            ("industries", query.industries, 1.5),
        ):
            should.extend({"term": {field: {"value": label, "boost": boost}}} for label in labels)
        text = self._text_query(query.text, ())
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
        response = self._call(self.client.search, index=self.index, **body)
        return [
            (hit["_source"]["id"], float(hit["_score"] or 0.0)) for hit in response["hits"]["hits"]
        ]

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

    def label_values(self, field: str) -> dict[str, int]:
        self._ensure_index()
        body = {"size": 0, "aggs": {"v": {"terms": {"field": field, "size": 10_000}}}}
        response = self._call(self.client.search, index=self.index, **body)
        return {b["key"]: b["doc_count"] for b in response["aggregations"]["v"]["buckets"]}

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

    def health(self) -> dict[str, Any]:
        try:
            return {
                "ok": True,
                "backend": "elasticsearch",
                "documents": self.count(),
                "index": self.index,
            }
        except Exception as error:  # health never raises
            return {"ok": False, "backend": "elasticsearch", "error": str(error)}


def _index_action(index: str, document: dict[str, Any]) -> dict[str, Any]:
    source = {key: value for key, value in document.items() if value not in (None, "", [])}
    return {
        "_op_type": "index",
        "_index": index,
        "_id": document["id"],
        "version": document["version"],
        "version_type": "external",
        "_source": source,
    }
