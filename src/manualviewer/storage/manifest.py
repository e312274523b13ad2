"""A recorded library version's sections (its manifest), packed for the versions database and read
back without stalling the window.

Reading back a 100,000-section manifest happens on a worker thread while the window stays live
(What changed, a load recorded). Two things used to hold the GIL there for a quarter of a second:
one `json.loads` of the whole manifest (a single C call), and the garbage collector walking the
200,000 objects it left (a list per row and a SectionStamp per section). So the manifest is now
written in chunks of columns (each chunk a small `json.loads`, the GIL free between chunks) and
kept as columns of strings (`Manifest`: no object per section for the collector to walk; a
SectionStamp is made only when one is asked for). Manifests written before (one JSON list of
rows) are still read."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator, Mapping, Sequence
from typing import TypeVar, overload

from manualviewer.core.changes.versions import SectionStamp

# The first line of a manifest in chunks; an older manifest starts with "[" (a JSON list of rows).
_CHUNKED = b"manifest-columns 1"
# Sections per chunk: one chunk's json.loads takes about a millisecond.
CHUNK = 2000

T = TypeVar("T")


class Manifest(Mapping[str, SectionStamp]):
    """Section ID -> SectionStamp, held as four columns of strings."""

    __slots__ = ("_hashes", "_index", "_manuals", "_titles")

    def __init__(self, ids: Sequence[str], manuals: list[str], titles: list[str], hashes: list[str]) -> None:
        if not len(ids) == len(manuals) == len(titles) == len(hashes):
            raise ValueError("a manifest's columns differ in length")
        self._index = {section_id: n for n, section_id in enumerate(ids)}  # a repeated ID: the last wins
        self._manuals = manuals
        self._titles = titles
        self._hashes = hashes

    def __getitem__(self, key: str) -> SectionStamp:
        n = self._index[key]
        return SectionStamp(key, self._manuals[n], self._titles[n], self._hashes[n])

    @overload
    def get(self, key: str, /) -> SectionStamp | None: ...
    @overload
    def get(self, key: str, /, default: SectionStamp | T) -> SectionStamp | T: ...

    def get(self, key: str, /, default: object = None) -> object:
        # Mapping.get goes through __getitem__ and KeyError: this is the compare loop's hot path.
        n = self._index.get(key)
        return default if n is None else SectionStamp(key, self._manuals[n], self._titles[n], self._hashes[n])

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def pack(stamps: Mapping[str, SectionStamp]) -> bytes:
    rows = list(stamps.values())
    lines = [_CHUNKED]
    for start in range(0, len(rows), CHUNK):
        part = rows[start:start + CHUNK]
        columns = [[s.id for s in part], [s.manual for s in part], [s.title for s in part],
                   [s.content_hash for s in part]]
        # No raw newline can occur in the JSON (json.dumps escapes it in strings): one chunk a line.
        lines.append(json.dumps(columns, ensure_ascii=False, separators=(",", ":")).encode())
    return zlib.compress(b"\n".join(lines), 6)


def unpack(blob: bytes) -> Manifest:
    raw = zlib.decompress(blob)  # zlib lets the GIL go while it inflates
    if not raw.startswith(_CHUNKED):
        return _unpack_rows(raw)
    ids: list[str] = []
    manuals: list[str] = []
    titles: list[str] = []
    hashes: list[str] = []
    codes: dict[str, str] = {}  # one string per manual code, not one per section
    for line in raw.split(b"\n")[1:]:
        chunk_ids, chunk_manuals, chunk_titles, chunk_hashes = json.loads(line)
        ids.extend(chunk_ids)
        manuals.extend(codes.setdefault(code, code) for code in chunk_manuals)
        titles.extend(chunk_titles)
        hashes.extend(chunk_hashes)
    return Manifest(ids, manuals, titles, hashes)


def _unpack_rows(raw: bytes) -> Manifest:
    """A manifest written before chunks: one JSON list of [id, manual, title, hash] rows, read a
    row at a time (one json.loads of it all would hold the GIL as long as before; until the next
    load records a new version, What changed compares with such a manifest)."""
    text = raw.decode("utf-8")
    decoder = json.JSONDecoder()
    ids: list[str] = []
    manuals: list[str] = []
    titles: list[str] = []
    hashes: list[str] = []
    at = _after(text, _after(text, 0, "["), "]", optional=True)
    if text[at - 1] != "]":
        while True:
            (section_id, manual, title, content_hash), at = decoder.raw_decode(text, at)
            ids.append(section_id)
            manuals.append(manual)
            titles.append(title)
            hashes.append(content_hash)
            at = _after(text, at, ",]")
            if text[at - 1] == "]":
                break
            at = _WS.match(text, at).end()  # type: ignore[union-attr]  # \s* always matches
    if text[at:].strip():
        raise json.JSONDecodeError("Extra data", text, at)
    return Manifest(ids, manuals, titles, hashes)


_WS = re.compile(r"\s*")


def _after(text: str, at: int, wanted: str, *, optional: bool = False) -> int:
    """The position after the next non-blank character, which must be one of `wanted` (or,
    when `optional`, may be anything: then the position of that character)."""
    at = _WS.match(text, at).end()  # type: ignore[union-attr]
    if at < len(text) and text[at] in wanted:
        return at + 1
    if optional:
        return at
    raise json.JSONDecodeError(f"Expecting one of {wanted!r}", text, at)
