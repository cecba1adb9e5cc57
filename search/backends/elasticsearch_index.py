"""The Elasticsearch 8/9 index lifecycle both kinds of index share, through the official
client.

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

from search.backends.base import SearchIndex, SearchUnavailable
from search.query import (
    FacetValue,
    Hit,
    SearchPage,
    best_first,
)

# The analysis both kinds of index use. Synonyms are resolved before the query reaches
# the index (search/understanding.py).
INDEX_SETTINGS: dict[str, Any] = {
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
}


def terms_filter(field: str, values: Iterable[str]) -> dict[str, Any]:
    return {"terms": {field: list(values)}}


class ElasticsearchIndex(SearchIndex):
    """An index behind an alias: physical indexes per build, external versions, bulk
    writes with a timeout and retries. Each kind of index gives its default alias, its
    index body (settings and mapping) with its schema version, and its documents'
    ``_source``."""

    name: str  # the alias, unless params give INDEX
    schema: int  # the index body's schema version

    def index_body(self) -> dict[str, Any]:
        raise NotImplementedError

    def source(self, document: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

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
