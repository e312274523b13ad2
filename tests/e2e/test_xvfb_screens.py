"""The real app on X screens of the sizes officers have (issue 14, point 1): 1366x768 and
1920x1080, a checklist at its note with a long note check. The window is inside the screen, and
Save note, Previous step, out of order, Discard and the status bar are on screen and not cut off.
Each run saves a screenshot of the whole screen to the test's tmp folder, to look at."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.xvfb import running_xvfb

pytestmark = pytest.mark.xvfb

HERE = Path(__file__).parent


def inside(inner: list[int], outer: list[int]) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


@pytest.mark.parametrize("size", ["1366x768", "1920x1080"])
def test_the_checklist_fits_the_screen(size: str, bundled_content: Path, user_dirs: Path, tmp_path: Path) -> None:
    shot = tmp_path / f"screen-{size}.png"
    with running_xvfb(size) as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        run = subprocess.run([sys.executable, str(HERE / "screens_driver.py"), str(bundled_content), str(shot)],
                             env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    width, height = (int(n) for n in size.split("x"))
    assert report["screen"] == [0, 0, width, height]
    assert inside(report["frame"], report["available"])
    assert report["warnings"] >= 24  # the note check's list is long enough to need scrolling
    for name, part in report["parts"].items():
        assert part["whole"], name
        assert inside(part["rect"], report["frame"]), name
    # Folding the sidebar away gives the section being read the width; the checklist runs on.
    assert report["reading_without_sidebar"] >= report["reading_with_sidebar"] + 300
    assert report["still_at_note"]
    assert shot.stat().st_size > 0
    print(f"screenshot: {shot}")
