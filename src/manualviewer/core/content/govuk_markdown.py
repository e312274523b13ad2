"""Body text from GOV.UK into our Markdown: HTML converted with markdownify, HTML entities
decoded, raw HTML left in Markdown bodies converted (tables to pipe tables), hard-wrapped
lines joined, withheld sentences replaced by the typed `{withheld}` marker; titles cleaned."""

from __future__ import annotations

import html
import re
from typing import Any

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

WITHHELD_MARKER = "{withheld}"

# "(This content has been withheld because of exemptions in the Freedom of Information Act 2000)"
# and the variants seen in HMRC manuals: "text"/"information" for "content", no or square
# brackets, emphasis around it, markdownify's escaped brackets, glued to the next section ID.
_WITHHELD_RE = re.compile(
    r"(?:\*\*|__|\*|_)?(?:\\?[(\[][ \t]*)?(?:\*\*|__|\*|_)?"
    r"This\s+(?:(?:content|text|information|section|page|paragraph|guidance)\s+)?"
    r"(?:has\s+been|is|was)\s+withheld\s+"
    r"(?:(?:because|as\s+a\s+result)\s+of|due\s+to|under)\s+"
    r"(?:the\s+)?(?:exemptions?\s+(?:in|under)\s+the\s+)?"
    r"Freedom\s+of\s+Information\s+Act(?:\s*\(?FOIA?\)?)?(?:\s*2000)?\s*\.?"
    r"(?:\*\*|__|\*|_)?(?:\\?[)\]])?\.?(?:\*\*|__|\*|_)?",
    re.IGNORECASE,
)

# Entities that would change Markdown structure if decoded are left as entities; `&`, `<` and
# `>` are decided by what follows them (see decode_entities).
_KEEP_ENCODED = set("\\`*_{}[]()#+-.!|~")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


class _Converter(MarkdownConverter):
    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        href = el.get("href")
        if href and re.search(r"[\s()<>]", href):
            # An address with spaces or brackets breaks `(...)`; `<...>` keeps it whole.
            el["href"] = "<" + re.sub(r"[\s<>]", lambda m: f"%{ord(m.group(0)):02X}", href.strip()) + ">"
        if el.get("title"):
            del el["title"]
        result: str = super().convert_a(el, text, parent_tags)  # type: ignore[misc]  # not in the stub
        return result

    def convert_td(self, el: Any, text: str, parent_tags: set[str]) -> str:
        result: str = super().convert_td(el, text.replace("|", r"\|"), parent_tags)  # type: ignore[misc]
        return result

    def convert_th(self, el: Any, text: str, parent_tags: set[str]) -> str:
        result: str = super().convert_th(el, text.replace("|", r"\|"), parent_tags)  # type: ignore[misc]
        return result


def html_to_markdown(body: str) -> str:
    soup = BeautifulSoup(body, "html.parser")
    # Page furniture and active content carry no guidance text: drop them with their contents.
    for tag in soup.find_all(["script", "style", "template", "iframe", "object", "form", "nav", "button"]):
        tag.decompose()
    converter = _Converter(heading_style="ATX", bullets="-", newline_style="backslash", autolinks=False)
    text: str = converter.convert_soup(soup)
    return tidy(join_wrapped_lines(text))


def decode_entities(markdown: str) -> str:
    """Turn `&#x201C;` and friends into characters, except where the character is Markdown syntax:
    `&lt;b&gt;` written as text must not become a tag, `&amp;lt;` not an entity."""

    def one(match: re.Match[str]) -> str:
        char = html.unescape(match.group(0))
        if char == match.group(0) or char in _KEEP_ENCODED:
            return match.group(0)
        after = markdown[match.end():match.end() + 33]
        if char == "&" and _ENTITY_START_RE.match(after):
            return match.group(0)
        if char == "<" and (not after or (not after[0].isspace() and not after[0].isdigit())):
            return match.group(0)  # could open a tag or an autolink
        if char == ">":
            line_start = markdown.rfind("\n", 0, match.start()) + 1
            if not markdown[line_start:match.start()].strip(" >") or not markdown[match.start() - 1].isspace():
                return match.group(0)  # a block quote at the start of a line; `&lt;b&gt;` kept whole
        return " " if char == "\u00a0" else char

    return _ENTITY_RE.sub(one, markdown)


_ENTITY_START_RE = re.compile(r"(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def replace_withheld(markdown: str) -> tuple[str, int]:
    """The body with every withheld sentence as `{withheld}`, and how many were replaced."""
    count = 0

    def one(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        start, end = match.span()
        before = markdown[start - 1] if start > 0 else ""
        after = markdown[end] if end < len(markdown) else ""
        left = " " if before and (before.isalnum() or before in ")]") else ""
        right = " " if after and (after.isalnum() or after in "([") else ""
        return f"{left}{WITHHELD_MARKER}{right}"

    return _WITHHELD_RE.sub(one, markdown), count


def tidy(markdown: str) -> str:
    """Trailing spaces off, at most one blank line in a row, one final newline."""
    raw = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines: list[str] = []
    for number, line in enumerate(raw):
        stripped = line.rstrip()
        following = raw[number + 1] if number + 1 < len(raw) else ""
        # Two trailing spaces are a hard line break; keep it in a form that survives editors.
        if line.endswith("  ") and stripped and following.strip() and not stripped.startswith(("#", "|")):
            stripped += "\\"
        lines.append(stripped)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text + "\n" if text else ""


# --- raw HTML inside Markdown bodies --------------------------------------------------------
# hmrc-manuals-api bodies are Markdown, but some carry HTML the publisher pasted in (tables
# above all). The renderer escapes raw HTML, so readers would see `<td>` as text: convert it.

_BLOCK_TAGS = ("table", "p", "div", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "pre")
_INLINE_TAGS = ("strong", "b", "em", "i", "u", "sup", "sub", "span", "font", "small", "big", "s", "strike",
                "del", "ins", "abbr", "acronym", "cite", "a", "code", "tt", "mark")
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b(?:\s[^<>]*)?/?>")
_LONE_TAG_RE = re.compile(r"</?(?:br|hr|" + "|".join(_INLINE_TAGS + _BLOCK_TAGS + ("tr", "td", "th", "li"))
                          + r")\b(?:\s[^<>]*)?/?>", re.IGNORECASE)
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(`+)[^`]*?\1")
_SPLIT_SUP_RE = re.compile(r"</sup>(?:\s|&#[xX][aA]0;|&nbsp;)*<sup>", re.IGNORECASE)  # 6<sup>t</sup> <sup>h</sup>
_CELL_BULLET_RE = re.compile(r"^[ \t]*(?:[*+-]|\d+[.)])[ \t]+", re.MULTILINE)


class _MarkdownKeeper(_Converter):
    """markdownify for HTML whose text is already Markdown: nothing escaped, cells one line."""

    def convert_br(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return " " if "td" in parent_tags or "th" in parent_tags else "\\\n"


_KEEPER = _MarkdownKeeper(heading_style="ATX", bullets="-", newline_style="backslash", autolinks=False,
                          escape_asterisks=False, escape_underscores=False, escape_misc=False)


def html_in_markdown(markdown: str) -> str:
    """Raw HTML in a Markdown body turned into Markdown: tables into pipe tables, `<p>`, lists,
    `<strong>`, `<br>` and the like into their Markdown forms; fenced code and code spans untouched.
    Tags that are not clearly formatting are left (and reported by `manualviewer check`)."""
    if "<" not in markdown:
        return markdown
    out: list[str] = []
    chunk: list[str] = []
    fence = ""
    for line in markdown.split("\n"):
        opened = _FENCE_RE.match(line)
        if fence or opened:
            if not fence and opened:
                out.append(_convert_chunk("\n".join(chunk)))
                chunk = []
                fence = opened.group(1)[0] * 3
            elif line.strip().startswith(fence):
                fence = ""
            out.append(line)
            continue
        chunk.append(line)
    out.append(_convert_chunk("\n".join(chunk)))
    return "\n".join(part for part in out)


def _convert_chunk(text: str) -> str:
    if "<" not in text:
        return text
    text = _SPLIT_SUP_RE.sub("", text)
    code = [(m.start(), m.end()) for m in _CODE_SPAN_RE.finditer(text)]
    pieces: list[str] = []
    pos = 0
    for match in _TAG_RE.finditer(text):
        if match.start() < pos or any(a <= match.start() < b for a, b in code):
            continue
        closing, name = match.group(1), match.group(2).lower()
        kind = "block" if name in _BLOCK_TAGS else "inline" if name in _INLINE_TAGS else ""
        end = _matching_close(text, name, match.end()) if kind and not closing else None
        if end is not None:
            replacement = _fragment_to_markdown(text[match.start():end])
            if kind == "block":
                replacement = f"\n\n{replacement}\n\n"
        elif _LONE_TAG_RE.fullmatch(match.group(0)):
            # A tag without its partner (a `<br>`, a stray `</u>`) that only ever formats.
            end = match.end()
            replacement = _lone_tag(name)
        else:
            continue
        pieces.append(text[pos:match.start()])
        pieces.append(replacement)
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _lone_tag(name: str) -> str:
    if name == "br":
        return "\\\n"
    if name in ("td", "th"):
        return " "
    return "\n\n" if name in _BLOCK_TAGS or name in ("hr", "tr", "li") else ""


def _matching_close(text: str, name: str, start: int) -> int | None:
    """End of the tag that closes the `<name>` opened before `start`, nesting counted."""
    depth = 1
    pattern = re.compile(rf"<(/?){name}\b(?:\s[^<>]*)?(/?)>", re.IGNORECASE)
    for match in pattern.finditer(text, start):
        if match.group(2):
            continue  # <name/>
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return None


def _fragment_to_markdown(fragment: str) -> str:
    # The text between the tags is Markdown: an `&lt;` in it must stay an entity, so every `&`
    # is escaped before BeautifulSoup decodes them.
    soup = BeautifulSoup(fragment.replace("&", "&amp;"), "html.parser")
    tables: list[str] = []
    for table in soup.find_all("table"):
        if table.find_parent("table") is None:  # a nested table is text in its outer cell
            tables.append(_pipe_table(table))
            table.replace_with(soup.new_string(f"\x00{len(tables) - 1}\x00"))
    markdown: str = _KEEPER.convert_soup(soup)
    return re.sub("\x00([0-9]+)\x00", lambda m: f"\n\n{tables[int(m.group(1))]}\n\n", markdown).strip()


def _pipe_table(table: Any) -> str:
    """A GFM pipe table: one line a row, `|` escaped in cells, colspan and rowspan filled with
    empty cells, short rows padded, the first row a header only when it looks like one."""
    rows: list[list[str]] = []
    header_like: list[bool] = []
    spans: dict[int, int] = {}  # column -> rows still covered by a rowspan above
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue  # a row of a nested table: its text is in its cell
        cells: list[str] = []
        heads: list[bool] = []
        for cell in tr.find_all(["td", "th"], recursive=False):
            while spans.get(len(cells), 0) > 0:
                spans[len(cells)] -= 1
                cells.append("")
                heads.append(True)
            text = _cell_text(cell)
            colspan = _span(cell.get("colspan"))
            rowspan = _span(cell.get("rowspan"))
            for offset in range(colspan):
                if rowspan > 1:
                    spans[len(cells)] = rowspan - 1
                cells.append(text if offset == 0 else "")
                heads.append(cell.name == "th" or not text or bool(re.fullmatch(r"\*\*[^*]+\*\*:?", text)))
        while spans.get(len(cells), 0) > 0:
            spans[len(cells)] -= 1
            cells.append("")
            heads.append(True)
        if any(cells):  # a row of empty cells is spacing, not data
            rows.append(cells)
            header_like.append(all(heads) and any(cells))
    caption = table.find("caption")
    caption_text = _cell_text(caption) if caption is not None else ""
    if not rows:
        return caption_text
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if header_like[0]:
        header, body = [re.sub(r"^\*\*(.+)\*\*(:?)$", r"\1\2", c) for c in rows[0]], rows[1:]
    else:
        header, body = [""] * width, rows
    lines = [_row(header), "|" + "|".join(" --- " for _ in range(width)) + "|"]
    lines.extend(_row(r) for r in body)
    table_md = "\n".join(lines)
    return f"{caption_text}\n\n{table_md}" if caption_text else table_md


def _row(cells: list[str]) -> str:
    return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"


def _span(value: Any) -> int:
    text = str(value or "").strip()
    return max(1, min(50, int(text))) if text.isdigit() else 1


def _cell_text(cell: Any) -> str:
    # A cell holds one line: Markdown list items inside become bullets, line breaks spaces.
    inner = _CELL_BULLET_RE.sub("• ", cell.decode_contents())
    soup = BeautifulSoup(inner, "html.parser")
    text: str = _KEEPER.convert_soup(soup)
    text = text.replace("\\\n", " ")
    text = " ".join(text.split())
    return re.sub(r"(?<!\\)\|", r"\\|", text)


# --- hard-wrapped lines -----------------------------------------------------------------------
# The Markdown bodies were wrapped at about 70 columns, mid-sentence, and sometimes a blank line
# fell inside a sentence ("taxable as\n\nearnings if"), which splits the paragraph on screen.

_BLOCK_START_RE = re.compile(
    r"(?:#{1,6}(?:\s|$)|>|\||<|\{|:::|`{3,}|~{3,}|(?:[*+-]|\d{1,9}[.)])(?:\s|$)"
    r"|(?:\*[ \t]*){3,}$|(?:-[ \t]*){3,}$|(?:_[ \t]*){3,}$|=+[ \t]*$)"
)
_LIST_ITEM_RE = re.compile(r"^[ \t]*(?:[*+-]|\d{1,9}[.)])[ \t]+\S")
_DELIMITER_ROW_RE = re.compile(r"^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_OPEN_END_RE = re.compile(r"[A-Za-z0-9,()]$")  # a line that stops mid-sentence
_CONTINUES_RE = re.compile(r"[a-z]|\[[^\]]+\]\(")  # a line that starts mid-sentence: lower case or a link


def join_wrapped_lines(markdown: str) -> str:
    """Lines of one paragraph (or list item) on one line; code, tables, headings and every other
    block left as they are. Across a blank line only when the sentence plainly runs on: the line
    before stops without punctuation and the next starts with a lower-case letter, at the same
    list depth."""
    lines = markdown.split("\n")
    out: list[str] = []
    fence = ""
    in_list = False
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        opened = _FENCE_RE.match(line)
        if fence or opened:
            if not fence and opened:
                fence = opened.group(1)[0] * 3
            elif line.strip().startswith(fence):
                fence = ""
            out.append(line)
            continue
        if _LIST_ITEM_RE.match(line):
            in_list = True
        elif line.strip() and not line[0].isspace() and out and not out[-1].strip():
            in_list = False  # an unindented paragraph after a blank line ends the list
        if not _can_continue(line, in_list):
            out.append(line)
            continue
        while index < len(lines):
            following = lines[index]
            if following.strip() and _joins(following):
                line = line.rstrip() + " " + following.strip()
                index += 1
            elif (not following.strip() and index + 1 < len(lines) and _OPEN_END_RE.search(line.rstrip())
                  and _runs_on(lines[index + 1], in_list)):
                line = line.rstrip() + " " + lines[index + 1].strip()
                index += 2
            else:
                break
            if not _can_continue(line, in_list):
                break
        out.append(line)
    return "\n".join(out)


def _can_continue(line: str, in_list: bool) -> bool:
    stripped = line.strip()
    if not stripped or line.endswith(("\\", "  ")) or "|" in stripped:
        return False
    indent = len(line) - len(line.lstrip(" "))
    if indent >= 4 and not in_list:
        return False  # indented code
    return _LIST_ITEM_RE.match(line) is not None or not _BLOCK_START_RE.match(stripped)


def _joins(following: str) -> bool:
    stripped = following.strip()
    return not _BLOCK_START_RE.match(stripped) and not _DELIMITER_ROW_RE.match(stripped) and "|" not in stripped


def _runs_on(following: str, in_list: bool) -> bool:
    stripped = following.strip()
    indent = len(following) - len(following.lstrip(" "))
    same_block = indent >= 2 if in_list else indent < 4
    return bool(stripped) and same_block and _CONTINUES_RE.match(stripped) is not None and _joins(following)


# --- titles -------------------------------------------------------------------------------------

_TITLE_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^<>]*>")
_TITLE_EMPHASIS_RES = (
    re.compile(r"\*\*(.+?)\*\*"),
    re.compile(r"__(.+?)__"),
    re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"),
)
_TITLE_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")


def clean_text(text: str) -> str:
    """Plain one-line text (summaries, change notes): tags dropped, then entities decoded, so an
    escaped `&lt;b&gt;` stays visible text."""
    return " ".join(html.unescape(_TITLE_TAG_RE.sub(" ", text)).split())


def clean_title(title: str, section_id: str = "") -> str:
    """A title as readers should see it: no entities, tags, Markdown emphasis or heading marks,
    and not starting with its own section ID ("EIM01471 – Employment income: ...")."""
    text = clean_text(title)
    for _ in range(2):  # "# EIM21861 - ..." has both a heading mark and an ID
        text = text.lstrip("#").strip()
        if section_id and text.upper().startswith(section_id.upper()):
            rest = text[len(section_id):]
            separated = re.match(r"\s*[-\u2013\u2014:.]\s*|\s+", rest)
            if separated and rest[separated.end():].strip():
                text = rest[separated.end():]
    for pattern in _TITLE_EMPHASIS_RES:
        text = pattern.sub(r"\1", text)
    text = _TITLE_ESCAPE_RE.sub(r"\1", text)
    text = text.strip(" *_")  # a stray marker left at either end ("... ITEPA 2003 *")
    text = re.sub(r"(?<=[a-z]):(?=[A-Za-z])", ": ", text)  # "Employment income:employees"
    return " ".join(text.split())
