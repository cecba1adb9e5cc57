"""The demand index (buyers and briefs, search/demand.py) on Elasticsearch 8/9.

Same lifecycle as the vendor index (``ElasticsearchIndex``: an alias over physical
indexes, external versions, atomic rebuilds), its own mapping and reads.
"""

from __future__ import annotations

from typing import Any

from search.backends.base import DemandIndex
from search.backends.elasticsearch_index import INDEX_SETTINGS, ElasticsearchIndex
from search.query import (
    DEMAND_ALL_OF,
    DEMAND_ANY_OF,
    DEMAND_FACETS,
    DEMAND_HIGHLIGHT_FIELDS,
    DEMAND_SORTS,
    DEMAND_TEXT_WEIGHTS,
    WORD_TIE_BREAKER,
    DemandQuery,
    OpportunityQuery,
    SearchPage,
    boosted_labels,
)

# Bumped whenever the mapping changes in a way old indexes cannot serve.
DEMAND_SCHEMA_VERSION = 1
LABELS = ("services", "technologies", "industry")  # keywords with an analysed ``.text``
WEIGHTED = [
    f"{name}.text^{weight}" if name in LABELS else f"{name}^{weight}"
    for name, weight in DEMAND_TEXT_WEIGHTS.items()
]


def demand_body() -> dict[str, Any]:
    """The shared analysis settings, the demand mapping."""
    text = {"type": "text", "analyzer": "raabta_text"}
    keyword = {"type": "keyword"}
    return {
        "settings": INDEX_SETTINGS,
        "mappings": {
            "_meta": {"raabta_schema": DEMAND_SCHEMA_VERSION},
            "dynamic": "strict",
            "properties": {
                "id": keyword,
                "kind": keyword,
                "version": {"type": "long"},
                "record_hash": {"type": "keyword", "index": False},
                "title": text,
                "buyer_name": text,
                # Without term frequencies: a word repeated in a description counts once.
                "description": {**text, "index_options": "docs"},
                **{name: {**keyword, "fields": {"text": text}} for name in LABELS},
                **{
                    name: keyword
                    for name in (*DEMAND_FACETS, "languages", "certifications")
                    if name not in LABELS
                },
                "budget_usd": {"type": "long"},
                "published": {"type": "long"},
            },
        },
    }


class ElasticsearchDemandIndex(ElasticsearchIndex, DemandIndex):
    name = "raabta-demand"
    schema = DEMAND_SCHEMA_VERSION

    def index_body(self) -> dict[str, Any]:
        return demand_body()

    def source(self, document: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in document.items() if value not in (None, "", [])}

    def _query(self, query: DemandQuery) -> dict[str, Any]:
        must: list[dict[str, Any]] = [
            {  # every word, each scored by its best field
                "multi_match": {
                    "query": word,
                    "fields": WEIGHTED,
                    "type": "best_fields",
                    "tie_breaker": WORD_TIE_BREAKER,
                    "operator": "and",
                }
            }
            for word in query.text.split()
        ]
        filters: list[dict[str, Any]] = [{"term": {"kind": query.kind}}]
        for field in DEMAND_ALL_OF:
            filters.extend({"term": {field: value}} for value in query.filters.get(field, ()))
        for field in DEMAND_ANY_OF:
            if query.filters.get(field):
                filters.append({"terms": {field: list(query.filters[field])}})
        if query.published_from is not None:
            filters.append({"range": {"published": {"gte": query.published_from}}})
        return {"bool": {"must": must or [{"match_all": {}}], "filter": filters}}

    def search(self, query: DemandQuery) -> SearchPage:
        highlight = None
        if query.highlight and query.text.strip():
            fields = list(DEMAND_HIGHLIGHT_FIELDS)
            highlight = {"multi_match": {"query": query.text, "fields": fields}}
        return self._search_page(
            self._query(query),
            offset=query.offset,
            limit=query.limit,
            sort=DEMAND_SORTS.get(query.sort),
            facets=DEMAND_FACETS if query.facets else (),
            highlight=highlight,
            highlight_fields=DEMAND_HIGHLIGHT_FIELDS,
        )

    def candidates(self, query: OpportunityQuery) -> list[tuple[str, float]]:
        should: list[dict[str, Any]] = [
            {"term": {field: {"value": label, "boost": boost}}}
            for field, label, boost in boosted_labels(query, "industry")
        ]
        if query.text.strip():
            should.append(
                {"multi_match": {"query": query.text, "fields": WEIGHTED, "type": "most_fields"}}
            )
        body = {
            "query": {
                "bool": {
                    "should": should or [{"match_all": {}}],
                    "filter": [
                        {"term": {"kind": "brief"}},
                        {"terms": {"stage": list(query.stages)}},
                        *(
                            [{"range": {"published": {"gte": query.published_from}}}]
                            if query.published_from is not None
                            else []
                        ),
                    ],
                    "must_not": [{"terms": {"id": list(query.exclude)}}] if query.exclude else [],
                }
            },
            "size": query.limit,
            "_source": ["id"],
        }
        return self._ids_and_scores(body)
