"""A manual.md or section file's front matter, read into a `Manual` or a `Section`: required
fields, IDs as written, dates, lists and change notes checked, each problem on its key's line.
A file with an error gives no Manual or Section; warnings (unknown keys, raw HTML) do not stop it."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from manualviewer.core.content.frontmatter import Document
from manualviewer.core.content.library import Library
from manualviewer.core.model import SECTION_ID_RE, ChangeNote, Manual, MustReadMark, Section, Status, normalise_id
from manualviewer.core.problems import ContentProblem, Severity

MANUAL_KEYS = {
    "code", "title", "organisation", "summary", "source_url", "licence", "attribution", "local_ids",
    "must_read",
}
SECTION_KEYS = {
    "section_id", "title", "parent", "status", "archive_date", "superseded_by", "aliases",
    "review_by", "owner", "procedures", "change_notes", "updated", "summary", "must_read_by",
}
# Fields that are not the guidance itself: left out of the content hash, so moving a must-read
# deadline neither re-indexes the section nor asks staff to confirm it again.
_NOT_HASHED = frozenset({"must_read_by"})

MAX_ID_LENGTH = 64  # a section ID or manual code; GOV.UK's longest is 11


# HTML element names only, so a placeholder such as "<employee name>" is not taken for a tag.
_RAW_HTML_RE = re.compile(
    r"</?(?:a|abbr|b|big|blockquote|br|caption|center|cite|code|col|colgroup|dd|del|div|dl|dt|em|font|h[1-6]|hr|i"
    r"|img|ins|li|mark|ol|p|pre|s|small|span|strike|strong|sub|sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul)"
    r"\b(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_CODE_SPAN_RE = re.compile(r"(`+)[^`]*?\1")


def raw_html_problems(section: Section) -> list[ContentProblem]:
    """A warning per line with an HTML tag: the renderer shows raw HTML as text (html=False)."""
    if "<" not in section.body:
        return []
    problems: list[ContentProblem] = []
    fence = ""
    for number, line in enumerate(section.body.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            fence = "" if fence and stripped.startswith(fence) else fence or stripped[:3]
            continue
        match = None if fence else _RAW_HTML_RE.search(_CODE_SPAN_RE.sub("", line))
        if match:
            problems.append(ContentProblem(
                "raw-html", section.path, section.body_line + number - 1,
                f"raw HTML {match.group(0)} is shown as text; write it in Markdown", Severity.WARNING))
    return problems


def _problem(kind: str, doc: Document, key: str | None, message: str,
             severity: Severity = Severity.ERROR) -> ContentProblem:
    line = doc.key_lines.get(key, 1) if key else 1
    return ContentProblem(kind, doc.path, line, message, severity)


def manual_from(doc: Document, library: Library) -> Manual | None:
    """The manual of a manual.md, added to `library.manuals`; None (problems in the library)
    when the file has an error or its code is taken."""
    meta = doc.meta
    problems = list(doc.problems) + _unknown_keys(doc, MANUAL_KEYS)
    # The title and organisation as written (`title: 2024` is "2024"); the code is an ID: text.
    texts = {"code": meta.get("code") if isinstance(meta.get("code"), str) else None,
             "title": doc.scalar_text("title"), "organisation": doc.scalar_text("organisation")}
    for key, text in texts.items():
        if text is None or not text.strip():
            problems.append(_problem("missing-field", doc, key if key in meta else None,
                                     f"manual.md needs '{key}' (text)"))
    library.problems.extend(problems)
    if any(p.severity is Severity.ERROR for p in problems):
        return None
    code = normalise_id(str(texts["code"]))
    if not SECTION_ID_RE.match(code) or len(code) > MAX_ID_LENGTH:
        library.problems.append(_problem("bad-id", doc, "code",
                                         f"manual code {code[:40]!r} may hold only letters, digits and hyphens"))
        return None
    if code in library.manuals:
        library.problems.append(_problem("duplicate-manual", doc, "code",
                                         f"manual code {code} is already used by {library.manuals[code].path}"))
        return None
    manual = Manual(
        code=code,
        slug=doc.path.parent.name,
        title=str(texts["title"]).strip(),
        organisation=str(texts["organisation"]).strip(),
        summary=doc.text("summary"),
        source_url=doc.text("source_url"),
        licence=doc.text("licence"),
        path=doc.path.parent,
        body=doc.body,
        local_ids=bool(meta.get("local_ids", False)),
        attribution=doc.text("attribution"),
        # A bad entry is reported and left out; the manual still loads.
        must_read=_must_read_marks(doc, library.problems),
    )
    library.manuals[code] = manual
    return manual

def _unknown_keys(doc: Document, allowed: set[str]) -> list[ContentProblem]:
    return [
        _problem("unknown-key", doc, str(key), f"unknown front-matter key '{key}' (ignored)", Severity.WARNING)
        for key in doc.meta
        if key not in allowed
    ]



def section_from(doc: Document, manual: Manual, problems: list[ContentProblem]) -> Section | None:
    meta = doc.meta
    problems.extend(_unknown_keys(doc, SECTION_KEYS))

    # The ID as written (`0041` stays "0041"; YAML would read it as the octal number 33).
    raw_id = doc.raw.get("section_id") if isinstance(meta.get("section_id"), str | int) else None
    if raw_id is None or not raw_id.strip():
        problems.append(_problem("missing-field", doc, "section_id" if "section_id" in meta else None,
                                 "section needs 'section_id'"))
    elif not SECTION_ID_RE.match(raw_id) or len(raw_id) > MAX_ID_LENGTH:
        shown = raw_id if len(raw_id) <= 40 else raw_id[:40] + "..."
        problems.append(_problem("bad-id", doc, "section_id",
                                 f"section_id '{shown}' may hold only letters, digits and hyphens "
                                 f"(at most {MAX_ID_LENGTH})"))
    title = doc.scalar_text("title")  # as written: `title: 1984` is the text "1984"
    if title is None or not title.strip():
        problems.append(_problem("missing-field", doc, "title" if "title" in meta else None,
                                 "section needs 'title' (text)"))

    status = Status.LIVE
    if "status" in meta:
        try:
            status = Status(str(meta["status"]))
        except ValueError:
            allowed = ", ".join(s.value for s in Status)
            problems.append(_problem("bad-value", doc, "status", f"status must be one of: {allowed}"))

    dates: dict[str, dt.date | None] = {}
    for key in ("archive_date", "review_by", "updated"):
        dates[key] = _date(meta.get(key), doc, key, problems)

    lists: dict[str, tuple[str, ...]] = {}
    for key in ("aliases", "procedures"):
        lists[key] = _str_list(doc, key, problems)

    change_notes = _change_notes(meta.get("change_notes"), doc, problems)
    if any(p.severity is Severity.ERROR for p in problems):
        return None
    # After the check above: a bad must-read date is reported, and the section still loads.
    must_read_by = _date(meta.get("must_read_by"), doc, "must_read_by", problems,
                         " (the section is not marked must-read until it is fixed)")

    section_id = normalise_id(str(raw_id))
    if doc.path.stem.upper() != section_id:
        problems.append(_problem("file-name", doc, "section_id",
                                         f"file name {doc.path.name} does not match section_id {section_id}",
                                         Severity.WARNING))
    parent = doc.raw.get("parent") if meta.get("parent") is not None else None
    superseded = doc.raw.get("superseded_by") if meta.get("superseded_by") is not None else None
    return Section(
        id=section_id,
        manual=manual.code,
        title=(title or "").strip(),  # not None: checked above
        body=doc.body,
        path=doc.path,
        body_line=doc.body_line,
        parent=normalise_id(str(parent)) if parent else None,
        status=status,
        archive_date=dates["archive_date"],
        superseded_by=normalise_id(str(superseded)) if superseded else None,
        aliases=tuple(normalise_id(a) for a in lists["aliases"]),
        review_by=dates["review_by"],
        owner=doc.text("owner"),
        procedures=lists["procedures"],
        change_notes=change_notes,
        updated=dates["updated"],
        summary=doc.text("summary"),
        content_hash=_hash(doc, manual.code),
        must_read_by=must_read_by,
    )


def _hash(doc: Document, manual_code: str) -> str:
    # The manual's code is in the index too (the manual filter): renaming a manual re-indexes
    # its sections even though their files did not change.
    digest = hashlib.sha256(manual_code.encode() + b"\0")
    hashed = (kv for kv in doc.meta.items() if kv[0] not in _NOT_HASHED)
    digest.update(repr(sorted(hashed, key=lambda kv: str(kv[0]))).encode())
    digest.update(doc.body.encode())
    return digest.hexdigest()


def _date(value: Any, doc: Document, key: str, problems: list[ContentProblem], after: str = "") -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(_problem("bad-value", doc, key, f"{key} must be a date YYYY-MM-DD, not {value!r}{after}"))
        return None


def _str_list(doc: Document, key: str, problems: list[ContentProblem]) -> tuple[str, ...]:
    texts = doc.texts(key)  # as written: `aliases: [0041]` is "0041", not the octal number 33
    if texts is None:
        problems.append(_problem("bad-value", doc, key, f"{key} must be a list of text values"))
        return ()
    return texts


def _change_notes(value: Any, doc: Document, problems: list[ContentProblem]) -> tuple[ChangeNote, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(_problem("bad-value", doc, "change_notes", "change_notes must be a list"))
        return ()
    notes: list[ChangeNote] = []
    written = doc.raw_records.get("change_notes", ())
    for n, item in enumerate(value):
        if not isinstance(item, dict) or "note" not in item:
            problems.append(_problem("bad-value", doc, "change_notes",
                                     "each change note needs 'note' (and usually 'date')"))
            continue
        # The note as written: `note: 0041` is "0041", not the octal number 33.
        text = written[n].get("note", str(item["note"])) if n < len(written) else str(item["note"])
        notes.append(ChangeNote(_date(item.get("date"), doc, "change_notes", problems), text))
    return tuple(notes)



def _must_read_marks(doc: Document, problems: list[ContentProblem]) -> tuple[MustReadMark, ...]:
    """manual.md's `must_read: [{by: YYYY-MM-DD, sections: [ID, ...]}, ...]`; each bad entry is
    one problem on the key's line and is left out."""
    value = doc.meta.get("must_read")
    if value is None:
        return ()
    line = doc.key_lines.get("must_read", 1)
    shape = "must_read must be a list of {by: YYYY-MM-DD, sections: [section IDs]}"
    if not isinstance(value, list):
        problems.append(_problem("bad-value", doc, "must_read", shape))
        return ()
    marks: list[MustReadMark] = []
    for number, item in enumerate(value, start=1):
        sections = item.get("sections") if isinstance(item, dict) else None
        if isinstance(sections, str | int):
            sections = [sections]
        if not isinstance(sections, list) or not all(isinstance(s, str | int) and str(s).strip()
                                                     for s in sections):
            problems.append(_problem("bad-value", doc, "must_read", f"{shape} (entry {number})"))
            continue
        due = _date(item.get("by"), doc, "must_read", problems, f" (entry {number}: its 'by')")
        if due is None:
            if item.get("by") in (None, ""):
                problems.append(_problem("missing-field", doc, "must_read", f"must_read entry {number} needs 'by'"))
            continue
        marks.extend(MustReadMark(normalise_id(str(s)), due, line) for s in sections)
    return tuple(marks)
