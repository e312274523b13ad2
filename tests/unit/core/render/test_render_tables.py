"""GFM pipe tables (what the GOV.UK importer writes for HTML tables) render as tables."""

from __future__ import annotations

from manualviewer.core.render.parser import create_parser


def test_pipe_table_renders_as_html_table() -> None:
    html = create_parser().render("| Type | Guidance |\n| --- | --- |\n| Vans | EIM22700 |\n| | |\n")
    assert "<table" in html and "<th>Type</th>" in html and "<td>Vans</td>" in html
    assert html.count("<tr>") == 3
    assert "| --- |" not in html


def test_raw_html_table_is_still_text() -> None:
    html = create_parser().render("<table><tr><td>x</td></tr></table>\n")
    assert "<table" not in html and "&lt;table&gt;" in html
