"""The word diff rendered as the reader renders the section (issue 17 point 1): headings, tables,
links, emphasis and numbered lists are drawn by the app's Markdown renderer, and every change is
marked inside them in line style and words ("[added]", "[removed]"), not colour alone."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from manualviewer.core.changes.diff_render import diff_html, diff_markdown
from manualviewer.core.changes.worddiff import BlockDiff, BlockKind, Piece, PieceKind, SectionDiff, diff_sections
from manualviewer.core.render.parser import RenderConfig

CONFIG = RenderConfig(codes=("DMBM",))
ADDED = r'<span style="color:[^"]*">\[added\]</span><span style="text-decoration: underline;[^"]*">'
REMOVED = r'<span style="color:[^"]*">\[removed\]</span><span style="text-decoration: line-through;[^"]*">'

TABLE_OLD = """Who does what:

| Who | When |
|-----|------|
| Officer | Before the call |
| Manager | After the call |
"""


class Cells(HTMLParser):
    """The text of each table cell, and whether the HTML nests properly."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.stack: list[str] = []
        self.well_formed = True
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.well_formed = False
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parsed(page: str) -> Cells:
    cells = Cells()
    cells.feed(page)
    cells.close()
    return cells


def test_html_underlines_insertions_strikes_deletions_and_names_both_in_words() -> None:
    page = diff_html(diff_sections("Pay <b>now</b> & later.\n", "Pay <b>today</b> & later.\n"))
    assert "<b>Changed:</b>" in page
    assert re.search(REMOVED + "now<", page) and re.search(ADDED + "today<", page)
    assert "&lt;b&gt;" in page and "<b>now</b>" not in page  # raw HTML is shown, not run


def test_a_table_is_a_table_and_a_changed_cell_is_marked_inside_its_cell() -> None:
    new = TABLE_OLD.replace("Before the call", "During the call").replace(
        "| Manager | After the call |", "| Manager | After the call |\n| Team leader | Weekly |")
    page = diff_html(diff_sections(TABLE_OLD, new), config=CONFIG)
    assert "|" not in page and "<table" in page and "<th>Who</th>" in page
    cells = parsed(page)
    assert cells.well_formed
    assert cells.cells == ["Who", "When", "Officer", "[removed]Before[added]During the call", "Manager",
                           "After the call", "[added]Team leader", "[added]Weekly"]
    assert re.search(r"<td>" + REMOVED + "Before</span>" + ADDED + "During</span> the call</td>", page)


def test_a_change_across_a_cell_border_stays_well_formed() -> None:
    same = [BlockDiff(BlockKind.SAME, (Piece(PieceKind.SAME, row),)) for row in ("| Who | When |", "|---|---|")]
    # A deleted run that takes a cell border with it: opened in one cell, closed in the next.
    row = BlockDiff(BlockKind.CHANGED, (Piece(PieceKind.SAME, "| "), Piece(PieceKind.DELETED, "Officer | Before"),
                                        Piece(PieceKind.INSERTED, "Anyone"), Piece(PieceKind.SAME, " the call |")))
    page = diff_html(SectionDiff((*same, row)), config=CONFIG)
    cells = parsed(page)
    assert cells.well_formed and "<table" in page
    assert cells.cells[2:] == ["[removed]Officer", "[removed]Before[added]Anyone the call"]
    assert "[removed]" in cells.cells[3] and re.search(REMOVED + "Before</span>", page)


def test_links_stay_links_and_a_cross_link_to_a_section_is_clickable() -> None:
    old = "Read [the recording guidance](DMBM511015) and DMBM511130 first.\n"
    new = "Always read [the recording guidance](DMBM511015) and DMBM511130 first.\n"
    page = diff_html(diff_sections(old, new), config=CONFIG)
    assert '<a href="section:DMBM511015"' in page and ">the recording guidance</a>" in page
    assert re.search(r'<a href="section:DMBM511130"[^>]*>DMBM511130</a>', page)  # a bare ID is a cross-link
    assert "[the recording" not in page and "](" not in page
    assert re.search(ADDED + "Always", page)


def test_a_changed_link_target_goes_to_the_new_section_and_says_so() -> None:
    page = diff_html(diff_sections("See [the guidance](DMBM511015).\n", "See [the guidance](DMBM511130).\n"),
                     config=CONFIG)
    assert '<a href="section:DMBM511130"' in page and "section:DMBM511015" not in page
    assert "[link changed]" in page


def test_emphasis_is_rendered_and_a_change_inside_it_is_marked() -> None:
    page = diff_html(diff_sections("You **must** record the call.\n", "You **must always** record the call.\n"))
    assert "**" not in page
    assert re.search("<strong>must " + ADDED + "always</span></strong>", page)
    assert parsed(page).well_formed


def test_a_numbered_list_stays_numbered_with_its_removed_item_struck_through() -> None:
    old = "1. Ask the customer.\n2. Write it down.\n3. Tell your manager.\n"
    new = "1. Ask the customer.\n2. Tell your manager.\n"
    page = diff_html(diff_sections(old, new))
    assert page.count("<ol>") == 1 and page.count("<li>") == 3
    assert re.search(r"<li><span[^>]*><b>Removed:</b></span> " + REMOVED + r"Write it down\.</span></li>", page)
    assert "<li>Tell your manager.</li>" in page  # renumbered only: not marked as a change


def test_headings_and_bullets_are_drawn_as_in_the_reader() -> None:
    diff = diff_sections("## Old heading\n\n- first item\n", "## New heading\n\n- first item\n- second item\n")
    page = diff_html(diff)
    assert "##" not in page and "- first" not in page
    assert re.search(r"<h2[^>]*><span[^>]*><b>Changed:</b></span> " + REMOVED + "Old</span>", page)
    assert page.count("<ul>") == 1 and "<li>first item</li>" in page
    assert re.search(r"<li><span[^>]*><b>Added:</b></span> " + ADDED + r"second item</span></li>", page)
    assert 'id="' in page and "\ue000" not in page and "\ue010" not in page  # no marker left, even in an anchor


def test_a_removed_paragraph_and_a_moved_one_are_named() -> None:
    old = "First para about calls.\n\nSecond para about notes.\n\nThird para about debts.\n"
    new = "Third para about debts.\n\nFirst para about calls.\n"
    page = diff_html(diff_sections(old, new))
    assert "<b>Moved here, unchanged:</b>" in page
    assert re.search(r"<b>Removed:</b></span> " + REMOVED + r"Second para about notes\.", page)


def test_the_markdown_written_back_keeps_tables_and_lists_together() -> None:
    new = TABLE_OLD.replace("Before", "During") + "\n- one\n- two\n"
    text = diff_markdown(diff_sections(TABLE_OLD + "\n- one\n", new))
    assert "| Who | When |\n|-----|------|\n| Officer |" in text
    assert "\n- one\n- \ue011" in text  # the added item right under the other: one list
    assert "\n\n- one" in text  # the list is not glued to the table


def test_a_marker_character_in_the_guidance_itself_is_not_taken_for_a_change() -> None:
    page = diff_html(diff_sections("Odd \ue000text\ue001 here.\n", "Odd \ue000text\ue001 here now.\n"))
    assert "\ue000" not in page and "\ufffdtext\ufffd" in page
    assert page.count("[added]") == 1 and re.search(ADDED + "now", page)
