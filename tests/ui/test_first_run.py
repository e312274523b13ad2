"""The first-run welcome (issue 15 point 5): asks for the officer's name and line manager once,
when neither the user nor the organisation set them; "Not now" is remembered; Save writes the
user's settings file; locked organisation values are shown read-only and not asked for. Every
other test's home has already seen it (tests/conftest.py); these ask for a first run."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from manualviewer.app import Application
from manualviewer.core.settings import Settings
from manualviewer.storage import paths
from manualviewer.storage.first_run import mark_welcome_seen, welcome_marker_path, welcome_seen
from manualviewer.storage.settings_file import load_layered, load_user_settings, save_user_settings
from manualviewer.ui.first_run import WelcomeDialog, missing, needs_welcome

SHOTS = os.environ.get("MANUALVIEWER_SHOTS", "")


@pytest.fixture
def content(tmp_path: Path, bundled_content: Path) -> Path:
    # One small manual: the app starts and indexes in a moment.
    target = tmp_path / "content"
    shutil.copytree(bundled_content / "dwp-recordings", target / "dwp-recordings")
    return target


@contextmanager
def started(qtbot: QtBot, content: Path) -> Iterator[Application]:
    app = Application([content])
    qtbot.addWidget(app.window)
    app.start()
    try:
        yield app
    finally:
        qtbot.waitUntil(lambda: app.index_runs >= 1, timeout=30000)
        app.shutdown()


def write_user(text: str) -> None:
    paths.settings_path().write_text(text, encoding="utf-8")


def write_site(text: str) -> None:
    site = Path(os.environ["MANUALVIEWER_SITE_CONFIG"])
    site.parent.mkdir(parents=True, exist_ok=True)
    site.write_text(text, encoding="utf-8")


# --- when it asks ---------------------------------------------------------------------------------
def test_every_other_test_starts_with_the_welcome_seen(qtbot: QtBot, content: Path) -> None:
    assert welcome_seen()
    with started(qtbot, content) as app:
        assert app.welcome is None


def test_a_first_run_asks_over_the_window_inside_the_screen(qtbot: QtBot, first_run: Path, content: Path) -> None:
    assert not welcome_seen()
    with started(qtbot, content) as app:
        dialog = app.welcome
        assert isinstance(dialog, WelcomeDialog)
        qtbot.waitUntil(dialog.isVisible)
        assert dialog.isModal() and app.window.isVisible()
        assert dialog.parentWidget() is app.window
        screen = app.window.screen()
        assert screen is not None
        assert screen.availableGeometry().contains(app.window.frameGeometry())
        assert screen.availableGeometry().contains(dialog.frameGeometry())
        assert dialog.focusWidget() is dialog.fields["officer_name"]
        if SHOTS:
            dialog.grab().save(str(Path(SHOTS) / "welcome.png"))


@pytest.mark.parametrize("user, site", [
    ('officer_name = "Sam Officer"\nline_manager_email = "jo@example.org"\n', ""),
    ("", 'officer_name = "Sam Officer"\nline_manager_email = "jo@example.org"\n'),
    ('officer_name = "Sam Officer"\n', 'line_manager_email = "jo@example.org"\nlocked = ["line_manager_email"]\n'),
], ids=["set by the user", "set by the organisation", "one by each"])
def test_no_welcome_when_the_name_and_line_manager_are_set(qtbot: QtBot, first_run: Path, content: Path,
                                                           user: str, site: str) -> None:
    if user:
        write_user(user)
    if site:
        write_site(site)
    with started(qtbot, content) as app:
        assert app.welcome is None
    assert not welcome_seen()  # nothing asked, nothing to remember


def test_what_is_missing_and_can_be_set() -> None:
    assert missing(Settings(), frozenset()) == ("officer_name", "line_manager_email")
    assert missing(Settings(officer_name="Sam"), frozenset()) == ("line_manager_email",)
    # An empty value the organisation locks cannot be given here: never asked for.
    assert missing(Settings(officer_name="Sam"), frozenset({"line_manager_email"})) == ()


def test_not_asked_over_a_broken_settings_file(first_run: Path) -> None:
    write_user('officer_name = "Sam\n')  # unterminated: saving over it would lose it
    layered = load_layered()
    assert layered.user_error is not None
    assert not needs_welcome(layered, seen=False)
    paths.settings_path().unlink()
    assert needs_welcome(load_layered(), seen=False)
    assert not needs_welcome(load_layered(), seen=True)


# --- what it does ---------------------------------------------------------------------------------
def test_not_now_is_remembered_and_saves_nothing(qtbot: QtBot, first_run: Path, content: Path) -> None:
    with started(qtbot, content) as app:
        dialog = app.welcome
        qtbot.waitUntil(dialog.isVisible)
        qtbot.mouseClick(dialog.not_now_button, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible()
    assert welcome_seen()
    assert not paths.settings_path().exists()
    with started(qtbot, content) as again:
        assert again.welcome is None


def test_escape_counts_as_not_now(qtbot: QtBot, first_run: Path) -> None:
    dialog = WelcomeDialog(Settings(), frozenset(), save_user_settings, mark_welcome_seen)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert welcome_seen() and not dialog.isVisible()


def test_save_writes_the_users_settings_and_reaches_the_checklists(qtbot: QtBot, first_run: Path,
                                                                   content: Path) -> None:
    with started(qtbot, content) as app:
        dialog = app.welcome
        qtbot.waitUntil(dialog.isVisible)
        qtbot.keyClicks(dialog.fields["officer_name"], "Sam Officer")
        qtbot.keyClicks(dialog.fields["line_manager_name"], "Jo Manager")
        qtbot.keyClicks(dialog.fields["line_manager_email"], "jo.manager@example.org")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible()
        saved = load_user_settings()
        assert (saved.officer_name, saved.line_manager_name, saved.line_manager_email) == (
            "Sam Officer", "Jo Manager", "jo.manager@example.org")
        assert app.checklists.settings.officer_name == "Sam Officer"  # no restart needed
    assert welcome_seen()
    assert paths.settings_path().stat().st_mode & 0o777 == 0o600
    with started(qtbot, content) as again:
        assert again.welcome is None


def test_a_bad_address_is_named_and_nothing_is_saved(qtbot: QtBot, first_run: Path) -> None:
    dialog = WelcomeDialog(Settings(), frozenset(), save_user_settings, mark_welcome_seen)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.fields["officer_name"], "Sam Officer")
    qtbot.keyClicks(dialog.fields["line_manager_email"], "jo at example")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error_label.isVisible() and "jo at example" in dialog.error_label.text()
    assert dialog.focusWidget() is dialog.fields["line_manager_email"]
    assert not paths.settings_path().exists() and not welcome_seen()


def test_locked_values_are_shown_read_only_and_never_saved(qtbot: QtBot, first_run: Path) -> None:
    write_site('line_manager_name = "Area Team"\nline_manager_email = "team@example.org"\n'
               'locked = ["line_manager_name", "line_manager_email"]\n')
    layered = load_layered()
    assert needs_welcome(layered, welcome_seen())  # the officer's name is still missing
    dialog = WelcomeDialog(layered.settings, layered.locked, save_user_settings, mark_welcome_seen)
    qtbot.addWidget(dialog)
    dialog.show()
    email = dialog.fields["line_manager_email"]
    assert email.text() == "team@example.org" and email.isReadOnly()
    assert set(dialog.lock_marks) == {"line_manager_name", "line_manager_email"}
    assert dialog.lock_marks["line_manager_email"].text() == "Set by your organisation"
    assert not dialog.fields["officer_name"].isReadOnly()
    assert dialog.focusWidget() is dialog.fields["officer_name"]
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "welcome-locked.png"))
    qtbot.keyClicks(dialog.fields["officer_name"], "Sam Officer")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    written = paths.settings_path().read_text(encoding="utf-8")
    assert "Sam Officer" in written and "team@example.org" not in written
    assert load_user_settings().line_manager_email == "team@example.org"


def test_the_marker_is_private_and_only_made_when_needed(first_run: Path) -> None:
    assert not welcome_marker_path().exists()
    assert not welcome_seen()
    mark_welcome_seen()
    assert welcome_marker_path().stat().st_mode & 0o777 == 0o600
