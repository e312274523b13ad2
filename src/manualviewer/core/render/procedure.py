"""`{procedure:ID}` on a line of its own: offer the guided checklist ID at that point.

Becomes one `procedure_embed` block token (meta: `id`), drawn as a "Start checklist: <title>"
link to `procedure:ID`. An embed may interrupt a paragraph, so it need not be set off by blank
lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from manualviewer.core.render.boxes import BOX_CLOSE, bar_box_open
from manualviewer.core.render.targets import PROCEDURE_SCHEME

EMBED_RE = re.compile(r"\{procedure:([A-Za-z0-9][A-Za-z0-9_.-]*)\}[ \t]*$")
BAR_COLOUR = "#00703c"


def procedure_plugin(md: MarkdownIt, title: Callable[[str], str | None] | None = None) -> None:
    """title: the checklist's title for an ID; the ID itself is shown when it gives None."""
    md.block.ruler.before(
        "paragraph",
        "procedure_embed",
        _procedure_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )

    def render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        procedure_id = str(tokens[idx].meta["id"])
        label = (title(procedure_id) if title else None) or procedure_id
        href = escapeHtml(PROCEDURE_SCHEME + procedure_id)
        return (
            bar_box_open("procedure", BAR_COLOUR)
            + f'<p class="procedure-link"><a href="{href}" class="procedure">'
            + f"<b>Start checklist: {escapeHtml(label)}</b></a></p>"
            + BOX_CLOSE
        )

    md.add_render_rule("procedure_embed", render)


def _procedure_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    pos = state.bMarks[start_line] + state.tShift[start_line]
    maximum = state.eMarks[start_line]
    if pos >= maximum or state.src[pos] != "{":
        return False
    match = EMBED_RE.match(state.src[pos:maximum])
    if match is None:
        return False
    if silent:
        return True
    token = state.push("procedure_embed", "", 0)
    token.block = True
    token.map = [start_line, start_line + 1]
    token.markup = match.group(0).rstrip()
    token.meta = {"id": match.group(1)}
    state.line = start_line + 1
    return True
