"""The packaged app (packaging/): build the one-folder app and the .deb from this checkout,
validate its desktop entry and metainfo, install it with dpkg, start the installed app on a
real X server, hand it a manualviewer:// link from a second process, and remove it.

Slow (the build takes minutes): it runs when CI is set (the README's test command in CI) or
MANUALVIEWER_TEST_PACKAGE=1; otherwise each test is skipped with that reason.
MANUALVIEWER_TEST_PACKAGE_DEB=path tests an already built .deb instead of building one (for
working on this test; CI always builds)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from manualviewer import __version__

ROOT = Path(__file__).resolve().parents[2]
ID = "org.manualviewer.ManualViewer"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)

pytestmark = [
    pytest.mark.package,
    pytest.mark.skipif(not (os.environ.get("CI") or os.environ.get("MANUALVIEWER_TEST_PACKAGE")),
                       reason="builds the .deb (minutes): runs in CI, or set MANUALVIEWER_TEST_PACKAGE=1"),
]


def _needs(tool: str) -> None:
    if shutil.which(tool) is None:
        message = f"{tool} is not installed (scripts/system-packages.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def deb() -> Path:
    given = os.environ.get("MANUALVIEWER_TEST_PACKAGE_DEB")
    if given:
        return Path(given)
    _needs("dpkg-deb")
    build = subprocess.run(["sh", "packaging/build-linux.sh"], cwd=ROOT, capture_output=True, text=True,
                           timeout=3600)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    built = sorted((ROOT / "dist").glob(f"manualviewer_{__version__}_*.deb"))
    assert len(built) == 1, built
    return built[0]


@pytest.fixture(scope="module")
def unpacked(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("deb")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    subprocess.run(["dpkg-deb", "-e", str(deb), str(root / "DEBIAN")], check=True)
    return root


def test_package_holds_the_app_its_desktop_files_and_licences(deb: Path, unpacked: Path) -> None:
    assert deb.name == f"manualviewer_{__version__}_amd64.deb"
    control = (unpacked / "DEBIAN" / "control").read_text()
    assert "Package: manualviewer\n" in control and f"Version: {__version__}\n" in control
    app = unpacked / "opt" / "manualviewer"
    version = subprocess.run([str(app / "manualviewer"), "--version"], capture_output=True, text=True,
                             timeout=120, check=True)
    assert version.stdout.strip() == f"manualviewer {__version__}"
    internal = app / "_internal"
    assert (internal / "manualviewer" / "bundled" / "dmbm" / "DMBM511015.md").is_file()
    assert (internal / "manualviewer" / "resources" / "manualviewer.svg").is_file()
    assert {p.name for p in (internal / "licences").iterdir()} >= {
        "LICENSE", "THIRD-PARTY-LICENCES.md", "OGL-ATTRIBUTION.md"}
    # Trimmed: none of the large Qt modules the app does not use travel with it.
    qt_libs = {p.name for p in (internal / "PySide6" / "Qt" / "lib").iterdir()}
    for unused in ("Qml", "Quick", "WebEngine", "3D", "Multimedia", "Pdf", "Designer"):
        assert not [name for name in qt_libs if name.startswith(f"libQt6{unused}")], unused
    share = unpacked / "usr" / "share"
    for size in ICON_SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{ID}.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{ID}.svg").is_file()
    assert (share / "doc" / "manualviewer" / "copyright").is_file()
    assert os.access(unpacked / "DEBIAN" / "postinst", os.X_OK) and os.access(unpacked / "DEBIAN" / "postrm",
                                                                               os.X_OK)


def test_desktop_entry_and_metainfo_validate(unpacked: Path) -> None:
    _needs("desktop-file-validate")
    _needs("appstreamcli")
    entry = unpacked / "usr" / "share" / "applications" / f"{ID}.desktop"
    metainfo = unpacked / "usr" / "share" / "metainfo" / f"{ID}.metainfo.xml"
    checked = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout + checked.stderr
    checked = subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True,
                             text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = entry.read_text()
    assert "\nExec=manualviewer %u\n" in text
    assert "\nMimeType=x-scheme-handler/manualviewer;\n" in text
    assert f"\nIcon={ID}\n" in text
    assert f'<release version="{__version__}"' in metainfo.read_text()


def _windows(display: str) -> list[tuple[str, str]]:
    """(title, WM_CLASS class) of each named top-level window on the display."""
    tree = subprocess.run(["xwininfo", "-root", "-tree"], env={**os.environ, "DISPLAY": display},
                          capture_output=True, text=True, timeout=30).stdout
    return re.findall(r'^\s+0x[0-9a-f]+ "(.*)": \("[^"]*" "([^"]*)"\)', tree, re.MULTILINE)


def _wait_for_window(display: str, app: subprocess.Popen[str], starts_with: str) -> tuple[str, str]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # waiting for the window to exist, not timing it
        for title, wm_class in _windows(display):
            if title.startswith(starts_with):
                return title, wm_class
        if app.poll() is not None:
            pytest.fail(f"the installed app ended early: {app.communicate()}")
        time.sleep(0.2)
    pytest.fail(f"no window titled {starts_with!r}: {_windows(display)}")


@pytest.fixture
def installed(deb: Path) -> Iterator[None]:
    if os.geteuid() != 0:
        pytest.skip("installing the .deb needs root (dpkg -i); run the tests as root, as CI does")
    _needs("dpkg")
    subprocess.run(["dpkg", "-i", str(deb)], check=True, capture_output=True, timeout=600)
    try:
        yield
    finally:
        removed = subprocess.run(["dpkg", "-r", "manualviewer"], capture_output=True, text=True, timeout=600)
        assert removed.returncode == 0, removed.stderr
        assert not Path("/opt/manualviewer").exists()
        assert not Path("/usr/bin/manualviewer").exists()
        assert not Path(f"/usr/share/applications/{ID}.desktop").exists()


def test_installed_app_starts_and_opens_a_link_from_a_second_process(installed: None, xvfb: str) -> None:
    _needs("xwininfo")
    command = shutil.which("manualviewer", path="/usr/bin")
    assert command == "/usr/bin/manualviewer"
    version = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=120, check=True)
    assert version.stdout.strip() == f"manualviewer {__version__}"
    for size in ICON_SIZES:
        assert Path(f"/usr/share/icons/hicolor/{size}x{size}/apps/{ID}.png").is_file()

    env = {**os.environ, "DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb"}
    app = subprocess.Popen([command], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        title, wm_class = _wait_for_window(xvfb, app, "Manual Viewer")
        assert wm_class == "manualviewer"  # the desktop entry's StartupWMClass
        # What the desktop does with a manualviewer: link: Exec=manualviewer %u.
        second = subprocess.run([command, "manualviewer://DMBM511015"], env=env, capture_output=True, text=True,
                                timeout=120)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "Passed to the running Manual Viewer" in second.stdout
        title, _ = _wait_for_window(xvfb, app, "DMBM511015 ")
        assert title.endswith("- Manual Viewer")
        assert app.poll() is None  # the second process opened it in this window, not its own
        # The test's home has seen the first-run welcome (tests/conftest.py): no modal dialog.
        assert not [t for t, _c in _windows(xvfb) if t.startswith("Welcome")]
    finally:
        app.terminate()
        app.communicate(timeout=60)
