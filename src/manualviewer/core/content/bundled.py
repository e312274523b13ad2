"""The bundled library, read through importlib.resources so an installed wheel carries it."""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

CONTENT_ENV = "MANUALVIEWER_CONTENT"


def bundled_content_dir() -> Path:
    root = importlib.resources.files("manualviewer.bundled")
    # Installed as plain files (wheel or editable); a zipped install is not supported.
    return Path(str(root))


def content_folders(
    explicit: list[Path] | None = None,
    environ: dict[str, str] | None = None,
    configured: tuple[Path, ...] = (),
) -> list[Path]:
    """--content folders win, then MANUALVIEWER_CONTENT (os.pathsep-separated), then the
    content_folders of the user's settings, then the bundled library."""
    if explicit:
        return [Path(p).expanduser() for p in explicit]
    env = (environ if environ is not None else os.environ).get(CONTENT_ENV, "")
    from_env = [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]
    return from_env or [Path(p).expanduser() for p in configured] or [bundled_content_dir()]
