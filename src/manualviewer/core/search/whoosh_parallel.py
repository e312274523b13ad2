"""A full index build on every core: the sections split into one contiguous share per process,
each process writes its share as one segment, and one TOC commits the segments together. Part
of the Whoosh store (whoosh_index.py).

Whoosh analyses and writes in one thread; the build of a large library (100,000 sections) is
CPU-bound there. The shares are handed over by forking (the worker processes inherit the
sections and the function that reads their bodies, nothing is pickled), so this is used only
where fork is, and only when asked (`pack build` asks; the app, whose process has threads, does
not). Anything that stops the processes leaves the caller to build in one process.

The segments are named as in whoosh_segments.NamedSegmentCodec, after their share of the
sections: the same input gives the same files. Searches read several segments as they read the
segments of updates; the merge policy (whoosh_segments.merge_policy) leaves segments of about
the same size as the largest alone, so an update does not merge the shares back together."""

from __future__ import annotations

import concurrent.futures
import gc
import multiprocessing
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from manualviewer.core.model import Section
from manualviewer.core.search import whoosh_segments as segments
from manualviewer.core.search.protocol import BodyOf, Progress, section_hash
from manualviewer.core.search.whoosh_bulk import BulkSegmentWriter
from manualviewer.core.search.whoosh_schema import document, make_schema

PARALLEL_FROM = 5000  # sections for each process, below which one process is quicker (start-up, merge)

# The job of the processes being forked: (sections by normalised id, body reader). Set only for
# the length of one build, in the parent, before the fork.
_JOB: tuple[Sequence[tuple[str, Section]], BodyOf | None] | None = None


def processes_for(sections: int, workers: int) -> int:
    """How many processes to build `sections` in, given at most `workers`."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(workers, sections // PARALLEL_FROM))


def build_in_parts(staging: Path, index_name: str, items: Sequence[tuple[str, Section]],
                   body_of: BodyOf | None, parts: int, limit_mb: int, progress: Progress | None = None) -> bool:
    """Write `items` into the new, empty index in `staging` as `parts` segments, one process
    each, committed as its generation 1. False (and `staging` as it was) when the processes
    could not run: then build in this process."""
    global _JOB
    bounds = [(len(items) * i // parts, len(items) * (i + 1) // parts) for i in range(parts)]
    _JOB = (items, body_of)
    try:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(max_workers=parts, mp_context=context) as pool:
            jobs = [pool.submit(_build_part, staging, index_name, i, parts, lo, hi, limit_mb)
                    for i, (lo, hi) in enumerate(bounds)]
            for done, job in enumerate(concurrent.futures.as_completed(jobs), start=1):
                job.result()
                if progress:
                    progress(len(items) * done // parts, len(items))
    except (OSError, concurrent.futures.process.BrokenProcessPool):
        for i in range(parts):
            shutil.rmtree(_part_dir(staging, i), ignore_errors=True)
        return False
    finally:
        _JOB = None
    _commit_parts(staging, index_name, parts)
    return True


def _part_dir(staging: Path, part: int) -> Path:
    return staging / f"part-{part}"


def _build_part(staging: Path, index_name: str, part: int, parts: int, lo: int, hi: int, limit_mb: int) -> None:
    """In a worker process: sections [lo, hi) of the job as the one segment of an index of its own."""
    assert _JOB is not None, "the job is inherited from the parent by fork"
    # This process lives for one share and makes few reference cycles: without the collector
    # (and with the parent's objects out of its sight) it neither walks the library it inherited,
    # which copies the parent's memory page by page, nor the postings it gathers.
    gc.freeze()
    gc.disable()
    items, body_of = _JOB
    share = items[lo:hi]
    folder = _part_dir(staging, part)
    folder.mkdir()
    ix = index.create_in(str(folder), make_schema(), indexname=index_name)
    content = f"part {part} of {parts}\n" + segments.manifest_digest({k: section_hash(s) for k, s in share})
    writer = BulkSegmentWriter(ix, limitmb=limit_mb, compound=False, codec=segments.NamedSegmentCodec(content))
    try:
        for _key, section in share:
            writer.add_document(**document(section, body_of))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    segments.add_postings_files(folder, ix)


def _commit_parts(staging: Path, index_name: str, parts: int) -> None:
    """Move every part's segment files into `staging` and list all the segments, in part
    order, in one TOC of generation 1 (the empty generation 0 goes)."""
    storage = FileStorage(str(staging))
    schema = TOC.read(storage, index_name).schema
    found = []
    for i in range(parts):
        folder = _part_dir(staging, i)
        toc = TOC.read(FileStorage(str(folder)), index_name)
        for segment in toc.segments:
            prefix = segment.segment_id() + "."
            for path in folder.iterdir():
                if path.name.startswith(prefix):
                    os.replace(path, staging / path.name)
            found.append(segment)
        shutil.rmtree(folder)
    TOC(schema, found, 1).write(storage, index_name)
    (staging / TOC._filename(index_name, 0)).unlink(missing_ok=True)
