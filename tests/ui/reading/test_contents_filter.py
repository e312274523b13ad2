"""The Contents tab (issue 14, point 7): a filter by ID or title words that keeps the parents of
matches opened out and clears on Esc, and titles cut in the middle with the whole title in the
tooltip, so siblings that start alike read apart."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from manualviewer.ui.reading.contents_model import SECTION_ID_ROLE
from tests.ui.helpers import make_window

SHOTS = os.environ.get("MANUALVIEWER_SHOTS", "")


def shown_rows(tree: object, parent: QModelIndex | None = None) -> list[str]:
    """Every row the tree lists (section IDs, manual titles), opened or not."""
    model = tree.model()  # type: ignore[attr-defined]
    parent = parent or QModelIndex()
    rows = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        rows.append(index.data(SECTION_ID_ROLE) or index.data())
        rows.extend(shown_rows(tree, index))
    return rows


def test_the_filter_keeps_matches_and_their_parents_opened_out(qtbot: QtBot, bundled_content: Path) -> None:
    window, _ = make_window(bundled_content)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    window.focus_contents()
    pane, tree = window.contents_pane, window.contents
    everything = shown_rows(tree)
    assert "CSDH0100" in everything and "DWPREC0300" in everything

    qtbot.keyClicks(pane.filter_box, "Phone CONTACT")  # every title word, any case
    rows = shown_rows(tree)
    assert [r for r in rows if r.startswith(("DWPREC", "DMBM", "CSDH"))] == ["DMBM511015", "DMBM511130"]
    assert "Debt Management and Banking Manual (DMBM)" in rows  # the parent stays
    match = pane.index_of_section("DMBM511130")
    assert match.isValid() and tree.isExpanded(match.parent())
    assert pane.count_label.isVisible() and pane.count_label.text() == "2 sections match."
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / "contents-filter.png"))

    pane.filter_box.clear()
    qtbot.keyClicks(pane.filter_box, "dwprec02")  # part of an ID
    assert [r for r in shown_rows(tree) if r.startswith(("DWPREC", "DMBM", "CSDH"))] == ["DWPREC0200"]

    qtbot.keyClicks(pane.filter_box, "x")
    assert pane.count_label.text() == "No section matches."
    qtbot.keyClick(pane.filter_box, Qt.Key.Key_Escape)
    assert pane.filter_box.text() == "" and shown_rows(tree) == everything
    assert not pane.count_label.isVisible()

    # A section opened elsewhere is still found in the tree once the filter is gone.
    window.open_section("DMBM511340")
    assert tree.currentIndex().data(SECTION_ID_ROLE) == "DMBM511340"


def test_the_filtered_tree_is_a_sound_model(qtbot: QtBot, qtmodeltester: ModelTester, bundled_content: Path) -> None:
    window, _ = make_window(bundled_content)
    qtbot.addWidget(window)
    window.contents_pane.filter_box.setText("recording")
    qtmodeltester.check(window.contents_pane.proxy, force_py=True)


def test_titles_that_start_alike_read_apart_and_the_tooltip_is_whole(qtbot: QtBot, bundled_content: Path) -> None:
    window, _ = make_window(bundled_content)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    window.focus_contents()
    tree, pane = window.contents, window.contents_pane
    # The three DMBM sections all begin "Customer contact and data security: ..."
    siblings = [pane.index_of_section(s) for s in ("DMBM511015", "DMBM511130", "DMBM511340")]
    width = 260  # a narrow sidebar
    shown = {tree.fontMetrics().elidedText(i.data(), tree.textElideMode(), width) for i in siblings}
    assert len(shown) == 3  # cut at the end, all three would read the same
    title = window.library.sections["DMBM511130"].title
    assert siblings[1].data(Qt.ItemDataRole.ToolTipRole) == f"DMBM511130: {title}"
    if SHOTS:
        window.splitter.setSizes([width, 1366 - width])
        tree.expandAll()
        window.grab().save(str(Path(SHOTS) / "contents-elided.png"))
