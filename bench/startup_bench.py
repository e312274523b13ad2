"""Start-up benchmark (not a test): whole-process time from start to the main window shown with
the library loaded, and the time to open a section. Prints figures; asserts nothing.

    python bench/startup_bench.py [--runs 5] [--content DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import sys, time, json
t_import = time.time()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from manualviewer.app import Application
from pathlib import Path
qapp = QApplication(sys.argv[:1])
app = Application([Path(p) for p in sys.argv[1:]] or None)
app.start()
def shown():
    t_shown = time.time()
    ids = sorted(app.library.sections)[:50]
    times = []
    for sid in ids:
        t0 = time.perf_counter()
        app.window.open_section(sid)
        qapp.processEvents()
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"shown": t_shown, "open_ms": times}), flush=True)
    app.window.close()
QTimer.singleShot(0, shown)
qapp.exec()
app.shutdown()
"""


def run_once(content: list[str], env: dict[str, str]) -> tuple[float, list[float]]:
    start = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, *content], env=env, capture_output=True, text=True,
                         check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["shown"] - start, data["open_ms"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--content", action="append", default=[])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "XDG_DATA_HOME": f"{home}/data", "XDG_CACHE_HOME": f"{home}/cache",
               "XDG_CONFIG_HOME": f"{home}/config", "XDG_STATE_HOME": f"{home}/state"}
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        run_once(args.content, env)  # first start builds the index; measure the usual start
        starts, opens = [], []
        for _ in range(args.runs):
            seconds, open_ms = run_once(args.content, env)
            starts.append(seconds)
            opens.extend(open_ms)
    opens.sort()
    result = {
        "runs": args.runs,
        "start_to_window_s_median": round(statistics.median(starts), 3),
        "start_to_window_s_max": round(max(starts), 3),
        "open_section_ms_median": round(statistics.median(opens), 2),
        "open_section_ms_p95": round(opens[int(0.95 * (len(opens) - 1))], 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
