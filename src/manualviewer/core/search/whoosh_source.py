"""A Whoosh searcher as a PostingsSource (source.py): part of the Whoosh store.

Posting lists come from each segment's postings file (postings.py) where it is written, else from
Whoosh's own postings; field lengths from Whoosh's length columns, read as one array.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.query import Term
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from manualviewer.core.search import postings as segment_postings
from manualviewer.core.search.postings import SegmentPostings
from manualviewer.core.search.source import DocNums, Freqs, Lengths, Mask

_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class WhooshSource:
    def __init__(self, searcher: Searcher, index_dir: Path | None,
                 vocabulary: Callable[[], AbstractSet[str]]) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves = list(self.reader.leaf_readers())
        self._size = self.reader.doc_count_all()
        self._vocabulary = vocabulary
        # The segments' postings files, where they are written (None: read Whoosh's postings).
        self.files: list[SegmentPostings | None] = [
            SegmentPostings.open(segment_postings.postings_path(index_dir, leaf.segment().segment_id()),
                                 leaf.doc_count_all()) if index_dir is not None else None
            for leaf, _ in self.leaves
        ]

    @property
    def size(self) -> int:
        return int(self._size)

    @property
    def generation(self) -> int:
        return int(self.reader.generation())

    def close(self) -> None:
        for f in self.files:
            if f is not None:
                f.close()

    def live(self) -> Mask:
        live = np.ones(self._size, dtype=np.bool_)
        for leaf, offset in self.leaves:
            if leaf.has_deletions():
                live[[offset + d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)]] = False
        return live

    def postings(self, field: str, term: str) -> tuple[DocNums, Freqs]:
        parts = list(self._read(field, term))
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if len(parts) == 1:
            return parts[0]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _read(self, field: str, term: str) -> Iterator[tuple[DocNums, Freqs]]:
        for (leaf, offset), file in zip(self.leaves, self.files, strict=True):
            if file is not None and field in segment_postings.FIELDS:
                got = file.get(field, term)
                if got is not None:
                    yield got[0] + offset, got[1]
            elif (field, term) in leaf:
                ids, weights = segment_postings.leaf_postings(leaf.postings(field, term))
                yield np.asarray(ids, dtype=np.int64) + offset, np.asarray(weights, dtype=np.float32)

    def lengths(self, field: str) -> Lengths:
        if not self.leaves:
            return np.zeros(0)
        return np.concatenate([_leaf_lengths(leaf, field) for leaf, _ in self.leaves])

    def average_length(self, field: str) -> float:
        total = float(self.reader.field_length(field))
        return total / max(1, int(self.reader.doc_count()))

    def expand_prefix(self, field: str, prefix: str, limit: int) -> list[str]:
        terms: set[str] = set()
        for leaf, _ in self.leaves:
            for raw in leaf.expand_prefix(field, prefix):
                terms.add(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
                if len(terms) >= limit:
                    break
        return sorted(terms)[:limit]

    def stored(self, docnum: int) -> Mapping[str, object]:
        fields: Mapping[str, object] = self.searcher.stored_fields(docnum)
        return fields

    def documents_with_id(self, key: str) -> list[int]:
        out: list[int] = []
        for field in ("id_norm", "alias"):
            out.extend(int(d) for d in self.searcher.docs_for_query(Term(field, key)))
        return list(dict.fromkeys(out))

    def vocabulary(self) -> AbstractSet[str]:
        return self._vocabulary()  # read when the first typo needs it


def _leaf_lengths(leaf: Any, field: str) -> Lengths:
    count = leaf.doc_count_all()
    lengths = np.zeros(count, dtype=np.float64)
    try:
        column = leaf._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, column._count)
        coded = _LENGTHS[np.frombuffer(raw, dtype=np.uint8)][:count]
        lengths[: len(coded)] = coded
    except Exception:
        for d in range(count):
            lengths[d] = leaf.doc_field_length(d, field) or 0
    return lengths
