"""Front matter of generated pages (generator/render/page_meta.py): the description MkDocs and
the theme read, and the figure bundles the <head> preloads."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st
from mkdocs.utils import meta

from generator.markdown import one_line
from generator.render.figures_common import (
    CHARTS_BUNDLE,
    GEO_BUNDLE,
    GL_BUNDLE,
    embed,
    timeline_bundle,
)
from generator.render.page_meta import (
    DESCRIPTION_LIMIT,
    figure_bundles,
    first_paragraph,
    front_matter,
    plain_text,
    shortened,
    with_front_matter,
)
from tests.fixtures.hostile_site import PAYLOADS


def test_a_page_s_front_matter_is_its_description_and_its_figure_bundles() -> None:
    page = (
        "# Timeline\n\nEvery event, by [storyline](topics/index.md) or **country**.\n\n"
        + embed("timeline-topic", CHARTS_BUNDLE, "Timeline", "- a row\n", "The data")
        + embed("map", GEO_BUNDLE, "Map", "- a row\n", "The data")
        + embed("timeline-country", CHARTS_BUNDLE, "Timeline", "- a row\n", "The data")
    )
    assert with_front_matter(page) == (
        "---\n"
        "description: Every event, by storyline or country.\n"
        "figure_bundles:\n"
        "- charts\n"
        "- geo\n"
        "---\n\n" + page
    )


def test_a_page_without_figures_names_no_bundle() -> None:
    page = "# Mali\n\n- **Kind:** state\n\n## Who this is\n\nA state.\n"
    summary = "West African *state*; see [its page](https://example.org/)."
    assert with_front_matter(page, summary) == (
        "---\ndescription: West African state; see its page.\n---\n\n" + page
    )


def test_an_actor_page_is_found_by_its_names_as_escaped_tags() -> None:
    page = "# Mali & ECOWAS\n\nText.\n"
    names = ["Mali & ECOWAS", "x </title><script>alert(1)</script>", "République\ndu Mali"]
    assert with_front_matter(page, "Text.", names) == (
        "---\n"
        "description: Text.\n"
        "tags:\n"
        "- Mali &amp; ECOWAS\n"
        "- x &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;\n"
        "- République du Mali\n"
        "---\n\n" + page
    )


def test_a_page_is_found_by_the_names_it_gives_typed_without_their_accents() -> None:
    page = "# Mandate\n\nAssimi Goïta, at Sénou, with Goïta's ministers.\n"
    assert with_front_matter(page, "Text.") == (
        "---\ndescription: Text.\ntags:\n- Goita\n- Senou\n---\n\n" + page
    )
    # An actor page's own names come first, and a spelling is not given twice.
    assert with_front_matter(page, "Text.", ["Assimi Goïta", "Goita"]) == (
        "---\ndescription: Text.\ntags:\n- Assimi Goïta\n- Goita\n- Senou\n---\n\n" + page
    )


def test_the_description_is_the_first_paragraph_of_prose_below_the_heading() -> None:
    page = (
        '# Title\n\n- **When:** 2024\n\n!!! warning "Needs review"\n\n    A note.\n\n'
        '<div class="x"></div>\n\n| a | b |\n| --- | --- |\n\n## What happened\n\n'
        "The first paragraph.\n\nThe second.\n"
    )
    assert first_paragraph(page) == "The first paragraph."
    assert first_paragraph("# Title\n\n- only a list\n") == ""


def test_plain_text_is_what_the_reader_sees() -> None:
    assert plain_text('Mali & ECOWAS: "<draft>"') == 'Mali & ECOWAS: "<draft>"'
    assert plain_text("A *b* `c` [d](https://example.org/) \\*e\\*") == "A b c d *e*"
    assert plain_text("First paragraph.\n\nSecond.") == "First paragraph."
    assert plain_text("x </title><script>alert(1)</script>") == (
        "x </title><script>alert(1)</script>"
    )
    assert plain_text("Goïta’s   line\nbreak") == "Goïta’s line break"


def test_a_long_description_ends_at_a_sentence_or_a_word() -> None:
    sentence = "The junta, led by Col. Assimi Goïta, took power in Bamako in August 2020. "
    assert shortened(sentence * 4) == (sentence * 2).rstrip()
    words = "word " * 100
    assert shortened(words) == ("word " * 40).rstrip() + "…"
    assert len(shortened(words)) <= DESCRIPTION_LIMIT


def test_the_bundles_are_named_in_order_of_first_use() -> None:
    page = "".join(
        embed(name, bundle, "x", "- y\n", "z")
        for name, bundle in (("a", GEO_BUNDLE), ("b", CHARTS_BUNDLE), ("c", GEO_BUNDLE))
    )
    assert figure_bundles(page) == [GEO_BUNDLE, CHARTS_BUNDLE]


def test_a_timeline_names_the_bundle_its_figure_is_drawn_with() -> None:
    assert timeline_bundle([range(600), range(400)]) == CHARTS_BUNDLE
    assert timeline_bundle([range(600), range(401)]) == GL_BUNDLE


@given(st.text(), st.lists(st.text(), max_size=3))
def test_any_description_reads_back_as_the_one_value_of_its_key(
    text: str, terms: list[str]
) -> None:
    page = "# Title\n"
    written = front_matter(text, search_terms=terms) + page
    body, data = meta.get_data(written)
    assert data.pop("description") == one_line(text)
    assert data == ({"tags": [html.escape(one_line(t)) for t in terms]} if terms else {})
    assert body.lstrip("\n") == page


def test_every_payload_is_one_description_and_nothing_else() -> None:
    for payload in PAYLOADS.values():
        described = shortened(plain_text(payload))
        body, data = meta.get_data(front_matter(described) + "# T\n")
        assert data == {"description": described}
        assert body.strip() == "# T"
