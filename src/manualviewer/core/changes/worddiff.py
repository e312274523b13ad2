"""A word-level diff of two texts of a section (its Markdown as written).

Blocks first (paragraphs, headings, list items and table rows, so a change in one list item or
row marks that item or row), aligned with difflib; then words inside each changed block. A block
that left one place and appears unchanged at another is "moved", not a deletion plus an
insertion. Insertions and deletions carry words, not only colour: the plain form writes
`{+added+}` and `[-removed-]` (as `git diff --word-diff` does); the HTML form (core.changes.
diff_render, drawn by the app's Markdown renderer) underlines and strikes through and names each
change in words."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

_TOKEN = re.compile(r"\s+|\w+(?:['’]\w+)*|[^\w\s]")
_BLOCK_START = re.compile(r"^\s{0,3}(?:[-*+]\s|\d{1,3}[.)]\s|#{1,6}\s|\|)")
# Pairs of blocks less alike than this are a removal and an addition, not one changed block.
_SAME_BLOCK_RATIO = 0.4


class PieceKind(StrEnum):
    SAME = "same"
    INSERTED = "inserted"
    DELETED = "deleted"


class BlockKind(StrEnum):
    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    MOVED = "moved"


@dataclass(frozen=True)
class Piece:
    kind: PieceKind
    text: str


@dataclass(frozen=True)
class BlockDiff:
    kind: BlockKind
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class SectionDiff:
    blocks: tuple[BlockDiff, ...]

    @property
    def unchanged(self) -> bool:
        return all(block.kind is BlockKind.SAME for block in self.blocks)

    def count(self, kind: BlockKind) -> int:
        return sum(1 for block in self.blocks if block.kind is kind)


def split_blocks(text: str) -> list[str]:
    """Paragraphs, with each heading, list item and table row a block of its own."""
    blocks: list[str] = []
    current: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        if current and _BLOCK_START.match(line):
            blocks.append("\n".join(current))
            current = []
        current.append(line.rstrip())
    if current:
        blocks.append("\n".join(current))
    return blocks


_ORDERED = re.compile(r"^(\s{0,3})\d{1,3}([.)])(?=\s)")
_TABLE_RULE = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")


def _key(block: str) -> str:
    """What a block says: spacing aside, and an ordered list item without its number (an item
    added above renumbers the ones below; they did not change)."""
    return " ".join(_ORDERED.sub(r"\1#\2", block).split())


_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
# difflib is quadratic at worst: past this many token pairs a block is aligned sentence by
# sentence first (a 5,000-word paragraph in milliseconds rather than tens of seconds).
_DIRECT_LIMIT = 250_000


class _Pieces:
    def __init__(self) -> None:
        self.items: list[Piece] = []

    def add(self, kind: PieceKind, text: str) -> None:
        if not text:
            return
        if self.items and self.items[-1].kind is kind:
            self.items[-1] = Piece(kind, self.items[-1].text + text)
        else:
            self.items.append(Piece(kind, text))


def diff_words(old: str, new: str) -> tuple[Piece, ...]:
    """Word by word: whitespace and punctuation are tokens too, so the text joins back exactly."""
    out = _Pieces()
    _diff_tokens(_TOKEN.findall(old), _TOKEN.findall(new), out, by_sentence=True)
    return _joined(out.items)


def _joined(pieces: list[Piece]) -> tuple[Piece, ...]:
    """A space kept between two changes joins them: "[-being recorded-]{+recording the call+}"
    reads better than "[-being-]{+recording+} [-recorded-]{+the call+}". The space goes into
    both sides, so old and new text still join back exactly."""
    out = _Pieces()
    deleted, inserted = "", ""
    for index, piece in enumerate(pieces):
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        if piece.kind is PieceKind.DELETED:
            deleted += piece.text
        elif piece.kind is PieceKind.INSERTED:
            inserted += piece.text
        elif not piece.text.strip() and following is not None and _fills(deleted, inserted, following.kind):
            deleted, inserted = deleted + piece.text, inserted + piece.text
        else:
            out.add(PieceKind.DELETED, deleted)
            out.add(PieceKind.INSERTED, inserted)
            deleted, inserted = "", ""
            out.add(PieceKind.SAME, piece.text)
    out.add(PieceKind.DELETED, deleted)
    out.add(PieceKind.INSERTED, inserted)
    return tuple(out.items)


def _fills(deleted: str, inserted: str, following: PieceKind) -> bool:
    """Join across a space only into a change with both sides (never a lone added space)."""
    if deleted and inserted:
        return following is not PieceKind.SAME
    return bool((deleted and following is PieceKind.INSERTED) or (inserted and following is PieceKind.DELETED))


def _diff_tokens(a: list[str], b: list[str], out: _Pieces, *, by_sentence: bool) -> None:
    prefix = 0
    while prefix < len(a) and prefix < len(b) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < len(a) - prefix and suffix < len(b) - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    out.add(PieceKind.SAME, "".join(a[:prefix]))
    mid_a, mid_b = a[prefix:len(a) - suffix], b[prefix:len(b) - suffix]
    if len(mid_a) * len(mid_b) <= _DIRECT_LIMIT:
        _emit(difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=False), mid_a, mid_b, out)
    elif by_sentence:
        _diff_sentences("".join(mid_a), "".join(mid_b), out)
    else:
        # One huge run without sentence ends: difflib's own heuristic (popular tokens ignored
        # while matching) keeps it fast; the result is coarser but still exact text.
        _emit(difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=True), mid_a, mid_b, out)
    out.add(PieceKind.SAME, "".join(a[len(a) - suffix:]))


def _emit(matcher: difflib.SequenceMatcher[str], a: list[str], b: list[str], out: _Pieces) -> None:
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.add(PieceKind.SAME, "".join(a[i1:i2]))
        else:
            out.add(PieceKind.DELETED, "".join(a[i1:i2]))
            out.add(PieceKind.INSERTED, "".join(b[j1:j2]))


def _sentences(text: str) -> list[str]:
    """Sentences with the space after each kept on it, so they join back exactly."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        parts.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        parts.append(text[start:])
    return parts


def _diff_sentences(old: str, new: str, out: _Pieces) -> None:
    a, b = _sentences(old), _sentences(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.add(PieceKind.SAME, "".join(a[i1:i2]))
        else:
            _diff_tokens(_TOKEN.findall("".join(a[i1:i2])), _TOKEN.findall("".join(b[j1:j2])), out,
                         by_sentence=False)


def _likeness(a: str, b: str) -> float:
    """How alike two blocks are by their words (difflib's quick_ratio over words: linear, where
    a full ratio over characters is quadratic in a long paragraph)."""
    if _TABLE_RULE.match(a) and _TABLE_RULE.match(b):
        return 1.0  # a table's rule under its head: a column added or removed changes it, it is one row
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).quick_ratio()


def _pair_blocks(old: list[str], new: list[str]) -> list[tuple[str | None, str | None]]:
    """Within one replaced run, pair each old block with the most alike new block after the last
    pair (order kept); the rest are removed or added."""
    pairs: list[tuple[str | None, str | None]] = []
    start = 0
    for block in old:
        best, best_ratio = -1, _SAME_BLOCK_RATIO
        for index in range(start, len(new)):
            ratio = _likeness(block, new[index])
            if ratio > best_ratio:
                best, best_ratio = index, ratio
        if best < 0:
            pairs.append((block, None))
            continue
        pairs.extend((None, added) for added in new[start:best])
        pairs.append((block, new[best]))
        start = best + 1
    pairs.extend((None, added) for added in new[start:])
    return pairs


def diff_sections(old: str, new: str) -> SectionDiff:
    old_blocks = split_blocks(old)
    new_blocks = split_blocks(new)
    matcher = difflib.SequenceMatcher(None, [_key(b) for b in old_blocks], [_key(b) for b in new_blocks],
                                      autojunk=False)
    raw: list[tuple[str | None, str | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            raw.extend(zip(new_blocks[j1:j2], new_blocks[j1:j2], strict=True))
        else:
            raw.extend(_pair_blocks(old_blocks[i1:i2], new_blocks[j1:j2]))
    removed_keys = {_key(o) for o, n in raw if n is None and o is not None}
    added_keys = {_key(n) for o, n in raw if o is None and n is not None}
    moved = removed_keys & added_keys
    blocks: list[BlockDiff] = []
    for before, after in raw:
        if before is not None and after is not None:
            if _key(before) == _key(after):
                blocks.append(BlockDiff(BlockKind.SAME, (Piece(PieceKind.SAME, after),)))
            else:
                blocks.append(BlockDiff(BlockKind.CHANGED, diff_words(before, after)))
        elif after is not None:
            kind = BlockKind.MOVED if _key(after) in moved else BlockKind.ADDED
            piece = PieceKind.SAME if kind is BlockKind.MOVED else PieceKind.INSERTED
            blocks.append(BlockDiff(kind, (Piece(piece, after),)))
        elif before is not None and _key(before) not in moved:
            blocks.append(BlockDiff(BlockKind.REMOVED, (Piece(PieceKind.DELETED, before),)))
    return SectionDiff(tuple(blocks))


# --- plain text ---------------------------------------------------------------------------------
_ITEM = re.compile(r"^(?:\[-|\{\+)?\s{0,3}(?:[-*+]\s|\d{1,3}[.)]\s|\|)")


def diff_plain(diff: SectionDiff, context: int | None = None) -> str:
    """`{+added+}` and `[-removed-]` inside the text; a moved block says so. List items and table
    rows stay on consecutive lines, so a list reads as a list and a table as a table. With
    `context`, only changed blocks and that many unchanged blocks either side, "..." between."""
    shown = _shown(diff, context)
    out: list[str] = []
    previous_item = False
    previous_index = -1
    for index, block in enumerate(diff.blocks):
        if index not in shown:
            continue
        text = "".join(_plain_piece(piece) for piece in block.pieces)
        item = bool(_ITEM.match(text))
        if block.kind is BlockKind.MOVED:
            text = f"(moved here) {text}"
        if out and index != previous_index + 1:
            out.append("\n\n...\n\n")
        elif out:
            out.append("\n" if item and previous_item else "\n\n")
        out.append(text)
        previous_item, previous_index = item, index
    return "".join(out) + "\n"


def _shown(diff: SectionDiff, context: int | None) -> set[int]:
    if context is None:
        return set(range(len(diff.blocks)))
    shown: set[int] = set()
    for index, block in enumerate(diff.blocks):
        if block.kind is not BlockKind.SAME:
            shown.update(range(max(0, index - context), min(len(diff.blocks), index + context + 1)))
    return shown


def _plain_piece(piece: Piece) -> str:
    if piece.kind is PieceKind.INSERTED:
        return f"{{+{piece.text}+}}"
    if piece.kind is PieceKind.DELETED:
        return f"[-{piece.text}-]"
    return piece.text
