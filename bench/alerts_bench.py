"""Change-alert badges benchmark (not a test; issue 17 point 2: "the badges cost the contents tree
no visible lag"). On a synthetic library of 100,000 sections (three levels, eight manuals, the
sections unpickled on demand as in the app's snapshot) with 1,000 alerted sections:

- the alert computation: the user's interest from a real database (1,000 bookmarks, 300 notes
  citing 3 sections each, 5 unfinished runs) and 5,000 read records, then the rule;
- the contents model's data() for one visible page (40 rows, every role a QTreeView asks when it
  paints a row), with and without badges, on a page where every row is alerted;
- set_alerts on a tree with every manual and 200 branches opened (the signal to the views).

    QT_QPA_PLATFORM=offscreen python bench/alerts_bench.py [--sections 100000] [--alerted 1000]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import MANUALS, _ids  # noqa: E402

from manualviewer.core.content.library import Library  # noqa: E402
from manualviewer.core.model import Manual, Section  # noqa: E402
from manualviewer.services.alerts import compute, interest_of  # noqa: E402
from manualviewer.storage.notes import NewNote  # noqa: E402
from manualviewer.storage.runs import StartedGuidance  # noqa: E402
from manualviewer.storage.stores import open_stores  # noqa: E402

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
PAGE = 40


@dataclasses.dataclass(frozen=True)
class Read:
    content_hash: str
    read_at: dt.datetime


def make_library(n: int) -> Library:
    rng = random.Random(1)
    manuals = {code: Manual(code, slug, title, "Synthetic Revenue Office", "", "", "OGL", Path("/s") / slug)
               for code, title, slug in MANUALS}
    sections = {sid: Section(id=sid, manual=code, title=f"Section {sid} about recovery of debts", body="",
                             path=Path("/s") / slug / f"{sid}.md", body_line=1, parent=parent,
                             content_hash=f"h-{sid}")
                for code, slug, sid, parent in _ids(n, rng)}
    library = Library(manuals=manuals, sections=sections)
    library.rebuild_indexes([])
    return Library.from_snapshot(library.snapshot())  # sections unpickled when asked, as in the app


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sections", type=int, default=100_000)
    parser.add_argument("--alerted", type=int, default=1_000)
    args = parser.parse_args()

    t0 = time.perf_counter()
    library = make_library(args.sections)
    print(f"library: {len(library.sections):,} sections in {time.perf_counter() - t0:.1f} s")
    rng = random.Random(2)
    ids = sorted(library.sections)
    # The page to paint: the first leaves under one branch, every one of them alerted.
    manual = sorted(library.manuals)[0]
    top = library.children(manual, None)[0]
    branch = library.children(manual, top)[0]
    page_ids = list(library.children(manual, branch))[:PAGE]
    others = [i for i in rng.sample(ids, args.alerted * 2) if i not in page_ids]
    alerted = (page_ids + others)[: args.alerted]
    bookmarked = alerted[: args.alerted // 2] + rng.sample(ids, 500)
    read_ids = set(alerted) | set(rng.sample(ids, 5_000 - len(alerted)))
    reads = {sid: Read("old" if sid in alerted else f"h-{sid}", NOW - dt.timedelta(days=rng.randint(0, 90)))
             for sid in read_ids}
    # Half the alerted sections are bookmarked; the rest must be read in the window to count.
    for sid in alerted[args.alerted // 2:]:
        reads[sid] = Read("old", NOW - dt.timedelta(days=1))

    with tempfile.TemporaryDirectory() as tmp:
        stores = open_stores(Path(tmp) / "user.sqlite3", lambda: NOW - dt.timedelta(days=1))
        for sid in bookmarked:
            stores.bookmarks.add(sid, sid)
        for _ in range(300):
            stores.notes.add(NewNote(officer="Sam", text="Called.",
                                     record_json=json.dumps({"sections": rng.sample(ids, 3)})))
        for n in range(5):
            stores.runs.save(f"r{n}", "p", "{}", StartedGuidance("h", "t", {s: f"h-{s}" for s in rng.sample(ids, 4)}))
        timings = []
        for _ in range(5):
            t0 = time.perf_counter()
            interest = interest_of(stores.bookmarks, stores.notes, stores.runs, library, NOW, days=30)
            t1 = time.perf_counter()
            found = compute(library, interest, reads, now=NOW, days=30)
            t2 = time.perf_counter()
            timings.append((t1 - t0, t2 - t1))
        stores.close()
    print(f"alerts: {len(found):,} alerted, {len(found.above):,} manuals/branches above them")
    interest_ms, rule_ms = (ms(statistics.median(t[i] for t in timings)) for i in (0, 1))
    print(f"  interest from the database (bookmarks, notes, runs): median {interest_ms}")
    print(f"  the rule over {len(reads):,} reads + hashes + ancestors: median {rule_ms}")

    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtWidgets import QApplication

    from manualviewer.services.alerts import AlertSet
    from manualviewer.ui.reading.contents_model import ContentsModel
    from manualviewer.ui.reading.contents_pane import ContentsPane

    app = QApplication.instance() or QApplication(sys.argv[:1])
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole,
             Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
             Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.SizeHintRole, Qt.ItemDataRole.ToolTipRole,
             Qt.ItemDataRole.AccessibleTextRole]

    def page_cost(alerts: AlertSet) -> float:
        model = ContentsModel(library)
        model.set_alerts(alerts)
        parent = QModelIndex()
        for key in (manual, top, branch):
            rows = model.rowCount(parent)
            parent = next(model.index(r, 0, parent) for r in range(rows)
                          if model.key_of(model.index(r, 0, parent)) == key)
        for r in range(model.rowCount(parent)):  # titles read once, as after the first paint
            model.data(model.index(r, 0, parent))
        samples = []
        for _ in range(200):
            t0 = time.perf_counter()
            for r in range(min(PAGE, model.rowCount(parent))):
                index = model.index(r, 0, parent)
                for role in roles:
                    model.data(index, role)
            samples.append(time.perf_counter() - t0)
        return statistics.median(samples)

    without, with_badges = page_cost(AlertSet()), page_cost(found)
    print(f"contents data() per visible page ({PAGE} rows x {len(roles)} roles, every row alerted):")
    print(f"  without badges {ms(without)}, with badges {ms(with_badges)} (+{ms(with_badges - without)})")

    pane = ContentsPane(library)  # the app's Contents tab: filter proxy, uniform row heights
    model, tree = pane.model, pane.tree
    pane.resize(400, 800)
    pane.show()
    opened = 0
    proxy = pane.proxy
    for m in range(proxy.rowCount()):
        manual_index = proxy.index(m, 0)
        tree.expand(manual_index)
        for r in range(min(25, proxy.rowCount(manual_index))):
            tree.expand(proxy.index(r, 0, manual_index))
            opened += 1
    app.processEvents()
    repaints = []
    for _ in range(5):
        t0 = time.perf_counter()
        tree.viewport().repaint()
        repaints.append(time.perf_counter() - t0)
    print(f"the tree's repaint alone (for scale): median {ms(statistics.median(repaints))}")
    t0 = time.perf_counter()
    model.set_alerts(found)
    app.processEvents()  # the view repaints what it shows
    print(f"set_alerts + repaint, {opened} branches opened ({len(found):,} alerts arrive): "
          f"{ms(time.perf_counter() - t0)}")
    t0 = time.perf_counter()
    fewer = found.without(alerted[0])
    model.set_alerts(fewer)
    app.processEvents()
    print(f"one section read (its badge goes): {ms(time.perf_counter() - t0)}")
    pane.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
