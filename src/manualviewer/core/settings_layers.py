"""Settings in layers: the built-in defaults, under the organisation's file (set by IT for every
desktop, with a `locked` list of keys users cannot change), under the user's own file.

Each effective value knows where it came from (`Source`), so the Settings dialog can show a locked
value read-only and `manualviewer settings show` can say who set what. A broken organisation file
is reported with file:line and left out: the app starts on the defaults and the user's file.
Saving writes to the user's file only what the user chose, never a locked key, so the
organisation's later changes still reach every desktop.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from manualviewer.core.settings import (
    Settings,
    SettingsError,
    SmtpSettings,
    _toml_list,
    _toml_str,
    settings_from_dict,
)

LOCKED_KEY = "locked"


class Source(StrEnum):
    DEFAULT = "default"
    ORGANISATION = "organisation"
    USER = "user"


def setting_keys() -> tuple[str, ...]:
    """Every setting, flat: `officer_name`, ..., `smtp.host`, `smtp.port`, ..."""
    keys: list[str] = []
    for f in dataclasses.fields(Settings):
        if f.name == "smtp":
            keys += [f"smtp.{g.name}" for g in dataclasses.fields(SmtpSettings)]
        else:
            keys.append(f.name)
    return tuple(keys)


SETTING_KEYS = setting_keys()


def flatten(settings: Settings) -> dict[str, Any]:
    values = {k: getattr(settings, k) for k in SETTING_KEYS if not k.startswith("smtp.")}
    values.update({k: getattr(settings.smtp, k[5:]) for k in SETTING_KEYS if k.startswith("smtp.")})
    return values


def unflatten(values: Mapping[str, Any]) -> Settings:
    smtp = SmtpSettings(**{k[5:]: v for k, v in values.items() if k.startswith("smtp.")})
    return Settings(**{k: v for k, v in values.items() if not k.startswith("smtp.")}, smtp=smtp)


@dataclass(frozen=True)
class Problem:
    """A settings file that was left out or a value that was ignored, as `file:line: key: message`."""

    path: Path
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


@dataclass(frozen=True)
class Layered:
    settings: Settings
    sources: Mapping[str, Source]
    locked: frozenset[str] = frozenset()  # flat keys ("smtp" in the file locks every smtp.* key)
    organisation: Settings = field(default_factory=Settings)  # defaults under the organisation's file
    user_keys: frozenset[str] = frozenset()  # what the user's file sets (locked ones included)
    problems: tuple[Problem, ...] = ()
    user_error: SettingsError | None = None  # the user's own file could not be used

    def is_locked(self, key: str) -> bool:
        return key in self.locked or (key == "smtp" and any(k.startswith("smtp.") for k in self.locked))


@dataclass(frozen=True)
class _File:
    settings: Settings
    keys: frozenset[str]
    locked: frozenset[str]


def layer_settings(site_path: Path | None, user_path: Path) -> Layered:
    """The effective settings. Never raises: a broken file is left out and named in `problems`
    (and, for the user's own file, in `user_error`, which the app shows where settings are used)."""
    problems: list[Problem] = []
    site: _File | None = None
    if site_path is not None:
        try:
            site = _read(site_path, allow_locked=True)
        except _FileError as exc:
            problems.append(exc.problem)
    user: _File | None = None
    user_error: SettingsError | None = None
    try:
        user = _read(user_path, allow_locked=False)
    except _FileError as exc:
        problems.append(exc.problem)
        user_error = exc.error
    locked = site.locked if site else frozenset()
    org_values = flatten(Settings())
    sources = dict.fromkeys(SETTING_KEYS, Source.DEFAULT)
    if site:
        org_values.update({k: v for k, v in flatten(site.settings).items() if k in site.keys})
        # A locked key the file leaves out is the organisation's choice of the default.
        sources.update(dict.fromkeys(site.keys | locked, Source.ORGANISATION))
    values = dict(org_values)
    if user:
        for key in sorted(user.keys & locked):
            problems.append(Problem(user_path, _line_of(user_path, key), key,
                                    "set by your organisation and locked: your value is not used"))
        chosen = user.keys - locked
        values.update({k: v for k, v in flatten(user.settings).items() if k in chosen})
        sources.update(dict.fromkeys(chosen, Source.USER))
    organisation = unflatten(org_values)
    settings = unflatten(values)
    # How the values combine is checked once they are together (a relay from one file, the
    # channel from the other); the file that set the key in question gets the blame.
    try:
        settings.validate()
    except SettingsError as exc:
        to_blame = user_path if sources.get(exc.key) is Source.USER or site is None else site_path
        assert to_blame is not None
        # A key that is missing has no line: point at the choice that needs it.
        line = _line_of(to_blame, exc.key) or _line_of(to_blame, "escalation_channel")
        problem = Problem(to_blame, line, exc.key, exc.message)
        problems.append(problem)
        if to_blame == user_path:  # the organisation's values and the defaults, as for a broken file
            user_error, user, settings = SettingsError(user_path, exc.key, exc.message), None, organisation
            sources = {k: Source.ORGANISATION if site and k in site.keys else Source.DEFAULT for k in SETTING_KEYS}
        else:  # the organisation's own values do not work together: the user's file alone
            site, organisation, locked = None, Settings(), frozenset()
            settings = user.settings if user else Settings()
            sources = {k: Source.USER if user and k in user.keys else Source.DEFAULT for k in SETTING_KEYS}
    return Layered(settings, sources, locked, organisation, user.keys if user else frozenset(),
                   tuple(problems), user_error)


def user_toml(chosen: Settings, layered: Layered) -> str:
    """The user's file for `chosen`: the keys they had set and those they changed from what the
    organisation (or the default) gives, never a locked key."""
    new, base = flatten(chosen), flatten(layered.organisation)
    keys = [k for k in SETTING_KEYS if k not in layered.locked and (k in layered.user_keys or new[k] != base[k])]
    lines = ["# manualviewer settings: yours, over any your organisation sets. Passwords never go",
             "# here: smtp.password_env names an environment variable that holds the SMTP password."]
    lines += [f"{k} = {_toml_value(new[k])}" for k in keys if not k.startswith("smtp.")]
    smtp = [f"{k[5:]} = {_toml_value(new[k])}" for k in keys if k.startswith("smtp.")]
    if smtp:
        lines += ["", "[smtp]", *smtp]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return _toml_list([str(v) for v in value])
    if value is None:
        return '""'
    return _toml_str(str(value))  # strings, enums (their value) and paths


# ---------------------------------------------------------------------------------------------
# Reading one file


class _FileError(Exception):
    def __init__(self, problem: Problem, error: SettingsError) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.error = error


def _read(path: Path, *, allow_locked: bool) -> _File | None:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _fail(path, None, "", f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise _fail(path, None, "", f"not UTF-8 text: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        raise _fail(path, int(found.group(1)) if found else None, "", f"not valid TOML: {exc}") from exc
    locked: frozenset[str] = frozenset()
    if allow_locked and LOCKED_KEY in data:
        locked = _locked(data.pop(LOCKED_KEY), path, text)
    try:
        settings = settings_from_dict(data, path, check=False)
    except SettingsError as exc:
        raise _fail(path, _line_in(text, exc.key), exc.key, exc.message) from exc
    keys = {k for k in data if k != "smtp"}
    smtp = data.get("smtp", {})
    keys |= {f"smtp.{k}" for k in smtp}
    return _File(settings, frozenset(keys), locked)


def _locked(value: object, path: Path, text: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, _line_in(text, LOCKED_KEY), LOCKED_KEY, "must be a list of setting names")
    keys: set[str] = set()
    for name in value:
        name = name.strip()
        if name == "smtp":
            keys |= {k for k in SETTING_KEYS if k.startswith("smtp.")}
        elif name in SETTING_KEYS:
            keys.add(name)
        else:
            raise _fail(path, _line_in(text, LOCKED_KEY), LOCKED_KEY,
                        f"{name!r} is not a setting (known: smtp, {', '.join(SETTING_KEYS)})")
    return frozenset(keys)


def _fail(path: Path, line: int | None, key: str, message: str) -> _FileError:
    return _FileError(Problem(path, line, key, message), SettingsError(path, key, message))


def _line_of(path: Path, key: str) -> int | None:
    try:
        return _line_in(path.read_text(encoding="utf-8"), key)
    except (OSError, UnicodeDecodeError):
        return None


def _line_in(text: str, key: str) -> int | None:
    """The line that sets `key` (`smtp.host` under `[smtp]` or written dotted), for file:line."""
    table, _, name = key.rpartition(".")
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]", stripped)
        if header:
            current = header.group(1)
            if current == key:  # `[smtp]` itself for the key "smtp"
                return number
            continue
        setting = re.match(r"^([A-Za-z0-9_.\"-]+)\s*=", stripped)
        if not setting:
            continue
        written = setting.group(1).replace('"', "")
        full = f"{current}.{written}" if current else written
        if full == key or (not table and not current and written == name):
            return number
    return None


__all__ = ["SETTING_KEYS", "Layered", "Problem", "Source", "flatten", "layer_settings", "unflatten", "user_toml"]
