"""The virtual X server the end-to-end tests start the real app on."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


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
