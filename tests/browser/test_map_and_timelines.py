"""The map and the timelines as a reader sees them, at 1366 px and on a 390 px phone: named
and separable places, named key events, axes that never show a time of day, a first tap that
shows a point before a second opens it, figures as wide as the content. Screenshots of each
page under artifacts/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from browsing import PHONE, SCREENSHOTS, Tab, label_problems, point_centre, render_figures
from playwright.sync_api import Locator, expect

from generator.render.links import event_page, place_page, site_url

DESKTOP_1366: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}}
DEVICES: dict[str, dict[str, Any]] = {"desktop": DESKTOP_1366, "phone": PHONE}
# An actor whose timeline has one date (its axis read "23:59:59.9995"), a storyline, and the
# site's pages with a figure.
PAGES = {
    "timeline": "/timeline/",
    "map": "/map/",
    "storyline": "/topics/coups/",
    "actor-one-date": "/actors/mohamed-bazoum/",
    "actor": "/actors/jnim/",
}
TIME_OF_DAY = re.compile(r"\d:\d\d|\d\.\d+$")

AXIS_TICKS = """(gd) => Array.from(gd.querySelectorAll('.xtick text'))
  .filter((t) => !t.closest('.rangeslider-container')).map((t) => t.textContent)"""


def _open(open_tab: Callable[..., Tab], device: str, path: str) -> tuple[Tab, Locator]:
    tab = open_tab(**DEVICES[device])
    tab.goto(path)
    assert render_figures(tab.page)
    return tab, tab.page.locator(".sahel-figure--rendered").first


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", [n for n in PAGES if n != "map"])
def test_no_axis_shows_a_time_of_day(open_tab: Callable[..., Tab], name: str, device: str) -> None:
    tab, figure = _open(open_tab, device, PAGES[name])
    ticks = figure.evaluate(AXIS_TICKS)
    assert len(ticks) >= 2, ticks
    assert [t for t in ticks if TIME_OF_DAY.search(t)] == []
    tab.traffic.assert_clean()


@pytest.mark.parametrize("device", DEVICES)
def test_map_places_are_named_and_kati_does_not_cover_bamako(
    open_tab: Callable[..., Tab], device: str
) -> None:
    tab, figure = _open(open_tab, device, "/map/")
    names = figure.evaluate(
        "(gd) => Array.from(gd.querySelectorAll('.trace.scattergeo text'))"
        ".map((t) => t.textContent)"
    )
    assert {"Bamako", "Kati", "Niamey", "Abuja", "Accra", "Kidal", "Agadez"} <= set(names)
    bamako = site_url(place_page("place-bamako"))
    kati = site_url(event_page("mali-coup-2020"))
    bx, by, _ = point_centre(figure, bamako)
    kx, ky, _ = point_centre(figure, kati)
    radii = figure.evaluate(
        "(gd) => Array.from(gd.querySelectorAll('.scattergeolayer .point, .scatterlayer .point'))"
        ".map((p) => p.getBoundingClientRect().width / 2)"
    )
    # The two markers do not touch: the larger two radii fit between their centres.
    assert ((bx - kx) ** 2 + (by - ky) ** 2) ** 0.5 > sum(sorted(radii)[-2:])
    # The Bamako attack is reachable: Bamako's marker lists it.
    tab.page.mouse.move(bx, by)
    expect(figure.locator(".hoverlayer .hovertext")).to_contain_text("JNIM attack on Bamako")
    tab.traffic.assert_clean()


# A map point and a timeline point (a place, an event): plotly.js reports a tap on the map
# once, but on a cartesian plot twice (the touch, then the click the browser makes of it).
@pytest.mark.parametrize(
    ("path", "event_id", "label"),
    [("/map/", "kidal-taken-2023", "Kidal"), ("/timeline/", "kidal-taken-2023", "Kidal")],
)
def test_a_tap_on_a_phone_shows_the_point_then_a_second_tap_opens_it(
    open_tab: Callable[..., Tab], path: str, event_id: str, label: str
) -> None:
    tab, figure = _open(open_tab, "phone", path)
    url = site_url(event_page(event_id))
    x, y, _ = point_centre(figure, url)
    tab.page.touchscreen.tap(x, y)
    expect(figure.locator(".hoverlayer .hovertext")).to_contain_text(label)
    tab.page.wait_for_timeout(1000)
    assert tab.page.url == tab.url(path)
    tab.page.touchscreen.tap(x, y)
    tab.page.wait_for_url(tab.url("/" + url))
    tab.traffic.assert_clean()


@pytest.mark.parametrize("device", DEVICES)
def test_the_timeline_names_its_key_events_without_overlap(
    open_tab: Callable[..., Tab], device: str
) -> None:
    tab, figure = _open(open_tab, device, "/timeline/")
    shown, problems = label_problems(figure)
    assert problems == []
    assert {"JNIM attack on Bamako", "Military coup in Mali"} <= set(shown)
    if device == "desktop":
        assert {"Military coup in Niger", "Burkina Faso's second coup of 2022"} <= set(shown)
    tab.traffic.assert_clean()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", PAGES)
def test_figures_take_the_content_width_and_are_photographed(
    open_tab: Callable[..., Tab], name: str, device: str
) -> None:
    tab, figure = _open(open_tab, device, PAGES[name])
    page = tab.page
    width = DEVICES[device]["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = figure.bounding_box()
    content = page.locator(".md-content").bounding_box()
    assert box is not None and content is not None
    assert box["width"] >= content["width"] - 2 * 24  # all but the content's padding
    if device == "desktop":
        assert box["width"] > 900  # the text column alone was 688 px
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{device}-figure.png"
    figure.screenshot(path=str(path))
    assert path.stat().st_size > 5_000
    tab.traffic.assert_clean()


ZOOM = """async (gd, range) => {
  await gd._sahelPlotly.relayout(gd, {'xaxis.range': range});
  await new Promise((done) => setTimeout(done, 300));
}"""


@pytest.mark.parametrize("device", DEVICES)
def test_a_timeline_zoomed_to_days_ticks_each_day_once(
    open_tab: Callable[..., Tab], device: str
) -> None:
    tab, figure = _open(open_tab, device, "/timeline/")
    figure.evaluate(ZOOM, ["2024-09-15", "2024-09-18"])
    ticks = figure.evaluate(AXIS_TICKS)
    assert len(ticks) >= 2, ticks
    assert len(set(ticks)) == len(ticks), ticks
    assert [t for t in ticks if TIME_OF_DAY.search(t)] == []
    # Zoomed out again, the ticks are the axis' own choice, not one a day.
    figure.evaluate(ZOOM, ["2019-01-01", "2025-12-31"])
    assert 2 <= len(figure.evaluate(AXIS_TICKS)) <= 20
    tab.traffic.assert_clean()
