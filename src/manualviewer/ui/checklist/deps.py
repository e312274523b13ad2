"""What the live checklists are built from, in one frozen value: the stores, how settings are
read and saved, how escalations are sent, the clock and (in tests) a fixed set of procedures.
The app passes it to install_checklists, which hands it to the controller."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from manualviewer.core.procedures import Procedure
from manualviewer.core.settings import Settings
from manualviewer.storage.clock import Clock, utc_now
from manualviewer.storage.outbox import Channel, channel_from_settings
from manualviewer.storage.settings_file import save_user_settings
from manualviewer.storage.stores import Stores

__all__ = ["ChannelFactory", "ChecklistDeps", "Clock", "SettingsLoader", "SettingsSaver", "default_channel",
           "utc_now"]

SettingsLoader = Callable[[], Settings]
SettingsSaver = Callable[[Settings], None]
ChannelFactory = Callable[[Settings], Channel]


def _desktop_opener(url: str) -> bool:
    return bool(QDesktopServices.openUrl(QUrl(url)))


def default_channel(settings: Settings) -> Channel:
    """The channel the settings name, and only that one (mailto opens the desktop mail program)."""
    return channel_from_settings(settings, opener=_desktop_opener)


@dataclass(frozen=True)
class ChecklistDeps:
    stores: Stores
    settings_loader: SettingsLoader
    settings_saver: SettingsSaver = save_user_settings
    channel_factory: ChannelFactory = default_channel
    clock: Clock = utc_now
    procedures: Mapping[str, Procedure] | None = None
