

def test_plain_prose_fast_path_agrees_with_the_token_stream() -> None:
    """Bodies without code, explicit links, escapes or entities skip the parser; for those the
    result must equal what the token stream gives. (White box on purpose: the private helpers are
    the two paths being compared, and which one a body takes is invisible from outside.)"""
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


def test_candidate_scan_matches_the_link_pattern() -> None:
    # White box on purpose: the fast scan is an internal shortcut that must find what the pattern finds.
    from manualviewer.core.render import links
    from manualviewer.core.render.targets import link_pattern

    codes = ("DMBM", "EIM", "VATGPB", "DM")
    text = ("DMBM511015 XDMBM1 DMBM1x EIM32730A (DM12) VATGPBUPDATE001 eim123 DMBM12AB "
            "VATGPB1000.\nDMBM9{withheld}EIM7 ÉDMBM3 DMBMDM4 DM5")
    expected = [m.group(0) for m in link_pattern(codes).finditer(text)]
    assert [ref for ref, _line in links._prose_refs(text, codes)] == expected
    assert expected == ["DMBM511015", "EIM32730A", "DM12", "VATGPB1000", "DMBM9", "EIM7", "DMBM3", "DM5"]
