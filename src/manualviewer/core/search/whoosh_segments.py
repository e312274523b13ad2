"""Whoosh segments, one at a time: reading each one's columns and vocabulary, checking that a
freshly opened index is readable, the merge policy of updates, the postings file kept beside
each segment (postings.py), and segment names that depend only on what a segment holds. Part
of the Whoosh store (whoosh_index.py)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.index import TOC
from whoosh.reading import IndexReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import OPTIMIZE, SegmentWriter

log = logging.getLogger(__name__)

COMPACT_RATIO = 0.10  # rewrite the big segments once small segments + deletions pass this share
BIG_SHARE = 0.5  # a segment at least this share of the largest is a big one (see merge_policy)


def vocabulary_of(reader: IndexReader, folder: Path) -> AbstractSet[str]:
    """From each segment's postings file, or its term index when the file has none."""
    from manualviewer.core.search import postings

    words: set[str] = set()  # never changed once made, so not copied into a frozenset
    for leaf in leaves(reader):
        stored = postings.read_vocabulary(postings.postings_path(folder, leaf.segment().segment_id()))
        words.update(stored if stored is not None else postings.lexicon_vocabulary(leaf))
    return words



def leaves(reader: IndexReader) -> Iterator[SegmentReader]:
    for leaf, _offset in reader.leaf_readers():
        yield leaf


def verify(searcher: Searcher) -> None:
    """Touch every kind of file, so a damaged index fails now, not at the first search."""
    for leaf in leaves(searcher.reader()):
        ids = leaf.column_reader("id_norm")
        hashes = leaf.column_reader("hash")
        for docnum in leaf.all_doc_ids():
            _ = ids[docnum], hashes[docnum]
            leaf.stored_fields(docnum)
            break
        for field in ("title", "body"):
            for term in leaf.lexicon(field):
                next(iter(leaf.postings(field, term).all_ids()), None)
                break


def merge_policy(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """Merge the small segments into the one being written; rewrite the big ones only when the
    small ones (or the big ones' deleted documents) pass COMPACT_RATIO of them. Big: at least
    BIG_SHARE of the largest (a build on several cores leaves one big segment per core)."""
    if len(segments) <= 1 and not any(s.deleted_count() for s in segments):
        return segments
    largest = max((seg.doc_count_all() for seg in segments), default=0)
    if not largest:
        return segments
    big = [seg for seg in segments if seg.doc_count_all() >= BIG_SHARE * largest]
    small = [seg for seg in segments if seg.doc_count_all() < BIG_SHARE * largest]
    churn = sum(seg.deleted_count() for seg in big) + sum(seg.doc_count_all() for seg in small)
    if churn > COMPACT_RATIO * sum(seg.doc_count_all() for seg in big):
        return list(OPTIMIZE(writer, segments))
    for seg in small:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return big


def add_postings_files(folder: Path, ix: index.FileIndex) -> bool:
    """Write the postings file of each segment that has none (see postings.py), and the
    vocabulary into files from before they kept it; True if a file was written. A failure (a
    full disk) is logged, not raised: searches then read Whoosh's postings, more slowly."""
    from manualviewer.core.search import postings

    wrote = False
    try:
        with ix.reader() as reader:
            for leaf in leaves(reader):
                path = postings.postings_path(folder, leaf.segment().segment_id())
                if path.exists() and not postings.readable(path, leaf.doc_count_all()):
                    log.warning("search index postings file %s is damaged; writing it again", path.name)
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                if not path.exists():
                    postings.write_segment_postings(leaf, path)
                    wrote = True
                else:
                    postings.add_vocabulary(leaf, path)
    except Exception as exc:
        # Searches then read Whoosh's postings, more slowly; one line, not a traceback.
        log.warning("could not write the search index's postings files in %s: %s", folder, exc)
    return wrote


# --- reproducible segment names ----------------------------------------------------------------
# Whoosh names each new segment with 16 random characters (whoosh.codec.base.Segment._random_id);
# the name is in every file of the segment and in the TOC, and it was all that differed between
# two builds of the same sections (the files' bytes are the same). A pack is published by file
# hash, so the name is made from what the segment is instead: the generation it is committed as
# and the sections the index holds after that commit. Unique within an index folder (generations
# only grow), and the same for the same input on any machine.
class NamedSegmentCodec(W3Codec):  # type: ignore[misc]
    """Whoosh's default codec, except that the segment a writer starts is named after `content`
    (see `manifest_digest`) and the generation being written."""

    def __init__(self, content: str) -> None:
        super().__init__()
        self._content = content

    def new_segment(self, storage: Any, indexname: str) -> W3Segment:
        # Called by the writer once it holds the index's write lock: the generation read now is
        # the one before this writer's commit.
        generation = TOC._latest_generation(storage, indexname) + 1
        name = hashlib.sha256(f"{generation}\n{self._content}".encode()).hexdigest()[:16]
        # The segment keeps (and the TOC pickles) a plain W3Codec, as Whoosh's own segments do:
        # the index reads the same without this class.
        return W3Segment(W3Codec(), indexname, segid=name)


def manifest_digest(manifest: Mapping[str, str]) -> str:
    """One digest of the sections an index holds (normalised section id -> content hash)."""
    digest = hashlib.sha256()
    for key in sorted(manifest):
        digest.update(f"{key}\t{manifest[key]}\n".encode())
    return digest.hexdigest()
