"""Load a library from content folders. A bad file is reported and skipped; the rest loads.

The parts: `metadata` reads one file's front matter into a Manual or Section, `load_cache`
keeps the per-file cache and the snapshot, `library_checks` checks across the whole library."""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import functools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from manualviewer.core.content.frontmatter import FrontMatterError, read_document
from manualviewer.core.content.library import Library, link_pattern_for
from manualviewer.core.content.library_checks import check_links, check_parents, line_of, register_aliases
from manualviewer.core.content.load_cache import (
    MANUAL_FILE,
    CachedFiles,
    FileResult,
    content_fingerprint,
    manual_files,
    open_snapshot,
    read_cache,
    snapshot_path,
    write_cache,
    write_snapshot,
)
from manualviewer.core.content.metadata import manual_from, raw_html_problems, section_from
from manualviewer.core.guarded import dangling_link, guarded
from manualviewer.core.model import Manual, SectionRef, normalise_id
from manualviewer.core.problems import ContentProblem

__all__ = ["content_fingerprint", "load_library", "open_snapshot", "snapshot_path"]

NOT_SECTIONS = {MANUAL_FILE, "README.md"}

RefExtractor = Callable[[str, Sequence[str]], list[tuple[str, int]]]

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
        if not folder.is_dir():
            library.problems.append(ContentProblem("missing-folder", folder, 0, "content folder not found"))
            continue
        for manual_file in manual_files(folder):
            manual = _load_manual(manual_file, library)
            if manual is not None:
                manual_dirs.append((manual, manual_file.parent))

    codes = tuple(library.manuals)
    extractor = extract_refs or _default_extractor()
    cache = read_cache(cache_file, codes)
    fresh: CachedFiles = {}
    todo: list[tuple[str, Manual]] = []
    files: list[tuple[str, Manual]] = []
    for manual, directory in manual_dirs:
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            if not entry.name.endswith(".md") or entry.name in NOT_SECTIONS:
                continue
            if not entry.is_file():
                if entry.is_symlink() and not entry.is_dir():
                    library.problems.append(dangling_link(Path(entry.path)))
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
                "duplicate-id", section.path, line_of(section, "section_id"),
                f"section ID {section.id} is already used by {other}; this file is skipped"))
            continue
        library.sections[section.id] = section
        if section.must_read_by is not None:
            library.must_read[section.id] = section.must_read_by
        refs.extend(SectionRef(section.id, target, line) for target, line in result.refs)
        if result.embeds:
            library.embeds[section.id] = result.embeds
    if cache_file is not None and (todo or fresh.keys() != cache.keys()):
        write_cache(cache_file, codes, fresh)

    register_aliases(library)
    check_parents(library)
    library.rebuild_indexes(refs)
    check_links(library, refs)
    if cache_file is not None:
        write_snapshot(snapshot_path(cache_file), library)
    return library


def _parse_all(todo: list[tuple[str, Manual]], codes: tuple[str, ...], extractor: RefExtractor,
               keep_body: bool, workers: int) -> dict[str, FileResult]:
    if workers > 1 and len(todo) >= PARALLEL_FROM:
        try:
            return _parse_parallel(todo, codes, extractor, keep_body, workers)
        except (OSError, ImportError, concurrent.futures.process.BrokenProcessPool):
            pass  # no worker processes here (sandbox, limits): parse in this one
    return {path: _read_section_file(Path(path), manual, codes, extractor, keep_body=keep_body)
            for path, manual in todo}


def _parse_chunk(chunk: list[tuple[str, Manual]], codes: tuple[str, ...], extractor: RefExtractor,
                 keep_body: bool) -> list[tuple[str, FileResult]]:
    return [(path, _read_section_file(Path(path), manual, codes, extractor, keep_body=keep_body))
            for path, manual in chunk]


def _parse_parallel(todo: list[tuple[str, Manual]], codes: tuple[str, ...], extractor: RefExtractor,
                    keep_body: bool, workers: int) -> dict[str, FileResult]:
    import multiprocessing

    size = max(200, len(todo) // (workers * 8))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    results: dict[str, FileResult] = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        job = functools.partial(_parse_chunk, codes=codes, extractor=extractor, keep_body=keep_body)
        for part in pool.map(job, chunks):
            results.update(part)
    return results


def _read_section_file(path: Path, manual: Manual, codes: tuple[str, ...], extractor: RefExtractor,
                       *, keep_body: bool) -> FileResult:
    # The guard: whatever goes wrong in one file is that file's problem; the library loads.
    result, problems = guarded(path, lambda: (_read_section(path, manual, codes, extractor, keep_body=keep_body), []))
    return result if result is not None else FileResult(None, (), tuple(problems))


def _read_section(path: Path, manual: Manual, codes: tuple[str, ...], extractor: RefExtractor,
                  *, keep_body: bool) -> FileResult:
    try:
        doc = read_document(path)
    except FrontMatterError as exc:
        return FileResult(None, (), (exc.problem,))
    problems: list[ContentProblem] = list(doc.problems)
    section = section_from(doc, manual, problems)
    if section is None:
        return FileResult(None, (), tuple(problems))
    problems.extend(raw_html_problems(section))
    found = tuple(
        (normalise_id(target), section.body_line + line - 1) for target, line in extractor(section.body, codes)
    )
    embeds = tuple((pid, section.body_line + line - 1) for pid, line in _procedure_refs(section.body, codes))
    if not keep_body:
        section = replace(section, body="")
    return FileResult(section, found, tuple(problems), embeds)


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
    return manual_from(doc, library)


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

