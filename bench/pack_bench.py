"""Content-pack bench: build, first install and a one-section update, beside today's local index build.

    python bench/pack_bench.py [--sections 5000] [--json]

On a synthetic library (bench/synthetic.py), in a temporary folder with its own user folders:
- today: a desktop's first index build of the content folder (load + index);
- pack build v1 (signed, index included), then v2 over it with one section changed (starts
  from v1's index: only the change is indexed);
- first install over loopback (`python -m http.server`, no ETags) to the first search;
- applying v2 to searchable, download included, with what was downloaded.
The issue's targets are for 100,000 sections (build <= 3 min, update <= 10 s, first install
<= 60 s); run with --sections 100000 to check them (slow: the local build alone takes minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate_library


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(port: int) -> None:
    for _ in range(200):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("http.server did not start")


def _searchable() -> int:
    """The desktop's path from installed packs to a search: workspace, library, index, query."""
    from manualviewer.services.workspace import Workspace, ensure_index

    workspace = Workspace.from_folders()
    library = workspace.open_library()
    index = workspace.open_index()
    try:
        ensure_index(index, library)
        return len(index.search("payment arrears").hits)
    finally:
        index.close()


def run(n: int, work: Path) -> dict[str, object]:
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_STATE_HOME", "state")):
        os.environ[var] = str(work / "home" / sub)
    os.environ.pop("MANUALVIEWER_CONTENT", None)
    from manualviewer.core.packs import signing
    from manualviewer.services.pack_build import build_pack
    from manualviewer.services.pack_sync import sync_source
    from manualviewer.services.workspace import Workspace, ensure_index

    content = work / "content"
    generate_library(content, n)
    figures: dict[str, object] = {"sections": n}

    def local_build() -> None:
        workspace = Workspace((content,))
        index = workspace.open_index()
        try:
            ensure_index(index, workspace.open_library())
        finally:
            index.close()

    figures["today_local_first_index_s"], _ = _timed(local_build)
    pem, public = signing.generate()
    out = work / "www" / "org"
    figures["pack_build_v1_s"], built = _timed(lambda: build_pack([content], out, name="org", version="1",
                                                                  key_pem=pem))
    figures["pack_bytes"] = built.manifest.total_bytes
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(work / "www")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port)
        url = f"http://127.0.0.1:{port}/org/"

        def first_install() -> int:
            result = sync_source(url, public_key=public)
            assert result.status == "updated", result.message
            return _searchable()

        figures["first_install_to_first_search_s"], hits = _timed(first_install)
        assert hits, "the first search found nothing"
        section = next((content / "debt-management").glob("DMBM*.md"))
        section.write_text(section.read_text(encoding="utf-8") + "\nOne new paragraph.\n", encoding="utf-8")
        figures["pack_build_v2_one_change_s"], _ = _timed(lambda: build_pack([content], out, name="org",
                                                                             version="2", key_pem=pem))
        results: list[Any] = []

        def apply_update() -> int:
            results.append(sync_source(url, public_key=public))
            assert results[0].status == "updated", results[0].message
            return _searchable()

        figures["update_one_change_to_searchable_s"], _ = _timed(apply_update)
        figures["update_files_downloaded"] = results[0].files_downloaded
        figures["update_bytes_downloaded"] = results[0].bytes_downloaded
    finally:
        server.terminate()
        server.wait(timeout=10)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", type=int, default=5000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pack-bench-") as tmp:
        figures = run(args.sections, Path(tmp))
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:40} {value:.2f}" if isinstance(value, float) else f"{key:40} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
