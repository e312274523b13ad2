"""BulkSegmentWriter (full builds) writes the same index files, byte for byte, as Whoosh's own
SegmentWriter given the same documents, and the same postings file (postings.py) as
add_postings_files makes from Whoosh's files: the index format is unchanged and every search
reads the same postings, lengths and stored fields."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from whoosh import index
from whoosh.writing import SegmentWriter

from manualviewer.core.content.govuk import import_govuk
from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library
from manualviewer.core.model import Section
from manualviewer.core.search import whoosh_segments as segments
from manualviewer.core.search.whoosh_bulk import BulkSegmentWriter
from manualviewer.core.search.whoosh_schema import document, make_schema, unique

EIM = Path(__file__).parents[3] / "data" / "govuk-eim"


def write(folder: Path, writer_class: type[SegmentWriter], library: Library, sections: list[Section],
          limit_mb: int = 64) -> dict[str, str]:
    folder.mkdir()
    ix = index.create_in(str(folder), make_schema(), indexname="MAIN")
    writer = writer_class(ix, limitmb=limit_mb, compound=False, codec=segments.NamedSegmentCodec("same input"))
    for section in unique(sections).values():
        writer.add_document(**document(section, library.body_of))
    writer.commit()
    # Whoosh's writer leaves the postings file to this; the bulk writer wrote it at its commit.
    assert segments.add_postings_files(folder, ix) == (writer_class is SegmentWriter)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if "LOCK" not in p.name}


def assert_same_files(tmp_path: Path, library: Library, sections: list[Section], limit_mb: int = 64) -> None:
    whoosh = write(tmp_path / "whoosh", SegmentWriter, library, sections, limit_mb)
    bulk = write(tmp_path / "bulk", BulkSegmentWriter, library, sections, limit_mb)
    assert any(name.endswith(".pst") for name in whoosh)  # postings were written
    assert any(name.endswith(".mvpostings") for name in whoosh)
    assert bulk == whoosh


def test_the_bundled_library_gives_the_same_files(tmp_path: Path, bundled_library: Library) -> None:
    assert_same_files(tmp_path, bundled_library, list(bundled_library.sections.values()))


def test_real_manual_sections_give_the_same_files(tmp_path: Path) -> None:
    assert import_govuk([EIM], tmp_path / "eim").wrote_anything
    library = load_library([tmp_path / "eim"])
    assert_same_files(tmp_path, library, list(library.sections.values()))


def test_long_posting_lists_and_pool_runs_give_the_same_files(tmp_path: Path, bundled_library: Library) -> None:
    # Each section many times under other ids: posting lists of several blocks (Whoosh writes
    # 128 postings a block), documents of every length, and Whoosh's pool, at its smallest
    # memory limit, sorting through temporary runs.
    sections = [section.__class__(**{**vars(section), "id": f"{section.id}X{i}", "aliases": ()})
                for i in range(40) for section in bundled_library.sections.values()]
    assert len(sections) > 128 * 3
    assert_same_files(tmp_path, bundled_library, sections, limit_mb=1)


def test_it_writes_only_the_first_segment_of_an_empty_index(tmp_path: Path, bundled_library: Library) -> None:
    write(tmp_path / "ix", SegmentWriter, bundled_library, list(bundled_library.sections.values()))
    with pytest.raises(ValueError, match="empty index"):
        BulkSegmentWriter(index.open_dir(str(tmp_path / "ix"), indexname="MAIN"))
