"""What a reader does with the figures and the site: click a point, move the network's date
slider, switch to the dark palette, search."""

from __future__ import annotations

import datetime as dt

import pytest
from browsing import (
    EVENT_PAGE,
    Tab,
    click_point,
    facts,
    isolated_point_urls,
    point_centre,
    render_figures,
    slide_network_to,
)
from playwright.sync_api import Locator, expect

from generator.render.links import actor_page, event_page, site_url
from generator.schema import RelationshipKind


def _event_url(event_id: str) -> str:
    return site_url(event_page(event_id))


def _opened(tab: Tab, url: str) -> None:
    """The page at site-relative `url` is open, and its title is the entity's."""
    tab.page.wait_for_url(tab.url("/" + url))
    kind, entity = url.strip("/").split("/")
    name = facts().events[entity].title if kind == "events" else facts().actors[entity].name
    expect(tab.page).to_have_title(f"{name} - The Sahel crisis")


def test_clicking_a_timeline_point_opens_its_event(tab: Tab) -> None:
    tab.goto("/timeline/")
    render_figures(tab.page)
    figure = tab.page.locator(".sahel-figure--rendered").first
    # A point with no other within 14 px, so the click can only mean that one.
    candidates = isolated_point_urls(figure, 14)
    assert candidates, "every timeline point has a neighbour within 14 px"
    url = candidates[len(candidates) // 2]
    click_point(tab.page, figure, url)
    _opened(tab, url)
    tab.traffic.assert_clean()


def _clicking_opens(tab: Tab, figure_page: str, url: str) -> None:
    """On the page's one figure, the point that links to `url` is large enough to click and
    opens that page."""
    tab.goto(figure_page)
    render_figures(tab.page)
    figure = tab.page.locator(".sahel-figure--rendered")
    assert point_centre(figure, url)[2] > 10
    click_point(tab.page, figure, url)
    _opened(tab, url)
    tab.traffic.assert_clean()


def test_clicking_a_network_node_opens_its_actor(tab: Tab) -> None:
    _clicking_opens(tab, "/network/", site_url(actor_page("mali")))


def test_clicking_a_map_marker_opens_its_event(tab: Tab) -> None:
    _clicking_opens(tab, "/map/", _event_url("kidal-taken-2023"))


# --- the network's date slider --------------------------------------------------------------

EDGES = """(gd, kind) => {
  const nodes = {};
  gd.data.filter((t) => t.mode === 'markers+text').forEach((t) => {
    t.customdata.forEach((url, i) => { nodes[t.x[i] + ',' + t.y[i]] = url; });
  });
  // A kind's edges are two traces: those with a known start, and those without.
  const traces = gd.data.filter((t) => t.mode === 'lines' &&
    (t.name === kind || t.name === kind + ' (start not known)'));
  const edges = [];
  traces.forEach((trace) => {
    for (let i = 0; i + 1 < trace.x.length; i += 3) {
      const end = (j) => nodes[trace.x[j] + ',' + trace.y[j]];
      edges.push([end(i), end(i + 1)]);
    }
  });
  return { active: gd._fullLayout.sliders[0].active, edges: edges };
}"""


def _member_edges(figure: Locator) -> set[tuple[str, str]]:
    found = figure.evaluate(EDGES, RelationshipKind.MEMBER_OF.value.replace("_", " "))
    return {(a, b) for a, b in found["edges"]}


MALI = site_url(actor_page("mali"))
AES = site_url(actor_page("aes"))
ECOWAS = site_url(actor_page("ecowas"))


@pytest.mark.parametrize(
    ("day", "present", "absent"),
    [
        (dt.date(2023, 10, 1), {(MALI, AES), (MALI, ECOWAS)}, set()),
        (dt.date(2025, 2, 1), {(MALI, AES)}, {(MALI, ECOWAS)}),
    ],
    ids=["2023-10-01", "2025-02-01"],
)
def test_the_date_slider_draws_the_network_as_it_stood(
    tab: Tab, day: dt.date, present: set[tuple[str, str]], absent: set[tuple[str, str]]
) -> None:
    # What the fact base says, so that the test checks the figure, not the facts.
    held = {
        (site_url(actor_page(r.from_)), site_url(actor_page(r.to)))
        for r in facts().relationships_on(day)
        if r.kind is RelationshipKind.MEMBER_OF
    }
    assert present <= held and not absent & held
    tab.goto("/network/")
    render_figures(tab.page)
    figure = tab.page.locator(".sahel-figure--rendered")
    label = slide_network_to(figure, day)
    # The current value is the slider group's own label; the step labels are in their groups.
    expect(figure.locator(".slider-group > text.slider-label")).to_have_text(f"As of {label}")
    drawn = _member_edges(figure)
    assert drawn == held
    assert present <= drawn
    assert not absent & drawn
    tab.traffic.assert_clean()


# --- the palette ------------------------------------------------------------------------------

THEME = """(gd) => ({
  paper: gd._fullLayout.paper_bgcolor,
  font: gd._fullLayout.font.color,
  drawn: getComputedStyle(gd.querySelector('.main-svg')).backgroundColor,
  page: getComputedStyle(document.body).getPropertyValue('--md-default-bg-color').trim(),
  body: getComputedStyle(document.body).backgroundColor,
})"""


@pytest.mark.parametrize("path", ["/", "/network/", "/map/"])
def test_the_palette_toggle_re_themes_the_figures(tab: Tab, path: str) -> None:
    tab.goto(path)
    render_figures(tab.page)
    figure = tab.page.locator(".sahel-figure--rendered").first
    light = figure.evaluate(THEME)
    assert light["paper"] == light["page"]
    assert light["drawn"] == light["body"]  # the colour was parsed, not drawn black
    tab.page.locator('form[data-md-component="palette"] label:visible').click()
    expect(tab.page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    tab.page.wait_for_function(
        "(gd) => gd._fullLayout.paper_bgcolor !== " + repr(light["paper"]),
        arg=figure.element_handle(),
    )
    dark = figure.evaluate(THEME)
    assert dark["paper"] == dark["page"]
    assert dark["drawn"] == dark["body"]  # Material's hsla(), as plotly.js parses it
    assert dark["paper"] != light["paper"]
    assert dark["drawn"] != light["drawn"]
    assert dark["font"] != light["font"]
    tab.traffic.assert_clean()


# --- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [("JNIM", "/actors/jnim/"), ("CEDEAO", "/actors/ecowas/")],
)
def test_site_search_finds_actors_by_name_and_alias(tab: Tab, query: str, expected: str) -> None:
    tab.goto(EVENT_PAGE)
    search = tab.page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(query, delay=20)
    results = tab.page.locator(".md-search-result__list a.md-search-result__link")
    expect(results.first).to_be_visible()
    paths = {
        href.split("?")[0].split("#")[0].removeprefix(tab.base)
        for href in results.evaluate_all("(links) => links.map((a) => a.href)")
    }
    assert expected in paths
    tab.traffic.assert_clean()
