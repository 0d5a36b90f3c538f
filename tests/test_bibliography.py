"""The sources page as a bibliography, source labels on the relationships page, storyline
citations, and links whose addresses hold apostrophes, accents or parentheses."""

from __future__ import annotations

import re

import pytest

from generator import markdown as md
from generator.corpus import load_corpus
from generator.model import FactBase
from generator.render import links
from generator.render.pages_ledgers import (
    publisher_page,
    relationships_of_kind_page,
    source_label,
    sources_page,
)
from generator.render.pages_topics import topic_page
from generator.schema import Source
from tests.conftest import FIXTURES, REPO


@pytest.fixture(scope="module")
def small() -> FactBase:
    result = load_corpus(FIXTURES / "site_small" / "content")
    assert result.facts is not None, result.diagnostics
    return result.facts


@pytest.fixture(scope="module")
def real() -> FactBase:
    result = load_corpus(REPO / "content")
    assert result.facts is not None, result.diagnostics
    return result.facts


def _listed(page: str) -> list[str]:
    """The publishers the sources page lists, in its order."""
    return re.findall(r"^- \[(.+?)\]\(sources/", page, flags=re.MULTILINE)


def _page_of(facts: FactBase, publisher: str) -> str:
    return publisher_page(facts, links.publisher_page(publisher))


def test_the_sources_page_lists_each_publisher_once(real: FactBase) -> None:
    listed = _listed(sources_page(real))
    assert len(listed) == len(set(listed))
    assert len(listed) == len({s.publisher.casefold() for s in real.sources.values()})
    assert listed.count("AllAfrica") == 1


def test_publishers_are_filed_a_to_z_without_the_article(small: FactBase) -> None:
    names = _listed(sources_page(small))
    keys = [n.casefold().removeprefix("the ") for n in names]
    assert keys == sorted(keys)
    assert names.index("The Daily Star") < names.index("GhanaWeb")


def test_a_bibliography_entry_gives_headline_publisher_date_language_and_citers(
    small: FactBase,
) -> None:
    page = _page_of(small, "WTOP")
    assert page.startswith("# WTOP\n\n[All sources](../sources.md).\n")
    entry = page[page.index('id="wtop-ap-bamako-attack-2024-09-17"') :].split("</div>")[0]
    assert entry.splitlines()[2:4] == [
        "**[Page at wtop.com](<https://wtop.com/world/2024/09/a-military-training-camp-in-"
        "malis-capital-has-been-attacked-the-army-says/>)** (headline not recorded)<br>",
        "WTOP, carrying AP · 17 September 2024 · English · news agency report",
    ]
    assert "Cited by 4 facts:" in entry
    assert (
        "- [JNIM attack on Bamako](../events/bamako-attack-2024.md) (event; claims "
        "[5](../events/bamako-attack-2024.md"
        "#claim-malian-armed-forces-dawn-attempted-infiltration), "
        "[9](../events/bamako-attack-2024.md#claim-oumar-diarra-chief-attackers-neutralised), "
        "[12](../events/bamako-attack-2024.md#claim-ap-quoted-least-15); "
        "figure: suspects arrested)"
    ) in entry


def test_a_source_with_a_headline_links_the_headline() -> None:
    source = Source.model_validate(
        {
            "id": "x",
            "kind": "news_report",
            "publisher": "RFI",
            "title": "ECOWAS suspends Mali (again)",
            "url": "https://www.rfi.fr/en/africa/x",
            "published": "2021-05-31",
            "language": "en",
        }
    )
    facts = FactBase({}, {}, {}, {"x": source}, {})
    page = _page_of(facts, "RFI")
    assert "**[“ECOWAS suspends Mali \\(again\\)”](<https://www.rfi.fr/en/africa/x>)**<br>" in page
    assert "RFI · 31 May 2021 · English · news report" in page
    assert "Not cited by any fact yet." in page
    assert source_label(source) == "RFI: “ECOWAS suspends Mali (again)”"


def test_sources_are_in_date_order_within_a_publisher_undated_last(real: FactBase) -> None:
    page = _page_of(real, "Jeune Afrique")
    ids = re.findall(r'<div class="sahel-source" id="([^"]+)"', page)
    assert ids == [
        "jeuneafrique-g5-sahel-2022",  # May 2022
        "jeuneafrique-traore-takes-mpsr",  # October 2022
        "jeuneafrique-moura-un-report",  # no date shown
    ]


def _relationship_pages(facts: FactBase) -> str:
    kinds = sorted({r.kind for r in facts.relationships.values()})
    return "\n".join(relationships_of_kind_page(facts, kind) for kind in kinds)


def test_the_relationships_pages_name_sources_by_label_never_by_id(small: FactBase) -> None:
    page = _relationship_pages(small)
    found = re.findall(r"\[([^\]]+)\]\(\.\./sources/[a-z0-9-]+\.md#([^)]+)\)", page)
    assert found
    assert all(label != source_id for label, source_id in found)
    assert (
        "[BBC News, 17 September 2024](../sources/bbc-news.md#bbc-bamako-attack-2024-09-17)" in page
        and "[WTOP \\(AP\\), 17 September 2024]"
        "(../sources/wtop.md#wtop-ap-bamako-attack-2024-09-17)"
        in page
    )


def test_every_source_link_on_the_relationships_pages_is_clickable(real: FactBase) -> None:
    html = md.render_page_markdown(_relationship_pages(real))
    hrefs = re.findall(r'<a href="\.\./sources/[a-z0-9-]+\.md#[^"]+"', html)
    cited = sum(len(r.sources) for r in real.relationships.values())
    assert len(hrefs) == cited


def test_the_wikipedia_address_with_an_apostrophe_is_a_live_link(real: FactBase) -> None:
    source = real.sources["wikipedia-2020-malian-coup"]
    assert source.url == "https://en.wikipedia.org/wiki/2020_Malian_coup_d'état"
    html = md.render_page_markdown(_page_of(real, source.publisher))
    assert '<a href="https://en.wikipedia.org/wiki/2020_Malian_coup_d%27%C3%A9tat">' in html


@pytest.mark.parametrize(
    ("address", "href"),
    [
        (
            "https://en.wikipedia.org/wiki/2020_Malian_coup_d'état",
            "https://en.wikipedia.org/wiki/2020_Malian_coup_d%27%C3%A9tat",
        ),
        (
            "https://wikimili.com/en/Battle_of_Tinzaouaten_(2024)",
            "https://wikimili.com/en/Battle_of_Tinzaouaten_(2024)",
        ),
        (  # already percent-encoded: not encoded twice
            "https://www.dw.com/fr/r%C3%A9actions-mali/a-61206443",
            "https://www.dw.com/fr/r%C3%A9actions-mali/a-61206443",
        ),
        ("https://bücher.example/ü?q=é#f", "https://xn--bcher-kva.example/%C3%BC?q=%C3%A9#f"),
        (
            "https://www.oann.com/x/?utm_source=rss&utm_medium=rss",
            "https://www.oann.com/x/?utm_source=rss&utm_medium=rss",
        ),
    ],
)
def test_addresses_with_apostrophes_accents_or_parentheses_link(address: str, href: str) -> None:
    link = md.external_link("label", address)
    assert link == f"[label](<{href}>)"
    html = md.render_page_markdown(link)
    assert html == f'<p><a href="{href.replace("&", "&amp;")}">label</a></p>'


@pytest.mark.parametrize(
    "address",
    [
        'https://ok.example/"onmouseover="alert(1)',
        "https://ok.example/a b",
        "https://ok.example/<b>",
        "https://ok.example/a`b",
        "https://ok.example/a\\b",
        "javascript:alert(1)",
        "ftp://ok.example/",
    ],
)
def test_addresses_that_could_break_out_of_a_link_are_not_linked(address: str) -> None:
    assert md.safe_href(address) is None
    assert "<a " not in md.render_page_markdown(md.external_link("label", address))


def test_a_storyline_cites_its_sources_as_footnotes(real: FactBase) -> None:
    topic = real.topics["bamako-attack"]
    page = topic_page(real, topic)
    introduction_end = page.index("## Timeline")
    assert "[^src-ahram-afp-bamako-toll-2024-09-19]" in page[:introduction_end]
    assert "\n[^src-ahram-afp-bamako-toll-2024-09-19]: Al-Ahram Hebdo (via AFP)" in page
    html = md.render_page_markdown(page)
    assert html.count('class="footnote-ref"') == len(topic.sources)


def test_every_storyline_cites_sources(real: FactBase) -> None:
    assert all(topic.sources for topic in real.topics.values())
