"""The real app in its own process on a real X server (Xvfb, xcb platform): search, open a
section, follow a cross-link, take a `manualviewer open ID` from a second process, quit cleanly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.xvfb

HERE = Path(__file__).parent


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    raise RuntimeError("no free X display number")


@pytest.fixture
def xvfb() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        if os.environ.get("CI"):
            pytest.fail("Xvfb is not installed: scripts/system-packages.sh should have installed it")
        pytest.skip("Xvfb is not installed (scripts/system-packages.sh installs it)")
    number = _free_display()
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    socket = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + 20
    while not socket.exists():  # waiting for a server to come up, not timing the app
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Xvfb did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
        time.sleep(0.05)
    yield f":{number}"
    proc.terminate()
    proc.wait(10)


def test_real_app_under_xvfb(xvfb: str, bundled_content: Path, user_dirs: Path) -> None:
    env = {**os.environ, "DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb"}
    app = subprocess.Popen(
        [sys.executable, str(HERE / "driver.py"), str(bundled_content)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert app.stdout is not None
    ready = app.stdout.readline()
    assert ready.strip() == "READY", app.stderr.read() if app.stderr else ""

    # A second process, as a case system or desktop shortcut would start it.
    second = subprocess.run(
        [sys.executable, "-m", "manualviewer", "open", "DMBM511340"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert second.returncode == 0, second.stderr
    assert "Passed to the running Manual Viewer" in second.stdout

    out, err = app.communicate(timeout=120)
    assert app.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert report["first_hit"] == "DMBM511015"
    assert report["opened"] == "DMBM511015"
    assert report["followed"] == "DWPREC0300"
    assert report["visible"] is True
    assert report["open_forwarded_to"] == "DMBM511340"
