

def test_plain_prose_fast_path_agrees_with_the_token_stream() -> None:
    """Bodies without code, explicit links, escapes or entities skip the parser; for those the
    result must equal what the token stream gives."""
    import sys
    from pathlib import Path

    from manualviewer.core.render import links
    from manualviewer.core.render.parser import structure_parser
    from manualviewer.core.render.targets import code_key

    sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "bench"))
    from synthetic import generate_sections

    sections = generate_sections(300, seed=7)
    codes = code_key({s.manual for s in sections})
    fast_bodies = [s.body for s in sections if links._is_plain_prose(s.body)]
    extra = [
        "DMBM511200 at the start\n\n- a list DMBM1 item\n- *DMBM2* emphasised\n\n# Heading DMBM3\n",
        "Glued (withheld)DMBM512940{withheld} and DMBM99A; not XDMBM1 nor DMBM1x.\n\n| a | DMBM4 |\n|---|---|\n",
    ]
    assert len(fast_bodies) > 50
    for body in fast_bodies + extra:
        assert links._is_plain_prose(body)
        tokens = structure_parser((*codes, "DMBM")).parse(body)
        slow = [
            (str(t.meta["section_id"]), int(t.meta.get("line", 0)) + 1)
            for t in links._inline_tokens(tokens)
            if t.type == "link_open" and "section_id" in t.meta
        ]
        assert links.extract_refs(body, (*codes, "DMBM")) == slow
