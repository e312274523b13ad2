"""The Whoosh search index: the store. Whoosh is imported only by the store (this module, the
schema and documents in whoosh_schema.py, per-segment work in whoosh_segments.py,
whoosh_source.py and postings.py); queries run in the engine-neutral pipeline (pipeline.py) over
the PostingsSource that whoosh_source.py makes of a searcher.

Layout and lifetime
- The index lives in the folder given to the constructor, next to a schema version file. A
  missing, stale or unreadable index is rebuilt by `ensure`, never fatal.
- Segments are written without compound files: Whoosh reads a compound file whole into memory
  on open (385 MB at 50,000 sections), separate files are read as needed.
- A full build writes into a staging folder and swaps it in, so searches keep answering from
  the old index while a worker thread builds. Updates add one small segment; small segments are
  merged into each other but the big one is only rewritten when the small ones grow past 10 % of
  it (rewriting 10,000 sections takes tens of seconds). Fuzzy matching does not use Whoosh's
  fuzzy terms, which scan every term when there is more than one segment (1-2 s).
- The manifest of content hashes is a column in the index itself, so it cannot disagree with it.
- No positions are indexed (schema 2): phrases are checked in the stored plain text.
- Each segment gets a postings file of its own once committed (postings.py): the query executor
  reads posting lists from it with numpy. It is derived data: missing or damaged, searches read
  Whoosh's postings and the next `ensure` writes it.

Threads: searches take `_lock` briefly; builds and updates take `_write_lock` for their whole
run and `_lock` only to swap in the new searcher.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from manualviewer.core.search.executor import Executor
    from manualviewer.core.search.pipeline import Pipeline
    from manualviewer.core.search.whoosh_source import WhooshSource

from whoosh import index
from whoosh.index import LockError
from whoosh.searching import Searcher
from whoosh.writing import OPTIMIZE, SegmentWriter

from manualviewer.core.files import atomic_write
from manualviewer.core.model import IndexStats, SearchResult, Section
from manualviewer.core.search import staging, whoosh_parallel
from manualviewer.core.search import whoosh_segments as segments
from manualviewer.core.search.protocol import BodyOf, IndexBusyError, Progress, SearchIndex, section_hash
from manualviewer.core.search.query import GlossaryTerms, glossary_terms
from manualviewer.core.search.whoosh_bulk import BulkSegmentWriter
from manualviewer.core.search.whoosh_schema import WordsTokenizer, document, make_schema, unique

log = logging.getLogger(__name__)

# Bump when the schema, the analyser or what is stored changes: old indexes are then rebuilt.
SCHEMA_VERSION = "4"
VERSION_FILE = "manualviewer-index-version"
INDEX_NAME = "MAIN"
STAGING = "MAIN.building"
ID_BOOST = 100.0
WRITE_TIMEOUT = 30.0  # seconds to wait for another process's writer
WRITER_MB = 256
MAX_SUGGESTIONS_CACHED = 256


# The schema pickled in an index's TOC names the tokenizer by this module (where it lived until
# it moved to whoosh_schema.py): kept importable from here so those indexes still open.
__all__ = ["WhooshIndex", "WordsTokenizer"]


class WhooshIndex:
    """`SearchIndex` on Whoosh. Safe to build/update from one thread and search from another."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._write_lock = threading.RLock()
        self._ix: index.FileIndex | None = None
        self._searcher: Searcher | None = None
        self._vocabulary: tuple[int, AbstractSet[str]] | None = None  # (generation, stems)
        self._manifest: tuple[int, dict[str, str]] | None = None  # (generation, id -> hash)
        self._pipeline: Pipeline | None = None  # query runner for the current searcher
        self._source: WhooshSource | None = None
        self._glossary: GlossaryTerms = ()
        self._suggestions: OrderedDict[tuple[int, str], str | None] = OrderedDict()
        self._closed = False
        self._suspect = False  # a search failed inside Whoosh: rebuild at the next ensure()
        self._warned: set[str] = set()

    # --- lifecycle ----------------------------------------------------------------------
    def ensure(self, sections: Iterable[Section], progress: Progress | None = None, *,
               body_of: BodyOf | None = None, prepare_typos: bool = True) -> IndexStats:
        """Open the index (rebuilding it when missing, stale or corrupt), then update it.
        `prepare_typos` also reads the vocabulary for typo correction now (~0.1 s at 10,000
        sections) rather than at the first typo; a one-shot command can skip it."""
        items = list(sections)
        with self._write_lock:
            self._remove_stale_staging()
            if self._suspect or not self._open_existing():
                stats = self.build(items, progress, body_of=body_of)
            else:
                try:
                    self.add_postings_files()
                    stats = self.update(items, progress, body_of=body_of)
                except IndexBusyError:
                    raise
                except Exception as exc:
                    log.warning("search index unreadable (%s: %s); rebuilding", type(exc).__name__, exc)
                    log.debug("the error", exc_info=True)
                    stats = self.build(items, progress, body_of=body_of)
        if prepare_typos:
            self.warm()
        return stats

    def open(self) -> bool:
        """Open the index on disk for searching, without building: False when there is none
        usable (then `ensure` or `build` makes one). Searching also opens it on demand."""
        with self._lock:
            self._closed = False
            return self._open_existing()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop_searcher()

    def reuse(self, *, prepare_typos: bool = True) -> None:
        with self._write_lock:
            self._remove_stale_staging()
        self.add_postings_files()  # an index from an older version has none, or a damaged one
        if prepare_typos:
            self.warm()

    def segment_count(self) -> int:
        with self._lock:
            s = self._get_searcher()
            return len(s.reader().leaf_readers()) if s is not None else 0

    def cached_postings(self) -> int:
        """Postings the query executor holds in memory (0 before the first search)."""
        with self._lock:
            executor = self._exec
            return executor.cached_postings if executor is not None else 0

    # --- writing ------------------------------------------------------------------------
    def add_postings_files(self) -> bool:
        """Write the postings file of each segment that has none (an index written by an older
        version, or by a writer that stopped early); True if one was written."""
        with self._write_lock:
            if not self._open_existing() or self._ix is None:
                return False
            wrote = segments.add_postings_files(self.path, self._ix)
            if wrote:
                with self._lock:
                    self._refresh_searcher()
            return wrote

    def build(self, sections: Iterable[Section], progress: Progress | None = None, *,
              body_of: BodyOf | None = None, workers: int = 1) -> IndexStats:
        started = time.perf_counter()
        items = unique(sections)
        with self._write_lock:
            self.path.mkdir(parents=True, exist_ok=True)
            self._remove_stale_staging()
            # Each build its own folder: the app and the command line may build at the same time.
            staging = Path(tempfile.mkdtemp(dir=self.path, prefix=STAGING + "."))
            ix = index.create_in(str(staging), make_schema(), indexname=INDEX_NAME)
            manifest = {k: section_hash(s) for k, s in items.items()}
            total = len(items)
            try:
                parts = whoosh_parallel.processes_for(total, workers)
                if parts <= 1 or not whoosh_parallel.build_in_parts(
                        staging, INDEX_NAME, list(items.items()), body_of, parts, WRITER_MB, progress):
                    self._write_all(ix, staging, manifest, items, progress, body_of)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            with self._lock:
                self._drop_searcher()
                self._remove_index_files()
                for f in staging.iterdir():
                    os.replace(f, self.path / f.name)
                staging.rmdir()
                atomic_write(self.path / VERSION_FILE, SCHEMA_VERSION + "\n")
                self._suspect = False
                self._open_existing()
                generation = self._ix.latest_generation() if self._ix else -1
                self._manifest = (generation, manifest)
        if progress:
            progress(total, total)
        return IndexStats(added=total, updated=0, removed=0,
                          seconds=time.perf_counter() - started, rebuilt=True)

    def _write_all(self, ix: index.FileIndex, folder: Path, manifest: dict[str, str], items: dict[str, Section],
                   progress: Progress | None, body_of: BodyOf | None) -> None:
        """A full build in this process: every section into one segment."""
        writer = self._writer(ix, manifest, bulk=True)
        try:
            for i, section in enumerate(items.values()):
                writer.add_document(**document(section, body_of))
                if progress and i % 50 == 0:
                    progress(i * 4 // 5, len(items))  # the commit is the last fifth
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        segments.add_postings_files(folder, ix)

    def update(self, sections: Iterable[Section], progress: Progress | None = None, *,
               body_of: BodyOf | None = None) -> IndexStats:
        started = time.perf_counter()
        items = unique(sections)
        with self._write_lock:
            if not self._open_existing():
                return self.build(items.values(), progress, body_of=body_of)
            ix = self._ix
            assert ix is not None
            existing = self._read_manifest(ix)
            wanted = {k: section_hash(s) for k, s in items.items()}
            removed = [k for k in existing if k not in wanted]
            added = [k for k in wanted if k not in existing]
            changed = [k for k in wanted if k in existing and existing[k] != wanted[k]]
            if not (removed or added or changed):
                return IndexStats(0, 0, 0, time.perf_counter() - started)
            writer = self._writer(ix, wanted)
            total = len(added) + len(changed)
            try:
                for k in removed + changed:
                    writer.delete_by_term("id_norm", k)
                for i, k in enumerate(added + changed):
                    writer.add_document(**document(items[k], body_of))
                    if progress and i % 50 == 0:
                        progress(i, total)
                writer.commit(mergetype=segments.merge_policy)
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.cancel()
                raise
            segments.add_postings_files(self.path, ix)
            with self._lock:
                self._manifest = (ix.latest_generation(), wanted)
                self._refresh_searcher()
        if progress:
            progress(total, total)
        return IndexStats(added=len(added), updated=len(changed), removed=len(removed),
                          seconds=time.perf_counter() - started)

    def compact(self) -> None:
        """Merge everything into one segment (slow: rewrites the index)."""
        with self._write_lock:
            if not self._open_existing() or self._ix is None:
                return
            writer = self._writer(self._ix, self._read_manifest(self._ix))
            writer.commit(mergetype=OPTIMIZE)
            segments.add_postings_files(self.path, self._ix)
            with self._lock:
                self._refresh_searcher()

    def _writer(self, ix: index.FileIndex, manifest: dict[str, str], *, bulk: bool = False) -> SegmentWriter:
        """A writer whose new segment is named after `manifest`, what the index will hold once
        it commits: the same sections give the same files (packs are published by hash).
        `bulk`: the first segment of a new index, written in one go (whoosh_bulk.py)."""
        codec = segments.NamedSegmentCodec(segments.manifest_digest(manifest))
        try:
            writer: SegmentWriter = (BulkSegmentWriter if bulk else SegmentWriter)(
                ix, timeout=WRITE_TIMEOUT, limitmb=WRITER_MB, compound=False, codec=codec)
        except LockError as exc:
            raise IndexBusyError(f"search index {self.path} is locked by another writer") from exc
        return writer

    def _read_manifest(self, ix: index.FileIndex) -> dict[str, str]:
        generation = ix.latest_generation()
        if self._manifest is not None and self._manifest[0] == generation:
            return dict(self._manifest[1])
        manifest: dict[str, str] = {}
        with ix.reader() as reader:
            for leaf in segments.leaves(reader):
                ids = leaf.column_reader("id_norm")
                hashes = leaf.column_reader("hash")
                for docnum in leaf.all_doc_ids():
                    manifest[ids[docnum]] = hashes[docnum].decode("ascii")
        self._manifest = (generation, manifest)
        return dict(manifest)

    def _warn_once(self, message: str) -> None:
        # Opening is tried more than once on the way to a rebuild: one warning is enough.
        if message not in self._warned:
            self._warned.add(message)
            log.warning("%s", message)

    def _remove_stale_staging(self) -> None:
        for message in staging.remove_stale(self.path, STAGING, INDEX_NAME + "_WRITELOCK"):
            log.warning("%s", message)

    def _remove_index_files(self) -> None:
        for f in self.path.iterdir():
            if f.name.startswith(STAGING):
                continue  # another build's work in progress
            if f.name.startswith((INDEX_NAME, "_" + INDEX_NAME)) or f.name == VERSION_FILE:
                if f.is_dir():
                    shutil.rmtree(f, ignore_errors=True)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        f.unlink()

    # --- opening ------------------------------------------------------------------------
    def _open_existing(self) -> bool:
        """Open the index on disk if it is there, of our schema version and readable."""
        with self._lock:
            if self._searcher is not None:
                return True
            try:
                version = (self.path / VERSION_FILE).read_text(encoding="utf-8").strip()
            except OSError:
                return False
            except ValueError:  # not text (UnicodeDecodeError): ensure rebuilds
                self._warn_once(f"search index version file in {self.path} is damaged; the index will be rebuilt")
                return False
            if version != SCHEMA_VERSION:
                return False
            try:
                ix = index.open_dir(str(self.path), indexname=INDEX_NAME)
                searcher = ix.searcher()
                segments.verify(searcher)
            except Exception as exc:
                # ensure rebuilds it; one line, not a traceback (it is a cache, nothing is lost)
                self._warn_once(f"search index at {self.path} is unreadable ({type(exc).__name__}: {exc}); "
                                "it will be rebuilt")
                return False
            self._ix, self._searcher = ix, searcher
            self._manifest = None
            return True

    def _get_searcher(self) -> Searcher | None:
        # Called with _lock held.
        if self._closed:
            return None
        if self._searcher is None:
            if not self._open_existing():
                return None
        elif not self._searcher.up_to_date():
            self._refresh_searcher()  # another process wrote
        return self._searcher

    def _refresh_searcher(self) -> None:
        # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 it keeps the old segments in the new
        # reader (FileIndex._reader extends the segment list with the reused ones), so replaced
        # and deleted sections would still be found. A fresh searcher costs a few milliseconds.
        if self._searcher is None or self._ix is None:
            return
        old = self._searcher
        try:
            self._searcher = self._ix.searcher()
        except Exception:
            log.warning("search index changed under us; reopening", exc_info=True)
            self._drop_searcher()
            self._open_existing()
        else:
            with contextlib.suppress(Exception):
                old.close()
        self._suggestions.clear()

    def _drop_searcher(self) -> None:
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
        self._searcher = None
        self._ix = None
        self._vocabulary = None
        self._close_executor()
        self._suggestions.clear()

    # --- searching ----------------------------------------------------------------------
    def set_glossary(self, groups: Iterable[Iterable[str]]) -> None:
        """The library's glossary (groups of phrases that mean the same), used by every query."""
        terms = glossary_terms([list(g) for g in groups])
        with self._lock:
            self._glossary = terms
            if self._pipeline is not None:
                self._pipeline.glossary = terms
            self._suggestions.clear()

    def search(self, query: str, *, limit: int = 20, manual: str | None = None) -> SearchResult:
        try:
            with self._lock:
                pipeline = self._get_pipeline()
                if pipeline is None:
                    return SearchResult(query=query, hits=())
                return pipeline.search(query, max(1, limit), manual)
        except Exception as exc:
            # Our query code never raises on user input, so this is a damaged index: the next
            # ensure() rebuilds it.
            log.warning("search for %r failed (%s: %s); the index will be rebuilt", query[:80],
                        type(exc).__name__, exc)
            log.debug("the error", exc_info=True)
            self._suspect = True
            return SearchResult(query=query, hits=())

    def suggest(self, query: str) -> str | None:
        try:
            with self._lock:
                pipeline = self._get_pipeline()
                if pipeline is None:
                    return None
                key = (pipeline.source.generation, query)
                if key in self._suggestions:
                    self._suggestions.move_to_end(key)
                    return self._suggestions[key]
                result = pipeline.suggest(query)
                self._suggestions[key] = result
                if len(self._suggestions) > MAX_SUGGESTIONS_CACHED:
                    self._suggestions.popitem(last=False)
                return result
        except Exception:
            log.warning("suggestion for %r failed", query[:80], exc_info=True)
            return None

    def _get_pipeline(self) -> Pipeline | None:
        # Called with _lock held. Imported here: numpy takes ~0.15 s to import, which the app's
        # start should not pay.
        from manualviewer.core.search.executor import Executor
        from manualviewer.core.search.pipeline import Pipeline
        from manualviewer.core.search.whoosh_source import WhooshSource

        s = self._get_searcher()
        if s is None:
            return None
        if self._pipeline is None or self._source is None or self._source.searcher is not s:
            self._close_executor()
            self._source = WhooshSource(s, self.path, lambda: self._vocab(s))
            self._pipeline = Pipeline(self._source, Executor(self._source, ID_BOOST), self._glossary)
        return self._pipeline

    @property
    def _exec(self) -> Executor | None:
        return self._pipeline.executor if self._pipeline is not None else None

    def _close_executor(self) -> None:
        if self._pipeline is not None:
            self._pipeline.executor.close()
            self._pipeline = None
        if self._source is not None:
            self._source.close()
            self._source = None

    # --- typos --------------------------------------------------------------------------
    def _vocab(self, s: Searcher) -> AbstractSet[str]:
        """Stems of all title and body words (no numbers or IDs), for typo candidates."""
        generation = s.reader().generation()
        if self._vocabulary is None or self._vocabulary[0] != generation:
            self._vocabulary = (generation, segments.vocabulary_of(s.reader(), self.path))
        return self._vocabulary[1]

    def warm(self) -> None:
        """Get ready for the first search, off the UI thread: the query executor (numpy takes
        ~0.15 s to import) with its field lengths, and the vocabulary, read with a reader of our
        own (so searches are not held up), so the first typo costs no lexicon scan (~0.1 s at
        10,000 sections)."""
        from manualviewer.core.search.query import FIELD_BOOSTS

        with self._lock:
            pipeline = self._get_pipeline()
            if pipeline is not None:
                for f in FIELD_BOOSTS:
                    pipeline.executor.norm(f)
            ix = self._ix
            known = self._vocabulary[0] if self._vocabulary is not None else None
        if ix is None or (known is not None and known == ix.latest_generation()):
            return
        try:
            with ix.reader() as reader:
                generation, words = reader.generation(), segments.vocabulary_of(reader, self.path)
        except Exception:
            log.debug("could not pre-read the vocabulary", exc_info=True)
            return
        with self._lock:
            if self._ix is ix and (self._vocabulary is None or self._vocabulary[0] < generation):
                self._vocabulary = (generation, words)



if TYPE_CHECKING:  # mypy checks that WhooshIndex keeps to the protocol

    def _is_a_search_index(ix: WhooshIndex) -> SearchIndex:
        return ix
