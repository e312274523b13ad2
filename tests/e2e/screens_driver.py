"""Runs inside the real app's process (started by test_xvfb_screens.py) on an X screen of a given
size: opens a section, works a checklist to its note with a long note check, saves a screenshot of
the whole screen, and prints where the window and its actions are as one JSON line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPoint, QRect, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from manualviewer.app import Application

PROCEDURE = "dmbm-customer-recording-call"
HURRIED = "\n".join(f"Cust called re recording, pls call back asap, line {n}." for n in range(12))


def rect_of(rect: QRect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def shown_whole(widget: QWidget, window: QWidget) -> bool:
    """All of `widget` can be seen: visible, not cut off by a scroll area, dock or the window."""
    if not widget.isVisible():
        return False
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    seen = QRect(rect)
    parent = widget.parentWidget()
    while parent is not None:
        seen = seen.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        if parent is window:
            break
        parent = parent.parentWidget()
    return not rect.isEmpty() and seen == rect


def main() -> int:
    QCoreApplication.setApplicationName("manualviewer")
    qapp = QApplication(sys.argv[:1])
    app = Application([Path(sys.argv[1])])
    shot = Path(sys.argv[2])
    app.start()
    window = app.window
    controller = app.checklists
    assert controller is not None
    panel = controller.installed.panel  # type: ignore[attr-defined]
    report: dict[str, object] = {"platform": qapp.platformName()}
    polls = iter(range(10_000))

    def work_the_checklist() -> None:
        window.open_section("DMBM511015")
        controller.start_procedure(PROCEDURE)
        panel.step_view.editors["customer_reference"].setText("AB123456C")
        panel.primary()
        panel.step_view.buttons["not-media"].click()
        panel.primary()
        panel.jump(controller.jumps()[0][0])  # the customer said they recorded it
        panel.primary()
        panel.step_view.buttons["no-concerns"].click()
        panel.primary()
        editor = panel.note_editor
        editor.editor.setPlainText(editor.text() + "\n" + HURRIED)
        QTimer.singleShot(0, measure)

    def settled() -> bool:
        card, layout = panel.card, panel.card_layout
        return card.isVisible() and layout.geometry() == card.rect() and \
            card.height() >= layout.minimumSize().height() and \
            all(w.isVisible() for w in card.findChildren(QWidget) if w.isVisibleTo(card))

    def measure() -> None:
        if not settled() and next(polls) < 400:  # the card is drawn from the event loop
            QTimer.singleShot(25, measure)
            return
        screen = window.screen()
        report["screen"] = rect_of(screen.geometry())
        report["available"] = rect_of(screen.availableGeometry())
        report["frame"] = rect_of(window.frameGeometry())
        editor = panel.note_editor
        parts = {"save_note": editor.save_button, "previous": panel.back_button,
                 "out_of_order": panel.jump_button, "discard": panel.discard_button,
                 "status_bar": window.statusBar(), "reading": window.tabs}
        report["parts"] = {
            name: {"rect": rect_of(QRect(w.mapToGlobal(QPoint(0, 0)), w.size())), "whole": shown_whole(w, window)}
            for name, w in parts.items()}
        report["warnings"] = len(editor.warnings)
        screen.grabWindow(0).save(str(shot))
        # The officer folds the sidebar away: the section being read gets its width.
        report["reading_with_sidebar"] = window.tabs.width()
        window.act_sidebar.trigger()
        QTimer.singleShot(0, folded)

    def folded() -> None:
        if window.tabs.width() == report["reading_with_sidebar"] and next(polls) < 400:
            QTimer.singleShot(25, folded)
            return
        report["reading_without_sidebar"] = window.tabs.width()
        report["still_at_note"] = panel.note_editor is not None and controller.run is not None
        # The window drawn as it is now (the X screen is repainted later, from the event loop).
        window.grab().save(str(shot.with_name(shot.stem + "-folded.png")))
        window.close()

    QTimer.singleShot(0, work_the_checklist)
    code = qapp.exec()
    app.shutdown()
    print(json.dumps(report), flush=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
