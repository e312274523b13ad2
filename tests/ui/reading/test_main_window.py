from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from manualviewer.ui.reading.main_window import MainWindow
from manualviewer.ui.reading.section_view import SectionView
from tests.ui.helpers import WordSearch, make_window


@pytest.fixture
def window(qtbot: QtBot, bundled_content: Path) -> MainWindow:
    win, _ = make_window(bundled_content)
    qtbot.addWidget(win)
    win.show()
    return win


def type_search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.focus_search()
    box = window.search_panel.box
    box.clear()
    qtbot.keyClicks(box, text)
    qtbot.waitUntil(lambda: window.search_panel.last_result is not None
                    and window.search_panel.last_result.query == text.strip())


def test_search_as_you_type_is_debounced(qtbot: QtBot, bundled_content: Path) -> None:
    win, search = make_window(bundled_content)
    qtbot.addWidget(win)
    win.show()
    type_search(qtbot, win, "recording")
    assert search.queries == ["recording"]  # one search for nine key presses
    assert win.search_panel.model.rowCount() > 0


def test_keyboard_navigation_and_enter_opens_highlighted_result(qtbot: QtBot, window: MainWindow) -> None:
    type_search(qtbot, window, "recording")
    model = window.search_panel.model
    assert model.rowCount() >= 2
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Down)
    second = model.hit(1)
    assert second is not None and window.search_panel.results.currentIndex().row() == 1
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Return)
    assert window.current_view().current_id == second.id


def test_typing_an_exact_id_and_enter_opens_it(qtbot: QtBot, window: MainWindow) -> None:
    window.focus_search()
    qtbot.keyClicks(window.search_panel.box, "dmbm 511130")
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Return)
    assert window.current_view().current_id == "DMBM511130"
    assert "DMBM511130" in window.windowTitle()


def test_no_results_say_why_and_offer_the_suggestion(qtbot: QtBot, window: MainWindow) -> None:
    type_search(qtbot, window, "complant")
    status = window.search_panel.status.text()
    assert "No sections match" in status and 'href="complaint"' in status
    window.search_panel.on_suggestion("complaint")
    assert window.search_panel.box.text() == "complaint"
    assert window.search_panel.model.rowCount() > 0


def test_manual_filter_limits_results(qtbot: QtBot, window: MainWindow) -> None:
    combo = window.search_panel.manual_filter
    combo.setCurrentIndex(combo.findData("CSDH"))
    type_search(qtbot, window, "recording")
    model = window.search_panel.model
    assert model.rowCount() > 0
    assert {model.hit(r).manual for r in range(model.rowCount())} == {"CSDH"}  # type: ignore[union-attr]


def test_following_a_cross_link_and_back_forward(qtbot: QtBot, window: MainWindow) -> None:
    window.open_section("DWPREC0100")
    view = window.current_view()
    view.on_link(QUrl("section:DWPREC0300"), False)
    assert view.current_id == "DWPREC0300"
    assert window.act_back.isEnabled()
    window.act_back.trigger()
    assert view.current_id == "DWPREC0100"
    window.act_forward.trigger()
    assert view.current_id == "DWPREC0300"


def test_rendered_links_in_the_page_are_real_links(window: MainWindow) -> None:
    window.open_section("DMBM511015")
    html = window.current_view().browser.toHtml()
    assert "section:DMBM900500" in html


def test_unresolved_link_says_so_and_copies_the_id(qtbot: QtBot, window: MainWindow) -> None:
    window.open_section("DMBM511015")
    view = window.current_view()
    view.on_link(QUrl("section:DMBM900500"), False)
    assert view.current_id == "DMBM511015"  # stayed on the page
    assert view.missing_bar.isVisible()
    assert "DMBM900500 is not in this library" in view.missing_bar.label.text()
    qtbot.mouseClick(view.missing_bar.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "DMBM900500"


def test_external_links_ask_first(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    opened: list[str] = []
    window.confirm_external = lambda url: asked.append(url.toString()) or False
    monkeypatch.setattr("manualviewer.ui.reading.section_commands.QDesktopServices.openUrl",
                        lambda url: opened.append(url))
    window.current_view().on_link(QUrl("https://www.gov.uk/"), False)
    assert asked == ["https://www.gov.uk/"] and opened == []


def test_tabs_new_close_reopen_and_ctrl_click(qtbot: QtBot, window: MainWindow) -> None:
    window.open_section("DMBM511015")
    assert window.tabs.count() == 1
    window.current_view().on_link(QUrl("section:DMBM511130"), True)  # Ctrl+click
    assert window.tabs.count() == 2
    assert window.current_view().current_id == "DMBM511015"  # opened in the background
    second = window.tabs.widget(1)
    assert isinstance(second, SectionView) and second.current_id == "DMBM511130"
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == 3
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.count() == 2
    window.tabs.setCurrentIndex(1)
    window.act_close_tab.trigger()
    assert window.tabs.count() == 1
    window.act_reopen_tab.trigger()
    assert window.tabs.count() == 2
    assert window.current_view().current_id == "DMBM511130"


def test_find_in_page_counts_and_steps_through_matches(qtbot: QtBot, window: MainWindow) -> None:
    window.open_section("DMBM511015")
    window.act_find.trigger()
    bar = window.current_view().find_bar
    assert bar.isVisible()
    qtbot.keyClicks(bar.edit, "call")
    total = bar.match_count
    assert total >= 3
    assert bar.count_label.text() == f"1 of {total}"
    bar.find_next()
    assert bar.count_label.text() == f"2 of {total}"
    bar.find_previous()
    bar.find_previous()
    assert bar.count_label.text() == f"{total} of {total}"
    bar.case.setChecked(True)
    assert bar.match_count < total or "Call" not in window.current_view().browser.toPlainText()
    bar.edit.setText("zzzz-not-there")
    assert bar.count_label.text() == "No matches"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()


def test_find_match_case(qtbot: QtBot, window: MainWindow) -> None:
    window.open_section("DMBM511015")
    bar = window.current_view().find_bar
    bar.open_bar()
    bar.edit.setText("hmrc")
    insensitive = bar.match_count
    bar.case.setChecked(True)
    assert insensitive > 0 and bar.match_count == 0


def test_zoom_in_out_and_reset(qtbot: QtBot, window: MainWindow) -> None:
    window.open_section("DMBM511015")
    browser = window.current_view().browser
    base = browser.font().pointSizeF()
    window.act_zoom_in.trigger()
    window.act_zoom_in.trigger()
    assert browser.font().pointSizeF() > base
    window.act_zoom_reset.trigger()
    assert browser.font().pointSizeF() == pytest.approx(base)
    window.act_zoom_out.trigger()
    assert browser.font().pointSizeF() < base


def test_contents_tree_follows_the_open_section(window: MainWindow) -> None:
    window.open_section("DMBM511340")
    assert window.contents.currentIndex().data(Qt.ItemDataRole.UserRole + 1) == "DMBM511340"


def test_breadcrumb_bar_names_the_manual(window: MainWindow) -> None:
    window.open_section("DMBM511130")
    assert "Debt Management and Banking Manual" in window.current_view().crumbs.text()


def test_backlinks_menu_lists_sections_that_link_here(window: MainWindow) -> None:
    window.open_section("DWPREC0300")
    window.show_backlinks()
    labels = [a.text() for a in window.backlinks_menu.actions()]
    assert any(label.startswith("DWPREC0100") for label in labels)
    window.backlinks_menu.close()


def test_copy_id_and_open_reference(window: MainWindow) -> None:
    window.open_section("DMBM511015")
    window.act_copy_id.trigger()
    assert QGuiApplication.clipboard().text() == "DMBM511015"
    window.act_copy_ref.trigger()
    assert QGuiApplication.clipboard().text() == "manualviewer open DMBM511015"


def test_export_pdf_writes_a_pdf(window: MainWindow, tmp_path: Path) -> None:
    window.open_section("DMBM511015")
    out = window.export_pdf(str(tmp_path / "s.pdf"))
    assert out is not None
    data = (tmp_path / "s.pdf").read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000


def test_every_menu_action_has_a_shortcut(window: MainWindow) -> None:
    for menu in (window.file_menu, window.edit_menu, window.view_menu, window.go_menu):
        for action in menu.actions():
            if action.isSeparator():
                continue
            assert not action.shortcut().isEmpty(), action.text()


def test_unused_search_helper_is_typed(bundled_content: Path) -> None:
    # The fake search is only a driver; make sure it behaves like the real contract (exact ID first).
    win, search = make_window(bundled_content)
    result = search("DMBM511015", None)
    assert isinstance(search, WordSearch) and result.hits[0].id == "DMBM511015"
    win.deleteLater()


def test_indexing_progress_stays_readable_beside_a_long_status_message(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1366, 768)
    window.show()
    window.status_label.setText("A long message about what just happened in the window. " * 6)
    window.set_index_progress(250, 100000)
    qtbot.waitUntil(window.progress.isVisible, timeout=2000)
    window.progress.repaint()
    words = window.progress.fontMetrics().horizontalAdvance(window.progress.text())
    assert window.progress.text() == "Indexing 250 of 100000"
    assert window.progress.width() > words
    window.set_index_progress(100000, 100000)
    assert not window.progress.isVisible()


def test_tab_moves_through_the_search_pane_in_reading_order(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    type_search(qtbot, window, "recording")
    panel = window.search_panel
    panel.box.setFocus()
    qtbot.waitUntil(panel.box.hasFocus, timeout=2000)
    order = [QApplication.focusWidget()]
    for _ in range(2):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [panel.box, panel.manual_filter, panel.results]
    qtbot.keyClick(panel.results, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is panel.manual_filter


def test_print_sends_the_open_section_to_the_printer_chosen(window: MainWindow, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    window.open_section("DMBM511015")
    target = tmp_path / "printed.pdf"
    chosen: list[QPrinter] = []

    def officer_picks_a_printer(dialog: QPrintDialog) -> int:
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # stands in for a real printer
        printer.setOutputFileName(str(target))
        chosen.append(printer)
        return QPrintDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", officer_picks_a_printer)
    window.act_print.trigger()
    assert chosen and target.read_bytes().startswith(b"%PDF")
    assert target.stat().st_size > 2000

    def officer_cancels(dialog: QPrintDialog) -> int:
        return QPrintDialog.DialogCode.Rejected.value

    target.unlink()
    monkeypatch.setattr(QPrintDialog, "exec", officer_cancels)
    window.act_print.trigger()
    assert not target.exists()
