"""The embedded engine's index lifecycle, shared by the firm and demand indexes: tantivy
(Rust, in-process), an index on local disk.

Layout under ``PATH``: one directory per build (``<name>-<timestamp>``) and a
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
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Self

import tantivy

from search.backends.base import SearchIndex, SearchUnavailable


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

    name: str  # the directory under PATH (params' INDEX), and each build's prefix
    schema: tantivy.Schema

    def to_tantivy(self, document: dict[str, Any]) -> tantivy.Document:
        raise NotImplementedError

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
