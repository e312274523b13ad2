"""The note check's lists as content data (content/note-check.yaml): words to avoid, the
abbreviations every reader knows, and text-speak with what to write instead. Content, not
code, so an organisation's editors can change them; Settings add the organisation's own."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from manualviewer.core.content.bundled import bundled_content_dir

NOTE_CHECK_FILE = "note-check.yaml"


class NoteWordsError(ValueError):
    """A note-check file that cannot be used; says which file (and line, when YAML knows it)."""


@dataclass(frozen=True)
class NoteWords:
    words_to_avoid: tuple[str, ...] = ()
    known_abbreviations: tuple[str, ...] = ()
    informal: tuple[tuple[str, str], ...] = ()  # (shorthand, what to write instead)

    @property
    def informal_map(self) -> dict[str, str]:
        return dict(self.informal)


def load_note_words(path: Path) -> NoteWords:
    """The lists in `path`. Raises NoteWordsError (file:line) for anything but the three keys
    holding lists of words (and a mapping for `informal`)."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NoteWordsError(f"{path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise NoteWordsError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, Mapping):
        raise NoteWordsError(f"{path}: expected the keys words_to_avoid, known_abbreviations, informal")
    unknown = set(data) - {"words_to_avoid", "known_abbreviations", "informal"}
    if unknown:
        raise NoteWordsError(f"{path}: unknown key {sorted(unknown)[0]!r}")
    informal = data.get("informal") or {}
    if not isinstance(informal, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip() for k, v in informal.items()
    ):
        raise NoteWordsError(f"{path}: informal: expected 'shorthand: what to write instead' lines")
    return NoteWords(
        _words(data, "words_to_avoid", path),
        _words(data, "known_abbreviations", path),
        tuple((k.strip(), v.strip()) for k, v in informal.items()),
    )


def _words(data: Mapping[str, Any], key: str, path: Path) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise NoteWordsError(f"{path}: {key}: expected a list of words, one a line")
    return tuple(w.strip() for w in value)


@functools.cache
def bundled_note_words() -> NoteWords:
    """The lists that ship with the app (read once)."""
    return load_note_words(bundled_content_dir() / NOTE_CHECK_FILE)
