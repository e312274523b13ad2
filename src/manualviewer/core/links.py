"""Links into the app from outside: `manualviewer://ID`, `manualviewer://section/ID`,
`manualviewer:ID`, and GOV.UK manual addresses (`https://www.gov.uk/hmrc-internal-manuals/<manual>/<section>`).

Pure text work, no Qt: the CLI, the single-instance message and the search box share it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from manualviewer.core.model import normalise_id

SCHEME = "manualviewer"
GOVUK_HOSTS = ("www.gov.uk", "gov.uk")
GOVUK_MANUALS_PATH = "hmrc-internal-manuals"

# What a section ID may hold once spaces are gone and letters upper-cased (DMBM511015, VATREC1010).
# Anything else (slashes, dots, quotes...) is not an ID, so a mistyped link says so instead of
# looking up nonsense.
_ID_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,63}$")


class LinkError(ValueError):
    """Text that is a link of ours (its scheme or address says so) but names no usable section."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"{text}: {reason}")


@dataclass(frozen=True)
class Link:
    section_id: str  # normalised (upper case, no spaces); may still be missing from the library
    manual: str = ""  # a GOV.UK address's manual slug ("debt-management-and-banking"); "" for ours


def is_link(text: str) -> bool:
    """True for text that claims to be a link we handle (parse_link then says whether it is good)."""
    t = text.strip().lower()
    if t.startswith(f"{SCHEME}:"):
        return True
    parts = urlsplit(t)
    return parts.scheme in ("http", "https") and parts.hostname in GOVUK_HOSTS \
        and parts.path.strip("/").split("/", 1)[0] == GOVUK_MANUALS_PATH


def parse_link(text: str) -> Link | None:
    """The section a link opens; None when `text` is no link of ours (a plain ID or a search).

    Raises LinkError for a manualviewer: link or a GOV.UK manual address that names no section
    (`manualviewer://`, a manual's front page, an ID holding characters no ID has)."""
    stripped = text.strip()
    if not is_link(stripped):
        return None
    parts = urlsplit(stripped)  # the query string and fragment are dropped: they never pick a section
    if parts.scheme.lower() == SCHEME:
        return Link(_section_id(stripped, _manualviewer_target(parts.netloc, parts.path)))
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if len(segments) < 3:
        raise LinkError(stripped, "this GOV.UK address is a manual's contents page, not one section")
    if len(segments) > 3:
        raise LinkError(stripped, "not a GOV.UK manual section address")
    return Link(_section_id(stripped, segments[2]), segments[1].strip().lower())


@dataclass(frozen=True)
class Target:
    """What opening a reference comes to: the library's section, or a message saying why not."""

    section_id: str  # the library's key when found; else the ID asked for ("" when none could be read)
    found: bool
    message: str = ""


def reference_target(text: str, resolve: Callable[[str], str | None]) -> Target:
    """Where a section ID, a manualviewer: link or a GOV.UK address leads in a library whose
    `resolve` maps an ID (or an old alias) to its key."""
    try:
        link = parse_link(text)
    except LinkError as exc:
        return Target("", False, f"That link cannot be opened: {exc.reason}.")
    wanted = link.section_id if link is not None else normalise_id(text)
    key = resolve(wanted) if wanted else None
    if key is None:
        where = "The link you opened names" if link is not None else "You asked for"
        return Target(wanted, False, f"{wanted or text.strip()!s} is not in this library. {where} a section "
                                     "that was not loaded; search for its title, or ask for its manual to be added.")
    return Target(key, True)


def link_for(section_id: str) -> str:
    """The manualviewer: link that opens a section (what "Copy link" copies)."""
    return f"{SCHEME}://{normalise_id(section_id)}"


def _manualviewer_target(netloc: str, path: str) -> str:
    # manualviewer://ID, manualviewer://section/ID, manualviewer:ID, manualviewer:section/ID,
    # manualviewer:///ID; a trailing slash is allowed.
    segments = [unquote(s) for s in f"{netloc}/{path}".split("/") if s]
    if segments and segments[0].lower() == "section":
        segments = segments[1:]
    if len(segments) != 1:
        return ""
    return segments[0]


def _section_id(text: str, raw: str) -> str:
    if not raw.strip():
        raise LinkError(text, "the link names no section")
    key = normalise_id(raw)
    if not _ID_RE.match(key):
        raise LinkError(text, f"{raw.strip()!r} is not a section ID")
    return key


__all__ = ["GOVUK_HOSTS", "SCHEME", "Link", "LinkError", "Target", "is_link", "link_for", "parse_link",
           "reference_target"]
