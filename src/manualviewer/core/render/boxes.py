"""Boxes QTextBrowser can draw: tables, since its divs take no borders, padding or backgrounds.

A "bar box" is a coloured bar cell beside a content cell. The content cell sets no colours,
so it follows the palette (light or dark); the bar carries the colour, and the words in the
box carry the meaning.
"""

from __future__ import annotations

from markdown_it.common.utils import escapeHtml

CELL_PADDING = "padding-left: 10px; padding-right: 8px; padding-top: 4px; padding-bottom: 4px;"
BAR_WIDTH = 5
BOX_CLOSE = "</td></tr></table>\n"


def bar_box_open(css_class: str, colour: str) -> str:
    return (
        f'<table class="{escapeHtml(css_class)}" width="100%" cellspacing="0" cellpadding="0" '
        f'border="0"><tr><td width="{BAR_WIDTH}" bgcolor="{escapeHtml(colour)}"></td>'
        f'<td style="{CELL_PADDING}">'
    )
