"""Packaged-app benchmark (not a test): the installed app's start-to-window time beside the
virtual environment's, the .deb's size and the installed folder's size, and what fills it.
Prints figures; asserts nothing. Build first: sh packaging/build-linux.sh (and install the .deb
to measure the installed app; otherwise dist/manualviewer/ is measured in place).

    python bench/package_bench.py [--runs 5] [--app PATH] [--folder DIR] [--deb FILE] [--json]

Start-to-window is taken as bench/startup_bench.py takes it: from just before the process is
started to the moment the main window is shown with the library loaded (the app prints it when
MANUALVIEWER_BENCH_SHOWN is set, since a packaged app cannot run the bench's script), on the
bundled library, the median of --runs starts after one start that builds the search index.
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
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from startup_bench import run_once as venv_run_once

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def packaged_run_once(app: str, env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run([app], env={**env, "MANUALVIEWER_BENCH_SHOWN": "1"}, capture_output=True, text=True,
                         check=True, timeout=300)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["shown"]) - start


def median_start(run: Callable[[dict[str, str]], float], runs: int, home: str) -> float:
    env = {**os.environ, "XDG_DATA_HOME": f"{home}/data", "XDG_CACHE_HOME": f"{home}/cache",
           "XDG_CONFIG_HOME": f"{home}/config", "XDG_STATE_HOME": f"{home}/state"}
    env.pop("MANUALVIEWER_CONTENT", None)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    run(env)  # the first start builds the index; measure the usual start
    return statistics.median(run(env) for _ in range(runs))


def folder_size(path: Path) -> int:
    if not path.is_dir():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def biggest(folder: Path, count: int = 8) -> list[tuple[str, int]]:
    """The largest parts of the folder: each entry of _internal/, with Qt's own folder split
    into its libraries, plugins and translations (the usual suspects)."""
    internal = folder / "_internal"
    parts: list[tuple[str, int]] = []
    qt = internal / "PySide6" / "Qt"
    for entry in internal.iterdir():
        if entry == internal / "PySide6":
            for sub in entry.iterdir():
                if sub != qt:
                    parts.append((str(sub.relative_to(internal)), folder_size(sub)))
            for sub in qt.iterdir():
                for part in (sub.iterdir() if sub.name == "lib" else [sub]):
                    parts.append((str(part.relative_to(internal)), folder_size(part)))
        else:
            parts.append((entry.name, folder_size(entry)))
    return sorted(parts, key=lambda part: -part[1])[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    installed = Path("/opt/manualviewer")
    parser.add_argument("--app", default="/usr/bin/manualviewer" if installed.is_dir()
                        else str(ROOT / "dist" / "manualviewer" / "manualviewer"))
    parser.add_argument("--folder", type=Path, default=installed if installed.is_dir()
                        else ROOT / "dist" / "manualviewer")
    debs = sorted((ROOT / "dist").glob("manualviewer_*.deb"))
    parser.add_argument("--deb", type=Path, default=debs[-1] if debs else None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as packaged_home, tempfile.TemporaryDirectory() as venv_home:
        packaged = median_start(lambda env: packaged_run_once(args.app, env), args.runs, packaged_home)
        venv = median_start(lambda env: venv_run_once([], env)[0], args.runs, venv_home)
    result: dict[str, object] = {
        "runs": args.runs,
        "app": args.app,
        "packaged_start_to_window_s_median": round(packaged, 3),
        "venv_start_to_window_s_median": round(venv, 3),
        "deb_mb": round(args.deb.stat().st_size / MB, 1) if args.deb else None,
        "installed_folder": str(args.folder),
        "installed_folder_mb": round(folder_size(args.folder) / MB, 1),
        "biggest_mb": {name: round(size / MB, 1) for name, size in biggest(args.folder)},
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            if isinstance(value, dict):
                print(f"{key}:")
                for name, size in value.items():
                    print(f"    {name:60} {size}")
            else:
                print(f"{key:36} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
