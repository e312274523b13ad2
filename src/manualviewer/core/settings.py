"""The user's settings: a frozen `Settings` read from a TOML file, validated, written back atomically.

`core` never imports `storage`, so the file's location is the caller's business: pass
`manualviewer.storage.paths.settings_path()` (or use `manualviewer.storage.settings_file`).

Passwords are never stored in the file: `smtp.password_env` names an environment variable that
holds the SMTP password, and a `password` key is rejected with a message saying so.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from manualviewer.core.content.notewords import bundled_note_words
from manualviewer.core.files import atomic_write
from manualviewer.core.guarded import problem_from_exception


class EscalationChannel(StrEnum):
    MAILTO = "mailto"  # hand a mailto: URL to the desktop's email program
    SMTP = "smtp"  # send through the organisation's relay
    FOLDER = "folder"  # drop an .eml file into a folder another system collects from


# The note check's lists ship as content data (content/note-check.yaml); settings start from them.
DEFAULT_NOTE_CHECK_WORDS: tuple[str, ...] = bundled_note_words().words_to_avoid
DEFAULT_KNOWN_ABBREVIATIONS: tuple[str, ...] = bundled_note_words().known_abbreviations

MAX_PACK_SYNC_MINUTES = 7 * 24 * 60
MAX_KEEP_SECTION_VERSIONS = 1_000_000
MAX_CHANGE_ALERT_DAYS = 3650
_EMAIL_RE = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SettingsError(ValueError):
    """A settings file that cannot be used. Says which file and which key."""

    def __init__(self, path: Path | None, key: str, message: str) -> None:
        self.path = path
        self.key = key
        self.message = message
        where = str(path) if path is not None else "settings"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    starttls: bool = True
    username: str = ""
    password_env: str = ""  # name of the environment variable holding the password

    def password(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The password from the environment, or None when no variable is named or it is unset."""
        if not self.password_env:
            return None
        return (os.environ if environ is None else environ).get(self.password_env)


@dataclass(frozen=True)
class Settings:
    officer_name: str = ""
    officer_email: str = ""  # the From address of escalations (SMTP falls back to smtp.username)
    line_manager_name: str = ""
    line_manager_email: str = ""
    escalation_channel: EscalationChannel = EscalationChannel.MAILTO
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    drop_folder: Path | None = None
    note_check_words: tuple[str, ...] = DEFAULT_NOTE_CHECK_WORDS
    known_abbreviations: tuple[str, ...] = DEFAULT_KNOWN_ABBREVIATIONS
    content_folders: tuple[Path, ...] = ()
    # For the content packs to come: where packs are fetched from, and the key that signs them.
    content_sources: tuple[str, ...] = ()
    pack_public_key: str = ""
    # How often the open app syncs content_sources, in minutes (also once at start); 0: at start only.
    pack_sync_minutes: int = 60
    # Earlier texts of sections kept for "what changed" diffs (besides the current texts and the
    # texts the user read); a library with no more sections than this keeps every text.
    keep_section_versions: int = 2000
    # Each "read and understood" confirmation also goes to the line manager by escalation_channel.
    confirmations_to_line_manager: bool = False
    # Sections read (or cited by notes saved) in the last N days carry a badge when they change.
    change_alert_days: int = 30

    def validate(self, path: Path | None = None) -> Settings:
        """Raise SettingsError for combinations that cannot work; return self otherwise."""
        for key, value in (
            ("officer_email", self.officer_email),
            ("line_manager_email", self.line_manager_email),
        ):
            if value and not _EMAIL_RE.match(value):
                raise SettingsError(path, key, f"not a single email address: {value!r}")
        if not 1 <= self.smtp.port <= 65535:
            raise SettingsError(path, "smtp.port", f"must be between 1 and 65535, not {self.smtp.port}")
        if self.smtp.password_env and not _ENV_NAME_RE.match(self.smtp.password_env):
            raise SettingsError(
                path, "smtp.password_env", f"not an environment variable name: {self.smtp.password_env!r}"
            )
        if self.escalation_channel is EscalationChannel.SMTP and not self.smtp.host:
            raise SettingsError(path, "smtp.host", 'required when escalation_channel = "smtp"')
        if self.escalation_channel is EscalationChannel.SMTP and self.smtp.username and not self.smtp.starttls:
            raise SettingsError(
                path,
                "smtp.starttls",
                "must be true when smtp.username is set: manualviewer never sends your password "
                "over a connection without TLS",
            )
        if self.escalation_channel is EscalationChannel.FOLDER and self.drop_folder is None:
            raise SettingsError(path, "drop_folder", 'required when escalation_channel = "folder"')
        if not 0 <= self.pack_sync_minutes <= MAX_PACK_SYNC_MINUTES:
            raise SettingsError(path, "pack_sync_minutes",
                                f"must be between 0 (at start only) and {MAX_PACK_SYNC_MINUTES} (a week), "
                                f"not {self.pack_sync_minutes}")
        if not 10 <= self.keep_section_versions <= MAX_KEEP_SECTION_VERSIONS:
            raise SettingsError(path, "keep_section_versions",
                                f"must be between 10 and {MAX_KEEP_SECTION_VERSIONS}, not {self.keep_section_versions}")
        if not 1 <= self.change_alert_days <= MAX_CHANGE_ALERT_DAYS:
            raise SettingsError(path, "change_alert_days",
                                f"must be between 1 and {MAX_CHANGE_ALERT_DAYS} (ten years), "
                                f"not {self.change_alert_days}")
        for key, words in (
            ("note_check_words", self.note_check_words),
            ("known_abbreviations", self.known_abbreviations),
        ):
            if any(not w.strip() for w in words):
                raise SettingsError(path, key, "entries must not be empty")
        return self


# ---------------------------------------------------------------------------------------------
# Loading

_TOP_KEYS = {
    "officer_name",
    "officer_email",
    "line_manager_name",
    "line_manager_email",
    "escalation_channel",
    "smtp",
    "drop_folder",
    "note_check_words",
    "known_abbreviations",
    "confirmations_to_line_manager",
    "content_folders",
    "content_sources",
    "pack_public_key",
    "pack_sync_minutes",
    "keep_section_versions",
    "change_alert_days",
}
_SMTP_KEYS = {"host", "port", "starttls", "username", "password_env"}


MAX_SETTINGS_BYTES = 1024 * 1024


def load_settings(path: Path) -> Settings:
    """Settings from `path`; defaults when the file does not exist. Raises SettingsError."""
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            raise SettingsError(path, "", f"the file is larger than {MAX_SETTINGS_BYTES:,} bytes, so it is not read")
        raw = path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            raise SettingsError(path, "", "the file is a link to a file that does not exist") from None
        return Settings()
    except OSError as exc:
        raise SettingsError(path, "", f"cannot read: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SettingsError(path, "", f"not UTF-8 text: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(path, "", f"not valid TOML: {exc}") from exc
    except Exception as exc:  # the guard (core/guarded.py): a RecursionError too is one clear error
        raise SettingsError(path, "", str(problem_from_exception(path, exc).message)) from exc
    return settings_from_dict(data, path)


def settings_from_dict(data: Mapping[str, Any], path: Path | None = None, *, check: bool = True) -> Settings:
    """Validate a parsed TOML document. Relative paths are taken from the settings file's folder.
    `check=False` checks each value but not how they combine (one layer of several: the
    organisation's file may name the relay the user's file chooses)."""
    base = path.parent if path is not None else None
    _reject_unknown(data, _TOP_KEYS, "", path)
    smtp_data = data.get("smtp", {})
    if not isinstance(smtp_data, dict):
        raise SettingsError(path, "smtp", "must be a table ([smtp])")
    if "password" in smtp_data:
        raise SettingsError(
            path,
            "smtp.password",
            "passwords are never stored in the settings file; set smtp.password_env to the name "
            "of an environment variable that holds it",
        )
    _reject_unknown(smtp_data, _SMTP_KEYS, "smtp.", path)
    defaults = SmtpSettings()
    smtp = SmtpSettings(
        host=_str(smtp_data, "host", defaults.host, "smtp.", path),
        port=_int(smtp_data, "port", defaults.port, "smtp.", path),
        starttls=_bool(smtp_data, "starttls", defaults.starttls, "smtp.", path),
        username=_str(smtp_data, "username", defaults.username, "smtp.", path),
        password_env=_str(smtp_data, "password_env", defaults.password_env, "smtp.", path),
    )
    channel_text = _str(data, "escalation_channel", EscalationChannel.MAILTO.value, "", path)
    try:
        channel = EscalationChannel(channel_text)
    except ValueError:
        choices = ", ".join(f'"{c.value}"' for c in EscalationChannel)
        raise SettingsError(
            path, "escalation_channel", f"must be one of {choices}, not {channel_text!r}"
        ) from None
    drop = _str(data, "drop_folder", "", "", path)
    settings = Settings(
        officer_name=_str(data, "officer_name", "", "", path),
        officer_email=_str(data, "officer_email", "", "", path),
        line_manager_name=_str(data, "line_manager_name", "", "", path),
        line_manager_email=_str(data, "line_manager_email", "", "", path),
        escalation_channel=channel,
        smtp=smtp,
        drop_folder=_path(drop, base) if drop else None,
        note_check_words=_str_list(data, "note_check_words", DEFAULT_NOTE_CHECK_WORDS, path),
        known_abbreviations=_str_list(data, "known_abbreviations", DEFAULT_KNOWN_ABBREVIATIONS, path),
        content_folders=tuple(_path(p, base) for p in _str_list(data, "content_folders", (), path)),
        content_sources=_str_list(data, "content_sources", (), path),
        pack_public_key=_str(data, "pack_public_key", "", "", path),
        pack_sync_minutes=_int(data, "pack_sync_minutes", 60, "", path),
        keep_section_versions=_int(data, "keep_section_versions", 2000, "", path),
        confirmations_to_line_manager=_bool(data, "confirmations_to_line_manager", False, "", path),
        change_alert_days=_int(data, "change_alert_days", 30, "", path),
    )
    return settings.validate(path) if check else settings


def _reject_unknown(data: Mapping[str, Any], known: set[str], prefix: str, path: Path | None) -> None:
    # A misspelt key would otherwise be silently ignored and the default used instead.
    for key in data:
        if key not in known:
            raise SettingsError(
                path, f"{prefix}{key}", f"unknown setting (known: {', '.join(sorted(known))})"
            )


def _str(data: Mapping[str, Any], key: str, default: str, prefix: str, path: Path | None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise SettingsError(path, prefix + key, f"must be a string, not {_toml_type(value)}")
    return value.strip()


def _int(data: Mapping[str, Any], key: str, default: int, prefix: str, path: Path | None) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(path, prefix + key, f"must be an integer, not {_toml_type(value)}")
    return value


def _bool(data: Mapping[str, Any], key: str, default: bool, prefix: str, path: Path | None) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise SettingsError(path, prefix + key, f"must be true or false, not {_toml_type(value)}")
    return value


def _str_list(
    data: Mapping[str, Any], key: str, default: tuple[str, ...], path: Path | None
) -> tuple[str, ...]:
    value = data.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(path, key, "must be a list of strings")
    return tuple(v.strip() for v in value)


def _path(text: str, base: Path | None) -> Path:
    p = Path(text).expanduser()
    if not p.is_absolute() and base is not None:
        p = base / p
    return p


def _toml_type(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


# ---------------------------------------------------------------------------------------------
# Saving


def save_settings(settings: Settings, path: Path) -> None:
    """Validate, then write `settings` to `path` atomically with mode 0600."""
    settings.validate(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, settings_to_toml(settings), mode=0o600)  # a reader sees the old file or the new one


def settings_to_toml(settings: Settings) -> str:
    # tomllib only reads, and the document is flat: strings, ints, bools, string lists, one table.
    s = settings
    lines = [
        "# manualviewer settings. Passwords never go here: smtp.password_env names an",
        "# environment variable that holds the SMTP password.",
        f"officer_name = {_toml_str(s.officer_name)}",
        f"officer_email = {_toml_str(s.officer_email)}",
        f"line_manager_name = {_toml_str(s.line_manager_name)}",
        f"line_manager_email = {_toml_str(s.line_manager_email)}",
        f"escalation_channel = {_toml_str(s.escalation_channel.value)}",
        f"drop_folder = {_toml_str(str(s.drop_folder) if s.drop_folder is not None else '')}",
        f"content_folders = {_toml_list([str(p) for p in s.content_folders])}",
        f"note_check_words = {_toml_list(s.note_check_words)}",
        f"known_abbreviations = {_toml_list(s.known_abbreviations)}",
        f"content_sources = {_toml_list(s.content_sources)}",
        f"pack_public_key = {_toml_str(s.pack_public_key)}",
        f"pack_sync_minutes = {s.pack_sync_minutes}",
        f"keep_section_versions = {s.keep_section_versions}",
        f"confirmations_to_line_manager = {'true' if s.confirmations_to_line_manager else 'false'}",
        f"change_alert_days = {s.change_alert_days}",
        "",
        "[smtp]",
        f"host = {_toml_str(s.smtp.host)}",
        f"port = {s.smtp.port}",
        f"starttls = {'true' if s.smtp.starttls else 'false'}",
        f"username = {_toml_str(s.smtp.username)}",
        f"password_env = {_toml_str(s.smtp.password_env)}",
        "",
    ]
    return "\n".join(lines)


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_str(value: str) -> str:
    out = []
    for ch in value:
        if ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_list(values: tuple[str, ...] | list[str]) -> str:
    if not values:
        return "[]"
    return "[\n" + "".join(f"    {_toml_str(v)},\n" for v in values) + "]"


__all__ = [
    "DEFAULT_KNOWN_ABBREVIATIONS",
    "DEFAULT_NOTE_CHECK_WORDS",
    "EscalationChannel",
    "Settings",
    "SettingsError",
    "SmtpSettings",
    "load_settings",
    "save_settings",
    "settings_from_dict",
    "settings_to_toml",
]
