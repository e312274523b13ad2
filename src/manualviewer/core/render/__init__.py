"""Markdown -> tokens -> HTML for QTextBrowser (and plain text), plus structure from tokens.

parser.create_parser(RenderConfig) is the one factory; xref, withheld, callout and procedure
are its plugins; links.extract_refs / extract_procedures / headings read the token stream;
html.render_section_html / render_markdown_html / section_plain_text make documents.
Nothing is imported here, so the content loader can import render.links without a cycle.
"""
