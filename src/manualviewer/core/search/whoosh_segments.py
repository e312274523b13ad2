"""Whoosh segments, one at a time: reading each one's columns and vocabulary, checking that a
freshly opened index is readable, the merge policy of updates, and the postings file kept beside
each segment (postings.py). Part of the Whoosh store (whoosh_index.py)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.reading import IndexReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import OPTIMIZE, SegmentWriter

log = logging.getLogger(__name__)

COMPACT_RATIO = 0.10  # rewrite the big segment once small segments + deletions pass this share


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
    """Merge the small segments into the one being written; rewrite the big one only when the
    small ones (or its deleted documents) pass COMPACT_RATIO of it."""
    if len(segments) <= 1 and not any(s.deleted_count() for s in segments):
        return segments
    big = max(segments, key=lambda seg: seg.doc_count_all(), default=None)
    if big is None:
        return segments
    small = [seg for seg in segments if seg is not big]
    churn = big.deleted_count() + sum(seg.doc_count_all() for seg in small)
    if churn > COMPACT_RATIO * big.doc_count_all():
        return list(OPTIMIZE(writer, segments))
    for seg in small:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [big]


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
