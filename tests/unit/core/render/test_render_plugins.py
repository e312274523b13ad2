"""Each plugin on its own, at token level: the shape the rest of the app relies on."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from manualviewer.core.render.callout import callout_plugin
from manualviewer.core.render.parser import RenderConfig, create_parser
from manualviewer.core.render.procedure import procedure_plugin
from manualviewer.core.render.withheld import WITHHELD_TEXT, withheld_plugin
from manualviewer.core.render.xref import xref_plugin


def test_withheld_is_a_typed_inline_token() -> None:
    md = MarkdownIt("commonmark").use(withheld_plugin)
    (paragraph,) = SyntaxTreeNode(md.parse("Before DMBM1{withheld} after")).children
    kinds = [c.type for c in paragraph.children[0].children]
    assert kinds == ["text", "withheld", "text"]
    assert WITHHELD_TEXT in md.render("a {withheld} b")


def test_a_lone_withheld_marker_becomes_a_block_token() -> None:
    md = MarkdownIt("commonmark").use(withheld_plugin)
    tokens = md.parse("Text.\n\n{withheld}\n")
    assert [t.type for t in tokens][-1] == "withheld_block"
    assert tokens[-1].map == [2, 3]
    assert "<table" in md.render("{withheld}") and "<p>" not in md.render("{withheld}")


def test_withheld_sentence_is_never_in_the_source_but_always_in_the_output() -> None:
    html = create_parser().render("{withheld}")
    assert "Freedom of Information Act 2000" in html
    assert html.count("withheld") >= 1


def test_procedure_embed_token_carries_id_and_line() -> None:
    md = MarkdownIt("commonmark").use(procedure_plugin)
    tokens = md.parse("Intro.\n\n{procedure:phone-check}\n")
    embed = tokens[-1]
    assert (embed.type, embed.meta, embed.map) == ("procedure_embed", {"id": "phone-check"}, [2, 3])


def test_procedure_title_lookup_falls_back_to_the_id() -> None:
    md = MarkdownIt("commonmark").use(procedure_plugin, title={"a": "Title A"}.get)
    assert "Start checklist: Title A" in md.render("{procedure:a}")
    assert "Start checklist: b" in md.render("{procedure:b}")
    assert 'href="procedure:b"' in md.render("{procedure:b}")


def test_procedure_title_is_escaped() -> None:
    md = MarkdownIt("commonmark").use(procedure_plugin, title=lambda _id: "<b>x</b> & y")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in md.render("{procedure:a}")


def test_callouts_are_containers() -> None:
    md = MarkdownIt("commonmark").use(callout_plugin)
    root = SyntaxTreeNode(md.parse("::: warning Mind out\nBody\n:::\n"))
    (box,) = root.children
    assert box.type == "container_warning"
    assert box.info.strip() == "warning Mind out"
    assert "Warning: Mind out" in md.render("::: warning Mind out\nBody\n:::\n")


def test_callout_title_is_escaped() -> None:
    html = create_parser().render("::: note <i>x</i>\nBody\n:::\n")
    assert "Note: &lt;i&gt;x&lt;/i&gt;" in html


def test_xref_plugin_on_a_bare_parser() -> None:
    md = MarkdownIt("commonmark").use(xref_plugin, codes=["DMBM"])
    html = md.render("see DMBM1 and `DMBM2`")
    assert '<a href="section:DMBM1" class="xref">DMBM1</a>' in html
    assert "section:DMBM2" not in html


def test_xref_tokens_carry_target_and_line() -> None:
    md = create_parser(RenderConfig(codes=("DMBM",)))
    inline = md.parse("one\ntwo DMBM7")[1]
    links = [c for c in inline.children or () if c.type == "link_open"]
    assert [(t.meta["section_id"], t.meta["line"]) for t in links] == [("DMBM7", 1)]


def test_unresolved_link_needs_a_resolver() -> None:
    without = create_parser(RenderConfig(codes=("DMBM",))).render("DMBM1")
    with_resolver = create_parser(RenderConfig(codes=("DMBM",), resolve=lambda _id: None)).render("DMBM1")
    assert "missing" not in without
    assert 'class="xref missing" title="not in this library"' in with_resolver
    assert "(not in this library)" in with_resolver


def test_raw_html_is_off_whatever_the_preset() -> None:
    md = create_parser()
    assert md.options["html"] is False
    assert "<script>" not in md.render("<script>x</script>\n\ntext <script>y</script>")


def test_front_matter_is_cut_not_rendered() -> None:
    html = create_parser().render("---\ntitle: secret\n---\nBody\n")
    assert html.strip() == "<p>Body</p>"
