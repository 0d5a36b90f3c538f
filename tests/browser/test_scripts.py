"""What each page loads: the loader alone on a page with neither a figure nor the ledger's
filter; the figure module and plotly.js on pages with figures; the ledger module on the ledger;
and, after instant navigation from one kind of page to another, the module the new page needs,
once, working."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browsing import SITE, Tab, figures_on, read_figure, render_figures
from playwright.sync_api import Page, expect

from benchmarks.phone import WATCH_FIGURE

LOADER = re.compile(r"/assets/figures/loader\.js$")
FIGURE_MODULE = re.compile(r"/assets/figures/figures\.js$")
LEDGER_MODULE = re.compile(r"/assets/figures/ledger\.js$")
BUNDLE = re.compile(r"/assets/vendor/plotly-[a-z]+\.min\.js$")
LEDGER = "/claims/unverified/"


def actor_without_figure() -> str:
    """An actor page of the built site with no figure (the actor takes part in no event)."""
    for html in sorted((SITE / "actors").glob("*/index.html")):
        if 'class="sahel-figure' not in html.read_text(encoding="utf-8"):
            return f"/actors/{html.parent.name}/"
    raise AssertionError("every actor page has a figure: choose another page without one")


def requested(tab: Tab, pattern: re.Pattern[str]) -> list[str]:
    return [url for url in tab.traffic.requests if pattern.search(url.split("?")[0])]


def assert_ledger_filter_works(page: Page) -> None:
    """Unticking every storyline hides every row; ticking them again shows them all."""
    form = page.locator(".sahel-ledger-filter")
    expect(form).to_be_visible()
    rows = page.locator("article tbody tr")
    total = rows.count()
    assert total > 0
    count = form.locator(".sahel-ledger-filter__count")
    expect(count).to_have_text(f"{total} of {total} statements shown")
    boxes = form.locator("input[name='storyline']").all()
    for box in boxes:
        box.uncheck()
    expect(count).to_have_text(f"0 of {total} statements shown")
    assert page.locator("article tbody tr:visible").count() == 0
    for box in boxes:
        box.check()
    expect(count).to_have_text(f"{total} of {total} statements shown")
    assert page.locator("article tbody tr:visible").count() == total


@pytest.mark.parametrize("path", ["/about/", "/sources/", "actor"])
def test_a_page_with_neither_a_figure_nor_the_filter_loads_the_loader_alone(
    tab: Tab, path: str
) -> None:
    path = actor_without_figure() if path == "actor" else path
    tab.goto(path)
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.locator(".sahel-figure, .sahel-ledger-filter").count() == 0
    assert len(requested(tab, LOADER)) == 1
    assert requested(tab, FIGURE_MODULE) == []
    assert requested(tab, LEDGER_MODULE) == []
    assert requested(tab, BUNDLE) == []
    assert tab.page.locator('link[rel="preload"]').count() == 0
    tab.traffic.assert_clean()


def test_the_ledger_loads_its_filter_and_no_figure_module(tab: Tab) -> None:
    tab.goto(LEDGER)
    assert_ledger_filter_works(tab.page)
    tab.page.wait_for_load_state("networkidle")
    assert len(requested(tab, LEDGER_MODULE)) == 1
    assert requested(tab, FIGURE_MODULE) == []
    assert requested(tab, BUNDLE) == []
    tab.traffic.assert_clean()


def test_the_timeline_preloads_the_figure_module_and_draws(tab: Tab) -> None:
    tab.goto("/timeline/")
    preloads = tab.page.locator('link[rel="preload"][as="script"]').evaluate_all(
        "(links) => links.map((l) => l.href)"
    )
    assert any(FIGURE_MODULE.search(href) for href in preloads), preloads
    drawn = render_figures(tab.page)
    assert [d.name for d in drawn] == figures_on("/timeline/")
    assert len(requested(tab, FIGURE_MODULE)) == 1
    assert requested(tab, LEDGER_MODULE) == []
    tab.traffic.assert_clean()


def _follow(page: Page, link_text: str, path: str, title: str) -> None:
    page.locator(".md-sidebar--primary, article").get_by_role(
        "link", name=link_text, exact=True
    ).first.click()
    page.wait_for_url(f"**{path}")
    # Material pushes the address at the click, and swaps the page in once it has fetched it.
    expect(page).to_have_title(f"{title} - The Sahel crisis")


def test_after_instant_navigation_each_page_loads_the_module_it_needs_once(
    open_tab: Callable[..., Tab],
) -> None:
    """About (neither) → Timeline (figures) → Claims → a ledger page (the filter) → back to the
    timeline (figures again): each module is fetched once and works on every page."""
    tab = open_tab()
    page = tab.page
    tab.goto("/about/")
    page.wait_for_load_state("networkidle")
    assert requested(tab, FIGURE_MODULE) == requested(tab, LEDGER_MODULE) == []
    # A full page load would lose this; Material's instant navigation keeps the window.
    page.evaluate("window.sahelTestMarker = 'first page'")

    _follow(page, "Timeline", "/timeline/", "Timeline")
    drawn = render_figures(page)
    assert [d.name for d in drawn] == figures_on("/timeline/")
    assert requested(tab, LEDGER_MODULE) == []

    _follow(page, "Claims", "/claims/", "Claims")
    _follow(page, "Unverified", LEDGER, "Claims: unverified")
    assert_ledger_filter_works(page)
    # The timeline's figure, left behind, was freed.
    assert page.locator(".sahel-figure").count() == 0

    _follow(page, "Timeline", "/timeline/", "Timeline")
    figure = page.locator(".sahel-figure[data-figure]:visible").first
    expect(figure).to_have_class(re.compile(r"\bsahel-figure--rendered\b"))
    assert read_figure(figure).drawn_points > 0

    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.sahelTestMarker") == "first page"
    assert len(requested(tab, LOADER)) == 1
    assert len(requested(tab, LEDGER_MODULE)) == 1
    # The figure module is fetched again by the <head>'s preload of each figure page (from the
    # browser's cache), but each module's <script> was added once: none ran twice.
    assert requested(tab, FIGURE_MODULE)
    scripts = page.evaluate(
        "() => Array.from(document.scripts, (s) => s.src).filter((s) => s.includes('/figures/'))"
    )
    assert sorted(s.rsplit("/", 1)[1] for s in scripts) == [
        "figures.js",
        "ledger.js",
        "loader.js",
    ], scripts
    tab.traffic.assert_clean()


# --- the search index waits for the figure -------------------------------------------------

INDEX_AND_FIGURE = """() => {
  const started = (pattern) => {
    const entry = performance.getEntriesByType('resource').find((r) => pattern.test(r.name));
    return entry ? entry.startTime : null;
  };
  return {
    index: started(/\\/search\\/search_index\\.json$/),
    worker: started(/\\/workers\\/search\\.[^\\/]*\\.js$/),
    drawn: window.__figureDrawn ?? null,
  };
}"""
SEARCH_WORKER = re.compile(r"/assets/javascripts/workers/search\.[^/]*\.js$")


def test_the_search_index_is_requested_once_the_first_figure_is_drawn(tab: Tab) -> None:
    """Material would fetch the index and its search worker's script while plotly.js
    downloads; the page holds both until its figure is drawn, then sends them, and search
    works through the worker started then."""
    tab.page.add_init_script(WATCH_FIGURE)
    tab.goto("/timeline/")
    # A resource's entry is there once it has arrived: wait for both.
    tab.page.wait_for_function(f"(({INDEX_AND_FIGURE})()).index !== null")
    tab.page.wait_for_function(f"(({INDEX_AND_FIGURE})()).worker !== null")
    seen = tab.page.evaluate(INDEX_AND_FIGURE)
    assert seen["drawn"] is not None and seen["index"] >= seen["drawn"], seen
    assert seen["worker"] is not None and seen["worker"] >= seen["drawn"], seen
    assert len(requested(tab, re.compile(r"/search/search_index\.json$"))) == 1
    assert len(requested(tab, SEARCH_WORKER)) == 1
    box = tab.page.locator("input.md-search__input")
    if not box.is_visible():
        tab.page.locator('label.md-header__button[for="__search"]').click()
    box.fill("Goita")
    box.press("End")
    expect(tab.page.locator(".md-search-result__meta")).to_have_text(
        re.compile(r"matching document")
    )
    tab.traffic.assert_clean()


def test_going_to_search_sends_the_index_at_once(tab: Tab) -> None:
    """A reader who opens search before the figure is drawn does not wait for the figure:
    here plotly.js never arrives, so only going to search can send the index."""
    tab.page.route(BUNDLE, lambda route: None)  # plotly.js held for ever
    tab.page.goto(tab.url("/timeline/"), wait_until="domcontentloaded")
    tab.page.wait_for_timeout(300)
    assert requested(tab, re.compile(r"/search/search_index\.json$")) == []
    assert requested(tab, SEARCH_WORKER) == []
    box = tab.page.locator("input.md-search__input")
    if not box.is_visible():
        tab.page.locator('label.md-header__button[for="__search"]').click()
    box.focus()
    tab.page.wait_for_function(
        "performance.getEntriesByType('resource')"
        ".some((r) => r.name.endsWith('/search/search_index.json'))"
    )


def test_a_page_without_figures_sends_the_index_when_it_has_loaded(tab: Tab) -> None:
    tab.goto("/about/")
    tab.page.wait_for_function(
        "performance.getEntriesByType('resource')"
        ".some((r) => r.name.endsWith('/search/search_index.json'))"
    )
    tab.traffic.assert_clean()
