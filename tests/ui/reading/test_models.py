from __future__ import annotations

from pathlib import Path

from pytestqt.modeltest import ModelTester

from manualviewer.core.content.loader import load_library
from manualviewer.core.model import SearchHit
from manualviewer.ui.reading.contents_model import MANUAL_CODE_ROLE, SECTION_ID_ROLE, ContentsModel
from manualviewer.ui.reading.results_model import ResultsModel


def test_contents_model_passes_qtmodeltester(qtmodeltester: ModelTester, bundled_content: Path) -> None:
    model = ContentsModel(load_library([bundled_content]))
    qtmodeltester.check(model, force_py=True)


def test_contents_model_lists_manuals_then_sections_in_id_order(bundled_content: Path) -> None:
    library = load_library([bundled_content])
    model = ContentsModel(library)
    manuals = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "Debt Management and Banking Manual (DMBM)" in manuals
    dmbm = model.index(manuals.index("Debt Management and Banking Manual (DMBM)"), 0)
    ids = [model.index(r, 0, dmbm).data(SECTION_ID_ROLE) for r in range(model.rowCount(dmbm))]
    assert ids == ["DMBM511015", "DMBM511130", "DMBM511340"]
    index = model.index_of_section("dmbm511130")
    assert index.data(SECTION_ID_ROLE) == "DMBM511130"
    assert model.parent(index) == dmbm


def test_contents_model_section_texts_follow_a_new_library(bundled_content: Path) -> None:
    import dataclasses

    from PySide6.QtCore import Qt

    library = load_library([bundled_content])
    model = ContentsModel(library)
    index = model.index_of_section("DMBM511130")
    title = library.sections["DMBM511130"].title
    assert index.data() == f"DMBM511130  {title}"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == f"DMBM511130: {title}"
    assert index.data(Qt.ItemDataRole.AccessibleTextRole) == f"Section DMBM511130, {title}"
    assert index.data(MANUAL_CODE_ROLE) == "DMBM"
    assert index.data(Qt.ItemDataRole.DecorationRole) is None

    library.sections["DMBM511130"] = dataclasses.replace(library.sections["DMBM511130"], title="Renamed section")
    model.set_library(library)
    assert model.index_of_section("DMBM511130").data() == "DMBM511130  Renamed section"


def test_results_model_passes_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = ResultsModel()
    model.set_hits(tuple(SearchHit(f"X{i}", f"Title {i}", "X", 1.0, "snip") for i in range(3)))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3


def test_bookmarks_and_recent_models_pass_qtmodeltester(qtmodeltester: ModelTester, bundled_content: Path) -> None:
    from manualviewer.storage.stores import open_stores
    from manualviewer.ui.reading.bookmarks_panel import BookmarksModel, RecentModel

    library = load_library([bundled_content])
    stores = open_stores()
    try:
        stores.bookmarks.add("DMBM511015", "Recording the call")
        stores.bookmarks.add("GONE123", "A section that left the library")
        stores.history.record("DMBM511130")
        stores.history.record("DWPREC0100")
        bookmarks = BookmarksModel(stores.bookmarks, library)
        qtmodeltester.check(bookmarks, force_py=True)
        labels = [bookmarks.index(r, 0).data() for r in range(bookmarks.rowCount())]
        assert any("no longer in the library" in label for label in labels)
        assert bookmarks.setData(bookmarks.index(0, 0), "My label")
        assert "My label" in bookmarks.index(0, 0).data()
        recent = RecentModel(stores.history, library)
        qtmodeltester.check(recent, force_py=True)
        assert [recent.index(r, 0).data(SECTION_ID_ROLE) for r in range(recent.rowCount())] == [
            "DWPREC0100", "DMBM511130"]
    finally:
        stores.close()
