"""Imported content is clean for search and reading: entities, titles, raw HTML, wrapped lines.

Real sections of the Employment Income Manual (tests/data/govuk-eim/README.md says why each)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from manualviewer.core.content.frontmatter import read_document
from manualviewer.core.content.govuk import import_govuk
from manualviewer.core.content.govuk_markdown import clean_title, html_in_markdown, join_wrapped_lines
from manualviewer.core.content.loader import load_library
from manualviewer.core.render.parser import create_parser

EIM = Path(__file__).parents[3] / "data" / "govuk-eim"  # apart from data/govuk, which tests import whole


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("eim") / "content"
    report = import_govuk([EIM], target)
    assert report.sections == 8
    assert {p.kind for p in report.problems} == {"missing-parent"}  # a handful of a big manual
    return target / "employment-income-manual"


def title(folder: Path, section_id: str) -> str:
    value = read_document(folder / f"{section_id}.md").meta["title"]
    assert isinstance(value, str)
    return value


def body(folder: Path, section_id: str) -> str:
    return read_document(folder / f"{section_id}.md").body


# --- real sections ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("section_id", "expected"),
    [
        ("EIM01472", "Employer’s tax-free payments to employees who work at home under “homeworking arrangements”"),
        ("EIM01471", "Employment income: employees who work at home: arrangement of guidance"),
        ("EIM21861", "Particular benefits: treatment of benefits that are trivial in amount: factors to bear in mind"),
        ("EIM03121", "Removal or transfer costs: expenses and benefits to which Section 271 ITEPA 2003 applies: "
                     "bridging loans not provided by the employer"),
        ("EIM13505", "£2,536"),  # the publisher's title is table debris; at least no tag is left
    ],
)
def test_real_titles_are_clean(out: Path, section_id: str, expected: str) -> None:
    assert title(out, section_id) == expected


def test_real_html_table_becomes_a_pipe_table_that_renders(out: Path) -> None:
    text = body(out, "EIM00580")
    assert (
        "| Circumstance | Tax case |\n| --- | --- |\n| Employee's income tax | Hartland v Diggines (10TC246) |\n"
        "| Employee's rates, lighting, heating and other costs | Nicoll v Austin (19TC351) |\n"
    ) in text
    html = create_parser().render(text)
    assert html.count("<tr>") == 4 and "<th>Circumstance</th>" in html
    assert "&lt;t" not in html


def test_real_table_with_caption_and_header_cells(out: Path) -> None:
    text = body(out, "EIM11816")
    assert "| Individual works for | Paid by | PAYE must be operated by | Legislation (ITEPA 2003) |\n| --- |" in text
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert len({line.count(" |") for line in rows}) == 1  # every row as wide as the header


def test_no_tag_or_entity_is_left_in_any_imported_file(out: Path) -> None:
    for path in out.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"</?(?:table|tr|td|th|caption|sup|u|p)\b", text), path.name
        assert not re.search(r"&#?[A-Za-z0-9]+;", text), path.name
    library = load_library([out.parent])
    assert library.errors == [] and not [w for w in library.warnings if w.kind == "raw-html"]


def test_real_wrapped_lines_are_joined(out: Path) -> None:
    text = body(out, "EIM00580")
    assert ("It will be taxable as earnings if it comes from the employment (see "
            "[EIM00600](section:EIM00600)).") in text
    lists = body(out, "EIM02550")
    assert "*   guarantee payments under Sections 28 and 34(3) ERA.\n*   payments to an employee" in lists
    assert "failure to consult employees about redundancies (under the" in lists
    assert "{withheld}" in lists  # the withheld sentence split by a blank line is still found


# --- raw HTML in Markdown -----------------------------------------------------------------

def test_escaped_tags_stay_text_and_code_is_untouched() -> None:
    text = "Type &lt;table&gt; here, `<b>x</b>` too.\n\n```\n<table><tr><td>1</td></tr></table>\n```\n"
    assert html_in_markdown(text) == text


def test_cells_with_breaks_markup_and_spans_give_a_valid_table() -> None:
    text = (
        "<table>\n<tr><th colspan=\"2\">**Wide** | head</th><th>C</th></tr>\n"
        "<tr><td rowspan=\"2\">Two\nlines<br>and <strong>bold</strong></td><td><p>1</p><p>2</p></td>"
        "<td>\n\n*   one\n*   two\n\n</td></tr>\n<tr><td>b</td></tr>\n<tr><td>&amp;lt;b&amp;gt;</td></tr>\n</table>"
    )
    result = html_in_markdown(text)
    rows = [line for line in result.strip().splitlines()]
    assert rows[0] == "| **Wide** \\| head | | C |"
    assert rows[2] == "| Two lines and **bold** | 1 2 | • one • two |"
    assert rows[3] == "| | b | |"  # the rowspan keeps b in its column
    assert rows[4] == "| &amp;lt;b&amp;gt; | | |"  # Markdown text inside stays as written
    html = create_parser().render(result)
    assert len(re.findall(r"<t[dh][ >]", html)) == 4 * 3 and "&lt;" not in html.replace("&amp;lt;", "")


def test_formatting_tags_become_markdown() -> None:
    assert html_in_markdown("a<br>b, <strong>x</strong>, <em>y</em>, 6<sup>t</sup>&#xA0;<sup>h</sup>") == (
        "a\\\nb, **x**, *y*, 6th"
    )
    blocks = html_in_markdown("Before\n<p>One.</p><ul><li>a</li><li>b</li></ul>After")
    assert re.sub(r"\n{3,}", "\n\n", blocks) == "Before\n\nOne.\n\n- a\n- b\n\nAfter"


def test_unknown_tags_are_left_for_check() -> None:
    assert html_in_markdown("Write <employee name> and <iframe src=x></iframe>") == (
        "Write <employee name> and <iframe src=x></iframe>"
    )


# --- wrapped lines ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one\ntwo\n    three", "one two three"),
        ("- item one\ncontinues\n- item two", "- item one continues\n- item two"),
        ("# Heading\nText", "# Heading\nText"),
        ("Title\n---", "Title\n---"),  # setext heading
        ("Text\n===", "Text\n==="),
        ("| a | b |\n| --- | --- |", "| a | b |\n| --- | --- |"),
        ("a | b\n--- | ---", "a | b\n--- | ---"),
        ("```\ncode\nmore\n```", "```\ncode\nmore\n```"),
        ("Para.\n\n    code\n    more", "Para.\n\n    code\n    more"),
        ("break\\\nhere", "break\\\nhere"),
        ("Quote\n> quoted\n> more", "Quote\n> quoted\n> more"),
        ("Ends here.\n\nnew paragraph", "Ends here.\n\nnew paragraph"),
        ("taxable as\n\nearnings if", "taxable as earnings if"),
        ("Heading\n\nThe next one", "Heading\n\nThe next one"),
        ("- an item\n\nnot in it", "- an item\n\nnot in it"),
        ("- an item and\n\n  its rest", "- an item and its rest"),
        ("Say 1998\n2. Not a list", "Say 1998\n2. Not a list"),
        ("Text\n{withheld}", "Text\n{withheld}"),
    ],
)
def test_join_wrapped_lines(text: str, expected: str) -> None:
    assert join_wrapped_lines(text) == expected


# --- titles -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "section_id", "expected"),
    [
        ("# what costs can be reimbursed?", "EIM01474", "what costs can be reimbursed?"),
        ("EIM21639 – Particular benefits", "EIM21639", "Particular benefits"),
        ("EIM12345: Title", "EIM12345", "Title"),
        ("EIM21639", "EIM21639", "EIM21639"),  # nothing but the ID: keep it
        ("EIM123456 is another section", "EIM12345", "EIM123456 is another section"),
        ("Retirement lump sums: Section 637 ITEPA 2003 *", "X1", "Retirement lump sums: Section 637 ITEPA 2003"),
        ("Use _this_ and __that__ but snake_case stays", "X1", "Use this and that but snake_case stays"),
        ("R&amp;D &lt;b&gt; &#xA3;5", "X1", "R&D <b> £5"),  # escaped text stays visible text
        ("  Two\n  lines   here ", "X1", "Two lines here"),
    ],
)
def test_clean_title(raw: str, section_id: str, expected: str) -> None:
    assert clean_title(raw, section_id) == expected
