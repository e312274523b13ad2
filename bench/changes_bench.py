"""What-changed bench: the issue's figures for version tracking and section diffs, in one run.

    python bench/changes_bench.py [--sections 100000] [--json]

On synthetic sections (bench/synthetic.py), in memory, with the versions database in a
temporary folder:
- compare: what changed between two versions of the library (1% of sections changed, 100
  removed, 100 added), by content hash; from the manifests as stamped (core `compare`), and as
  `ChangeTracker.changes_since` does it (the earlier manifest read back from SQLite); target <= 5 s;
- record_load: the first load recorded (the baseline) and the next one (the changed texts kept);
- a diff of a 5,000-word section with 20 words changed across it, made and rendered to the HTML
  the section view shows; target <= 100 ms. Also the worst case: one 5,000-word paragraph, and
  the whole way to the screen: diff, HTML, and Qt's text document laid out (as QTextBrowser
  does it; offscreen platform).
- the What changed window at this size (the comparison on a worker thread): the GUI thread's
  own work, making and showing the window (gui_made) and putting the result in the list
  (gui_filled); the longest the GUI thread went without turning while the worker works
  (longest_stall, from the window shown to the list shown: a 1 ms timer's longest gap, which
  counts the worker holding the GIL in one long C call, such as one json.loads of the earlier
  manifest, and garbage collection); the time until the list is shown.
Each figure is printed with the machine's load average (os.getloadavg): on a shared machine a
load above the number of cores inflates every time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate_sections

from manualviewer.core.changes.diff_render import diff_html
from manualviewer.core.changes.versions import compare, stamps_of
from manualviewer.core.changes.worddiff import diff_sections
from manualviewer.core.content.library import Library
from manualviewer.core.model import Section
from manualviewer.services.changes import ChangeTracker

TARGETS: dict[str, float | None] = {
    "compare_stamps_s": 5.0,
    "changes_since_s": 5.0,
    "record_load_first_s": None,
    "record_load_next_s": None,
    "diff_5000_words_ms": 100.0,
    "diff_5000_words_one_paragraph_ms": 100.0,
    "diff_5000_words_on_screen_ms": 100.0,
    "what_changed_gui_made_ms": None,
    "what_changed_gui_filled_ms": None,
    "what_changed_longest_stall_ms": 50.0,  # the window does not freeze visibly
    "what_changed_listed_s": None,
}


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def next_version(sections: list[Section], seed: int = 7) -> list[Section]:
    """1% changed, 100 removed, 100 added."""
    rng = random.Random(seed)
    out = list(sections)
    for index in rng.sample(range(len(out)), len(out) // 100):
        s = out[index]
        out[index] = dataclasses.replace(s, body=s.body + "\nRevised.\n", content_hash=s.content_hash[::-1])
    del out[:100]
    template = sections[0]
    out.extend(dataclasses.replace(template, id=f"NEW{n:06d}", content_hash=f"new{n}") for n in range(100))
    return out


def library_of(sections: list[Section]) -> Library:
    return Library(sections={s.id: s for s in sections})


def text_of_words(sections: list[Section], words: int) -> str:
    paragraphs: list[str] = []
    count = 0
    for section in sections:
        for paragraph in section.body.split("\n\n"):
            paragraphs.append(paragraph)
            count += len(paragraph.split())
            if count >= words:
                return "\n\n".join(paragraphs) + "\n"
    return "\n\n".join(paragraphs) + "\n"


def change_words(text: str, n: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    words = text.split(" ")
    for index in rng.sample(range(len(words)), n):
        words[index] = "changed"
    return " ".join(words)


def diff_ms(old: str, new: str, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        seconds, _html = timed(lambda: diff_html(diff_sections(old, new)))
        best = min(best, seconds)
    return best * 1000


def on_screen_ms(old: str, new: str, repeat: int = 5) -> float:
    """Diff, HTML, and a QTextDocument laid out at a reading pane's width."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QTextDocument

    app = QGuiApplication.instance() or QGuiApplication([])

    def show() -> int:
        document = QTextDocument()
        document.setTextWidth(900)
        document.setHtml(diff_html(diff_sections(old, new)))
        return document.pageCount()  # forces the layout

    best = float("inf")
    for _ in range(repeat):
        seconds, _pages = timed(show)
        best = min(best, seconds)
    del app
    return best * 1000


def what_changed_dialog(tracker: ChangeTracker, library: Library) -> dict[str, float]:
    """The What changed window opened on `library`: the GUI thread's own work (made and shown,
    then the list filled), the longest the GUI thread went without turning (a 1 ms timer's
    longest gap: also counts the worker thread holding the GIL in long C calls, and garbage
    collection), and the time until the list is shown."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from manualviewer.ui.changes.dialog import WhatChangedDialog

    app = QApplication.instance() or QApplication([])
    longest = 0.0
    last = time.perf_counter()

    def tick() -> None:
        nonlocal last, longest
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now

    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(tick)
    timer.start()
    start = last = time.perf_counter()
    dialog = WhatChangedDialog(tracker, library)
    dialog.show()
    made = time.perf_counter() - start
    tick()  # the window made and shown, before the event loop runs again
    longest = 0.0  # from here on: the stalls while the worker works out what changed
    filling: list[float] = []
    fill = dialog._on_worked  # timed where it runs: the worker's result put into the list

    def timed_fill(*args: Any) -> None:
        seconds, _ = timed(lambda: fill(*args))
        filling.append(seconds)

    dialog._on_worked = timed_fill  # type: ignore[method-assign]
    loop = QEventLoop()
    dialog.ready.connect(loop.quit)
    if dialog.working:
        loop.exec()
    listed = time.perf_counter() - start
    app.processEvents()  # the list painted
    tick()
    timer.stop()
    rows = sum(dialog.model.rowCount(dialog.model.index(r, 0)) for r in range(dialog.model.rowCount()))
    dialog.close()
    dialog.deleteLater()
    return {"rows": rows, "made_ms": made * 1000, "filled_ms": sum(filling) * 1000,
            "longest_stall_ms": longest * 1000, "listed_s": listed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    figures: dict[str, float] = {}
    load: dict[str, list[float]] = {}

    def note(name: str, value: float) -> None:
        figures[name] = round(value, 3)
        load[name] = [round(x, 2) for x in os.getloadavg()]
        if not args.json:
            target = TARGETS.get(name)
            goal = f" (target <= {target:g})" if target is not None else ""
            print(f"{name:36} {value:10.3f}{goal}   load {load[name]}", flush=True)

    sections = generate_sections(args.sections)
    changed = next_version(sections)
    v1, v2 = library_of(sections), library_of(changed)

    seconds, _ = timed(lambda: compare(stamps_of(sections), stamps_of(changed)))
    note("compare_stamps_s", seconds)

    with tempfile.TemporaryDirectory() as tmp:
        tracker = ChangeTracker.open(Path(tmp) / "versions.sqlite3")
        try:
            seconds, _ = timed(lambda: tracker.record_load(v1))
            note("record_load_first_s", seconds)
            seconds, _ = timed(lambda: tracker.record_load(v2))
            note("record_load_next_s", seconds)
            seconds, report = timed(lambda: tracker.changes_since(v2))
            note("changes_since_s", seconds)
            expected = len(sections) // 100 + 200
            assert abs(len(report.sections) - expected) <= 100, len(report.sections)  # some changed were removed
            shown = what_changed_dialog(tracker, v2)
            assert shown["rows"] == len(report.sections), shown["rows"]
            note("what_changed_gui_made_ms", shown["made_ms"])
            note("what_changed_gui_filled_ms", shown["filled_ms"])
            note("what_changed_longest_stall_ms", shown["longest_stall_ms"])
            note("what_changed_listed_s", shown["listed_s"])
        finally:
            tracker.close()

    old = text_of_words(sections, 5000)
    note("diff_5000_words_ms", diff_ms(old, change_words(old, 20)))
    one = " ".join(old.split())
    note("diff_5000_words_one_paragraph_ms", diff_ms(one, change_words(one, 20)))
    note("diff_5000_words_on_screen_ms", on_screen_ms(old, change_words(old, 20)))

    if args.json:
        print(json.dumps({"sections": args.sections, "figures": figures, "targets": TARGETS,
                          "loadavg": load}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
