"""The network page as a reader sees it, at 1366 px and on a phone (390 px): each date's
frame draws only what held then, every actor is named once, an edge's hover names the
relationship and its direction, the figure takes the page's width, and a phone gets the
relationships of the chosen date as a list. Screenshots of a few dates are saved under
artifacts/screenshots/ for people to look at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from browsing import (
    PHONE,
    SCREENSHOTS,
    Tab,
    facts,
    label_problems,
    render_figures,
    slide_network_to,
)
from playwright.sync_api import Locator, expect

from generator.render import figures_network as network

WIDE: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}}
DEVICES: dict[str, dict[str, Any]] = {"desktop": WIDE, "phone": PHONE}

# Each edge drawn, as the actor ids of its two ends (read from the nodes' links), by trace
# name: a kind, or a kind "(start not known)".
EDGES = """(gd) => {
  const nodes = {};
  gd.data.filter((t) => t.mode === 'markers+text').forEach((t) => {
    t.customdata.forEach((url, i) => {
      nodes[t.x[i] + ',' + t.y[i]] = url.replace(/^actors\\//, '').replace(/\\/$/, '');
    });
  });
  const found = {};
  gd.data.filter((t) => t.mode === 'lines').forEach((t) => {
    const edges = [];
    for (let i = 0; i + 1 < t.x.length; i += 3) {
      const end = (j) => nodes[t.x[j] + ',' + t.y[j]];
      edges.push([end(i), end(i + 1)]);
    }
    found[t.name] = { edges: edges, opacity: t.opacity === undefined ? 1 : t.opacity };
  });
  return found;
}"""


def open_network(open_tab: Callable[..., Tab], device: str) -> tuple[Tab, Locator]:
    tab = open_tab(**DEVICES[device])
    tab.goto("/network/")
    render_figures(tab.page)
    return tab, tab.page.locator(".sahel-figure--rendered")


def slide_to(figure: Locator, day: dt.date) -> str:
    """Click the slider's step for `day`, check the date it shows, and return it."""
    label = slide_network_to(figure, day)
    expect(figure.locator(".slider-group > text.slider-label")).to_have_text(f"As of {label}")
    return label


def drawn_edges(figure: Locator) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = figure.evaluate(EDGES)
    return found


def screenshot(tab: Tab, name: str) -> None:
    tab.page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


# --- what a frame draws ------------------------------------------------------------------


@pytest.mark.parametrize("device", DEVICES)
def test_the_frame_at_2020_09_25_has_no_edge_touching_an_actor_founded_later(
    open_tab: Callable[..., Tab], device: str
) -> None:
    day = dt.date(2020, 9, 25)
    base = facts()
    later = {a.id for a in base.actors.values() if a.founded and a.founded.first_day > day}
    assert {"mpsr", "cnsp-niger", "aes"} <= later  # what the test is about is in the content
    # And those with no founding date that the content first records later (Wagner in
    # December 2021, MINUSMA in 2023, the CSP-DPA and Africa Corps in 2024, ...).
    unfounded = {"wagner", "africa-corps", "csp-dpa", "minusma", "g5-sahel"}
    later |= {a.id for a in base.actors.values() if base.known_from(a.id) > day}
    assert unfounded <= later
    tab, figure = open_network(open_tab, device)
    assert slide_to(figure, day) == "25 September 2020"
    edges = drawn_edges(figure)
    drawn = {(a, b) for trace in edges.values() for a, b in trace["edges"]}
    assert drawn, "no edge was read from the figure"
    assert {(a, b) for a, b in drawn if {a, b} & later} == set()
    # And it draws exactly the relationships that held that day.
    assert drawn == {(r.from_, r.to) for r in base.relationships_on(day)}
    # Actors that did not exist yet are faded, their names too.
    fills = figure.evaluate(
        """(gd) => Object.fromEntries(Array.from(gd.querySelectorAll('.textpoint text'))
             .map((t) => [t.textContent, getComputedStyle(t).fill]))"""
    )
    assert fills["MPSR"] == "rgb(128, 128, 128)" != fills["Mali"]  # FADED_TEXT, with its alpha
    assert fills["Wagner Group"] == fills["MINUSMA"] == fills["MPSR"]
    screenshot(tab, f"network-2020-09-25-{device}")
    tab.traffic.assert_clean()


def test_relationships_of_unknown_start_are_faint_and_the_legend_says_so(
    open_tab: Callable[..., Tab],
) -> None:
    tab, figure = open_network(open_tab, "desktop")
    slide_to(figure, dt.date(2023, 10, 1))
    edges = drawn_edges(figure)
    faint = {name: t for name, t in edges.items() if name.endswith("(start not known)")}
    assert ["jnim", "cnsp-niger"] in faint["opposed to (start not known)"]["edges"]
    assert all(t["opacity"] == network.UNKNOWN_START_OPACITY for t in faint.values())
    assert edges["member of"]["opacity"] == 1
    # The faint edges are drawn faint (the trace's group in the SVG), and the legend names them.
    opacities = figure.evaluate(
        """(gd) => Array.from(gd.querySelectorAll('.scatterlayer .trace'))
             .filter((g) => g.__data__[0].trace.name.endsWith('(start not known)'))
             .map((g) => Number(getComputedStyle(g).opacity))"""
    )
    assert opacities and all(o == pytest.approx(network.UNKNOWN_START_OPACITY) for o in opacities)
    legend = figure.locator(".legend")
    expect(legend).to_contain_text("Start not known")
    expect(legend).to_contain_text("faint, in the colour of its kind")
    screenshot(tab, "network-2023-10-01-desktop")
    tab.traffic.assert_clean()


# --- labels, hover, width ------------------------------------------------------------------


def test_every_actor_is_named_once_at_1366_px(open_tab: Callable[..., Tab]) -> None:
    tab, figure = open_network(open_tab, "desktop")
    shown, problems = label_problems(figure)
    assert problems == []
    actors = network.network_actors(facts())
    assert sorted(shown) == sorted(network.unique_labels(facts(), actors).values())
    assert len(set(shown)) == len(actors)
    assert {"CNSP (Mali)", "CNSP (Niger)"} <= set(shown)
    tab.traffic.assert_clean()


HOVER_POINT = """(gd, id) => {
  const trace = gd.data.find((t) => t.mode === 'none');
  const i = trace.customdata.findIndex((url) => url.endsWith('#' + id));
  const xa = gd._fullLayout.xaxis;
  const ya = gd._fullLayout.yaxis;
  const box = gd.querySelector('.main-svg').getBoundingClientRect();
  return [box.left + xa._offset + xa.l2p(trace.x[i]), box.top + ya._offset + ya.l2p(trace.y[i])];
}"""


def test_hovering_an_edge_names_the_relationship_and_its_direction(
    open_tab: Callable[..., Tab],
) -> None:
    tab, figure = open_network(open_tab, "desktop")
    # The point must be on screen for the mouse to reach it: the figure's middle, centred.
    figure.evaluate("(gd) => gd.scrollIntoView({ block: 'center' })")
    x, y = figure.evaluate(HOVER_POINT, "jnim-opposed-to-mali")
    tab.page.mouse.move(x, y)
    hover = figure.locator(".hoverlayer .hovertext")
    expect(hover).to_have_count(1)
    expect(hover).to_contain_text("JNIM → Mali")
    expect(hover).to_contain_text("opposed to")
    expect(hover).to_contain_text("start not known")
    tab.traffic.assert_clean()


def test_the_figure_takes_the_page_width_at_1366_px(open_tab: Callable[..., Tab]) -> None:
    tab, figure = open_network(open_tab, "desktop")
    article = tab.page.locator("article.md-content__inner")
    width = figure.evaluate("(gd) => gd.clientWidth")
    assert width > 900  # the text column it had was 688 px
    inner = article.evaluate(
        """(a) => { const s = getComputedStyle(a);
          return a.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }"""
    )
    assert width == pytest.approx(inner, abs=1)
    expect(tab.page.locator(".md-sidebar--secondary")).to_be_hidden()
    # The list view is for phones only.
    expect(tab.page.locator(".sahel-network-list")).to_be_hidden()
    tab.traffic.assert_clean()


# --- on a phone ----------------------------------------------------------------------------


def test_a_phone_lists_the_relationships_of_the_chosen_date(open_tab: Callable[..., Tab]) -> None:
    tab, figure = open_network(open_tab, "phone")
    page = tab.page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    listing = page.locator(".sahel-network-list")
    expect(listing).to_be_visible()
    base = facts()
    actors = network.network_actors(base)
    labels = network.unique_labels(base, actors)
    for day in (dt.date(2020, 9, 25), dt.date(2023, 10, 1)):
        label = slide_to(figure, day)
        held = base.relationships_on(day)
        expect(listing.locator("p")).to_have_text(f"{len(held)} relationships as of {label}")
        items = listing.locator("li a")
        expect(items).to_have_count(len(held))
        expected = sorted(network.relationship_text(r, labels) for r in held)
        assert sorted(items.all_inner_texts()) == expected
    # Each item opens the relationship's row in the ledger.
    href = listing.locator("li a", has_text="JNIM opposed to CNSP (Niger)").get_attribute("href")
    assert href is not None and href.endswith(
        "/relationships/opposed-to/#jnim-opposed-to-cnsp-niger"
    )
    screenshot(tab, "network-2023-10-01-phone")
    tab.traffic.assert_clean()
