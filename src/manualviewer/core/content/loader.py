"""Load a library from content folders. A bad file is reported and skipped; the rest loads."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from manualviewer.core.content.frontmatter import Document, FrontMatterError, read_document
from manualviewer.core.content.library import Library, link_pattern_for
from manualviewer.core.model import (
    SECTION_ID_RE,
    ChangeNote,
    Manual,
    Section,
    SectionRef,
    Status,
    normalise_id,
)
from manualviewer.core.problems import ContentProblem, Severity

MANUAL_FILE = "manual.md"
NOT_SECTIONS = {MANUAL_FILE, "README.md"}

MANUAL_KEYS = {
    "code", "title", "organisation", "summary", "source_url", "licence", "attribution", "local_ids",
}
SECTION_KEYS = {
    "section_id", "title", "parent", "status", "archive_date", "superseded_by", "aliases",
    "review_by", "owner", "procedures", "change_notes", "updated", "summary",
}

RefExtractor = Callable[[str, Sequence[str]], list[tuple[str, int]]]


def load_library(folders: Iterable[Path], *, extract_refs: RefExtractor | None = None) -> Library:
    """Every manual folder (a folder holding manual.md) below each content folder."""
    library = Library()
    section_docs: list[tuple[Manual, Document]] = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            library.problems.append(ContentProblem("missing-folder", folder, 0, "content folder not found"))
            continue
        for manual_file in sorted(folder.glob(f"*/{MANUAL_FILE}")) + sorted(folder.glob(MANUAL_FILE)):
            manual = _load_manual(manual_file, library)
            if manual is None:
                continue
            for path in sorted(manual_file.parent.glob("*.md")):
                if path.name in NOT_SECTIONS:
                    continue
                try:
                    section_docs.append((manual, read_document(path)))
                except FrontMatterError as exc:
                    library.problems.append(exc.problem)

    codes = tuple(library.manuals)
    extractor = extract_refs or _default_extractor()
    refs: list[SectionRef] = []
    for manual, doc in section_docs:
        section = _section_from(doc, manual, library)
        if section is None:
            continue
        if section.id in library.sections:
            other = library.sections[section.id].path
            library.problems.append(
                ContentProblem("duplicate-id", doc.path, doc.key_lines.get("section_id", 1),
                               f"section ID {section.id} is already used by {other}; this file is skipped")
            )
            continue
        library.sections[section.id] = section
        for target, line in extractor(section.body, codes):
            refs.append(SectionRef(section.id, normalise_id(target), section.body_line + line - 1))

    _register_aliases(library)
    _check_parents(library)
    library.rebuild_indexes(refs)
    _check_links(library, refs)
    return library


def _default_extractor() -> RefExtractor:
    try:
        from manualviewer.core.render.links import extract_refs
    except ImportError:  # the renderer is optional for the loader's own tests
        return _regex_refs
    return extract_refs


def _regex_refs(body: str, codes: Sequence[str]) -> list[tuple[str, int]]:
    pattern = link_pattern_for(codes)
    found: list[tuple[str, int]] = []
    for number, line in enumerate(body.splitlines(), start=1):
        found.extend((m.group(0), number) for m in pattern.finditer(line))
    return found


def _problem(kind: str, doc: Document, key: str | None, message: str,
             severity: Severity = Severity.ERROR) -> ContentProblem:
    line = doc.key_lines.get(key, 1) if key else 1
    return ContentProblem(kind, doc.path, line, message, severity)


def _load_manual(path: Path, library: Library) -> Manual | None:
    try:
        doc = read_document(path)
    except FrontMatterError as exc:
        library.problems.append(exc.problem)
        return None
    meta = doc.meta
    problems = _unknown_keys(doc, MANUAL_KEYS)
    for key in ("code", "title", "organisation"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            problems.append(_problem("missing-field", doc, key if key in meta else None,
                                     f"manual.md needs '{key}' (text)"))
    library.problems.extend(problems)
    if any(p.severity is Severity.ERROR for p in problems):
        return None
    code = normalise_id(meta["code"])
    if code in library.manuals:
        library.problems.append(_problem("duplicate-manual", doc, "code",
                                         f"manual code {code} is already used by {library.manuals[code].path}"))
        return None
    manual = Manual(
        code=code,
        slug=path.parent.name,
        title=meta["title"].strip(),
        organisation=meta["organisation"].strip(),
        summary=str(meta.get("summary") or ""),
        source_url=str(meta.get("source_url") or ""),
        licence=str(meta.get("licence") or ""),
        path=path.parent,
        body=doc.body,
        local_ids=bool(meta.get("local_ids", False)),
        attribution=str(meta.get("attribution") or ""),
    )
    library.manuals[code] = manual
    return manual


def _unknown_keys(doc: Document, allowed: set[str]) -> list[ContentProblem]:
    return [
        _problem("unknown-key", doc, str(key), f"unknown front-matter key '{key}' (ignored)", Severity.WARNING)
        for key in doc.meta
        if key not in allowed
    ]


def _section_from(doc: Document, manual: Manual, library: Library) -> Section | None:
    meta = doc.meta
    problems = _unknown_keys(doc, SECTION_KEYS)

    raw_id = meta.get("section_id")
    if not isinstance(raw_id, str | int) or not str(raw_id).strip():
        problems.append(_problem("missing-field", doc, None, "section needs 'section_id'"))
    elif not SECTION_ID_RE.match(str(raw_id)):
        problems.append(_problem("bad-id", doc, "section_id",
                                 f"section_id '{raw_id}' may hold only letters, digits and hyphens"))
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
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
        lists[key] = _str_list(meta.get(key), doc, key, problems)

    change_notes = _change_notes(meta.get("change_notes"), doc, problems)
    library.problems.extend(problems)
    if any(p.severity is Severity.ERROR for p in problems):
        return None

    section_id = normalise_id(str(raw_id))
    if doc.path.stem.upper() != section_id:
        library.problems.append(_problem("file-name", doc, "section_id",
                                         f"file name {doc.path.name} does not match section_id {section_id}",
                                         Severity.WARNING))
    parent = meta.get("parent")
    superseded = meta.get("superseded_by")
    return Section(
        id=section_id,
        manual=manual.code,
        title=str(title).strip(),
        body=doc.body,
        path=doc.path,
        body_line=doc.body_line,
        parent=normalise_id(str(parent)) if parent else None,
        status=status,
        archive_date=dates["archive_date"],
        superseded_by=normalise_id(str(superseded)) if superseded else None,
        aliases=tuple(normalise_id(a) for a in lists["aliases"]),
        review_by=dates["review_by"],
        owner=str(meta.get("owner") or ""),
        procedures=lists["procedures"],
        change_notes=change_notes,
        updated=dates["updated"],
        summary=str(meta.get("summary") or ""),
        content_hash=_hash(doc),
    )


def _hash(doc: Document) -> str:
    digest = hashlib.sha256()
    digest.update(repr(sorted(doc.meta.items(), key=lambda kv: str(kv[0]))).encode())
    digest.update(doc.body.encode())
    return digest.hexdigest()


def _date(value: Any, doc: Document, key: str, problems: list[ContentProblem]) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(_problem("bad-value", doc, key, f"{key} must be a date YYYY-MM-DD, not {value!r}"))
        return None


def _str_list(value: Any, doc: Document, key: str, problems: list[ContentProblem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return tuple(str(v) for v in value)
    problems.append(_problem("bad-value", doc, key, f"{key} must be a list of text values"))
    return ()


def _change_notes(value: Any, doc: Document, problems: list[ContentProblem]) -> tuple[ChangeNote, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(_problem("bad-value", doc, "change_notes", "change_notes must be a list"))
        return ()
    notes: list[ChangeNote] = []
    for item in value:
        if not isinstance(item, dict) or "note" not in item:
            problems.append(_problem("bad-value", doc, "change_notes",
                                     "each change note needs 'note' (and usually 'date')"))
            continue
        notes.append(ChangeNote(_date(item.get("date"), doc, "change_notes", problems), str(item["note"])))
    return tuple(notes)


def _register_aliases(library: Library) -> None:
    for section in library.sections.values():
        for alias in section.aliases:
            if alias == section.id:
                continue  # the publisher's own spelling of the ID: nothing to resolve
            if alias in library.sections:
                library.problems.append(ContentProblem(
                    "alias-clash", section.path, 1,
                    f"alias {alias} is also a section ID ({library.sections[alias].path}); alias ignored"))
            elif alias in library.aliases and library.aliases[alias] != section.id:
                library.problems.append(ContentProblem(
                    "alias-clash", section.path, 1,
                    f"alias {alias} is already an alias of {library.aliases[alias]}; alias ignored"))
            else:
                library.aliases[alias] = section.id


def _line_of(section: Section, key: str) -> int:
    # Front matter keys are near the top; re-reading is cheap and only happens for problems.
    try:
        for number, line in enumerate(section.path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith(f"{key}:"):
                return number
    except OSError:
        pass
    return 1


def _check_parents(library: Library) -> None:
    for section in list(library.sections.values()):
        if section.parent is None:
            continue
        parent_id = library.resolve(section.parent)
        if parent_id is None:
            library.problems.append(ContentProblem(
                "missing-parent", section.path, _line_of(section, "parent"),
                f"parent {section.parent} is not in the library; {section.id} is shown at the top of its manual",
                Severity.WARNING))
            continue
        # Walk up; meeting this section again means a cycle.
        seen = {section.id}
        current: str | None = parent_id
        while current is not None:
            if current in seen:
                library.problems.append(ContentProblem(
                    "parent-cycle", section.path, _line_of(section, "parent"),
                    f"parent chain of {section.id} loops back on itself; its parent is ignored"))
                library.sections[section.id] = _replace_parent(section)
                break
            seen.add(current)
            grand = library.sections[current].parent
            current = library.resolve(grand) if grand else None


def _replace_parent(section: Section) -> Section:
    from dataclasses import replace

    return replace(section, parent=None)


def _check_links(library: Library, refs: list[SectionRef]) -> None:
    reported: set[tuple[str, str]] = set()
    for ref in refs:
        if library.resolve(ref.target) is not None or (ref.source, ref.target) in reported:
            continue
        reported.add((ref.source, ref.target))
        section = library.sections[ref.source]
        library.problems.append(ContentProblem(
            "unresolved-link", section.path, ref.line,
            f"{ref.target} is not in this library", Severity.WARNING))
    for section in library.sections.values():
        if section.superseded_by and library.resolve(section.superseded_by) is None:
            library.problems.append(ContentProblem(
                "unresolved-link", section.path, _line_of(section, "superseded_by"),
                f"superseded_by {section.superseded_by} is not in this library", Severity.WARNING))
