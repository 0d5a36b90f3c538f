"""The event page as a journalist reads it: statements at a readable width, links that land on
the statement, review markers a finger can open, footnotes a finger can hit."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from browsing import EVENT_PAGE, PHONE, Tab, facts, render_figures
from playwright.sync_api import Route, expect

WIDE: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}}
DEVICES = {"desktop": WIDE, "phone": PHONE}
# WCAG 2.5.8's minimum target size, in CSS pixels.
TARGET = 24
MIN_CHARACTERS_PER_LINE = 45

# The characters on each rendered line of a statement, but its last (which may be short); the
# quote below it is a line of its own.
FULL_LINES = """(element) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const lines = new Map();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('.sahel-claim__quote')) continue;
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box) continue;
      const top = Math.round(box.top);
      lines.set(top, (lines.get(top) || 0) + 1);
    }
  }
  const counts = Array.from(lines.entries()).sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  return counts.slice(0, -1);
}"""


def test_claim_links_land_on_the_claim(open_tab: Callable[..., Tab], device: str) -> None:
    """Each statement link of an actor page opens its event page at that statement."""
    tab = open_tab(**DEVICES[device])
    tab.goto("/actors/jnim/")
    links = tab.page.locator("#statements-it-made ~ .sahel-stack a[href*='#claim-']")
    hrefs = links.evaluate_all("(all) => all.map((a) => a.href)")
    statements = facts().claims_by("jnim")
    assert len(hrefs) == len(statements)
    for href, item in zip(hrefs, statements, strict=True):
        assert href == tab.url(f"/events/{item.event.id}/#{item.anchor}")
    render_figures(tab.page)  # the actor's timeline, so that leaving aborts no request
    # Opened as a reader opens a shared link: a full page load, at the statement.
    for href, item in list(zip(hrefs, statements, strict=True))[:3]:
        tab.page.goto(href)
        card = tab.page.locator(f"#{item.anchor}")
        expect(card).to_be_in_viewport()
        top = card.evaluate("(e) => e.getBoundingClientRect().top")
        assert 0 <= top <= DEVICES[device]["viewport"]["height"] * 0.25, (href, top)
        expect(card.locator(".sahel-claim__said")).to_contain_text(item.claim.statement[:40])
        # A chart the page started drawing finishes before the next page opens.
        tab.page.wait_for_load_state("networkidle")
    tab.traffic.assert_clean()


# Every layout shift on the page from now on, with the elements it moved.
RECORD_SHIFTS = """() => {
  window.sahelShifts = [];
  new PerformanceObserver((list) => list.getEntries().forEach((entry) => {
    window.sahelShifts.push(entry.sources.map((s) => s.node));
  })).observe({ type: 'layout-shift' });
}"""
# Where the card is: its top, the top Material scrolls a target to (its scroll margin, under
# the header), whether it is the page's :target, and whether a recorded shift moved it.
READ_LANDING = """(card) => ({
  top: card.getBoundingClientRect().top,
  margin: parseFloat(getComputedStyle(card).scrollMarginTop),
  header: document.querySelector('.md-header').getBoundingClientRect().bottom,
  target: card.matches(':target'),
  moved: window.sahelShifts.some((nodes) => nodes.some((n) => n && n.contains(card))),
})"""
# Every figure the page draws where the reader is (the figure module draws a figure once it
# is within 200 px of the screen) has drawn.
NEAR_FIGURES_DRAWN = """() => Array.from(document.querySelectorAll('.sahel-figure[data-figure]'))
  .filter((f) => {
    const box = f.getBoundingClientRect();
    return box.width > 0 && box.bottom > -200 && box.top < window.innerHeight + 200;
  })
  .every((f) => f.classList.contains('sahel-figure--rendered'))"""
# A slow network's delay on the event page: longer than the 100 ms after a scroll in which
# Material's instant navigation stores the old page's scroll offset.
SLOW_PAGE_MS = 300


def test_a_claim_link_followed_by_instant_navigation_lands_on_the_claim(
    open_tab: Callable[..., Tab], device: str
) -> None:
    """As a reader on a phone does: scroll the actor page, tap a claim link at once, on a
    network slower than Material's 100 ms. The event page opens at the claim, which stays
    there once the figures it starts drawing have drawn."""
    statements = facts().claims_by("jnim")
    assert len(statements) >= 3
    for index, item in list(enumerate(statements))[:3]:
        tab = open_tab(**DEVICES[device])
        page = tab.page
        tab.goto("/actors/jnim/")
        render_figures(page)  # so that leaving aborts no request
        page.evaluate("window.sahelTestMarker = 'actor page'")
        event_page = f"**/events/{item.event.id}/"

        def slowly(route: Route) -> None:
            time.sleep(SLOW_PAGE_MS / 1000)
            route.fallback()

        page.route(event_page, slowly)
        link = page.locator("#statements-it-made ~ .sahel-stack a[href*='#claim-']").nth(index)
        href = link.evaluate("(a) => a.href")
        assert href == tab.url(f"/events/{item.event.id}/#{item.anchor}")
        link.scroll_into_view_if_needed()
        page.mouse.wheel(0, 40)
        link.click()
        card = page.locator(f"#{item.anchor}")
        expect(card).to_be_attached()
        page.unroute(event_page, slowly)
        assert page.evaluate("window.sahelTestMarker") == "actor page", "not instant navigation"
        page.evaluate(RECORD_SHIFTS)
        landed = card.evaluate(READ_LANDING)
        assert landed["target"], item.anchor
        assert landed["top"] >= landed["header"], (item.anchor, landed)
        assert abs(landed["top"] - landed["margin"]) <= 2, (item.anchor, landed)
        page.wait_for_function(NEAR_FIGURES_DRAWN)
        page.wait_for_load_state("networkidle")
        after = card.evaluate(READ_LANDING)
        assert abs(after["top"] - landed["top"]) <= 2, (item.anchor, landed, after)
        assert not after["moved"], item.anchor
        tab.traffic.assert_clean()


def test_statements_read_at_45_characters_a_line_or_more_on_desktop(
    open_tab: Callable[..., Tab],
) -> None:
    tab = open_tab(**WIDE)
    tab.goto(EVENT_PAGE)
    statements = tab.page.locator(".sahel-claim__said")
    assert statements.count() == len(facts().events[EVENT_PAGE.split("/")[2]].claims)
    full_lines = [
        n for lines in statements.evaluate_all(f"(all) => all.map({FULL_LINES})") for n in lines
    ]
    assert full_lines, "some statement wraps onto a second line"
    assert min(full_lines) >= MIN_CHARACTERS_PER_LINE, full_lines


@pytest.fixture(params=list(DEVICES))
def device(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def event_tab(open_tab: Callable[..., Tab], device: str) -> Tab:
    """The event page, at the device's width."""
    tab = open_tab(**DEVICES[device])
    tab.goto(EVENT_PAGE)
    return tab


def test_sources_and_review_markers_are_comfortable_to_tap(event_tab: Tab, device: str) -> None:
    tab = event_tab
    page = tab.page
    width = DEVICES[device]["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    targets = page.locator(
        "article a.footnote-ref:visible, article details.sahel-review > summary:visible"
    )
    sizes = targets.evaluate_all(
        "(all) => all.map((t) => t.getBoundingClientRect()).map((r) => [r.width, r.height])"
    )
    assert len(sizes) > 20
    assert min(w for w, _ in sizes) >= TARGET, sizes
    assert min(h for _, h in sizes) >= TARGET, sizes
    render_figures(page)
    tab.traffic.assert_clean()


def test_a_review_marker_opens_its_note_beside_the_item(event_tab: Tab) -> None:
    tab = event_tab
    event = facts().events[EVENT_PAGE.split("/")[2]]
    figure = next(f for f in event.figures if f.needs_review)
    assert figure.needs_review is not None
    row = tab.page.locator(f"tr:has(#figure-{figure.id})")
    marker = row.locator("details.sahel-review")
    expect(marker.locator("summary")).to_have_text("Under review")
    note = figure.needs_review[:40]
    expect(marker.locator(".sahel-review__note")).to_be_hidden()
    marker.locator("summary").click()
    expect(marker.locator(".sahel-review__note")).to_be_visible()
    expect(marker.locator(".sahel-review__note")).to_contain_text(note)
    listed = tab.page.locator("#under-review + p + ul li")
    expect(listed.filter(has_text=note)).to_have_count(1)
    tab.traffic.assert_clean()


# How far each review marker starts after the text it follows on the same line (negative:
# it covers the end of that text).
MARKER_GAPS = """() => Array.from(document.querySelectorAll('article details.sahel-review'))
.map((details) => {
  const marker = details.querySelector('summary').getBoundingClientRect();
  const before = details.previousSibling;
  if (!before) return null;
  const range = document.createRange();
  range.selectNodeContents(before);
  const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
  const last = rects[rects.length - 1];
  if (!last) return null;
  const sameLine = Math.abs((last.top + last.bottom) / 2 - (marker.top + marker.bottom) / 2)
    < marker.height / 2;
  return sameLine ? marker.left - last.right : null;
}).filter((gap) => gap !== null)"""


@pytest.mark.parametrize("device", DEVICES)
def test_a_review_marker_never_covers_the_text_it_flags(
    open_tab: Callable[..., Tab], device: str
) -> None:
    gaps: list[float] = []
    for path in ("/events/bamako-attack-2024/", "/events/us-forces-leave-niger-2024/"):
        tab = open_tab(**DEVICES[device])
        tab.goto(path)
        gaps += tab.page.evaluate(MARKER_GAPS)
        tab.traffic.assert_clean()
    assert gaps, "no marker follows text on its line"
    assert [gap for gap in gaps if gap < 0] == []


FIELD_NAMES = """() => Array.from(document.querySelectorAll('.sahel-stack--figures tbody tr'))
.map((row) => Array.from(row.cells)
  .filter((cell) => getComputedStyle(cell).display !== 'none')
  .map((cell) => getComputedStyle(cell, '::before').content))"""


@pytest.mark.parametrize("device", DEVICES)
def test_a_reported_figures_card_names_its_fields_on_a_phone(
    open_tab: Callable[..., Tab], device: str
) -> None:
    tab = open_tab(**DEVICES[device])
    tab.goto("/events/moura-massacre-2022/")
    rows = tab.page.evaluate(FIELD_NAMES)
    assert len(rows) >= 5
    if device == "phone":
        named = ['"Figure: "', '"As reported: "', '"According to: "', '"Source: "']
        assert all(set(row) <= set(named) and row[0] == named[0] for row in rows), rows
        assert any(row == named for row in rows), rows
    else:  # a table, with its header
        assert {name for row in rows for name in row} == {"none"}
    tab.traffic.assert_clean()
