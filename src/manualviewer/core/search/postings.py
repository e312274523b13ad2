"""Posting lists of one index segment in a form numpy reads at C speed: the segment's postings file.

Why: Whoosh stores each block of 128 postings as a zlib-compressed pickle of Python ints and
floats; decoding costs ~0.2 µs a posting, so at 100,000 sections one common word (present in
most sections) took ~20 ms to read, before any scoring. Here each term's list is one SQLite row:
the document numbers as gaps in the narrowest unsigned type that holds them, and the term
frequencies as bytes. Reading a list of 100,000 postings is one lookup and a numpy cumulative
sum (under 1 ms).

The file is derived from the segment and written once, after the segment is committed, as
`<segment id>.mvpostings` next to Whoosh's own files: Whoosh deletes it with the segment (its
clean-up removes every file named after a segment that is gone). A segment without the file
(an index written by an older version, or a writer that stopped before writing it) is read
from Whoosh's postings instead, more slowly, until the next `ensure` writes the file.

The file also keeps the segment's vocabulary for typo suggestions (title and body terms made of
letters) as one compressed row: read from Whoosh's term index it took ~0.4 s at 100,000 sections,
in thousands of small file reads that kept the UI thread from the GIL for up to 0.3 s at a time.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from pickle import loads
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

SUFFIX = ".mvpostings"
FORMAT = "1"
# The fields the query executor scores or filters on; the ID fields are single postings that
# Whoosh reads fast enough.
FIELDS = ("title", "headings", "body", "manual")
VOCABULARY_FIELDS = ("title", "body")
_GAP_TYPES = (np.uint8, np.uint16, np.uint32)

DocNums = npt.NDArray[np.int64]
Freqs = npt.NDArray[np.float32]


def postings_path(index_dir: Path, segment_id: str) -> Path:
    return Path(index_dir) / f"{segment_id}{SUFFIX}"


def leaf_postings(matcher: Any) -> tuple[list[int], list[float]]:
    """(segment docnums, term frequencies) of a Whoosh posting matcher, a block at a time.

    Decodes the W3 codec's blocks directly (whoosh 2.7 is pinned): one zlib + unpickle per block
    and a C-level running sum, instead of Whoosh's per-posting generator."""
    m = matcher.child if isinstance(matcher, FilterMatcher) else matcher
    ids: list[int] = []
    weights: list[float] = []
    if isinstance(m, W3LeafMatcher) and hasattr(m, "_dataoffset") and not m._byteids:
        while m.is_active():
            raw = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
            data = loads(zlib.decompress(raw) if m._compression else raw)
            block = list(itertools.accumulate(data[0]))
            ids.extend(block)
            w = data[1]
            weights.extend(w if isinstance(w, (tuple, list)) else [1.0 if w is None else float(w)] * len(block))
            m._next_block()
        return ids, weights
    while m.is_active():  # inlined short lists and anything else
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


def encode(ids: list[int], weights: list[float]) -> tuple[int, int, bytes, int, bytes]:
    """One posting list (ascending document numbers, term frequencies) as a postings-file row:
    first document, gap width kind, gaps, whether frequencies take two bytes, frequencies."""
    if len(ids) <= 32:  # most terms are rare: plain Python beats numpy's per-call cost here
        gaps = [b - a for a, b in itertools.pairwise(ids)]
        top = max(gaps, default=0)
        kind = 0 if top < 2**8 else 1 if top < 2**16 else 2
        freqs = [min(65535, max(0, round(w))) for w in weights]
        wide = max(freqs) > 255
        return (ids[0], kind, np.array(gaps, dtype=_GAP_TYPES[kind]).tobytes(), int(wide),
                bytes(freqs) if not wide else np.array(freqs, dtype=np.uint16).tobytes())
    docs = np.asarray(ids, dtype=np.int64)
    steps = np.diff(docs)
    top = int(steps.max())
    kind = 0 if top < 2**8 else 1 if top < 2**16 else 2
    tf = np.clip(np.rint(np.asarray(weights, dtype=np.float64)), 0, 65535)
    wide = bool(tf.max() > 255)
    return (int(docs[0]), kind, steps.astype(_GAP_TYPES[kind]).tobytes(), int(wide),
            tf.astype(np.uint16 if wide else np.uint8).tobytes())


def decode(first: int, kind: int, gaps: bytes, wide: int, tfs: bytes) -> tuple[DocNums, Freqs]:
    """The posting list of a row written by `encode`."""
    steps = np.frombuffer(gaps, dtype=_GAP_TYPES[kind])
    docs = np.empty(len(steps) + 1, dtype=np.int64)
    docs[0] = first
    np.cumsum(steps, dtype=np.int64, out=docs[1:])
    docs[1:] += first
    freqs = np.frombuffer(tfs, dtype=np.uint16 if wide else np.uint8).astype(np.float32)
    return docs, freqs


def write_segment_postings(leaf: Any, path: Path) -> None:
    """Write the postings file of one segment reader (atomically: a reader never sees half)."""
    vocabulary: set[str] = set()
    write_postings_file(path, leaf.doc_count_all(), _rows(leaf, vocabulary), vocabulary)


Row = tuple[str, str, int, int, bytes, int, bytes]


def write_postings_file(path: Path, doc_count: int, rows: Iterable[Row], vocabulary: set[str]) -> None:
    """Write a postings file of `doc_count` documents from its rows (field, term, *encode(...)),
    fields in FIELDS order and terms in the order of their UTF-8 bytes (as a segment lists them),
    then `vocabulary` (which `rows` may still be filling while it is read)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # a dot: Whoosh's clean-up skips it
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    db = sqlite3.connect(tmp)
    try:
        db.executescript("""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
            CREATE TABLE postings(field TEXT, term TEXT, first INTEGER, kind INTEGER, gaps BLOB,
                                  wide INTEGER, tfs BLOB, PRIMARY KEY(field, term)) WITHOUT ROWID;
        """)
        db.execute("INSERT INTO meta VALUES ('format', ?), ('docs', ?)", (FORMAT, str(doc_count)))
        db.executemany("INSERT INTO postings VALUES (?,?,?,?,?,?,?)", rows)
        db.execute("INSERT INTO meta VALUES ('vocabulary', ?)", (_pack(vocabulary),))
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)


def _rows(leaf: Any, vocabulary: set[str]) -> Iterator[Row]:
    terms = leaf._terms  # W3TermsReader: walking its items avoids a hash lookup per term
    for field in FIELDS:
        if field not in leaf.schema:
            continue
        fmt = leaf.schema[field].format
        for (name, raw), info in terms.items_from(field, b""):
            if name != field:
                break
            ids, weights = leaf_postings(terms._codec.postings_reader(terms._postfile, info, fmt, term=(name, raw)))
            if ids:
                term = raw.decode("utf-8")
                if in_vocabulary(field, raw):
                    vocabulary.add(term)
                yield (field, term, *encode(ids, weights))


def lexicon_vocabulary(leaf: Any) -> set[str]:
    """The vocabulary read from a segment's own term index (slow: see above)."""
    return {raw.decode("utf-8") for field in VOCABULARY_FIELDS if field in leaf.schema
            for raw in leaf.lexicon(field) if in_vocabulary(field, raw)}


def in_vocabulary(field: str, raw: bytes) -> bool:
    return field in VOCABULARY_FIELDS and raw.isalpha()  # ASCII letters: no numbers or IDs


def _pack(words: set[str]) -> bytes:
    return zlib.compress("\n".join(sorted(words)).encode("utf-8"))


def read_vocabulary(path: Path) -> list[str] | None:
    """The segment's vocabulary (see above), or None when its file is missing, damaged, or from
    a version that did not keep it."""
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key='vocabulary'").fetchone()
        finally:
            db.close()
        if row is None or not isinstance(row[0], bytes):
            return None
        text = zlib.decompress(row[0]).decode("utf-8")
    except (sqlite3.Error, zlib.error, UnicodeDecodeError):
        return None
    return text.split("\n") if text else []


def add_vocabulary(leaf: Any, path: Path) -> bool:
    """Keep the vocabulary in a segment's file written before the files kept it; True if added."""
    db = sqlite3.connect(path)
    try:
        if db.execute("SELECT 1 FROM meta WHERE key='vocabulary'").fetchone() is not None:
            return False
        with db:  # another process may add it at the same time: the first one stays
            db.execute("INSERT OR IGNORE INTO meta VALUES ('vocabulary', ?)", (_pack(lexicon_vocabulary(leaf)),))
        return True
    finally:
        db.close()


def readable(path: Path, doc_count: int) -> bool:
    """Whether the postings file at `path` is ours, whole and for this segment (False for one
    that a crash, a disk error or another program damaged: it is written again)."""
    found = SegmentPostings.open(path, doc_count)
    if found is None:
        return False
    try:
        found.get("body", "")  # the postings table is there and readable
    except sqlite3.Error:
        return False
    finally:
        found.close()
    return True


class SegmentPostings:
    """Reads one segment's postings file; `None` from `open` when it is missing or not ours."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    @classmethod
    def open(cls, path: Path, doc_count: int) -> SegmentPostings | None:
        if not path.exists():
            return None
        try:
            db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('format', 'docs')").fetchall())
        except sqlite3.Error:
            return None
        if meta.get("format") != FORMAT or meta.get("docs") != str(doc_count):
            db.close()
            return None
        return cls(db)

    def get(self, field: str, term: str) -> tuple[DocNums, Freqs] | None:
        row = self._db.execute("SELECT first, kind, gaps, wide, tfs FROM postings WHERE field=? AND term=?",
                               (field, term)).fetchone()
        return None if row is None else decode(*row)

    def close(self) -> None:
        self._db.close()
