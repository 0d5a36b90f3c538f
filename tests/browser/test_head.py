"""What a page says about itself and what it loads: its meta description and Open Graph tags
(its own summary, as plain text), search that finds names without their accents and every
alias, plotly.js fetched with the page on pages with figures and never on the others."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from browsing import DESKTOP, EVENT_PAGE, PHONE, REPO, Tab, facts, render_figures
from mkdocs.utils import meta
from playwright.sync_api import expect

from generator.render.figures_counts import competing_measures
from generator.render.spellings import unaccented_spellings

DEVICES: dict[str, dict[str, Any]] = {"desktop": DESKTOP, "phone": PHONE}
SITE_NAME = "The Sahel crisis"
BUNDLE = re.compile(r"/assets/vendor/plotly-[a-z]+\.min\.js$")
FIGURE_DATA = re.compile(r"/figures/[^/]+\.json$")
FIGURE_MODULE = re.compile(r"/assets/figures/figures\.js$")

# A page of each kind, and the file of site_src/ it is built from.
PAGES = {
    "/": "index.md",
    "/timeline/": "timeline.md",
    EVENT_PAGE: EVENT_PAGE.strip("/") + ".md",
    "/actors/assimi-goita/": "actors/assimi-goita.md",
    "/topics/coups/": "topics/coups.md",
    "/claims/": "claims.md",
}


def event_without_figures() -> str:
    """An event page with no competing-figures chart (no measure with several figures)."""
    events = sorted(facts().events.values(), key=lambda e: e.id)
    return f"/events/{next(e for e in events if not competing_measures(e)).id}/"


WITHOUT_FIGURES = [event_without_figures(), "/claims/", "/sources/", "/about/", "/relationships/"]
# The event page's figures are its competing-figures charts.
WITH_FIGURES = [
    "/",
    "/timeline/",
    "/network/",
    "/map/",
    "/actors/jnim/",
    "/topics/coups/",
    EVENT_PAGE,
]

READ_HEAD = """() => {
  const content = (selector) => Array.from(document.head.querySelectorAll(selector))
    .map((m) => m.getAttribute('content'));
  return {
    title: document.title,
    description: content('meta[name="description"]'),
    og_title: content('meta[property="og:title"]'),
    og_description: content('meta[property="og:description"]'),
  };
}"""


def written_description(source: str) -> str:
    """The description the generator wrote into the page's front matter."""
    text = (REPO / "site_src" / source).read_text(encoding="utf-8")
    description: str = meta.get_data(text)[1]["description"]
    return description


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("path", PAGES)
def test_a_page_describes_itself_with_its_own_summary(
    open_tab: Callable[..., Tab], device: str, path: str
) -> None:
    tab = open_tab(**DEVICES[device])
    tab.goto(path)
    head = tab.page.evaluate(READ_HEAD)
    described = written_description(PAGES[path])
    assert head["description"] == [described]
    assert head["og_description"] == [described]
    title = head["title"].removesuffix(f" - {SITE_NAME}")
    assert head["og_title"] == [title]
    tab.traffic.assert_clean()


def test_each_page_has_a_description_of_its_own(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab()
    seen = {}
    for path in PAGES:
        tab.goto(path)
        seen[path] = tab.page.evaluate(READ_HEAD)["description"][0]
    assert len(set(seen.values())) == len(PAGES), seen
    summary = facts().events[EVENT_PAGE.strip("/").split("/")[1]].summary
    assert seen[EVENT_PAGE].removesuffix("…")[:60] == summary[:60]


# --- search -----------------------------------------------------------------------------------


def search(tab: Tab, query: str) -> set[str]:
    """The pages search lists for `query` (the search box opened from the header on a phone)."""
    box = tab.page.locator("input.md-search__input")
    if not box.is_visible():
        tab.page.locator('label.md-header__button[for="__search"]').click()
    meta_line = tab.page.locator(".md-search-result__meta")
    # Emptied first, so that the results read below are this query's, not the last one's.
    # Material reads the box on a key going up: a key is pressed after each fill.
    box.fill("")
    box.press("End")
    expect(meta_line).to_have_text("Type to start searching")
    box.fill(query)
    box.press("End")
    expect(meta_line).to_have_text(re.compile(r"matching document"))
    links = tab.page.locator(".md-search-result__list a.md-search-result__link")
    hrefs = links.evaluate_all("(links) => links.map((a) => a.href)")
    return {href.split("?")[0].split("#")[0].removeprefix(tab.base) for href in hrefs}


@pytest.mark.parametrize("device", DEVICES)
def test_search_finds_a_name_typed_without_its_accents(
    open_tab: Callable[..., Tab], device: str
) -> None:
    tab = open_tab(**DEVICES[device])
    tab.goto(EVENT_PAGE)
    assert "/actors/assimi-goita/" in search(tab, "Goita")
    assert "/actors/aes/" in search(tab, "Confederation des Etats du Sahel")
    tab.traffic.assert_clean()


def matching(tab: Tab, query: str) -> int:
    """How many documents search says match `query`."""
    search(tab, query)
    line = tab.page.locator(".md-search-result__meta").inner_text()
    found = re.match(r"(\d+) matching document", line)
    return int(found[1]) if found else 0  # "No matching documents"


def test_a_name_typed_without_its_accents_finds_every_page_that_gives_it(tab: Tab) -> None:
    tab.goto("/")
    for name, bare in (("Goïta", "Goita"), ("Traoré", "Traore"), ("Sénou", "Senou")):
        accented = matching(tab, name)
        assert accented > 1, name
        assert matching(tab, bare) == accented, name
    tab.traffic.assert_clean()


def test_search_finds_every_actor_by_each_of_its_names(tab: Tab) -> None:
    tab.goto("/")
    missed = []
    for actor in facts().actors.values():
        names = [actor.name, *(a.name for a in actor.aliases)]
        for name in [*names, *unaccented_spellings(names)]:
            if f"/actors/{actor.id}/" not in search(tab, name):
                missed.append((actor.id, name))
    assert not missed, "\n".join(f"{actor}: {name}" for actor, name in missed)
    tab.traffic.assert_clean()


# --- loading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", WITHOUT_FIGURES)
def test_a_page_without_figures_loads_no_plotly(tab: Tab, path: str) -> None:
    tab.goto(path)
    tab.page.wait_for_load_state("networkidle")
    assert [url for url in tab.traffic.requests if BUNDLE.search(url)] == []
    assert [url for url in tab.traffic.requests if FIGURE_MODULE.search(url)] == []
    assert tab.page.locator('link[rel="preload"]').count() == 0
    tab.traffic.assert_clean()


@pytest.mark.parametrize("path", WITH_FIGURES)
def test_a_page_with_figures_fetches_plotly_with_the_page_not_after_the_figure(
    tab: Tab, path: str
) -> None:
    tab.goto(path)
    assert render_figures(tab.page)
    requests = tab.traffic.requests
    bundles = [i for i, url in enumerate(requests) if BUNDLE.search(url)]
    figures = [i for i, url in enumerate(requests) if FIGURE_DATA.search(url)]
    modules = [i for i, url in enumerate(requests) if FIGURE_MODULE.search(url)]
    assert len(bundles) == 1, requests
    assert figures and bundles[0] < figures[0], requests
    # The figure module too, preloaded with the bundle, not fetched after the page has run.
    assert len(modules) == 1 and modules[0] < figures[0], requests
    tab.traffic.assert_clean()
