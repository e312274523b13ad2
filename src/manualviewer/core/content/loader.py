"""Load a library from content folders. A bad file is reported and skipped; the rest loads."""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import datetime as dt
import functools
import hashlib
import os
import pickle
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from manualviewer.core.content.frontmatter import Document, FrontMatterError, read_document
from manualviewer.core.content.glossary import GLOSSARY_FILE
from manualviewer.core.content.library import Library, link_pattern_for
from manualviewer.core.files import atomic_open
from manualviewer.core.guarded import guarded
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

MAX_ID_LENGTH = 64  # a section ID or manual code; GOV.UK's longest is 11

RefExtractor = Callable[[str, Sequence[str]], list[tuple[str, int]]]


@dataclass(frozen=True)
class _FileResult:
    """What one section file contributes; cached by (mtime, size) so an unchanged file is not
    read again on the next start."""

    section: Section | None
    refs: tuple[tuple[str, int], ...]
    problems: tuple[ContentProblem, ...]
    embeds: tuple[tuple[str, int], ...] = ()  # {procedure:ID} and procedure: links, file lines


CACHE_VERSION = 3


PARALLEL_FROM = 4000  # files to parse before worker processes pay for themselves


def load_library(
    folders: Iterable[Path],
    *,
    extract_refs: RefExtractor | None = None,
    cache_file: Path | None = None,
    keep_bodies: bool | None = None,
    workers: int = 1,
    fingerprint: str | None = None,
) -> Library:
    """Every manual folder (a folder holding manual.md) below each content folder.

    With `cache_file` (the app passes one in the user cache folder), files unchanged since the
    last load come from the cache instead of being parsed again. Bodies are kept in memory
    unless `keep_bodies` is False (the default with a cache): then `Library.body_of()` reads
    them when needed. `workers` > 1 parses a large library in that many processes.
    """
    keep = keep_bodies if keep_bodies is not None else cache_file is None
    folders = [Path(f) for f in folders]
    library = Library(lazy_bodies=not keep)
    if cache_file is not None:  # a caller that has just taken it passes it: one stat walk, not two
        library.fingerprint = fingerprint or content_fingerprint(folders)
    manual_dirs: list[tuple[Manual, Path]] = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            library.problems.append(ContentProblem("missing-folder", folder, 0, "content folder not found"))
            continue
        for manual_file in sorted(folder.glob(f"*/{MANUAL_FILE}")) + sorted(folder.glob(MANUAL_FILE)):
            manual = _load_manual(manual_file, library)
            if manual is not None:
                manual_dirs.append((manual, manual_file.parent))

    codes = tuple(library.manuals)
    extractor = extract_refs or _default_extractor()
    cache = _read_cache(cache_file, codes)
    fresh: dict[str, tuple[int, int, _FileResult | None]] = {}
    todo: list[tuple[str, Manual]] = []
    files: list[tuple[str, Manual]] = []
    for manual, directory in manual_dirs:
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            if not entry.name.endswith(".md") or entry.name in NOT_SECTIONS:
                continue
            if not entry.is_file():
                if entry.is_symlink() and not entry.is_dir():
                    library.problems.append(_dangling(Path(entry.path)))
                continue
            try:
                stat = entry.stat()
            except OSError as exc:
                library.problems.append(ContentProblem("unreadable", Path(entry.path), 0,
                                                       f"cannot read the file: {exc.strerror or exc}"))
                continue
            cached = cache.get(entry.path)
            if cached is not None and cached[0] == stat.st_mtime_ns and cached[1] == stat.st_size:
                fresh[entry.path] = cached
            else:
                fresh[entry.path] = (stat.st_mtime_ns, stat.st_size, None)
                todo.append((entry.path, manual))
            files.append((entry.path, manual))

    parsed = _parse_all(todo, codes, extractor, keep, workers)
    for path, done in parsed.items():
        mtime, size, _ = fresh[path]
        fresh[path] = (mtime, size, done)

    refs: list[SectionRef] = []
    for path, manual in files:
        result = fresh[path][2]
        assert result is not None
        library.problems.extend(result.problems)
        section = result.section
        if section is None:
            continue
        if section.manual != manual.code:  # the folder's manual code changed since caching
            section = replace(section, manual=manual.code)
        if section.id in library.sections:
            other = library.sections[section.id].path
            library.problems.append(ContentProblem(
                "duplicate-id", section.path, _line_of(section, "section_id"),
                f"section ID {section.id} is already used by {other}; this file is skipped"))
            continue
        library.sections[section.id] = section
        refs.extend(SectionRef(section.id, target, line) for target, line in result.refs)
        if result.embeds:
            library.embeds[section.id] = result.embeds
    if cache_file is not None and (todo or fresh.keys() != cache.keys()):
        _write_cache(cache_file, codes, fresh)

    _register_aliases(library)
    _check_parents(library)
    library.rebuild_indexes(refs)
    _check_links(library, refs)
    if cache_file is not None:
        _write_snapshot(snapshot_path(cache_file), library)
    return library


# --- snapshot: the assembled library, so a large one opens without reading its files ---------
SNAPSHOT_VERSION = 2


def snapshot_path(cache_file: Path) -> Path:
    return cache_file.with_suffix(".snapshot")


def content_fingerprint(folders: Iterable[Path]) -> str:
    """Names, sizes and modification times of every content file: equal fingerprints mean the
    files are as they were (a stat of each file, no reading)."""
    digest = hashlib.sha256()
    for folder in folders:
        folder = Path(folder)
        digest.update(f"folder {folder.resolve()}\n".encode())
        if not folder.is_dir():
            continue
        for manual_file in sorted(folder.glob(f"*/{MANUAL_FILE}")) + sorted(folder.glob(MANUAL_FILE)):
            for entry in sorted(os.scandir(manual_file.parent), key=lambda e: e.name):
                # glossary.yaml too: it is read with the library, so an edit must count as a change.
                if (entry.name.endswith(".md") or entry.name == GLOSSARY_FILE) and entry.is_file():
                    stat = entry.stat()
                    digest.update(f"{entry.path}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    return digest.hexdigest()


def open_snapshot(cache_file: Path) -> Library | None:
    """The library as last assembled, without reading the content (check it with
    content_fingerprint, in the background). None when there is no usable snapshot."""
    path = snapshot_path(cache_file)
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
        if not isinstance(data, dict) or data.get("version") != SNAPSHOT_VERSION:
            return None
        return Library.from_snapshot(data["library"])
    except Exception:  # missing, damaged, or from another version: load the usual way
        return None


def _write_snapshot(path: Path, library: Library) -> None:
    try:
        with atomic_open(path, mode=0o600) as handle:
            pickle.dump({"version": SNAPSHOT_VERSION, "library": library.snapshot()}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        pass  # no snapshot: the next start loads the usual way


def _parse_all(todo: list[tuple[str, Manual]], codes: tuple[str, ...], extractor: RefExtractor,
               keep_body: bool, workers: int) -> dict[str, _FileResult]:
    if workers > 1 and len(todo) >= PARALLEL_FROM:
        try:
            return _parse_parallel(todo, codes, extractor, keep_body, workers)
        except (OSError, ImportError, concurrent.futures.process.BrokenProcessPool):
            pass  # no worker processes here (sandbox, limits): parse in this one
    return {path: _read_section_file(Path(path), manual, codes, extractor, keep_body=keep_body)
            for path, manual in todo}


def _parse_chunk(chunk: list[tuple[str, Manual]], codes: tuple[str, ...], extractor: RefExtractor,
                 keep_body: bool) -> list[tuple[str, _FileResult]]:
    return [(path, _read_section_file(Path(path), manual, codes, extractor, keep_body=keep_body))
            for path, manual in chunk]


def _parse_parallel(todo: list[tuple[str, Manual]], codes: tuple[str, ...], extractor: RefExtractor,
                    keep_body: bool, workers: int) -> dict[str, _FileResult]:
    import multiprocessing

    size = max(200, len(todo) // (workers * 8))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    results: dict[str, _FileResult] = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        job = functools.partial(_parse_chunk, codes=codes, extractor=extractor, keep_body=keep_body)
        for part in pool.map(job, chunks):
            results.update(part)
    return results


def _read_section_file(path: Path, manual: Manual, codes: tuple[str, ...], extractor: RefExtractor,
                       *, keep_body: bool) -> _FileResult:
    # The guard: whatever goes wrong in one file is that file's problem; the library loads.
    result, problems = guarded(path, lambda: (_read_section(path, manual, codes, extractor, keep_body=keep_body), []))
    return result if result is not None else _FileResult(None, (), tuple(problems))


def _read_section(path: Path, manual: Manual, codes: tuple[str, ...], extractor: RefExtractor,
                  *, keep_body: bool) -> _FileResult:
    try:
        doc = read_document(path)
    except FrontMatterError as exc:
        return _FileResult(None, (), (exc.problem,))
    problems: list[ContentProblem] = list(doc.problems)
    section = _section_from(doc, manual, problems)
    if section is None:
        return _FileResult(None, (), tuple(problems))
    problems.extend(_raw_html_problems(section))
    found = tuple(
        (normalise_id(target), section.body_line + line - 1) for target, line in extractor(section.body, codes)
    )
    embeds = tuple((pid, section.body_line + line - 1) for pid, line in _procedure_refs(section.body, codes))
    if not keep_body:
        section = replace(section, body="")
    return _FileResult(section, found, tuple(problems), embeds)


def _read_cache(
    cache_file: Path | None, codes: tuple[str, ...]
) -> dict[str, tuple[int, int, _FileResult | None]]:
    if cache_file is None or not cache_file.exists():
        return {}
    try:
        with cache_file.open("rb") as handle:
            data = pickle.load(handle)
    except Exception:  # a damaged or foreign cache is only a slower start
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or data.get("codes") != codes:
        return {}  # links depend on the set of manual codes: a new manual means parsing again
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _write_cache(
    cache_file: Path, codes: tuple[str, ...], files: dict[str, tuple[int, int, _FileResult | None]]
) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_open(cache_file, mode=0o600) as handle:
            pickle.dump({"version": CACHE_VERSION, "codes": codes, "files": files}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        pass  # no cache (full disk, read-only folder): the next start parses again


def _dangling(path: Path) -> ContentProblem:
    try:
        target = str(path.readlink())
    except OSError:
        target = "a missing file"
    return ContentProblem("dangling-link", path, 0, f"the file is a link to {target}, which does not exist")


def _default_extractor() -> RefExtractor:
    try:
        from manualviewer.core.render.links import extract_refs
    except ImportError:  # the renderer is optional for the loader's own tests
        return _regex_refs
    return extract_refs


def _procedure_refs(body: str, codes: Sequence[str]) -> list[tuple[str, int]]:
    try:
        from manualviewer.core.render.links import extract_procedures
    except ImportError:
        return []
    return extract_procedures(body, codes)


def _regex_refs(body: str, codes: Sequence[str]) -> list[tuple[str, int]]:
    pattern = link_pattern_for(codes)
    found: list[tuple[str, int]] = []
    for number, line in enumerate(body.splitlines(), start=1):
        found.extend((m.group(0), number) for m in pattern.finditer(line))
    return found


# HTML element names only, so a placeholder such as "<employee name>" is not taken for a tag.
_RAW_HTML_RE = re.compile(
    r"</?(?:a|abbr|b|big|blockquote|br|caption|center|cite|code|col|colgroup|dd|del|div|dl|dt|em|font|h[1-6]|hr|i"
    r"|img|ins|li|mark|ol|p|pre|s|small|span|strike|strong|sub|sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul)"
    r"\b(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_CODE_SPAN_RE = re.compile(r"(`+)[^`]*?\1")


def _raw_html_problems(section: Section) -> list[ContentProblem]:
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


def _load_manual(path: Path, library: Library) -> Manual | None:
    manual, problems = guarded(path, lambda: (_read_manual(path, library), []))
    library.problems.extend(problems)  # the guard's (core/guarded.py): this manual only
    return manual


def _read_manual(path: Path, library: Library) -> Manual | None:
    try:
        doc = read_document(path)
    except FrontMatterError as exc:
        library.problems.append(exc.problem)
        return None
    meta = doc.meta
    problems = list(doc.problems) + _unknown_keys(doc, MANUAL_KEYS)
    for key in ("code", "title", "organisation"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            problems.append(_problem("missing-field", doc, key if key in meta else None,
                                     f"manual.md needs '{key}' (text)"))
    library.problems.extend(problems)
    if any(p.severity is Severity.ERROR for p in problems):
        return None
    code = normalise_id(meta["code"])
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


def _section_from(doc: Document, manual: Manual, problems: list[ContentProblem]) -> Section | None:
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
    if any(p.severity is Severity.ERROR for p in problems):
        return None

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
        content_hash=_hash(doc, manual.code),
    )


def _hash(doc: Document, manual_code: str) -> str:
    # The manual's code is in the index too (the manual filter): renaming a manual re-indexes
    # its sections even though their files did not change.
    digest = hashlib.sha256(manual_code.encode() + b"\0")
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
            if current in seen and current != section.id:
                break  # a loop further up, which its own members report; this section is fine
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
