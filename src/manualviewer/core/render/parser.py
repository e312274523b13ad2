"""The one parser factory: CommonMark + tables, raw HTML escaped, our plugins."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from manualviewer.core.render.callout import callout_plugin
from manualviewer.core.render.procedure import procedure_plugin
from manualviewer.core.render.targets import (
    PROCEDURE_SCHEME,
    SECTION_SCHEME,
    code_key,
    is_allowed_url,
    procedure_target,
    section_target,
)
from manualviewer.core.render.withheld import withheld_plugin
from manualviewer.core.render.xref import xref_plugin

Lookup = Callable[[str], str | None]


@dataclass(frozen=True)
class RenderConfig:
    """What the parser needs to know about the world outside the text.

    codes: known manual codes; `CODE` + digits in prose becomes a cross-link.
    resolve: linked ID -> current ID, or None when not in the library (drawn "not in this
        library"). None: every section link is drawn as resolved.
    section_title: tooltip for a resolved section link.
    procedure_title: the title shown on a procedure embed (falls back to the ID).
    """

    codes: tuple[str, ...] = ()
    resolve: Lookup | None = None
    section_title: Lookup | None = None
    procedure_title: Lookup | None = None


class _ManualParser(MarkdownIt):
    """MarkdownIt with this project's link policy: allowed schemes only, bare IDs are sections."""

    def __init__(self, codes: tuple[str, ...]) -> None:
        super().__init__("commonmark", {"html": False, "linkify": False, "typographer": False})
        self._codes = codes

    def normalizeLink(self, url: str) -> str:
        section = section_target(url, self._codes)
        if section is not None:
            return SECTION_SCHEME + section
        procedure = procedure_target(url)
        if procedure is not None:
            return PROCEDURE_SCHEME + procedure
        return super().normalizeLink(url)

    def validateLink(self, url: str) -> bool:
        # A link that fails here is not a link at all: markdown-it leaves its source as text.
        return is_allowed_url(url)


def create_parser(config: RenderConfig | None = None) -> MarkdownIt:
    config = config or RenderConfig()
    codes = code_key(config.codes)
    md = _ManualParser(codes)
    md.enable("table")
    front_matter_plugin(md)
    anchors_plugin(md, min_level=1, max_level=6)
    withheld_plugin(md)
    procedure_plugin(md, title=config.procedure_title)
    callout_plugin(md)
    xref_plugin(md, codes=codes, resolve=config.resolve, section_title=config.section_title)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("image", _render_image)
    return md


@lru_cache(maxsize=16)
def structure_parser(codes: tuple[str, ...]) -> MarkdownIt:
    """A shared parser for reading structure (links, headings) only; never for rendering."""
    return create_parser(RenderConfig(codes=codes))


def _render_table_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # Attributes rather than CSS: QTextBrowser draws cell borders and padding from these.
    return (
        '<table class="data" border="1" cellspacing="0" cellpadding="4" '
        'style="border-collapse: collapse; border-color: #8a8a8a;">\n'
    )


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # Nothing is fetched: content is data, and a remote image would leak that it was opened.
    token = tokens[idx]
    alt = "".join(c.content for c in token.children or () if c.type in ("text", "code_inline"))
    return f'<span class="image-alt">[Image: {escapeHtml(alt or "no description")}]</span>'
