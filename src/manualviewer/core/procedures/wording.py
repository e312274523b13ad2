"""Small pieces of wording shared by notes, messages and panels, so that what the app writes
reads as a person wrote it: local times, a question with its answer, prose without the line
breaks a YAML block leaves in it."""

from __future__ import annotations

import datetime as dt
import re

_BLOCK_START_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def local_time(moment: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """"5 Dec 2026, 07:48" in `tz` (None: the computer's own time zone). The record keeps UTC;
    people read their own clock, to the minute."""
    here = moment.astimezone(tz)
    return f"{here.day} {here:%b %Y, %H:%M}"


def with_answer(question: str, answer: str) -> str:
    """"Did the customer answer? No", "Reference: AB1": a colon only where the question has no
    punctuation of its own (never "?:")."""
    question = question.rstrip()
    if question.endswith(("?", ":", "!")):
        return f"{question} {answer}"
    return f"{question}: {answer}"


def prose(text: str) -> str:
    """Join the lines of each paragraph into one (a YAML `|` block keeps the file's line breaks,
    which would otherwise land mid-sentence in a message). Blank lines and list items stay."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(_join(p) for p in paragraphs)


def _join(paragraph: str) -> str:
    lines: list[str] = []
    for line in paragraph.splitlines():
        if lines and not _BLOCK_START_RE.match(line):
            lines[-1] = f"{lines[-1]} {line.strip()}"  # a wrapped line, or a list item's continuation
        else:
            lines.append(line.strip())
    return "\n".join(lines)


def addressee(role: str) -> str:
    """Who a concern goes to, as a sentence names them: "your line manager", "local management",
    "the Complex Case Advisory Service" (the role the guidance names in the escalate step)."""
    role = role.strip() or "line manager"
    lowered = role.lower()
    if lowered in {"line manager", "manager", "team leader", "supervisor"}:
        return f"your {role}"
    if lowered.startswith(("the ", "your ")) or lowered in {"local management", "management"}:
        return role
    return f"the {role}" if any(word[:1].isupper() for word in role.split()) else role
