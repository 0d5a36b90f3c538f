"""The escaping helpers: editor text is shown as text, never as markup."""

from __future__ import annotations

import markdown
import pytest

from generator.render import markdown as md

EXTENSIONS = ["tables", "attr_list", "footnotes", "admonition", "md_in_html", "toc"]


def rendered(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


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
    ],
)
def test_text_renders_to_exactly_the_text(value: str, html: str) -> None:
    assert rendered(md.text(value)) == html


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
    assert "<img" not in html
    assert "javascript:" not in html
    assert '<h3 id="a-heading-onclickalert1">A heading {: onclick=alert(1) }</h3>' in html
    assert "<h3" in html and "<h1" not in html
    assert "<code>&lt;code&gt;</code>" in html
