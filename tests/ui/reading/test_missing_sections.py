"""A link to a section that is not in the library offers "Open on GOV.UK" when its manual has
a source address, asking first as every external link does (issue 14, point 7)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from manualviewer.core.content.library import Library
from manualviewer.core.content.source_links import source_address
from tests.ui.helpers import make_window

DMBM_SOURCE = "https://www.gov.uk/hmrc-internal-manuals/debt-management-and-banking"


def test_source_address_of_a_missing_section(bundled_library: Library) -> None:
    assert source_address(bundled_library, "DMBM511200") == f"{DMBM_SOURCE}/dmbm511200"
    assert source_address(bundled_library, "dmbm511200") == f"{DMBM_SOURCE}/dmbm511200"
    assert source_address(bundled_library, "DWPREC0900") == ""  # its source address was not recorded
    assert source_address(bundled_library, "XYZ123") == ""  # no such manual


def test_missing_section_offers_gov_uk_and_asks_before_opening(qtbot: QtBot, bundled_content: Path) -> None:
    window, _ = make_window(bundled_content)
    qtbot.addWidget(window)
    asked: list[str] = []
    window.confirm_external = lambda url: asked.append(url.toString()) or False
    window.open_section("DMBM511015")
    view = window.current_view()
    view.on_link(QUrl("section:DMBM511200"), False)
    bar = view.missing_bar
    assert not bar.isHidden() and not bar.source_button.isHidden()
    assert "Open it on GOV.UK" in bar.label.text()
    qtbot.mouseClick(bar.source_button, Qt.MouseButton.LeftButton)
    assert asked == [f"{DMBM_SOURCE}/dmbm511200"]  # asked first; declined, nothing opened

    view.on_link(QUrl("section:DWPREC0900"), False)  # a manual without a source address
    assert bar.source_button.isHidden() and not bar.copy_button.isHidden()
