"""The user's settings file at its platform location (core.settings knows nothing of paths)."""

from __future__ import annotations

from manualviewer.core.settings import Settings, load_settings, save_settings
from manualviewer.storage import paths


def load_user_settings() -> Settings:
    """Settings from paths.settings_path(); defaults when there is no file. Raises SettingsError."""
    return load_settings(paths.settings_path())


def save_user_settings(settings: Settings) -> None:
    """Write settings to paths.settings_path() atomically, mode 0600."""
    save_settings(settings, paths.settings_path())
