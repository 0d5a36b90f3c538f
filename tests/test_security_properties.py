"""Property: arbitrary Unicode in any text field never adds markup to a page.

Every text field of a complete corpus gets its own hypothesis string; each page is rendered
with MkDocs' Markdown configuration (mkdocs.yml's `markdown_extensions`). With the strings
in plain-text fields, a page has exactly the elements and attributes (names, in order) it
has with placeholder text; in Markdown fields, only elements a Markdown field may bring.
Neither may ever add script, an event handler or a non-http(s) link.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import markdown as md
from generator.render.site import RenderOptions, render_figures, render_pages
from generator.schema import INVISIBLE_CHARACTERS
from tests.test_security_corpus import (
    EDIT_BASE,
    MARKDOWN_FIELDS,
    PLAIN_FIELDS,
    corpus,
    expected_text,
    fact_base,
    h1_texts,
    one_publisher_page,
    placeholder,
    structure,
    to_html,
    unsafe_parts,
)

OPTIONS = RenderOptions(edit_base=EDIT_BASE)
# Markdown's own characters, HTML and URL pieces, mixed with any Unicode at all.
MARKUP = [
    *"<>&\"'`*_[](){}#!|=?~:-+.\\/ \n\t",
    "javascript:",
    "https://",
    "<script>",
    "onerror=",
    "```",
    "!!!",
    "[^",
    "%{",
]
# Any text the checker accepts: it refuses blank text and invisible characters (those are
# tested in test_hostile_content.py), so they are taken out here rather than filtered away.
field_text = (
    st.one_of(
        st.text(min_size=1, max_size=60),
        st.lists(st.one_of(st.sampled_from(MARKUP), st.text(max_size=4)), min_size=1).map("".join),
    )
    .map(lambda s: INVISIBLE_CHARACTERS.sub("", s))
    .filter(lambda s: s.strip() != "" and len(s) <= 300)
)
plain_texts = st.fixed_dictionaries(dict.fromkeys(PLAIN_FIELDS, field_text))
markdown_texts = st.fixed_dictionaries(dict.fromkeys(sorted(MARKDOWN_FIELDS), field_text))


def rendered_pages(texts: dict[str, str]) -> dict[str, str]:
    facts = fact_base(corpus(lambda field: texts.get(field) or placeholder(field)))
    pages = render_pages(facts, OPTIONS)
    return one_publisher_page({path: to_html(page) for path, page in pages.items()})


REFERENCE = rendered_pages({})
REFERENCE_STRUCTURE = {path: structure(html) for path, html in REFERENCE.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_texts)
def test_plain_text_fields_never_change_a_page_s_structure(texts: dict[str, str]) -> None:
    pages = rendered_pages(texts)
    assert set(pages) == set(REFERENCE)
    for path, html in pages.items():
        assert unsafe_parts(html) == [], path
        assert structure(html) == REFERENCE_STRUCTURE[path], path
    assert h1_texts(pages["events/incident.md"]) == [expected_text(texts["events.title"])]
    assert h1_texts(pages["actors/alpha.md"]) == [expected_text(texts["actors.name"])]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_texts)
# Found by this test: a lone "&#" made Python-Markdown read no HTML block after it, and the
# page's "cite this" block kept its raw `markdown` attribute.
@example(dict.fromkeys(MARKDOWN_FIELDS, "0") | {"events.summary": "&#"})
def test_markdown_fields_bring_only_allowed_markup(texts: dict[str, str]) -> None:
    for path, html in rendered_pages(texts).items():
        assert unsafe_parts(html) == [], path
        assert set(structure(html)) <= set(REFERENCE_STRUCTURE[path]), path


@settings(max_examples=200, deadline=None)
@given(field_text)
def test_a_markdown_field_alone_renders_inside_the_allowlist(value: str) -> None:
    html = to_html(md.markdown_field(value))
    assert unsafe_parts(html) == []
    assert all(md.is_allowed_element(tag, attrs) for tag, attrs in md.html_elements(html))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_texts)
def test_figure_text_never_holds_markup_of_its_own(texts: dict[str, str]) -> None:
    facts = fact_base(corpus(lambda field: texts.get(field) or placeholder(field)))
    for name, figure in render_figures(facts).items():
        dumped = json.dumps(figure, ensure_ascii=False)
        for tag in ("<script", "<a ", "<img", "<svg", "<iframe"):
            assert tag not in dumped.lower(), name
