"""Procedure field patterns (`pattern:`): refused in `check` when they could backtrack for ever,
and run with a time bound in any case.

Two locks, because either alone leaves a gap. The check catches the usual culprit, a repeat
inside a repeat such as `(a+)+$` or `(\\w*)*`, and says so with the file's line, so an author
fixes it before anyone types an answer. The `regex` package's `timeout=` bounds whatever the check
cannot see (overlapping alternatives like `(a|a)*$`): a match that runs past MATCH_TIMEOUT is
treated as "cannot check this answer" instead of freezing the window. The standard `re` has no
timeout, and a safe engine (RE2) would need a compiled extension the packaged app does not ship."""

from __future__ import annotations

import re
from typing import Any

import regex

MATCH_TIMEOUT = 0.25  # seconds; a sane field pattern matches a 4,000-character answer in microseconds
MAX_PATTERN_LENGTH = 500

_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


class PatternTimeout(Exception):
    """The pattern took longer than MATCH_TIMEOUT on this text."""


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` is refused (not valid, too long, or a repeat inside a repeat), or None."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"the pattern is {len(pattern)} characters; the limit is {MAX_PATTERN_LENGTH}"
    try:
        regex.compile(pattern)
        parsed = _parse(pattern)
    except (re.error, regex.error) as exc:
        return f"not a valid pattern: {exc}"
    except RecursionError:
        return "the pattern is nested too deeply"
    if _nested_repeat(parsed, inside_repeat=False):
        return ("a repeat inside a repeat (like (a+)+) can take for ever on a long answer; "
                "write it without the outer repeat, e.g. a+ instead of (a+)+")
    return None


def fullmatch(pattern: str, text: str) -> bool:
    """Whether `text` matches all of `pattern`, bounded in time (PatternTimeout past the bound)."""
    try:
        return regex.fullmatch(pattern, text, timeout=MATCH_TIMEOUT) is not None
    except TimeoutError as exc:
        raise PatternTimeout(pattern) from exc


def _parse(pattern: str) -> Any:
    # The standard library's own parser (what re.compile runs): a tree of (op, argument) pairs.
    parser: Any = getattr(re, "_parser")  # noqa: B009 - private module, no stub: typed Any on purpose
    return parser.parse(pattern)


def _nested_repeat(items: Any, *, inside_repeat: bool) -> bool:
    """Whether a repeat that can run more than once holds a repeat of variable length: then the
    outer one can split the same text in exponentially many ways. A fixed count inside, as in
    `(\\d{3}-)+`, splits one way only and is fine."""
    for op, arg in items:
        name = str(op)
        if name in _REPEATS:
            low, high, body = arg
            if inside_repeat and low != high and body.getwidth()[1] > 0:
                return True
            if _nested_repeat(body, inside_repeat=inside_repeat or high > 1):
                return True
        elif name == "SUBPATTERN":
            if _nested_repeat(arg[-1], inside_repeat=inside_repeat):
                return True
        elif name == "BRANCH":
            if any(_nested_repeat(branch, inside_repeat=inside_repeat) for branch in arg[1]):
                return True
        elif name in {"ATOMIC_GROUP", "ASSERT", "ASSERT_NOT"}:
            body = arg[-1] if isinstance(arg, tuple) else arg
            if _nested_repeat(body, inside_repeat=inside_repeat):
                return True
    return False
