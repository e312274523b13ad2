"""Build folders a killed build left behind (kill -9 during `index`, a power cut).

A full build writes into its own folder `MAIN.building.XXXX` next to the index and swaps it in
when done; killed, the folder stays. One is abandoned when no writer holds its write lock and it
is older than STALE_SECONDS (which covers a build between making its folder and taking the lock).
Whoosh's writer lock is an exclusive flock on the lock file, released by the kernel when its
process dies: taking it here without waiting tells a live build from a dead one.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

STALE_SECONDS = 60.0


def remove_stale(index_dir: Path, prefix: str, lock_name: str) -> list[str]:
    """Remove the abandoned build folders `prefix.*` in `index_dir`; one message for each."""
    try:
        import fcntl
    except ImportError:  # not a Unix: leave them (a later build does not read them)
        return []
    if not index_dir.is_dir():
        return []
    messages: list[str] = []
    for folder in sorted(index_dir.glob(prefix + ".*")):
        try:
            if not folder.is_dir() or time.time() - folder.stat().st_mtime < STALE_SECONDS:
                continue
            fd = os.open(folder / lock_name, os.O_CREAT | os.O_WRONLY, 0o600)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a build is running there
                shutil.rmtree(folder)
            finally:
                os.close(fd)
        except OSError as exc:
            messages.append(f"could not remove the unfinished index build {folder}: {exc}")
        else:
            messages.append(f"removed an unfinished index build left behind: {folder.name}")
    return messages
