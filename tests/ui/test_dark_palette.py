"""The app follows the desktop's palette, dark as well as light (issue 14 point 6): with a dark
QPalette on the application, the section view and the checklist show light text on a dark
background with strong contrast, links take the palette's link colour (also when the palette
changes while a section is open), and the reading pane's own colours read on both."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QColor, QImage, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from manualviewer.core.render.html import STYLE
from manualviewer.storage.stores import Stores, open_stores
from tests.helpers.checklist_rig import Rig, close_windows, make_rig
from tests.helpers.palettes import background_and_text, contrast, dark_palette, luminance

SHOTS = os.environ.get("MANUALVIEWER_SHOTS", "")
PROCEDURE = "dmbm-customer-recording-call"
MISSING_LINK = "#767676"  # core/render/html.py STYLE a.missing


def set_palette(palette: QPalette) -> None:
    QApplication.setPalette(palette)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.ApplicationPaletteChange)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.PaletteChange)


@pytest.fixture
def desktop_palette() -> Iterator[QPalette]:
    original = QPalette(QApplication.palette())
    yield original
    set_palette(original)


@pytest.fixture
def stores(qtbot: QtBot, tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "user.db")
    yield opened
    close_windows()
    opened.close()


@pytest.fixture
def rig(qtbot: QtBot, bundled_content: Path, stores: Stores, desktop_palette: QPalette) -> Rig:
    rig = make_rig(qtbot, bundled_content, stores)
    rig.window.open_section("DMBM511015")
    rig.controller.start_procedure(PROCEDURE)
    return rig


def link_colours(document: QTextDocument) -> set[str]:
    found: set[str] = set()
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().isAnchor() and fragment.charFormat().anchorHref():
                found.add(fragment.charFormat().foreground().color().name())
            it += 1
        block = block.next()
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_and_background_contrast_in_the_section_view_and_checklist(qtbot: QtBot, rig: Rig,
                                                                        desktop_palette: QPalette,
                                                                        scheme: str) -> None:
    if scheme == "dark":
        set_palette(dark_palette())  # while a section and a checklist are open, as a desktop switch does
    palette = QApplication.palette()
    browser = rig.window.current_view().browser
    # Links in the palette's colour; a link to a missing section in the reading pane's mid grey.
    wanted = {palette.color(QPalette.ColorRole.Link).name()}
    qtbot.waitUntil(lambda: link_colours(browser.document()) - {MISSING_LINK} == wanted)
    for name, widget in (("section view", browser.viewport()), ("checklist", rig.panel)):
        background, text = background_and_text(widget.grab().toImage())
        if scheme == "dark":
            assert luminance(background) < 0.05, (name, background.name())  # dark, as the desktop asked
        else:
            assert luminance(background) > 0.6, (name, background.name())
        assert contrast(text, background) >= 7, (name, text.name(), background.name())
    # The checklist's rich labels ("Follows the guidance in DMBM511015"): their links are drawn
    # (the underline is solid) in the palette's link colour, not the one they had when set.
    linked = [w for w in rig.panel.findChildren(QLabel) if "<a " in w.text() and w.isVisible()]
    assert linked
    for label in linked:
        colours = {QColor(p).name() for p in pixels(label.grab().toImage())}
        assert wanted <= colours, label.text()
    if SHOTS:
        rig.window.grab().save(str(Path(SHOTS) / f"window-{scheme}-1366x768.png"))


def pixels(image: QImage) -> set[int]:
    return {image.pixel(x, y) for y in range(image.height()) for x in range(image.width())}


def test_the_reading_panes_own_colours_read_on_light_and_dark() -> None:
    light, dark = QColor("#ffffff"), QColor(dark_palette().color(QPalette.ColorRole.Base))
    colours = re.findall(r"color:\s*(#[0-9a-fA-F]{6})", STYLE)
    assert colours  # the test would pass on nothing otherwise
    for colour in colours:
        assert contrast(QColor(colour), light) >= 3 and contrast(QColor(colour), dark) >= 3, colour
    assert "background" not in STYLE  # backgrounds come from the palette (boxes set both colours)
