"""Each page a reader opens: its figures draw every event they should, nothing fails, nothing
is fetched from another host, and instant navigation keeps the page alive between pages."""

from __future__ import annotations

from dataclasses import replace

import pytest
from browsing import (
    RENDERED,
    SITE,
    SITE_URL,
    Drawn,
    Tab,
    checked_pages,
    expected_figures,
    facts,
    figures_on,
    read_figure,
    render_figures,
)
from playwright.sync_api import Page, expect

from generator.render.figures_map import places
from generator.render.figures_timeline import countries_of


def map_places() -> int:
    """The map draws one point per place: events with the same coordinates share it."""
    return len(places(list(facts().events.values())))


def assert_draws_its_data(drawn: Drawn) -> None:
    expected = expected_figures()[drawn.name]
    if drawn.name == "map":
        expected = replace(expected, points=map_places())
    # Under 1000 events every trace is SVG, so each marker is a DOM element to count.
    assert set(drawn.types) <= {"scatter", "scattergeo"}, drawn.types
    assert drawn.drawn_points == expected.points, drawn.name
    assert drawn.data_points == expected.points, drawn.name
    assert drawn.data_bars == expected.bars, drawn.name


@pytest.mark.parametrize("path", checked_pages())
def test_the_page_draws_every_figure_from_the_site_alone(tab: Tab, path: str) -> None:
    tab.goto(path)
    drawn = render_figures(tab.page)
    assert [d.name for d in drawn] == figures_on(path)
    for figure in drawn:
        assert_draws_its_data(figure)
    tab.traffic.assert_clean()


def test_the_timeline_by_country_tab_draws_every_event(tab: Tab) -> None:
    tab.goto("/timeline/")
    render_figures(tab.page)
    tab.page.get_by_text("By country", exact=True).click()
    figure = tab.page.locator('.sahel-figure[data-figure="figures/timeline-country.json"]')
    expect(figure).to_have_class(RENDERED)
    drawn = read_figure(figure)
    # Every event, once per country lane it is in, and at least once.
    events = facts().events.values()
    assert drawn.drawn_points == sum(max(1, len(countries_of(facts().actors, e))) for e in events)
    assert drawn.drawn_points >= len(facts().events)
    assert_draws_its_data(drawn)
    tab.traffic.assert_clean()


def _follow(page: Page, link_text: str, path: str, area: str, title: str) -> None:
    page.locator(area).get_by_role("link", name=link_text, exact=True).first.click()
    page.wait_for_url(f"**{path}")
    # Material pushes the address at the click, and swaps the page in once it has fetched it.
    expect(page).to_have_title(f"{title} - The Sahel crisis")


def test_instant_navigation_from_home_to_timeline_topic_and_network(tab: Tab) -> None:
    sitemap = (SITE / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>" in sitemap, (
        "site/sitemap.xml is empty, so Material's instant navigation is off: build the site "
        f"with SITE_URL={SITE_URL} (see mkdocs.yml), as `nox -s browser` does"
    )
    page = tab.page
    tab.goto("/")
    render_figures(page)
    # A full page load would lose this; Material's instant navigation keeps the window.
    page.evaluate("window.sahelTestMarker = 'first page'")
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    coups = facts().topics["coups"]
    sidebar = ".md-sidebar--primary"
    steps = [
        ("Timeline", "/timeline/", sidebar, "Timeline", ["timeline-topic"]),
        ("Storylines", "/topics/", sidebar, "Storylines", []),
        (coups.title, "/topics/coups/", "article", coups.title, ["topic-coups"]),
        ("Network", "/network/", sidebar, "Network", ["network"]),
    ]
    for link_text, path, area, title, figures in steps:
        _follow(page, link_text, path, area, title)
        drawn = render_figures(page)
        assert [d.name for d in drawn] == figures, path
        for figure in drawn:
            assert_draws_its_data(figure)
        assert page.evaluate("window.sahelTestMarker") == "first page", path
    assert loads == []
    tab.traffic.assert_clean()
