"""A timeline of more than WEBGL_THRESHOLD events is drawn with WebGL (scattergl) by the gl
plotly.js bundle, which leaves out what such a timeline does not use: on a synthetic site of
that size, the timeline draws on a WebGL canvas, a hover shows the event, a click opens it,
the lane labels and the range slider are there and work, panning and the palette switch redraw
it, instant navigation away frees it, the page stays within its JavaScript budget, and
nothing fails."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from browsing import RENDERED, SCREENSHOTS, Tab, read_figure, render_figures
from playwright.sync_api import Locator, Page, expect

from generator.corpus import load_corpus
from generator.model import FactBase
from generator.render.figures_common import WEBGL_THRESHOLD

# The same budget as tests/test_page_weight.py: all the JavaScript a page loads, uncompressed.
JS_BUDGET = 1_500_000
TIMELINE = '.sahel-figure[data-figure="figures/timeline-topic.json"]'
BUNDLES = re.compile(r"/assets/vendor/(plotly-[a-z]+\.min\.js)$")

# Share of the WebGL canvas's pixels that are drawn (it keeps its drawing buffer).
CANVAS_DRAWN = """(gd) => {
  const canvas = gd.querySelector('canvas.gl-canvas-context');
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const probe = document.createElement('canvas');
  probe.width = canvas.width;
  probe.height = canvas.height;
  const context = probe.getContext('2d');
  context.drawImage(canvas, 0, 0);
  const pixels = context.getImageData(0, 0, probe.width, probe.height).data;
  let drawn = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) drawn++;
  return drawn / (probe.width * probe.height);
}"""

# A marker with no other within `distance` CSS pixels, away from the plot area's edges (the
# mode bar is at its top right): its link, hover text and centre on the page. WebGL markers
# are not DOM elements, so their places come from the data and the axes.
ISOLATED_MARKER = """(gd, distance) => {
  const xa = gd._fullLayout.xaxis;
  const ya = gd._fullLayout.yaxis;
  const svg = gd.querySelector('.main-svg').getBoundingClientRect();
  const points = [];
  gd.data.forEach((trace) => {
    if (trace.mode !== 'markers') return;
    trace.x.forEach((x, i) => points.push({
      url: trace.customdata[i],
      text: trace.text[i],
      x: svg.left + xa._offset + xa.d2p(x),
      y: svg.top + ya._offset + ya.d2p(trace.y[i]),
    }));
  });
  const left = svg.left + xa._offset + 0.2 * xa._length;
  const right = svg.left + xa._offset + 0.7 * xa._length;
  const candidates = points.filter((a) => a.x > left && a.x < right &&
    points.every((b) => a === b || Math.hypot(a.x - b.x, a.y - b.y) > distance));
  return candidates[Math.floor(candidates.length / 2)] || null;
}"""

X_RANGE = "(gd) => gd._fullLayout.xaxis.range.slice()"

# Bytes of every script the page loaded (its <script src> and those the loader added).
SCRIPT_BYTES = """() => performance.getEntriesByType('resource')
  .filter((entry) => entry.initiatorType === 'script')
  .reduce((sum, entry) => sum + entry.decodedBodySize, 0)"""


@functools.cache
def synthetic_facts(content: Path) -> FactBase:
    result = load_corpus(content)
    assert result.facts is not None, [str(d) for d in result.diagnostics[:5]]
    return result.facts


def open_timeline(tab: Tab, project: Path) -> Locator:
    tab.goto("/timeline/")
    drawn = render_figures(tab.page)
    assert [d.name for d in drawn] == ["timeline-topic"]
    assert set(drawn[0].types) == {"scattergl"}
    # One marker per event (each is in one storyline), more than WebGL takes over at; none
    # of them is an SVG element.
    events = len(synthetic_facts(project / "content").events)
    assert events > WEBGL_THRESHOLD
    assert drawn[0].data_points == events
    assert drawn[0].drawn_points == 0
    return tab.page.locator(TIMELINE)


def bundles_fetched(tab: Tab) -> list[str]:
    """The plotly.js bundles the page fetched, in order."""
    return [m.group(1) for m in map(BUNDLES.search, tab.traffic.requests) if m]


def isolated_marker(figure: Locator) -> dict[str, Any]:
    found: dict[str, Any] | None = figure.evaluate(ISOLATED_MARKER, 14)
    assert found is not None, "every marker has a neighbour within 14 px"
    return found


def changed_range(page: Page, figure: Locator, before: list[str]) -> list[str]:
    page.wait_for_function(
        "([gd, before]) => gd._fullLayout.xaxis.range.join() !== before.join()",
        arg=[figure.element_handle(), before],
    )
    after: list[str] = figure.evaluate(X_RANGE)
    return after


def test_the_webgl_timeline_draws_with_the_gl_bundle_within_budget(
    open_webgl_tab: Callable[..., Tab], webgl_site: Path
) -> None:
    tab = open_webgl_tab()
    figure = open_timeline(tab, webgl_site)
    assert bundles_fetched(tab) == ["plotly-gl.min.js"]
    assert tab.page.evaluate("typeof window.PlotlyGL.newPlot") == "function"
    # The markers and spans are on the WebGL canvas.
    assert figure.locator("canvas.gl-canvas-context").count() == 1
    assert figure.evaluate(CANVAS_DRAWN) > 0.02
    # The lane labels: one annotation per storyline, in the storylines' order.
    facts = synthetic_facts(webgl_site / "content")
    lanes = [t.title for t in facts.topics_in_order if facts.events_of_topic(t.id)]
    assert len(lanes) > 1
    expect(figure.locator(".annotation-text")).to_have_text(lanes)
    # The range slider, with its two handles.
    assert figure.evaluate("(gd) => gd._fullLayout.xaxis.rangeslider.visible") is True
    slider = figure.locator(".rangeslider-container")
    expect(slider.locator(".rangeslider-bg")).to_have_count(1)
    expect(slider.locator(".rangeslider-grabber-min")).to_have_count(1)
    expect(slider.locator(".rangeslider-grabber-max")).to_have_count(1)
    # The mode bar, on hover (desktop), without the buttons the loader removes.
    figure.hover()
    expect(figure.locator(".modebar")).to_have_count(1)
    expect(figure.locator('.modebar-btn[data-attr="dragmode"][data-val="pan"]')).to_have_count(1)
    expect(figure.locator('.modebar-btn[data-val="select"]')).to_have_count(0)
    # All the JavaScript the page loaded, as the browser counts it.
    assert tab.page.evaluate(SCRIPT_BYTES) <= JS_BUDGET
    tab.page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    figure.screenshot(path=str(SCREENSHOTS / "timeline-webgl-desktop.png"))
    # The other tab's timeline is drawn with WebGL too, by the same bundle.
    tab.page.get_by_text("By country", exact=True).click()
    country = tab.page.locator('.sahel-figure[data-figure="figures/timeline-country.json"]')
    expect(country).to_have_class(RENDERED)
    assert set(read_figure(country).types) == {"scattergl"}
    assert country.evaluate(CANVAS_DRAWN) > 0.02
    assert bundles_fetched(tab) == ["plotly-gl.min.js"]
    tab.traffic.assert_clean()


def test_hovering_then_clicking_a_webgl_marker_opens_its_event(
    open_webgl_tab: Callable[..., Tab], webgl_site: Path
) -> None:
    tab = open_webgl_tab()
    figure = open_timeline(tab, webgl_site)
    marker = isolated_marker(figure)
    event_id = re.fullmatch(r"events/([^/]+)/", marker["url"])
    assert event_id is not None, marker["url"]
    title = synthetic_facts(webgl_site / "content").events[event_id.group(1)].title
    tab.page.mouse.move(marker["x"], marker["y"])
    label = figure.locator(".hoverlayer .hovertext")
    expect(label).to_have_count(1)
    expect(label).to_contain_text(title)
    tab.page.mouse.click(marker["x"], marker["y"])
    tab.page.wait_for_url(tab.url("/" + marker["url"]))
    expect(tab.page).to_have_title(f"{title} - The Sahel crisis")
    tab.traffic.assert_clean()


def drag_left(page: Page, target: Locator, pixels: float) -> None:
    """Press the mouse on the middle of `target` and drag it `pixels` to the left."""
    box = target.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - pixels, y, steps=5)
    page.mouse.up()


def test_the_webgl_timeline_pans_zooms_and_follows_the_palette(
    open_webgl_tab: Callable[..., Tab], webgl_site: Path
) -> None:
    tab = open_webgl_tab()
    page = tab.page
    figure = open_timeline(tab, webgl_site)
    full: list[str] = figure.evaluate(X_RANGE)
    # Dragging the plot pans it (dragmode "pan").
    drag_left(page, figure.locator(".nsewdrag"), 200)
    panned = changed_range(page, figure, full)
    assert panned[0] > full[0] and panned[1] > full[1]
    assert figure.evaluate(CANVAS_DRAWN) > 0.02
    # The mode bar's "reset axes" restores the full range (a double click could land on a
    # marker, whose click opens its event); dragging the slider's right handle zooms in.
    figure.hover()
    figure.locator('.modebar-btn[data-attr="zoom"][data-val="reset"]').click()
    assert changed_range(page, figure, panned) == full
    drag_left(page, figure.locator(".rangeslider-grabber-max"), 300)
    zoomed = changed_range(page, figure, full)
    assert zoomed[0] == full[0] and zoomed[1] < full[1]
    # The palette switch re-themes it (Plotly.relayout).
    light = figure.evaluate("(gd) => gd._fullLayout.paper_bgcolor")
    page.locator('form[data-md-component="palette"] label:visible').click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    page.wait_for_function(
        "(gd) => gd._fullLayout.paper_bgcolor !== " + repr(light), arg=figure.element_handle()
    )
    assert figure.evaluate(CANVAS_DRAWN) > 0.02
    tab.traffic.assert_clean()


def test_instant_navigation_away_frees_the_webgl_timeline(
    open_webgl_tab: Callable[..., Tab], webgl_site: Path
) -> None:
    tab = open_webgl_tab()
    page = tab.page
    open_timeline(tab, webgl_site)
    gd = page.locator(TIMELINE).element_handle()
    page.evaluate("window.sahelTestMarker = 'timeline'")
    page.locator(".md-sidebar--primary").get_by_role("link", name="Network", exact=True).click()
    page.wait_for_url("**/network/")
    expect(page).to_have_title("Network - The Sahel crisis")
    drawn = render_figures(page)
    assert [d.name for d in drawn] == ["network"]
    assert page.evaluate("window.sahelTestMarker") == "timeline", "not instant navigation"
    # The loader purged the timeline it left (Plotly.purge): no plot, no WebGL canvas.
    assert gd.evaluate("(gd) => gd._fullLayout === undefined && !gd.querySelector('canvas')")
    tab.traffic.assert_clean()
