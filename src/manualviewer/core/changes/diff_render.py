"""A section's word diff as HTML for the section view, rendered as the reader renders the
section: through the app's one Markdown parser (core.render, markdown-it-py), so tables are
tables, links are links (cross-links to section IDs still clickable), emphasis and numbered
lists look as they do in the clean text.

How: the diff's blocks are written back as one Markdown text in which each inserted or deleted
run is wrapped in private-use marker characters, that text is rendered like any section, and
the markers in the HTML are then turned into the marks: inserted words underlined, deleted
ones struck through, each run introduced by "[added]" or "[removed]" in small text (neither
colour nor line style alone carries the change), and each changed block starting with its
label in words ("Changed:", "Removed:"). A run that the Markdown splits (a change across a
cell border, into bold text) is closed and opened again at every tag, so the HTML stays well
formed, and says "[added]"/"[removed]" again in each cell or item it goes on into. Markers are
kept out of link targets (the link goes where the new text points, with a "[link changed]"
note) and out of a table's delimiter row (which must stay a delimiter row)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from manualviewer.core.changes.worddiff import BlockDiff, BlockKind, Piece, PieceKind, SectionDiff, diff_words
from manualviewer.core.render.parser import RenderConfig, create_parser

INS_OPEN, INS_CLOSE, DEL_OPEN, DEL_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
LINK_CHANGED = "\ue004"
_LABEL_MARKS = {BlockKind.CHANGED: "\ue010", BlockKind.ADDED: "\ue011", BlockKind.REMOVED: "\ue012",
                BlockKind.MOVED: "\ue013"}
LABELS = {BlockKind.CHANGED: "Changed", BlockKind.ADDED: "Added", BlockKind.REMOVED: "Removed",
          BlockKind.MOVED: "Moved here, unchanged"}
_LABEL_OF_MARK = {mark: LABELS[kind] for kind, mark in _LABEL_MARKS.items()}
_MARKS = re.compile("[\ue000-\ue004\ue010-\ue013]")
_RUN_MARKS = re.compile("([\ue000-\ue004\ue010-\ue013])")
_NEW_BLOCK = re.compile(r"<(?:td|th|li|p|h[1-6])\b")

# A block's Markdown lead-in, kept before the label and outside any whole-block mark.
_LEAD = re.compile(r"^(?:\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+|\s{0,3}#{1,6}\s+|\s{0,3}>\s?)*")
_ROW = re.compile(r"^\s{0,3}\|")
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s")
# A link's target: `](...)` up to the closing bracket (IDs and addresses hold no brackets).
_LINK_TARGET = re.compile(r"\]\(([^()\s]*[\ue000-\ue003][^()]*)\)")


@dataclass(frozen=True)
class DiffColours:
    """Background tints; the UI passes ones that suit the palette (light or dark)."""

    inserted: str = "#d7f5dd"
    deleted: str = "#fbd9d9"
    label: str = "#555555"


def diff_html(diff: SectionDiff, colours: DiffColours | None = None, config: RenderConfig | None = None) -> str:
    """The diff as an HTML fragment; `config`: the library's render config (its codes and
    resolver), so section IDs are cross-links as in the clean text."""
    markdown = diff_markdown(diff)
    rendered = str(create_parser(config).render(markdown, {}))
    return _marks_to_html(rendered, colours or DiffColours())


# --- the diff written back as Markdown with markers ------------------------------------------------
def diff_markdown(diff: SectionDiff) -> str:
    """The new text with the old text's deleted runs kept in place, every change between markers."""
    out: list[str] = []
    previous = ""
    for block in diff.blocks:
        text = _block_markdown(_scrubbed(block))
        kind = "row" if _ROW.match(text) else "item" if _ITEM.match(text) else ""
        if out:
            # Rows of one table and items of one list stay together (a blank line would end them).
            out.append("\n" if kind and kind == previous else "\n\n")
        out.append(text)
        previous = kind
    return "".join(out) + "\n"


def _scrubbed(block: BlockDiff) -> BlockDiff:
    """The guidance's own text never holds a marker: one there (a private-use character in a
    file) would be read as a change. It is shown as the replacement character instead."""
    if not any(_MARKS.search(piece.text) for piece in block.pieces):
        return block
    return BlockDiff(block.kind, tuple(Piece(p.kind, _MARKS.sub("\ufffd", p.text)) for p in block.pieces))


def _block_markdown(block: BlockDiff) -> str:
    if block.kind is BlockKind.SAME:
        return "".join(piece.text for piece in block.pieces)
    if block.kind in (BlockKind.ADDED, BlockKind.REMOVED):
        whole = "".join(piece.text for piece in block.pieces)
        kind = PieceKind.INSERTED if block.kind is BlockKind.ADDED else PieceKind.DELETED
        return _whole_block(whole, kind, _LABEL_MARKS[block.kind])
    if block.kind is BlockKind.MOVED:
        whole = "".join(piece.text for piece in block.pieces)
        return _labelled(whole, _LABEL_MARKS[block.kind])
    old_text = "".join(p.text for p in block.pieces if p.kind is not PieceKind.INSERTED)
    new_text = "".join(p.text for p in block.pieces if p.kind is not PieceKind.DELETED)
    if _ROW.match(new_text):
        if _DELIMITER_ROW.match(new_text):
            return new_text  # a table's delimiter row changed (alignment): it must stay one
        return _LINK_TARGET.sub(_new_link_target, "".join(_marked(piece) for piece in block.pieces))
    old_lead, new_lead = _lead_of(old_text), _lead_of(new_text)
    pieces = block.pieces
    if old_text[:old_lead] != new_text[:new_lead]:
        # The lead-in changed (an item renumbered, a heading's level): the block is what the new
        # lead-in says, and only the words after it are compared.
        pieces = diff_words(old_text[old_lead:], new_text[new_lead:])
        if all(piece.kind is PieceKind.SAME for piece in pieces):
            return new_text  # only renumbered: nothing to read again
        pieces = (Piece(PieceKind.SAME, new_text[:new_lead]), *pieces)
    merged = "".join(_marked(piece) for piece in pieces)
    return _labelled(_LINK_TARGET.sub(_new_link_target, merged), _LABEL_MARKS[block.kind])


def _lead_of(text: str) -> int:
    lead = _LEAD.match(text)
    return lead.end() if lead else 0


def _marked(piece: Piece) -> str:
    if piece.kind is PieceKind.SAME:
        return piece.text
    # The spaces around a run's words stay outside its marks ("must [added]always", not
    # "must[added] always"): only words are underlined or struck through.
    words = piece.text.strip()
    if not words:
        return piece.text
    start = piece.text.index(words)
    before, after = piece.text[:start], piece.text[start + len(words):]
    if piece.kind is PieceKind.INSERTED:
        return before + _around_lines(words, INS_OPEN, INS_CLOSE) + after
    return before + _around_lines(words, DEL_OPEN, DEL_CLOSE) + after


def _around_lines(text: str, opening: str, closing: str) -> str:
    """Markers on each line's words, not across the line break: a line's lead-in (a row's pipe,
    a list marker, indentation) must start the line for the Markdown to read."""
    lines = text.split("\n")
    marked = []
    for index, line in enumerate(lines):
        if not line.strip():
            marked.append(line)
            continue
        lead = _ROW.match(line) or _LEAD.match(line) if index > 0 else None
        cut = lead.end() if lead else 0
        marked.append(f"{line[:cut]}{opening}{line[cut:]}{closing}")
    return "\n".join(marked)


def _whole_block(text: str, kind: PieceKind, label: str) -> str:
    """A block added or removed whole: its words marked, its Markdown left to read (a table
    row's cells each marked inside the cell; a delimiter row as it is)."""
    opening, closing = (INS_OPEN, INS_CLOSE) if kind is PieceKind.INSERTED else (DEL_OPEN, DEL_CLOSE)
    if _ROW.match(text):
        return "\n".join(_row_marked(line, opening, closing) for line in text.split("\n"))
    cut = _lead_of(text)
    return f"{text[:cut]}{label}{_around_lines(text[cut:], opening, closing)}"


def _row_marked(line: str, opening: str, closing: str) -> str:
    if _DELIMITER_ROW.match(line):
        return line
    cells = re.split(r"(?<!\\)\|", line)
    # The text before the first pipe and after the last one is not a cell.
    inner = [f" {opening}{cell.strip()}{closing} " if cell.strip() else cell for cell in cells[1:-1]]
    return "|".join([cells[0], *inner, cells[-1]]) if len(cells) > 2 else line


def _labelled(text: str, label: str) -> str:
    cut = _lead_of(text)
    return f"{text[:cut]}{label}{text[cut:]}"


def _new_link_target(match: re.Match[str]) -> str:
    """A link whose target changed goes where the new text points, and says it changed."""
    target = re.sub(f"{DEL_OPEN}[^{DEL_CLOSE}]*{DEL_CLOSE}", "", match.group(1))
    return f"]({_MARKS.sub('', target)}){LINK_CHANGED}"


# --- the markers in the rendered HTML turned into marks ---------------------------------------------
def _marks_to_html(rendered: str, c: DiffColours) -> str:
    label_style = f"color:{c.label}; font-size:small;"
    words = {INS_OPEN: "[added]", DEL_OPEN: "[removed]"}
    styles = {INS_OPEN: f"text-decoration: underline; background-color:{c.inserted};",
              DEL_OPEN: f"text-decoration: line-through; background-color:{c.deleted};"}
    out: list[str] = []
    run = ""  # the open run's marker, "" outside any
    said = False  # its "[added]"/"[removed]" already written
    for part in re.split(r"(<[^>]*>)", rendered):
        if part.startswith("<"):
            out.append(_MARKS.sub("", part))  # a marker in an attribute (a heading's anchor)
            if _NEW_BLOCK.match(part):
                said = False  # a run going on into another cell or item says so again there
            continue
        for chunk in _RUN_MARKS.split(part):
            if chunk in (INS_OPEN, DEL_OPEN):
                run, said = chunk, False
            elif chunk in (INS_CLOSE, DEL_CLOSE):
                run = ""
            elif chunk in _LABEL_OF_MARK:
                out.append(f'<span style="{label_style}"><b>{_LABEL_OF_MARK[chunk]}:</b></span> ')
            elif chunk == LINK_CHANGED:
                out.append(f' <span style="{label_style}">[link changed]</span>')
            elif not run or not chunk:
                out.append(chunk)
            elif not said and not chunk.strip():
                out.append(chunk)  # layout whitespace before the run's first word
            else:
                word = "" if said else f'<span style="{label_style}">{words[run]}</span>'
                said = True
                out.append(f'{word}<span style="{styles[run]}">{chunk}</span>')
    return "".join(out)
