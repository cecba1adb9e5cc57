"""The embedded backend: tantivy (Rust, in-process), an index on local disk.

Layout under ``PATH``: one directory per build (``vendors-<timestamp>``) and a
``CURRENT`` file naming the live one. A rebuild writes a new directory and replaces
``CURRENT`` atomically (``os.replace``), the embedded equivalent of an alias switch;
readers notice the change on their next search. Writers take an exclusive file lock, so
several processes (web workers, the task worker) can share one index directory.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Self

import tantivy

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

KEYWORD_FIELDS = (*FACETS,)
INTEGER_FIELDS = ("team_size", "rate_min", "rate_max", "min_project_usd")
# The indexed field behind each of FIELD_WEIGHTS' names.
TEXT_FIELDS = {
    name: f"{name}_text" if name in LABEL_FIELDS else name
    for name in (*FIELD_WEIGHTS, *MATCH_FIELD_WEIGHTS)
}


def _analyzer(*, stop_words: bool) -> tantivy.TextAnalyzer:
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
    )
    if stop_words:
        builder = builder.filter(tantivy.Filter.stopword("english"))
    return builder.filter(tantivy.Filter.stemmer("english")).build()


# What ``en_stem`` does to a field's text, done to a query's words.
ANALYZER = _analyzer(stop_words=False)
# What the ``profile`` field's analyzer does (and Elasticsearch's ``raabta_text``):
# ``en_stem`` without English stop words. Stage-1 retrieval analyzes a brief's words
# with it in every field, so "the", "of", "for" never score a firm (docs/ranking.md).
TEXT_ANALYZER_NAME = "en_text"
TEXT_ANALYZER = _analyzer(stop_words=True)
# Stage-1 retrieval's fields (MATCH_FIELD_WEIGHTS) as indexed here.
TEXT_BOOSTS = {TEXT_FIELDS[name]: weight for name, weight in MATCH_FIELD_WEIGHTS.items()}
# Facet counting costs ~20 ns per label value of every matching document; above this
# many matches the counts are estimated from a deterministic sample of the documents
# (like Elasticsearch's random_sampler), keeping broad searches fast at 100k firms.
# Up to FACET_INLINE_LIMIT matches they are counted on the calling thread.
FACET_SAMPLE_LIMIT = 5_000
FACET_INLINE_LIMIT = 2_000
SAMPLE_SLOTS = 64
# Facets are counted in two groups on two threads (tantivy releases the GIL).
FACET_GROUPS = (
    ("services", "certifications", "city", "country", "languages"),
    ("technologies", "industries", "export_markets", "rate_band", "team_band"),
)
_facet_pool = ThreadPoolExecutor(max_workers=len(FACET_GROUPS), thread_name_prefix="facets")
WRITER_HEAP = 32_000_000
# Each commit adds a segment (tantivy merges only runs of eight or more), and a query
# looks up every one of its terms in every segment: stage-1 retrieval of a brief (~700
# field-terms) took 6.5 ms on the four segments a bulk load leaves and 4.7 ms on one
# (bench/match_stages.py). An index with this many segments more than its last full
# build made is rebuilt by ``compact_if_fragmented``.
SEGMENTS_SLACK = 2


def add_identity_fields(schema: tantivy.SchemaBuilder) -> None:
    """What every kind of document has: its id, version and record hash, and ``key``,
    a number standing for the id (``id_key``) that retrieval reads as a fast field."""
    schema.add_text_field("id", stored=True, tokenizer_name="raw", fast=True)
    schema.add_unsigned_field("version", stored=True, fast=True, indexed=True)
    schema.add_text_field("record_hash", stored=True, tokenizer_name="raw")
    schema.add_unsigned_field("key", fast=True)


def identity(document: dict[str, Any]) -> dict[str, Any]:
    """``add_identity_fields``' values of a document."""
    return {
        "id": document["id"],
        "version": document["version"],
        "record_hash": document.get("record_hash", ""),
        "key": id_key(document["id"]),
    }


def id_key(id: str) -> int:
    """A 64-bit hash of a document id. Two of 100,000 ids share one with a chance of
    about 3 in 10 billion."""
    return int.from_bytes(hashlib.blake2b(id.encode(), digest_size=8).digest(), "big")


# Text fields indexed without term frequencies or positions: a word counts once, and a
# word of several terms is matched as all of them, not as a phrase (``TextClauses``).
UNPOSITIONED_OPTION = "basic"
UNPOSITIONED = frozenset({"description", "profile"})


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


def _filter(query: tantivy.Query) -> tuple[tantivy.Occur, tantivy.Query]:
    """A clause that must match but does not change the score."""
    return tantivy.Occur.Must, tantivy.Query.const_score_query(query, 0.0)


def _term(field: str, value: str) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, field, value)


def _range(
    field: str, low: int | None, high: int | None, schema: tantivy.Schema = SCHEMA
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


def open_tantivy(schema: tantivy.Schema, path: Path) -> tantivy.Index:
    """An index whose reader reloads only when asked. This code reloads explicitly (after
    its own commits, and when ``meta.json`` changes under it); tantivy's default reloads
    from a watcher thread, which can take a lock file in the directory at any moment —
    also while a throw-away index's directory is being removed."""
    index = tantivy.Index(schema, path=str(path))
    index.register_tokenizer(TEXT_ANALYZER_NAME, TEXT_ANALYZER)
    index.config_reader("Manual")
    return index


class EmbeddedIndex(SearchIndex):
    """An index on local disk: generations, writes under a file lock, rebuilds. Each
    kind of index gives its schema, its documents' conversion and its directory name."""

    name = "vendors"  # the directory under PATH (params' INDEX), and each build's prefix
    schema = SCHEMA

    def to_tantivy(self, document: dict[str, Any]) -> tantivy.Document:
        return to_tantivy(document)

    @classmethod
    @contextlib.contextmanager
    def scratch(cls, params: dict[str, Any]) -> Iterator[Self]:
        """In a temporary directory: in memory (``/dev/shm``) where the system has it —
        a replay commits once per snapshot, and a commit's fsync on disk was a third of
        a replay — else the default temporary directory."""
        shm = Path("/dev/shm")
        where = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
        with tempfile.TemporaryDirectory(prefix="raabta-scratch-", dir=where) as path:
            yield cls("scratch", {"PATH": path})

    def __init__(self, alias: str, params: dict[str, Any]):
        super().__init__(alias, params)
        self.root = Path(params["PATH"]) / params.get("INDEX", self.name)
        self.root.mkdir(parents=True, exist_ok=True)
        self._index: tantivy.Index | None = None
        self._generation = ""
        self._seen_meta: tuple[int, int] = (0, 0)

    # Index lifecycle -----------------------------------------------------------------
    @property
    def _current_file(self) -> Path:
        return self.root / "CURRENT"

    def _new_generation(self) -> Path:
        path = self.root / f"{self.name}-{time.time_ns()}"
        path.mkdir()
        return path

    def _ensure_index(self) -> None:
        if not self._current_file.exists():
            with self._write_lock():
                if not self._current_file.exists():
                    self._switch(self._new_generation())

    def _open(self) -> tantivy.Index:
        """The live index, reopened after a rebuild and reloaded after a commit."""
        self._ensure_index()
        generation = self._current_file.read_text().strip()
        if generation != self._generation or self._index is None:
            try:
                self._index = open_tantivy(self.schema, self.root / generation)
            except ValueError as error:  # built by another version of the schema
                raise SearchUnavailable(
                    f"{error} Run `manage.py rebuild_search_index` to rebuild it."
                ) from error
            self._generation, self._seen_meta = generation, (0, 0)
        # tantivy replaces meta.json on every commit: a new inode means new data
        # (another process may have written it).
        meta = self.root / generation / "meta.json"
        stat = meta.stat() if meta.exists() else None
        seen = (stat.st_ino, stat.st_mtime_ns) if stat else (0, 0)
        if seen != self._seen_meta:
            self._index.reload()
            self._seen_meta = seen
        return self._index

    def _switch(self, path: Path) -> None:
        temporary = self.root / "CURRENT.new"
        temporary.write_text(path.name)
        os.replace(temporary, self._current_file)

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        with open(self.root / "write.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _writer(self) -> Iterator[tuple[tantivy.Index, tantivy.IndexWriter]]:
        self._ensure_index()
        with self._write_lock():
            index = self._open()
            writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
            try:
                yield index, writer
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
        self._open()

    # Writes ----------------------------------------------------------------------------
    def _indexed_versions(self, index: tantivy.Index, ids: list[str]) -> dict[str, int]:
        searcher = index.searcher()
        hits = searcher.search(
            tantivy.Query.term_set_query(self.schema, "id", ids), len(ids) or 1, count=False
        ).hits
        addresses = [address for _, address in hits]
        versions = searcher.fast_field_values("version", addresses)
        return {
            searcher.doc(a)["id"][0]: int(v or 0) for a, v in zip(addresses, versions, strict=True)
        }

    def index_documents(self, documents: Iterable[dict[str, Any]]) -> int:
        batch = {document["id"]: document for document in documents}
        if not batch:
            return 0
        written = 0
        with self._writer() as (index, writer):
            current = self._indexed_versions(index, list(batch))
            for doc_id, document in batch.items():
                if doc_id in current:
                    if current[doc_id] >= document["version"]:
                        continue  # stale or replayed
                    writer.delete_documents_by_term("id", doc_id)
                writer.add_document(self.to_tantivy(document))
                written += 1
        return written

    def delete_documents(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self._writer() as (_, writer):
            for doc_id in ids:
                writer.delete_documents_by_term("id", doc_id)

    def rebuild(self, documents: Iterable[dict[str, Any]]) -> int:
        path = self._new_generation()
        index = open_tantivy(self.schema, path)
        writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
        count = 0
        for document in documents:
            writer.add_document(self.to_tantivy(document))
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        (path / "BUILT_SEGMENTS").write_text(str(index.searcher().num_segments))
        with self._write_lock():
            previous = self._current_file.read_text().strip() if self._current_file.exists() else ""
            self._switch(path)
            self._remove_old_generations(keep={path.name, previous})
        self._open()
        return count

    def _remove_old_generations(self, keep: set[str]) -> None:
        # The generation just replaced stays until the next rebuild, for readers that
        # still hold it open.
        for old in self.root.glob(f"{self.name}-*"):
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)

    def fingerprints(self) -> dict[str, tuple[int, str]]:
        searcher = self._open().searcher()
        total = searcher.num_docs
        if not total:
            return {}
        addresses = [
            address
            for _, address in searcher.search(tantivy.Query.all_query(), total, count=False).hits
        ]
        found = {}
        for address in addresses:
            stored = searcher.doc(address)
            found[stored["id"][0]] = (int(stored["version"][0]), stored["record_hash"][0])
        return found

    def count(self) -> int:
        return int(self._open().searcher().num_docs)

    def segments(self) -> tuple[int, int]:
        """Segments now, and how many the last full build of this index made (1 for an
        index that was never rebuilt)."""
        searcher = self._open().searcher()
        built = self.root / self._generation / "BUILT_SEGMENTS"
        return int(searcher.num_segments), int(built.read_text()) if built.exists() else 1

    def fragmented(self) -> bool:
        now, built = self.segments()
        return now > built + SEGMENTS_SLACK

    def health(self) -> dict[str, Any]:
        try:
            return {
                "ok": True,
                "backend": "embedded",
                "kind": self.name,
                "documents": self.count(),
                "index": self._generation,
                "segments": self.segments()[0],
            }
        except Exception as error:  # health never raises
            return {"ok": False, "backend": "embedded", "error": str(error)}


class EmbeddedBackend(EmbeddedIndex, SearchBackend):
    """The vendor index on the embedded engine."""

    demand_backend = "search.backends.embedded_demand.EmbeddedDemandIndex"

    # Reads ---------------------------------------------------------------------------
    def _query(self, query: VendorQuery) -> tantivy.Query:
        clauses = _understood(query.plan)
        for field in ALL_OF:
            clauses.extend(_filter(_term(field, value)) for value in query.filters.get(field, ()))
        for field in ANY_OF:
            values = query.filters.get(field, ())
            if values:
                clauses.append(_filter(tantivy.Query.term_set_query(SCHEMA, field, list(values))))
        if query.min_rate is not None or query.max_rate is not None:
            clauses.append(_filter(_range("rate_min", query.min_rate, query.max_rate)))
        if query.min_team_size is not None or query.max_team_size is not None:
            clauses.append(_filter(_range("team_size", query.min_team_size, query.max_team_size)))
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
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), _filter(sample)])
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
            (tantivy.Occur.Should, tantivy.Query.boost_query(_term(field, label), boost))
            for field, label, boost in boosted_labels(query)
        ]
        should.extend(TEXT_CLAUSES(query.text))
        clauses = [
            (
                tantivy.Occur.Must,
                tantivy.Query.boolean_query(should) if should else tantivy.Query.all_query(),
            )
        ]
        clauses.extend(_filter(_term("certifications", c)) for c in query.required_certifications)
        clauses.extend(_filter(_term("languages", language)) for language in query.languages)
        if query.max_budget_usd is not None:
            within = _range("min_project_usd", None, query.max_budget_usd)
            unknown = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, tantivy.Query.all_query()),
                    (tantivy.Occur.MustNot, tantivy.Query.exists_query("min_project_usd")),
                ]
            )
            clauses.append(
                _filter(
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
            tantivy.Query.const_score_query(_term(field, label), LABEL_SCORE),
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
                tantivy.Query.boost_query(_term(TEXT_FIELDS[name], term), weight)
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
            (tantivy.Occur.Should, _term(field, term))
            for field in HIGHLIGHT_FIELDS
            for term in sorted(terms)
        ]
    )


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


TEXT_CLAUSES = TextClauses(SCHEMA, TEXT_BOOSTS, unpositioned=UNPOSITIONED)
