"""A virtual X server (Xvfb) of a given screen size, for the tests that start the real app."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    raise RuntimeError("no free X display number")


@contextmanager
def running_xvfb(size: str = "1366x768") -> Iterator[str]:
    """An X server with one screen of `size` (WIDTHxHEIGHT); yields its DISPLAY."""
    if shutil.which("Xvfb") is None:
        if os.environ.get("CI"):
            pytest.fail("Xvfb is not installed: scripts/system-packages.sh should have installed it")
        pytest.skip("Xvfb is not installed (scripts/system-packages.sh installs it)")
    number = _free_display()
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    socket = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + 20
    while not socket.exists():  # waiting for a server to come up, not timing the app
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Xvfb did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
        time.sleep(0.05)
    try:
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(10)
