"""Where a section that is not in the library can be read at its source: a manual whose
`source_url` is a GOV.UK HMRC internal manual publishes each section at
`<source_url>/<id lowercased>` (DMBM511200 -> .../debt-management-and-banking/dmbm511200)."""

from __future__ import annotations

from urllib.parse import urlsplit

from manualviewer.core.content.library import Library

_SECTION_PUBLISHING_PATHS = ("/hmrc-internal-manuals/",)


def source_address(library: Library, section_id: str) -> str:
    """The public address of `section_id` at its manual's source, or "" when the manual is not
    in the library, has no source address, or its source does not publish sections one a page."""
    wanted = section_id.strip().upper()
    for code in library.codes():  # longest first: DMBMX before DMBM
        if not wanted.startswith(code.upper()) or not wanted[len(code):][:1].isdigit():
            continue
        source = library.manuals[code].source_url.strip().rstrip("/")
        parts = urlsplit(source)
        if parts.scheme == "https" and any(p in parts.path + "/" for p in _SECTION_PUBLISHING_PATHS):
            return f"{source}/{wanted.lower()}"
        return ""
    return ""
