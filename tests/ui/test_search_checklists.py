"""Checklists among the search results, and the status line's counts: a checklist that matches
what the officer typed is marked as one, Enter or a click opens its section with the checklist
started, and the status says how many sections match in all."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from manualviewer.app import Application
from manualviewer.core.model import SearchHit, SearchResult
from manualviewer.ui.reading.results_model import HTML_ROLE, PROCEDURE_ID_ROLE, SECTION_ID_ROLE, ResultsModel
from manualviewer.ui.reading.search_panel import SearchPanel

QUERY = "customer wants to record the call"
PROCEDURE = "dmbm-customer-recording-call"


@pytest.fixture
def running(qtbot: QtBot, tmp_path: Path, bundled_content: Path) -> Iterator[Application]:
    """The composed app (real index, real search service, checklists on the user's database)."""
    content = tmp_path / "content"
    shutil.copytree(bundled_content, content, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    app = Application([content])
    qtbot.addWidget(app.window)
    app.start()
    qtbot.waitUntil(lambda: app.index_runs >= 1, timeout=30000)
    assert app.checklists is not None, "the user's database did not open"
    yield app
    app.shutdown()


def type_query(qtbot: QtBot, panel: SearchPanel, text: str) -> None:
    panel.focus_box()
    panel.box.clear()
    qtbot.keyClicks(panel.box, text)
    qtbot.waitUntil(lambda: panel.last_result is not None and panel.last_result.query == text)


def checklist_rows(model: ResultsModel) -> list[int]:
    return [r for r in range(model.rowCount()) if model.index(r, 0).data(PROCEDURE_ID_ROLE)]


def test_a_matching_checklist_is_marked_and_enter_starts_it_in_its_section(
        qtbot: QtBot, running: Application) -> None:
    window = running.window
    panel = window.search_panel
    type_query(qtbot, panel, QUERY)
    model = panel.model
    first = model.index(0, 0)
    # Every word matched: the checklist leads, marked in words, not by colour alone.
    assert first.data(PROCEDURE_ID_ROLE) == PROCEDURE
    assert first.data(Qt.ItemDataRole.AccessibleTextRole).startswith("Checklist: Customer wants to record")
    assert ">&nbsp;CHECKLIST&nbsp;<" in first.data(HTML_ROLE)
    assert len(checklist_rows(model)) <= 3
    sections = [model.hit(r) for r in range(model.rowCount()) if r not in checklist_rows(model)]
    assert sections and all(h is not None and h.kind == "section" for h in sections)
    assert "checklist" in panel.status.text()
    assert running.checklists.run is None

    assert panel.results.currentIndex().row() == 0
    qtbot.keyClick(panel.box, Qt.Key.Key_Return)

    assert window.current_view().current_id == first.data(SECTION_ID_ROLE) == "DMBM511015"
    run = running.checklists.run
    assert run is not None and run.procedure.id == PROCEDURE


def test_a_click_on_a_checklist_lower_down_starts_that_one(qtbot: QtBot, running: Application) -> None:
    panel = running.window.search_panel
    type_query(qtbot, panel, QUERY)
    rows = checklist_rows(panel.model)
    assert len(rows) >= 2
    index = panel.model.index(rows[1], 0)
    chosen = index.data(PROCEDURE_ID_ROLE)
    assert chosen != PROCEDURE
    rect = panel.results.visualRect(index)
    qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    run = running.checklists.run
    assert run is not None and run.procedure.id == chosen
    assert running.window.current_view().current_id == index.data(SECTION_ID_ROLE)


def test_a_section_result_still_opens_only_its_section(qtbot: QtBot, running: Application) -> None:
    panel = running.window.search_panel
    type_query(qtbot, panel, "dmbm 511130")
    qtbot.keyClick(panel.box, Qt.Key.Key_Return)
    assert running.window.current_view().current_id == "DMBM511130"
    assert running.checklists.run is None
    assert checklist_rows(panel.model) == []


# --- the status line ------------------------------------------------------------------------

def hits(n: int, kind: str = "section") -> tuple[SearchHit, ...]:
    return tuple(SearchHit(f"X{i}", f"Title {i}", "X", 1.0, "", kind=kind,
                           procedure=f"p{i}" if kind == "checklist" else "") for i in range(n))


def panel_with(qtbot: QtBot, result: SearchResult) -> SearchPanel:
    panel = SearchPanel(lambda _q, _m: result, lambda _text: None)
    qtbot.addWidget(panel)
    panel.box.setText(result.query)
    panel.run_search()
    return panel


def test_status_says_how_many_of_all_the_matching_sections_are_shown(qtbot: QtBot) -> None:
    panel = panel_with(qtbot, SearchResult("tax", hits(50), total=107))
    assert panel.status.text() == "50 of 107 results."


def test_status_counts_plainly_when_every_section_is_shown(qtbot: QtBot) -> None:
    assert panel_with(qtbot, SearchResult("tax", hits(3), total=3)).status.text() == "3 results."
    assert panel_with(qtbot, SearchResult("tax", hits(1), total=1)).status.text() == "1 result."


def test_status_counts_checklists_apart_and_keeps_its_notes(qtbot: QtBot) -> None:
    result = SearchResult("recrd", hits(1, "checklist") + hits(2), suggestion="record", fuzzy=True, total=9)
    text = panel_with(qtbot, result).status.text()
    assert text == ('2 of 9 results (some words were read as close matches). 1 checklist matches.'
                    ' Did you mean <a href="record">record</a>?')
    only = panel_with(qtbot, SearchResult("zz", hits(2, "checklist"))).status.text()
    assert only == "No sections match <b>zz</b>. 2 checklists match."


def test_results_model_with_checklists_passes_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = ResultsModel()
    model.set_hits(hits(2, "checklist") + hits(3))
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, 0).data() == "Checklist: Title 0"
    assert model.index(2, 0).data() == "X0  Title 0"
    assert model.index(2, 0).data(PROCEDURE_ID_ROLE) == ""
