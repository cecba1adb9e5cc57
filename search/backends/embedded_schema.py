"""The firm index's fields on the embedded engine, and a firm's search document as
tantivy stores it (``to_tantivy``)."""

from __future__ import annotations

import zlib
from typing import Any

import tantivy

from search.backends.tantivy_index import (
    TEXT_ANALYZER_NAME,
    UNPOSITIONED_OPTION,
    add_identity_fields,
    identity,
)
from search.query import (
    FACETS,
    FIELD_WEIGHTS,
    LABEL_FIELDS,
    MATCH_FIELD_WEIGHTS,
    plain_words,
)

KEYWORD_FIELDS = (*FACETS,)
INTEGER_FIELDS = ("team_size", "rate_min", "rate_max", "min_project_usd")
# The indexed field behind each of FIELD_WEIGHTS' names.
TEXT_FIELDS = {
    name: f"{name}_text" if name in LABEL_FIELDS else name
    for name in (*FIELD_WEIGHTS, *MATCH_FIELD_WEIGHTS)
}


# Stage-1 retrieval's fields (MATCH_FIELD_WEIGHTS) as indexed here.
TEXT_BOOSTS = {TEXT_FIELDS[name]: weight for name, weight in MATCH_FIELD_WEIGHTS.items()}
# Each document's slot of the facet sample (``EmbeddedBackend._count_facets``).
SAMPLE_SLOTS = 64


def build_schema() -> tantivy.Schema:
    schema = tantivy.SchemaBuilder()
    add_identity_fields(schema)
    for name in ("name", "portfolio_text"):
        schema.add_text_field(name, stored=True, tokenizer_name="en_stem")
    # Without term frequencies: a word repeated in a description counts once.
    schema.add_text_field(
        "description", stored=True, tokenizer_name="en_stem", index_option=UNPOSITIONED_OPTION
    )
    # Every word of the firm's text as written (lower case, not stemmed): what spelling
    # correction asks about and close spellings are matched in.
    schema.add_text_field("words", tokenizer_name="default", index_option="basic")
    schema.add_text_field("name_words", tokenizer_name="default")
    # The whole profile as stage-1 retrieval scores a brief's words in: stemmed,
    # without stop words or term frequencies (docs/ranking.md).
    schema.add_text_field(
        "profile", tokenizer_name=TEXT_ANALYZER_NAME, index_option=UNPOSITIONED_OPTION
    )
    schema.add_text_field("name_sort", tokenizer_name="raw", fast=True)
    for name in LABEL_FIELDS:
        schema.add_text_field(f"{name}_text", tokenizer_name="en_stem")
    for name in KEYWORD_FIELDS:
        schema.add_text_field(name, tokenizer_name="raw", fast=True)
    for name in INTEGER_FIELDS:
        schema.add_integer_field(name, fast=True, indexed=True)
    schema.add_float_field("rating", fast=True, indexed=True)
    schema.add_unsigned_field("sample", fast=True, indexed=True)
    return schema.build()


SCHEMA = build_schema()


def to_tantivy(document: dict[str, Any]) -> tantivy.Document:
    values = identity(document)
    for name in (
        "name",
        "description",
        "portfolio_text",
        "name_sort",
        *KEYWORD_FIELDS,
        *INTEGER_FIELDS,
        "rating",
    ):
        if document.get(name) not in (None, "", []):
            values[name] = document[name]
    values["name_words"] = document["name"]
    values["words"] = values["profile"] = plain_words(document)
    values["sample"] = zlib.crc32(document["id"].encode()) % SAMPLE_SLOTS
    for name in LABEL_FIELDS:
        values[f"{name}_text"] = " . ".join(document.get(name) or [])
    return tantivy.Document.from_dict(values, SCHEMA)


def field_term(field: str, value: str) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, field, value)
