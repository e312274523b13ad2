"""The user's settings file at its platform location (core.settings knows nothing of paths)."""

from __future__ import annotations

from pathlib import Path

from manualviewer.core.settings import Settings, load_settings, save_settings
from manualviewer.storage import paths


def load_user_settings() -> Settings:
    """Settings from paths.settings_path(); defaults when there is no file. Raises SettingsError."""
    return load_settings(paths.settings_path())


def save_user_settings(settings: Settings) -> None:
    """Write settings to paths.settings_path() atomically, mode 0600."""
    save_settings(settings, paths.settings_path())


def configured_content_folders() -> tuple[Path, ...]:
    """The content folders named in the settings; none when the file is missing or broken (the
    app and the commands report a broken settings file where they use the rest of it)."""
    try:
        return load_user_settings().content_folders
    except Exception:
        return ()
