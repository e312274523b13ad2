"""Where the user's files live. Tests redirect these through the XDG_* variables."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import platformdirs

APP_NAME = "manualviewer"


def _private_dir(path: Path) -> Path:
    # The user's notes and escalations are theirs alone: folders 0700, files 0600.
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def data_dir_path() -> Path:
    """Where data_dir() is, without making it (for a look that must leave no trace)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return _private_dir(data_dir_path())


def cache_dir_path() -> Path:
    """Where cache_dir() is, without making it."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    return _private_dir(cache_dir_path())


def config_dir() -> Path:
    return _private_dir(Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)))


def state_dir() -> Path:
    return _private_dir(Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)))


def database_path() -> Path:
    return data_dir() / "manualviewer.sqlite3"


def training_database_path() -> Path:
    return data_dir() / "training.sqlite3"


def settings_path() -> Path:
    return config_dir() / "settings.toml"


def folders_key(folders: Iterable[Path]) -> str:
    """The name of a set of content folders in the names of its caches (storage/content_caches.py)."""
    return hashlib.sha256("\n".join(str(Path(f).resolve()) for f in folders).encode()).hexdigest()[:16]


def library_cache_path(folders: Iterable[Path]) -> Path:
    """One cache of parsed content per set of content folders (see core.content.loader)."""
    cache_dir()
    return _library_cache(folders_key(folders))


def index_dir(folders: Iterable[Path]) -> Path:
    """One search index per set of content folders: a search of another library from the
    command line never rewrites the index the app uses."""
    cache_dir()
    return _index(folders_key(folders))


def caches_of(key: str) -> tuple[Path, ...]:
    """Every cache of the set of content folders with this key: its search index, its cache
    of parsed content and the library snapshot beside it (core.content.loader.snapshot_path)."""
    library = _library_cache(key)
    return _index(key), library, library.with_suffix(".snapshot")


def _index(key: str) -> Path:
    return cache_dir_path() / f"index-{key}"


def _library_cache(key: str) -> Path:
    return cache_dir_path() / f"library-{key}.pickle"
