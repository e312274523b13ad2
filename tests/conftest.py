"""Every test gets its own user folders, so nothing touches the real user's data; and the bundled
library and its search index, built once a session, for tests that only read them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from manualviewer.core.content.library import Library
from manualviewer.storage.first_run import WELCOME_FILE
from tests.helpers import bundled

REPO = Path(__file__).resolve().parents[1]
BUNDLED_CONTENT = bundled.BUNDLED
SHARED = REPO.parent / "shared"
XDG_FOLDERS = (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config"),
               ("XDG_STATE_HOME", "state"))


def _redirect_user_dirs(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    for var, sub in XDG_FOLDERS:
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("MANUALVIEWER_CONTENT", raising=False)
    # No organisation's settings file unless a test writes one here (never the machine's /etc/xdg).
    monkeypatch.setenv("MANUALVIEWER_SITE_CONFIG", str(home / "site" / "settings.toml"))


def _welcome_already_seen(home: Path) -> None:
    """The first-run welcome is a modal dialog: every home has seen it, so no test, no Xvfb run and
    no installed-package run (all start the app in this home) meets it unless it asks for it
    (the `first_run` fixture)."""
    marker = home / "state" / "manualviewer" / WELCOME_FILE
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("seen (tests/conftest.py)\n", encoding="utf-8")


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    _redirect_user_dirs(monkeypatch, home)
    _welcome_already_seen(home)
    yield home


@pytest.fixture
def first_run(user_dirs: Path) -> Path:
    """A home that has never seen the first-run welcome (the app shows it)."""
    (user_dirs / "state" / "manualviewer" / WELCOME_FILE).unlink()
    return user_dirs


@pytest.fixture
def bundled_content() -> Path:
    return BUNDLED_CONTENT


@pytest.fixture(scope="session")
def bundled_library() -> Library:
    """The bundled library, loaded once a session (the same object as tests.helpers.bundled's):
    for tests that only read it. A test that changes the library works on a copy of the folder."""
    return bundled.library()


def _files_in(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def _bundled_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A user cache folder, in a session tmp dir, holding what `manualviewer search` keeps for the
    bundled library: the snapshot of the parsed library and the search index, built once. At the
    end of the session the files must be as built: the tests that share it only read it."""
    from manualviewer.services.workspace import Workspace, ensure_index

    home = tmp_path_factory.mktemp("bundled-home")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _redirect_user_dirs(monkeypatch, home)  # never the real user's folders, even for a moment
        workspace = Workspace.from_folders()  # the folders `manualviewer search` uses: the bundled library
        assert workspace.folders == (BUNDLED_CONTENT,)
        index = workspace.open_index()
        try:
            ensure_index(index, workspace.open_library())
        finally:
            index.close()
    cache = home / "cache"
    built = _files_in(cache)
    yield cache
    assert _files_in(cache) == built, "a test wrote to the shared bundled cache: give it its own (a copy)"


@pytest.fixture
def bundled_cache(_bundled_cache_home: Path, user_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user cache folder pointed at the bundled library's, built once a session, for tests
    that only search the bundled library (`manualviewer search` finds its index up to date instead
    of building one). Data, settings and state stay the test's own (`user_dirs`)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(_bundled_cache_home))
    return _bundled_cache_home
