"""Writing a file so that a reader (or a crash) sees the old file or the new one, never half.

The one helper for it (core may not import storage; storage imports this): the data goes to a
temporary dot-file beside the target (same folder, so the rename stays on one file system;
neither the content loader, Whoosh's clean-up nor a drop-folder collector reads dot-files), is
flushed and fsynced, renamed over the target with os.replace, and the folder is fsynced so the
rename itself survives a crash. On any failure the temporary file is removed and the target is
left as it was."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_open(path: Path, *, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary file to write `path` through (for writers that stream, such as pickle.dump):
    the target is replaced when the block ends without an exception. `mode` (e.g. 0o600) sets
    the file's permissions; None gives a new file's usual ones (0o666 less the umask)."""
    path = Path(path)
    # O_EXCL with a name no other writer uses: two processes writing the same target never
    # write into one temporary file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                 0o600 if mode is not None else 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def atomic_write(path: Path, data: bytes | str, *, mode: int | None = None) -> None:
    """Replace `path` with `data` (text is written as UTF-8, line ends as given). `mode`: as
    for `atomic_open`."""
    with atomic_open(path, mode=mode) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform (Windows): best effort.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
