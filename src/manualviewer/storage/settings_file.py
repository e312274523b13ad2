"""The settings files at their platform locations (core.settings knows nothing of paths): the
organisation's (platformdirs site_config_dir, e.g. /etc/xdg/manualviewer/settings.toml, or
$MANUALVIEWER_SITE_CONFIG) under the user's own (user_config_dir). See core.settings_layers."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from manualviewer.core.files import atomic_write
from manualviewer.core.settings import Settings
from manualviewer.core.settings_layers import Layered, layer_settings, user_toml
from manualviewer.storage import paths

SITE_CONFIG_ENV = "MANUALVIEWER_SITE_CONFIG"  # the organisation's file elsewhere (tests, trials)


def site_settings_path() -> Path:
    """The organisation's settings file: $MANUALVIEWER_SITE_CONFIG, else the first folder of
    site_config_dir (XDG_CONFIG_DIRS, /etc/xdg; %PROGRAMDATA% on Windows)."""
    override = os.environ.get(SITE_CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.site_config_dir(paths.APP_NAME, appauthor=False)) / "settings.toml"


def load_layered() -> Layered:
    """Defaults, the organisation's file, the user's file; never raises (problems are listed)."""
    return layer_settings(site_settings_path(), paths.settings_path())


def organisation_settings() -> tuple[frozenset[str], str]:
    """The keys the organisation locked, and a sentence when its settings file is not used."""
    layered = load_layered()
    problems = [str(p) for p in layered.problems if p.path != paths.settings_path()]
    notice = ("Your organisation's settings file has a problem and is not used: " + "; ".join(problems)
              if problems else "")
    return layered.locked, notice


def load_user_settings() -> Settings:
    """The effective settings (organisation's under the user's). Raises SettingsError when the
    user's own file cannot be used; a broken organisation file is left out (load_layered says so)."""
    layered = load_layered()
    if layered.user_error is not None:
        raise layered.user_error
    return layered.settings


def save_user_settings(settings: Settings) -> None:
    """Write what the user chose to paths.settings_path() atomically, mode 0600: the values they
    set or changed from the organisation's, never a locked one."""
    path = paths.settings_path()
    settings.validate(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, user_toml(settings, load_layered()), mode=0o600)


def locked_settings() -> frozenset[str]:
    return load_layered().locked


def configured_content_folders() -> tuple[Path, ...]:
    """The content folders the settings name (the organisation's or the user's); none when the
    files are missing or broken (the app and the commands report a broken file where they use it)."""
    try:
        return load_layered().settings.content_folders
    except Exception:
        return ()
