"""A write that fails while a new pack version is staged (as on a full disk) leaves the version in
use untouched and no staging folder behind. The failure is real: the sync runs in a child process
whose file-size limit (RLIMIT_FSIZE) makes the write of the large changed file fail with an OSError,
as ENOSPC would (a full file system cannot be made here without mounting one)."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from manualviewer.services.pack_sync import sync_source
from manualviewer.storage import installed_packs
from tests.helpers.packs import build, copy_library, manifest_files

CHILD = """
import json, sys
from manualviewer.services.pack_sync import sync_source
print(json.dumps(sync_source(sys.argv[1], public_key=None).to_json()))
"""


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (32_000, 32_000))


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE (POSIX)")
def test_a_write_failure_in_staging_keeps_the_version_in_use(tmp_path: Path) -> None:
    content = copy_library(tmp_path / "content")
    share = tmp_path / "share" / "org"
    build(content, share, "1.0")
    assert sync_source(str(share), public_key=None).status == "updated"
    kept = manifest_files(installed_packs.get("org-guidance").folder)  # type: ignore[union-attr]
    section = content / "dmbm" / "DMBM511015.md"
    section.write_text(section.read_text() + "\n" + "A much longer paragraph of guidance. " * 2000 + "\n")
    build(content, share, "2.0")
    child = subprocess.run([sys.executable, "-c", CHILD, str(share)], capture_output=True, text=True,
                           preexec_fn=_limit_file_size, env=os.environ.copy(), timeout=120, check=False)
    result = json.loads(child.stdout)
    assert result["status"] == "failed", child.stderr
    assert result["message"].endswith("The version in use stays.")
    pack = installed_packs.get("org-guidance")
    assert pack is not None and pack.version == "1.0" and manifest_files(pack.folder) == kept
    assert [p.name for p in pack.folder.parent.iterdir() if p.name.startswith(".")] == []
