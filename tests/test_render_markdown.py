"""The escaping helpers: editor text is shown as text, never as markup."""

from __future__ import annotations

import re
from html import unescape

import pytest

from generator import markdown as md


def rendered(text: str) -> str:
    """As MkDocs renders a page: mkdocs.yml's extensions (tests/test_security_corpus.py)."""
    return md.render_page_markdown(text)


def without_permalinks(html: str) -> str:
    return re.sub(r'<a class="headerlink"[^>]*>&para;</a>', "", html)


@pytest.mark.parametrize(
    ("value", "html"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("*not emphasis* and _this_", "<p>*not emphasis* and _this_</p>"),
        ("[a link](javascript:alert(1))", "<p>[a link](javascript:alert(1))</p>"),
        ("# not a heading", "<p># not a heading</p>"),
        ("- not a list", "<p>- not a list</p>"),
        ("1. not a list", "<p>1. not a list</p>"),
        ("AT&T {: onclick=x}", "<p>AT&amp;T {: onclick=x}</p>"),
        ("Jama'at   Nusrat\nal-Islam", "<p>Jama'at Nusrat al-Islam</p>"),
        # Block openers of the pymdownx extensions, and fences, at the start of a value.
        ('=== "Tab"', '<p>&#61;== "Tab"</p>'),
        ("??? note", "<p>&#63;?? note</p>"),
        ("~~~", "<p>&#126;~~</p>"),
        ("!!! danger", "<p>!!! danger</p>"),
        ("[TOC]", "<p>[TOC]</p>"),
        ("[^src-a]: forged", "<p>[^src-a]&#58; forged</p>"),
        ("]:", "<p>]&#58;</p>"),
        # NUL is an HTML parse error, and STX/ETX are Python-Markdown's own placeholders.
        ("a\x00b\x02c\x03d", "<p>a\ufffdb\ufffdc\ufffdd</p>"),
        # A blank value shows as a dash, so "**{name}**" never becomes "****".
        (" \r\n\t", "<p>—</p>"),
    ],
)
def test_text_renders_to_exactly_the_text(value: str, html: str) -> None:
    assert rendered(md.text(value)) == html


@pytest.mark.parametrize("title", ["C#", "Operation #3 ##", "# not a heading #", "#"])
def test_a_heading_keeps_trailing_hashes(title: str) -> None:
    # An ATX heading drops its closing hashes: "# C#" would show as "C".
    html = without_permalinks(rendered(f"# {md.text(title)}"))
    assert re.fullmatch(r'<h1 id="[^"]*">(.*)</h1>', html) is not None
    assert re.sub(r"<[^>]+>", "", html) == title


# Each a reference or footnote definition once escaped, were it not for the fix: a label
# that starts with "[" is escaped to start with a backslash, which no definition matches.
@pytest.mark.parametrize("label", ["]:", "a]: b", "a ]: (b)", "^x]: y"])
def test_a_link_whose_label_holds_a_reference_definition_stays_a_link(label: str) -> None:
    """Python-Markdown reads a line that starts `[...]:` as a reference definition, taking
    an escaped bracket for a closing one: found by the structure property test, with an
    event titled "]:" cited on the sources page."""
    html = rendered(f"- {md.page_link(label, 'events/x.md')} (summary)\n")
    found = re.fullmatch(r'<ul>\n<li><a href="events/x.md">(.*)</a> \(summary\)</li>\n</ul>', html)
    assert found is not None, html
    assert unescape(found.group(1)) == label


def test_a_table_cell_escapes_the_pipe_and_stays_one_cell() -> None:
    table = f"| a | b |\n| --- | --- |\n| {md.cell('x | y')} | z |\n"
    assert "<td>x | y</td>\n<td>z</td>" in rendered(table)
    assert md.cell("  ") == "—"


def test_only_http_urls_become_links() -> None:
    assert md.external_link("AFP", "https://www.afp.com/a") == "[AFP](<https://www.afp.com/a>)"
    assert md.external_link("AFP", "javascript:alert(1)") == "AFP"
    assert md.external_link("AFP", None) == "AFP"


def test_hover_text_escapes_plotly_html() -> None:
    assert md.hover("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"


def test_markdown_fields_keep_markdown_but_lose_html_scripts_and_remote_images() -> None:
    value = (
        "Some *emphasis* and [a source](https://example.org/a).\n\n"
        "<img src=x onerror=alert(1)> [bad](javascript:alert(1)) ![pixel](https://t.example/p.gif)\n\n"
        "# A heading {: onclick=alert(1) }\n\n"
        "`<code>` stays code\n\n"
        "[ref]: javascript:alert(2)\n"
    )
    html = rendered(md.markdown_field(value))
    assert "<em>emphasis</em>" in html
    assert '<a href="https://example.org/a">a source</a>' in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html and "<p>[ref]: javascript:alert(2)</p>" in html
    assert without_permalinks(html).count("<h3") == 1
    assert '<h3 id="a-heading-onclickalert1">A heading {: onclick=alert(1) }' in html
    assert "<h1" not in html
    assert "<code>&lt;code&gt;</code>" in html


@pytest.mark.parametrize(
    ("value", "html"),
    [
        # Browsers drop newlines inside a URL: "java\nscript:" is "javascript:".
        ("[x](java\nscript:alert(1))", "<p>[x](java\nscript:alert(1))</p>"),
        # Backtick runs of different lengths are not code to Markdown, so the link was live.
        ("`[x](javascript:alert(1))``", "<p>`x``</p>"),
        ("\\`[x](javascript:alert(1))`", "<p>`x`</p>"),
        ("`a\n\n[x](javascript:alert(1))\n\n`", "<p>`a</p>\n<p>x</p>\n<p>`</p>"),
        # A remote image through a reference definition.
        (
            "![i][r]\n\n[r]: https://t.example/p.gif",
            "<p>![i][r]</p>\n<p>[r]: https://t.example/p.gif</p>",
        ),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>x</p>"),
        ("[x](//evil.example/)", "<p>x</p>"),
        ('[x](https://ok.example/"onmouseover="alert(1))', "<p>x</p>"),
        ("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>"),
        (
            "<https://example.org/a>",
            '<p><a href="https://example.org/a">https://example.org/a</a></p>',
        ),
        (
            "[a [b](https://x.example/)](javascript:1)",
            '<p>[a <a href="https://x.example/">b</a>](javascript:1)</p>',
        ),
        ("Title\n===", "<p>Title\n&#61;==</p>"),
        ("Title\n---", "<p>Title</p>\n<hr />"),
        ("[TOC]", "<p>[TOC]</p>"),
        ("[^src-a]\n\n[^src-a]: forged", "<p>[^src-a]</p>\n<p>[^src-a]: forged</p>"),
        ('!!! danger "x"\n    body', '<p>!!! danger "x"\n    body</p>'),
        ("??? note\n    body", "<p>&#63;?? note\n    body</p>"),
        ('=== "Tab"\n    body', '<p>&#61;== "Tab"\n    body</p>'),
        ("{: onclick=alert(1) }", "<p>{: onclick=alert(1) }</p>"),
        ("\\<script>alert(1)</script>", "<p>\\&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ],
)
def test_markdown_fields_refuse_every_way_to_a_live_link_or_a_new_block(
    value: str, html: str
) -> None:
    assert without_permalinks(rendered(md.markdown_field(value))) == html


@pytest.mark.parametrize(
    ("value", "level"),
    [("# a", 3), ("## a", 4), ("### a", 5), ("#### a", 6), ("###### a", 6), ("#tag", 3)],
)
def test_headings_in_fields_sit_below_the_page_s_own(value: str, level: int) -> None:
    html = rendered(md.markdown_field(value))
    assert html.startswith(f"<h{level} ")
    assert "- # x" not in md.markdown_field("- # x") and "- ### x" in md.markdown_field("- # x")


def test_fenced_code_stays_code() -> None:
    value = "```\n<script>alert(1)</script>\n[x](javascript:1)\n```"
    html = rendered(md.markdown_field(value))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\n[x](javascript:1)" in html
    assert "<script" not in html and "href" not in html


def test_code_markdown_cannot_be_checked_is_shown_as_plain_text() -> None:
    # Checked by rendering: a field whose cleaned form renders to something outside the
    # allowlist falls back to plain paragraphs.
    assert not md.renders_safely("x", render=lambda source: "<p><script>x</script></p>")
    assert md.renders_safely("x", render=lambda source: '<p><a href="https://a.example/">x</a></p>')
    assert not md.renders_safely("x", render=lambda source: '<p><a href="javascript:x">x</a></p>')
    assert md.plain_paragraphs("*a* <b>\n\n`c`") == "\\*a\\* &lt;b&gt;\n\n\\`c\\`"


def test_a_carriage_return_cannot_start_a_live_heading() -> None:
    # Found by hypothesis: Python-Markdown reads a lone CR as a line break, so the heading
    # rules must too, or the '#' after it would become a page-level heading.
    assert md.markdown_field("0\r# Title") == "0\n### Title"
    assert md.markdown_field("a\r\n# Title") == "a\n### Title"


def test_an_ampersand_that_begins_no_character_reference_is_text() -> None:
    assert md.markdown_field("AT&T, Q&A and &#") == "AT&amp;T, Q&amp;A and &amp;#"
    # Complete references, and a link's own address, are left as they are.
    assert md.markdown_field("&amp; &eacute; &#233; &#xE9;") == "&amp; &eacute; &#233; &#xE9;"
    link = md.markdown_field("[Q&A](https://example.org/?a=1&b=2)")
    assert link == "[Q&amp;A](<https://example.org/?a=1&b=2>)"
    # After a lone "&#", an HTML block with Markdown inside is still read as one.
    page = md.render_page_markdown(
        md.markdown_field("&#") + '\n\n<div class="x" markdown>\n\n*a*\n\n</div>\n'
    )
    assert 'markdown"' not in page and "markdown>" not in page
    assert "<em>a</em>" in page
