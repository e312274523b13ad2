"""Scale benchmark (not a test): the desktop app and the CLI on synthetic libraries of 10,000
and 100,000 sections, with the Whoosh / SQLite FTS5 search comparison alongside, in one run.

    python bench/scale_bench.py [--sizes 10000,100000] [--workdir bench/out] [--json]

For each size it prints: `manualviewer check` (whole process), the first index build
(`manualviewer index`, whole process), the app's start (process start to the main window shown;
to search ready), peak RSS of the app with the library open, the contents tree (expand the
largest manual, jump through the whole tree in 20 steps, during the background check and after
it), and search p50/p95 with snippets for Whoosh and FTS5.
Libraries are generated once into --workdir and reused.
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import search_bench  # noqa: E402
from synthetic import generate_library, generate_sections  # noqa: E402

APP_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from manualviewer.app import Application

qapp = QApplication(sys.argv[:1])
app = Application([Path(sys.argv[1])])
app.start()
report = {}

def shown():
    report["shown"] = time.time()
    t0 = time.perf_counter()
    first = app.search.search("recovery payment", None)  # the index on disk answers at once
    report["search_at_window_ms"] = (time.perf_counter() - t0) * 1000 if first is not None else -1
    window, library = app.window, app.library
    ids = sorted(library.sections)[:: max(1, len(library.sections) // 40)]
    opens = []
    for sid in ids:
        t0 = time.perf_counter()
        window.open_section(sid)
        qapp.processEvents()
        opens.append((time.perf_counter() - t0) * 1000)
    report["open_ms"] = statistics_median(opens)
    model, tree = window.contents_model, window.contents
    window.focus_contents()
    biggest = max(range(model.rowCount()), key=lambda r: model.rowCount(model.index(r, 0)))
    t0 = time.perf_counter()
    tree.expand(model.index(biggest, 0))
    qapp.processEvents()
    report["tree_expand_ms"] = (time.perf_counter() - t0) * 1000
    report["tree_rows"] = model.rowCount(model.index(biggest, 0))
    report["tree_scroll_20_pages_ms"] = scroll_ms(0)  # while the background check runs
    wait_for_search()

def scroll_ms(half):
    # 20 jumps from the top to the end of the tree; `half` 1 lands between the first run's
    # jumps, so the second run paints rows that were not painted before.
    bar = app.window.contents.verticalScrollBar()
    t0 = time.perf_counter()
    for step in range(20):
        bar.setValue(bar.maximum() * (2 * step + half) // 39)
        qapp.processEvents()
    return (time.perf_counter() - t0) * 1000

def wait_for_search():
    if app.index_runs == 0:
        QTimer.singleShot(20, wait_for_search)
        return
    report["search_ready"] = time.time()  # the background check of files and index is done
    t0 = time.perf_counter()
    result = app.search.search("recovery payment", None)
    report["app_search_ms"] = (time.perf_counter() - t0) * 1000
    report["app_search_hits"] = len(result.hits) if result else -1
    report["tree_scroll_20_pages_after_ms"] = scroll_ms(1)
    report["peak_rss_mb"] = peak_rss_mb()
    app.window.close()

def peak_rss_mb():
    # VmHWM is this process's own peak. ru_maxrss is not: Linux carries the parent's peak into a
    # child across fork and exec, so the bench's own memory (hundreds of MB after generating
    # 100,000 sections) showed up as the app's.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def statistics_median(values):
    values = sorted(values)
    return values[len(values) // 2]

QTimer.singleShot(0, shown)
qapp.exec()
app.shutdown()
print(json.dumps(report), flush=True)
"""


def timed_process(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def app_run(library: Path, env: dict[str, str]) -> dict[str, float]:
    started = time.time()
    out = subprocess.run([sys.executable, "-c", APP_CHILD, str(library)], env=env, capture_output=True, text=True,
                         check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["window_s"] = data.pop("shown") - started
    data["search_ready_s"] = data.pop("search_ready") - started
    return data


def measure(n: int, workdir: Path, log: callable) -> dict[str, object]:  # type: ignore[valid-type]
    library = workdir / f"library-{n}"
    if not (library / ".complete").exists():
        log(f"  generating {n} sections into {library}")
        generate_library(library, n)
        (library / ".complete").write_text("ok")
    with tempfile.TemporaryDirectory(prefix="scale-bench-home-") as home:
        env = {**os.environ, "XDG_DATA_HOME": f"{home}/data", "XDG_CACHE_HOME": f"{home}/cache",
               "XDG_CONFIG_HOME": f"{home}/config", "XDG_STATE_HOME": f"{home}/state",
               "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        cli = [sys.executable, "-m", "manualviewer"]
        check_s = timed_process([*cli, "check", "--content", str(library)], env)
        log(f"  check: {check_s:.1f} s")
        index_s = timed_process([*cli, "index", "--content", str(library)], env)
        log(f"  first index build (CLI): {index_s:.1f} s")
        search_s = timed_process([*cli, "search", "--content", str(library), "recovery", "payment"], env)
        log(f"  `manualviewer search` whole process: {search_s:.2f} s")
        app_run(library, env)  # first start writes the library cache, as the first day at work does
        runs = [app_run(library, env) for _ in range(3)]
    app = {key: round(statistics.median(r[key] for r in runs), 3) for key in runs[0]}
    log(f"  app: window {app['window_s']:.2f} s (a search then: {app['search_at_window_ms']:.0f} ms), background "
        f"check done {app['search_ready_s']:.2f} s, open a section "
        f"{app['open_ms']:.1f} ms, peak RSS {app['peak_rss_mb']:.0f} MB, tree: expand {app['tree_rows']:.0f} rows "
        f"{app['tree_expand_ms']:.0f} ms, scroll 20 pages {app['tree_scroll_20_pages_ms']:.0f} ms during the "
        f"background check, {app['tree_scroll_20_pages_after_ms']:.0f} ms after it")
    sections = generate_sections(n)
    queries = search_bench.make_queries(sections, 240)
    with tempfile.TemporaryDirectory(prefix="scale-bench-search-") as tmp:
        engines = [search_bench.run_engine(search_bench.WhooshEngine(Path(tmp)), sections, queries, log),
                   search_bench.run_engine(search_bench.Fts5Engine(Path(tmp)), sections, queries, log)]
    return {"sections": n, "check_s": round(check_s, 2), "index_build_cli_s": round(index_s, 2),
            "search_cli_s": round(search_s, 2), "app": app, "search": engines}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    parser.add_argument("--json", action="store_true")
    ns = parser.parse_args()
    ns.workdir.mkdir(parents=True, exist_ok=True)

    def log(line: str) -> None:
        print(line, file=sys.stderr if ns.json else sys.stdout, flush=True)

    results = []
    for n in (int(s) for s in ns.sizes.split(",") if s.strip()):
        log(f"{n} sections")
        results.append(measure(n, ns.workdir, log))
    if ns.json:
        print(json.dumps({"runs": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
