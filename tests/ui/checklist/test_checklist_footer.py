"""The checklist on a 1366x768 laptop (issue 14, point 1): Previous step, Something happened out
of order, Discard and Save note sit in a footer below the scroll area, so a long step or a long
note check never pushes them out of sight; the sidebar folds away to give the section the width."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QToolButton, QWidget
from pytestqt.qtbot import QtBot

from manualviewer.core.procedures.loader import parse_procedure
from manualviewer.storage.stores import Stores, open_stores
from manualviewer.ui.geometry import fit_window
from tests.helpers.checklist_rig import Rig, choose, click, close_windows, fill, go_on, make_rig, step_id, type_text
from tests.ui.helpers import shown_whole

PROCEDURE = "dmbm-customer-recording-call"
LAPTOP = QRect(0, 0, 1366, 728)  # 1366x768 less a task bar
DESKTOP = QRect(0, 0, 1920, 1040)
SHOTS = os.environ.get("MANUALVIEWER_SHOTS", "")  # a folder: save the screenshots to look at them
# A hurried note: every line has something the note check flags.
HURRIED = "\n".join(f"Cust called re recording, pls call back asap, line {n}." for n in range(12))
# Guidance quoted at length in a step: longer than the panel is high, even on a 1080p screen.
LONG_TEXT = " ".join(["Check that the customer understands what a recording involves, that it is for their own "
                      "purposes and that it does not intrude into the privacy of others."] * 24)
LONG_STEPS = f"""
id: long-steps
title: A checklist whose steps quote the guidance at length
version: 1
summary: Long steps.
sections: [DMBM511015]
steps:
  - id: long-check
    kind: check
    title: Check the recording with the customer
    section: DMBM511015
    text: >-
      {LONG_TEXT}
    next: long-question
    not_confirmed:
      label: Not confirmed
      next: long-question
  - id: long-question
    kind: question
    title: Is the call from the media?
    text: >-
      {LONG_TEXT}
    choices:
      - id: "yes"
        label: "Yes"
        next: done
      - id: "no"
        label: "No"
        next: done
  - id: done
    kind: end
    title: Write the note
    note: |
      Done.
"""


@pytest.fixture
def stores(qtbot: QtBot, tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "user.db")
    yield opened
    close_windows()
    opened.close()


def on_screen(qtbot: QtBot, rig: Rig, available: QRect) -> None:
    fit_window(rig.window, available, first_run=True)
    qtbot.waitExposed(rig.window)
    fit_window(rig.window, available)  # once shown, with its frame


def to_the_note(qtbot: QtBot, rig: Rig) -> None:
    panel = rig.panel
    rig.controller.start_procedure(PROCEDURE)
    fill(qtbot, panel, customer_reference="AB123456C")
    go_on(qtbot, panel)
    choose(qtbot, panel, "not-media")
    go_on(qtbot, panel)
    click(qtbot, panel.jump_button)
    assert panel.jump_menu is not None
    panel.jump_menu.actions()[1].trigger()
    go_on(qtbot, panel)
    choose(qtbot, panel, "no-concerns")
    go_on(qtbot, panel)
    assert panel.note_editor is not None


def laid_out(qtbot: QtBot, rig: Rig) -> None:
    """Wait, as a user's eye would, for the card drawn from the event loop to be laid out."""
    card, layout = rig.panel.card, rig.panel.card_layout
    qtbot.waitUntil(lambda: card.isVisible() and layout.geometry() == card.rect()
                    and card.height() >= layout.minimumSize().height() and all(
        w.isVisible() for w in card.findChildren(QWidget) if w.isVisibleTo(card)), timeout=2000)


@pytest.mark.parametrize(("available", "name"), [(LAPTOP, "1366x768"), (DESKTOP, "1920x1080")])
def test_save_note_and_the_run_actions_stay_in_sight_with_a_long_note_check(
    qtbot: QtBot, bundled_content: Path, stores: Stores, available: QRect, name: str
) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    on_screen(qtbot, rig, available)
    to_the_note(qtbot, rig)
    panel = rig.panel
    editor = panel.note_editor
    assert editor is not None
    editor.editor.moveCursor(editor.editor.textCursor().MoveOperation.End)
    type_text(qtbot, editor.editor, "\n" + HURRIED)
    assert len(editor.warnings) >= 24  # the note check's list is long
    laid_out(qtbot, rig)
    assert not shown_whole(editor.warning_box, rig.window)  # the card scrolls: the check is that long
    window = rig.window
    for button in (editor.save_button, panel.back_button, panel.discard_button):
        assert shown_whole(button, window), button.text()
    # Saving from the pinned button saves the text typed above it.
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / f"checklist-note-{name}.png"))
    click(qtbot, editor.save_button)
    assert stores.notes.list()[0].text.endswith("line 11.")


def test_the_run_actions_stay_in_sight_on_a_step(qtbot: QtBot, bundled_content: Path, stores: Stores) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    on_screen(qtbot, rig, LAPTOP)
    panel = rig.panel
    rig.controller.start_procedure(PROCEDURE)
    fill(qtbot, panel, customer_reference="AB123456C")
    go_on(qtbot, panel)
    laid_out(qtbot, rig)
    for button in (panel.back_button, panel.jump_button, panel.discard_button):
        assert shown_whole(button, rig.window), button.text()
    click(qtbot, panel.discard_button)
    assert shown_whole(panel.discard_yes, rig.window)  # the confirmation too
    if SHOTS:
        rig.window.grab().save(str(Path(SHOTS) / "checklist-step-1366x768.png"))


def test_the_sidebar_folds_away_while_a_checklist_runs_and_stays_folded(
    qtbot: QtBot, bundled_content: Path, stores: Stores
) -> None:
    rig = make_rig(qtbot, bundled_content, stores)
    on_screen(qtbot, rig, LAPTOP)
    window, panel = rig.window, rig.panel
    window.open_section("DMBM511015")
    rig.controller.start_procedure(PROCEDURE)
    fill(qtbot, panel, customer_reference="AB123456C")
    go_on(qtbot, panel)
    reading = window.tabs
    narrow = reading.width()
    toggle = next(b for b in window.toolbar.findChildren(QToolButton) if b.defaultAction() is window.act_sidebar)
    assert toggle.isVisible() and toggle.text() == "Hide the sidebar"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reading.width() > narrow, timeout=2000)
    assert not window.sidebar.isVisible()
    assert reading.width() >= narrow + 300  # the section gets the sidebar's width
    assert toggle.text() == "Show the sidebar"
    assert step_id(panel) == "media" and rig.controller.run is not None  # the checklist runs on
    laid_out(qtbot, rig)
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / "sidebar-hidden-1366x768.png"))

    # Remembered: the next window opens with the sidebar folded away.
    window.close()
    again = make_rig(qtbot, bundled_content, stores)
    state = again.window.saved_state()
    assert state is not None
    again.window.restore_state(state)
    assert again.window.sidebar.isHidden()
    # Anything that needs the sidebar brings it back; so does the button.
    again.window.focus_search()
    assert again.window.sidebar.isVisible()
    again.window.act_sidebar.trigger()
    assert again.window.sidebar.isHidden()
    again.window.act_sidebar.trigger()
    assert again.window.sidebar.isVisible() and again.window.act_sidebar.text() == "Hide the &sidebar"


def step_laid_out(qtbot: QtBot, rig: Rig) -> None:
    """The step's card drawn (its answer button shown, wherever it sits) and laid out."""
    qtbot.waitUntil(lambda: rig.panel.primary_button is not None and rig.panel.primary_button.isVisible(),
                    timeout=2000)
    laid_out(qtbot, rig)
    scroll = rig.panel.step_scroll
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() == max(
        0, rig.panel.card.height() - scroll.viewport().height()), timeout=2000)


@pytest.mark.parametrize(("available", "name"), [(LAPTOP, "1366x768"), (DESKTOP, "1920x1080")])
def test_a_long_steps_own_answer_buttons_and_its_problem_line_stay_in_sight(
    qtbot: QtBot, bundled_content: Path, stores: Stores, tmp_path: Path, available: QRect, name: str
) -> None:
    procedure, problems = parse_procedure(LONG_STEPS, tmp_path / "long-steps.yaml")
    assert procedure is not None, problems
    rig = make_rig(qtbot, bundled_content, stores, procedures={procedure.id: procedure})
    on_screen(qtbot, rig, available)
    window, panel = rig.window, rig.panel
    rig.controller.start_procedure(procedure.id)
    step_laid_out(qtbot, rig)
    assert panel.step_scroll.verticalScrollBar().maximum() > 0  # the step is longer than the panel
    for button in (panel.primary_button, panel.secondary_button, panel.back_button, panel.discard_button):
        assert button is not None and shown_whole(button, window), button
    assert [panel.primary_button.text(), panel.secondary_button.text()] == ["&Confirmed", "Not confirmed"]  # type: ignore[union-attr]
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / f"checklist-long-step-{name}.png"))
    click(qtbot, panel.secondary_button)  # answered from the pinned button
    assert step_id(panel) == "long-question"
    step_laid_out(qtbot, rig)
    click(qtbot, panel.primary_button)  # Continue with no choice: the problem shows beside the button
    assert panel.error_label is not None and "Choose one of the answers" in panel.error_label.text()
    assert shown_whole(panel.error_label, window) and step_id(panel) == "long-question"
    choose(qtbot, panel, "no")
    click(qtbot, panel.primary_button)
    assert panel.note_editor is not None
    run = rig.controller.run
    assert run is not None and (run.answer_of("long-check"), run.answer_of("long-question")) == (False, "no")
