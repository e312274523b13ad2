"""The app's own identity on screen: its icon (resources/manualviewer.svg, installed as
manualviewer.resources) and the version and licences Help > About shows."""

from __future__ import annotations

import html
import importlib.resources
import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtGui import QIcon

from manualviewer import __version__

ICON_FILE = "manualviewer.svg"
# The desktop entry's name without ".desktop" (packaging/linux/): also the AppStream id and the
# icon's name in the hicolor theme, so the task bar ties the window to its entry and icon.
DESKTOP_ID = "org.manualviewer.ManualViewer"
LICENCES_FILE = "THIRD-PARTY-LICENCES.md"

# What the app bundles beside its own code, for the About box (the full list, with where each
# licence text is found, is THIRD-PARTY-LICENCES.md in resources/, shipped with every install).
THIRD_PARTY = (
    ("Qt and PySide6", "LGPL v3"),
    ("Python", "PSF licence"),
    ("NumPy, Whoosh (whoosh-reloaded), PyStemmer and Snowball", "BSD licences"),
    ("markdown-it-py, mdit-py-plugins, PyYAML, platformdirs, markdownify, Beautiful Soup", "MIT licence"),
)


def app_icon() -> QIcon:
    """The app icon, drawn from the SVG at whatever size the desktop asks for."""
    with importlib.resources.as_file(importlib.resources.files("manualviewer.resources") / ICON_FILE) as path:
        return QIcon(str(path))


def version_line() -> str:
    return (f"Version {__version__} \u00b7 Qt {qVersion()} \u00b7 PySide6 {pyside_version} "
            f"\u00b7 Python {platform.python_version()}")


def licences_html() -> str:
    items = "".join(f"<li>{html.escape(name)}: {html.escape(licence)}</li>" for name, licence in THIRD_PARTY)
    return (
        "<p><b>Licences.</b> Manual Viewer is free software under the MIT licence (the LICENSE file "
        "installed with it). It is built with:</p>"
        f"<ul>{items}</ul>"
        f"<p>Their licences are listed in {LICENCES_FILE}, installed with the app.</p>"
    )
