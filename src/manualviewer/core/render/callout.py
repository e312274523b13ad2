"""`::: note` / `::: warning` containers (mdit_py_plugins.container), drawn for QTextBrowser.

`::: warning Title text` adds a title after the label. The box is a two-cell table: a coloured
bar and the content. QTextBrowser has no left borders or border-radius on divs, and the content
cell keeps the palette's own colours, so a dark theme stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from manualviewer.core.render.boxes import BOX_CLOSE, bar_box_open

CALLOUTS: dict[str, tuple[str, str]] = {
    # kind: (label, bar colour)
    "note": ("Note", "#1d70b8"),
    "warning": ("Warning", "#d4351c"),
}


def callout_plugin(md: MarkdownIt, kinds: Iterable[str] = tuple(CALLOUTS)) -> None:
    for kind in kinds:
        container_plugin(md, kind, validate=_validator(kind), render=_renderer(kind))


def callout_title(kind: str, info: str) -> str:
    """The label shown on a callout: "Warning", or "Warning: <title>" when one is given."""
    label = CALLOUTS.get(kind, (kind.capitalize(), ""))[0]
    parts = info.strip().split(None, 1)
    return f"{label}: {parts[1].strip()}" if len(parts) > 1 else label


def _validator(kind: str) -> Any:
    def validate(params: str, *args: Any) -> bool:
        parts = params.strip().split(None, 1)
        return bool(parts) and parts[0].lower() == kind

    return validate


def _renderer(kind: str) -> Any:
    colour = CALLOUTS.get(kind, ("", "#505a5f"))[1]

    def render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if token.nesting == -1:
            return BOX_CLOSE
        title = escapeHtml(callout_title(kind, token.info))
        return bar_box_open(f"callout {kind}", colour) + f'<p class="callout-title"><b>{title}</b></p>\n'

    return render
