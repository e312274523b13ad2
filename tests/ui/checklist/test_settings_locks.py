"""Settings set by the organisation: locked keys show read-only in the Settings dialog, marked
"Set by your organisation", and saving never writes them to the user's file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from manualviewer.core.settings import load_settings
from manualviewer.storage import paths
from manualviewer.storage.settings_file import load_user_settings, save_user_settings
from manualviewer.storage.stores import Stores, open_stores
from manualviewer.ui.checklist.deps import ChecklistDeps
from manualviewer.ui.checklist.install import install_checklists
from tests.helpers.shots import save_shot
from tests.ui.helpers import make_window

ORG = """\
locked = ["escalation_channel", "smtp", "line_manager_name", "line_manager_email", "note_check_words"]
escalation_channel = "smtp"
line_manager_name = "Team Lead"
line_manager_email = "team.lead@example.org"
note_check_words = ["liar", "rude"]

[smtp]
host = "relay.example.org"
port = 25
"""


@pytest.fixture
def stores(qtbot: QtBot, tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "data.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def site_file() -> Path:
    path = Path(os.environ["MANUALVIEWER_SITE_CONFIG"])  # each test's own (tests/conftest.py)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ORG, encoding="utf-8")
    return path


def test_locked_settings_are_read_only_marked_and_never_saved(qtbot: QtBot, bundled_content: Path,
                                                              stores: Stores, site_file: Path) -> None:
    window, _ = make_window(bundled_content)
    qtbot.addWidget(window)
    window.attach_stores(stores)
    controller = install_checklists(window, ChecklistDeps(stores, load_user_settings))
    dialog = controller.open_settings()
    assert dialog.line_manager_email.text() == "team.lead@example.org"
    assert dialog.line_manager_email.isReadOnly() and dialog.smtp_host.isReadOnly()
    assert dialog.words.isReadOnly()
    assert not dialog.channel.isEnabled() and not dialog.smtp_port.isEnabled()
    assert not dialog.officer_name.isReadOnly() and dialog.officer_name.isEnabled()
    assert set(dialog.lock_marks) == {"escalation_channel", "smtp.host", "smtp.port", "smtp.starttls",
                                      "smtp.username", "smtp.password_env", "line_manager_name",
                                      "line_manager_email", "note_check_words"}
    assert all(m.text() == "Set by your organisation" for m in dialog.lock_marks.values())
    assert "officer_name" not in dialog.lock_marks
    dialog.resize(640, 480)
    save_shot(dialog, "h15b-settings-locked")
    dialog.tabs.setCurrentIndex(1)
    save_shot(dialog, "h15b-settings-locked-sending")

    qtbot.keyClicks(dialog.officer_name, "Sam Officer")
    assert dialog.save()
    mine = load_settings(paths.settings_path())  # the user's file alone
    assert mine.officer_name == "Sam Officer"
    assert mine.line_manager_email == "" and mine.smtp.host == ""
    assert "line_manager_email" not in paths.settings_path().read_text(encoding="utf-8")
    effective = load_user_settings()
    assert effective.officer_name == "Sam Officer" and effective.smtp.host == "relay.example.org"


def test_a_broken_organisation_file_is_named_in_the_dialog(qtbot: QtBot, bundled_content: Path,
                                                           stores: Stores, site_file: Path) -> None:
    site_file.write_text('officer_name = "x"\nescalation_channel = "pigeon"\n', encoding="utf-8")
    save_user_settings(load_user_settings())
    window, _ = make_window(bundled_content)
    qtbot.addWidget(window)
    controller = install_checklists(window, ChecklistDeps(stores, load_user_settings))
    dialog = controller.open_settings()
    text = dialog.error_label.text()
    assert "organisation's settings file has a problem and is not used" in text
    assert f"{site_file}:2: escalation_channel: must be one of" in text
    assert dialog.lock_marks == {}  # its locks are left out with it
