"""Cross-links in GOV.UK manual bodies, in every form seen in real manuals, rewritten as
`[text](section:ID)` so our renderer links them; other GOV.UK links become https links.

Forms resolved to a section ID:
- `/hmrc-internal-manuals/<manual>/<id lowercased>` (the live site) and full www.gov.uk addresses
- `/hmrc-manuals/<manual>/<ID>` and `/hmrc-manuals/<manual>/sections/<ID>` (hmrc-manuals-api)
- `/guidance/<manual>/<ID>` (older request bodies) when the manual or the ID is known
- legacy `http://www.hmrc.gov.uk/manuals/<x>manual/<ID>.htm`
- anchors: `<page>#<ID>` links to the ID in the anchor (a subsection on a page), `#ID` alone too
- bare IDs in prose: a known manual code + digits, or a known section ID
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from manualviewer.core.model import SECTION_ID_RE

GOVUK = "https://www.gov.uk"
MANUAL_ROOTS = ("hmrc-internal-manuals", "hmrc-manuals", "guidance")
_SAFE_SCHEMES = ("http", "https", "mailto", "section")

_INLINE = re.compile(
    r"""
    (?P<escape>\\.)
    | (?P<code>(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`))
    | (?P<link>(?P<img>!?)\[(?P<text>(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*)\]
        \(\s*(?P<dest><[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)
        (?P<title>\s+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?\s*\))
    | (?P<reflink>!?\[(?:[^\[\]\\]|\\.)*\]\[[^\[\]]*\])
    | (?P<autolink><(?P<auto>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>)
    | (?P<url>(?<![\w/])(?:https?://|www\.)[^\s<>]*[^\s<>.,;:!?)\]'"*_])
    """,
    re.VERBOSE | re.DOTALL,
)
_REF_DEF = re.compile(r"^(?P<lead> {0,3}\[[^\]]+\]:[ \t]*)(?P<dest><[^>]*>|\S+)(?P<rest>.*)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


class LinkRewriter:
    """Resolves addresses against the manuals of one import and rewrites Markdown bodies."""

    def __init__(self, codes: Iterable[str], slugs: Iterable[str], ids: Iterable[str]) -> None:
        self.codes = tuple(sorted({c.upper() for c in codes if c}, key=lambda c: (-len(c), c)))
        self.slugs = frozenset(slugs)
        id_list = sorted(set(ids), key=lambda i: (-len(i), i))
        self.ids = frozenset(i.upper() for i in id_list)
        code_alt = "|".join(re.escape(c) for c in self.codes)
        self._code_id = re.compile(rf"^(?:{code_alt})[A-Z]*-?\d" if code_alt else r"(?!x)x")
        # Bare mentions: IDs that are not CODE + digits must be listed one by one.
        odd = [i for i in id_list if not self._standard(i.upper())]
        alternatives = [re.escape(i) for i in odd]
        if code_alt:
            alternatives.append(rf"(?:{code_alt})\d+[A-Z]?")
        self._bare = (
            re.compile(rf"(?<![A-Za-z0-9-])(?:{'|'.join(alternatives)})(?![A-Za-z0-9])")
            if alternatives
            else None
        )

    def _standard(self, upper_id: str) -> bool:
        return any(re.fullmatch(rf"{re.escape(c)}\d+[A-Z]?", upper_id) for c in self.codes)

    def looks_like_id(self, text: str) -> bool:
        if not SECTION_ID_RE.match(text) or not any(ch.isdigit() for ch in text):
            return False
        upper = text.upper()
        return upper in self.ids or bool(self._code_id.match(upper))

    # --- addresses ------------------------------------------------------------------------
    def target(self, href: str) -> str | None:
        """The section ID an address points at, upper case, or None."""
        href = href.strip()
        if href.lower().startswith("section:"):
            rest = href[len("section:") :]
            return rest.upper() if SECTION_ID_RE.match(rest) else None
        try:
            parts = urlsplit(href)
        except ValueError:
            return None
        scheme = parts.scheme.lower()
        host = parts.netloc.lower().split("@")[-1].split(":")[0].removeprefix("www.")
        if scheme not in ("", "http", "https") or (scheme and not host):
            return None
        segments = [unquote(s) for s in parts.path.split("/") if s]
        fragment = unquote(parts.fragment)
        if host == "hmrc.gov.uk":
            return self._legacy(segments, fragment)
        if host not in ("", "gov.uk"):
            return None
        on_manual_page = bool(segments) and segments[0] in MANUAL_ROOTS
        if fragment and (on_manual_page or not segments) and self.looks_like_id(fragment):
            return fragment.upper()
        if host or parts.path.startswith("/"):
            return self._manual_path(segments) if on_manual_page else None
        if len(segments) == 1 and self.looks_like_id(segments[0]):
            return segments[0].upper()  # a relative "EIM00505" as some request bodies have
        return None

    def _manual_path(self, segments: list[str]) -> str | None:
        if len(segments) < 3:
            return None  # the manual's own page
        candidate = segments[3] if segments[2] == "sections" and len(segments) > 3 else segments[2]
        if not SECTION_ID_RE.match(candidate) or not any(ch.isdigit() for ch in candidate):
            return None  # e.g. /hmrc-internal-manuals/<manual>/updates
        if segments[0] == "guidance" and segments[1] not in self.slugs and not self.looks_like_id(candidate):
            return None  # some other guidance page
        return candidate.upper()

    def _legacy(self, segments: list[str], fragment: str) -> str | None:
        # http://www.hmrc.gov.uk/manuals/eimanual/EIM00505.htm#EIM00670
        if len(segments) < 3 or segments[0] != "manuals":
            return None
        if fragment and self.looks_like_id(fragment):
            return fragment.upper()
        stem = re.sub(r"\.html?$", "", segments[-1], flags=re.IGNORECASE)
        if SECTION_ID_RE.match(stem) and any(ch.isdigit() for ch in stem):
            return stem.upper()
        return None

    def absolute(self, href: str) -> str | None:
        """A link we keep: GOV.UK-relative made absolute; None for links that cannot work here."""
        href = href.strip()
        if href.startswith("//"):
            return "https:" + href
        if href.startswith("/"):
            return GOVUK + href
        scheme = href.split(":", 1)[0].lower() if ":" in href else ""
        if scheme in _SAFE_SCHEMES:
            return href
        if href.lower().startswith("www."):
            return "https://" + href
        return None  # "#heading", "javascript:", a relative path we cannot resolve

    # --- Markdown -------------------------------------------------------------------------
    def rewrite(self, markdown: str) -> tuple[str, list[str]]:
        """The Markdown with every cross-link as `section:ID`, and the targets in order."""
        targets: list[str] = []
        out: list[str] = []
        fence: str | None = None
        chunk: list[str] = []
        for line in markdown.splitlines(keepends=True):
            match = _FENCE.match(line)
            if fence is not None:
                out.append(line)
                if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                    fence = None
                continue
            if match:
                out.append(self._rewrite_text("".join(chunk), targets))
                chunk = []
                fence = match.group(1)
                out.append(line)
                continue
            ref = _REF_DEF.match(line)
            if ref:
                out.append(self._rewrite_text("".join(chunk), targets))
                chunk = []
                out.append(self._rewrite_ref_def(ref, line, targets))
                continue
            chunk.append(line)
        out.append(self._rewrite_text("".join(chunk), targets))
        return "".join(out), targets

    def _rewrite_ref_def(self, ref: re.Match[str], line: str, targets: list[str]) -> str:
        dest = ref.group("dest").strip("<>")
        newline = "\n" if line.endswith("\n") else ""
        rest = ref.group("rest").rstrip("\n")
        target = self.target(dest)
        if target:
            targets.append(target)
            return f"{ref.group('lead')}section:{target}{rest}{newline}"
        kept = self.absolute(dest)
        return f"{ref.group('lead')}{kept or dest}{rest}{newline}" if kept else line

    def _rewrite_text(self, text: str, targets: list[str]) -> str:
        if not text:
            return text
        out: list[str] = []
        pos = 0
        for match in _INLINE.finditer(text):
            out.append(self._bare_ids(text[pos : match.start()], targets))
            out.append(self._token(match, targets))
            pos = match.end()
        out.append(self._bare_ids(text[pos:], targets))
        return "".join(out)

    def _token(self, match: re.Match[str], targets: list[str]) -> str:
        if match.group("link"):
            return self._link(match, targets)
        if match.group("autolink") or match.group("url"):
            address = match.group("auto") or match.group("url")
            target = self.target(address)
            if target:
                targets.append(target)
                return f"[{target}](section:{target})"
            if match.group("url"):
                return match.group(0)
            kept = self.absolute(address)
            return f"<{kept}>" if kept else address
        return match.group(0)  # escapes, code spans, reference links stay as written

    def _link(self, match: re.Match[str], targets: list[str]) -> str:
        text = match.group("text")
        dest = match.group("dest")
        if dest.startswith("<") and dest.endswith(">"):
            dest = dest[1:-1]
        dest = re.sub(r"\\(.)", r"\1", dest)
        title = match.group("title") or ""
        if match.group("img"):
            kept = self.absolute(dest)
            return f"![{text}]({kept}{title})" if kept else text
        target = self.target(dest)
        if target:
            targets.append(target)
            inner = text.strip() or target
            return f"[{inner}](section:{target})"
        kept = self.absolute(dest)
        if kept is None:
            return self._bare_ids(text, targets)  # an anchor or address that cannot work here
        if re.search(r"[\s()<>]", kept):
            kept = "<" + re.sub(r"[\s<>]", lambda m: f"%{ord(m.group(0)):02X}", kept) + ">"
        return f"[{text}]({kept}{title})"

    def _bare_ids(self, text: str, targets: list[str]) -> str:
        if not text or self._bare is None:
            return text

        def one(match: re.Match[str]) -> str:
            target = match.group(0).upper()
            targets.append(target)
            return f"[{match.group(0)}](section:{target})"

        return self._bare.sub(one, text)
