"""The real app in its own process on a real X server (Xvfb, xcb platform): search, open a
section, follow a cross-link, take a `manualviewer open ID` from a second process, quit cleanly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.xvfb

HERE = Path(__file__).parent


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
    assert report["welcome"] is False
    assert report["first_hit"] == "DMBM511015"
    assert report["opened"] == "DMBM511015"
    assert report["followed"] == "DWPREC0300"
    assert report["visible"] is True
    assert report["open_forwarded_to"] == "DMBM511340"
