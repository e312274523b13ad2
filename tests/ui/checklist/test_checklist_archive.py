"""A checklist that follows guidance past its archive date says so in its header, as the reader
does for the section (issue 14, point 7). The note's "Guidance status:" line is
tests/unit/core/procedures/test_procedure_records.py::test_a_note_carries_archive_date_passed_for_the_guidance_it_followed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from manualviewer.storage.stores import Stores, open_stores
from tests.helpers.checklist_rig import close_windows, make_rig

SHOTS = os.environ.get("MANUALVIEWER_SHOTS", "")


@pytest.fixture
def stores(qtbot: QtBot, tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "user.db")
    yield opened
    close_windows()
    opened.close()


def test_the_header_and_the_note_say_the_archive_date_passed(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    rig.controller.start_procedure("dmbm-before-going-out-on-call")  # follows DMBM511340, archive 30 Apr 2024
    header = rig.panel.guidance_label.text()
    assert "DMBM511340: archive date passed (30 Apr 2024)" in header
    assert "may no longer apply" in header
    if SHOTS:
        qtbot.waitUntil(rig.panel.guidance_label.isVisible, timeout=2000)
        rig.window.grab().save(str(Path(SHOTS) / "checklist-archive-passed.png"))


def test_current_guidance_has_no_archive_line(qtbot: QtBot, bundled_content: Path, stores: Stores) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    rig.controller.start_procedure("dmbm-customer-recording-call")  # DMBM511015: pending, no date passed
    header = rig.panel.guidance_label.text()
    assert "DMBM511015" in header and "archive date passed" not in header
