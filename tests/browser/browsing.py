"""What the browser tests share: the paths, what the fact base says each figure shows, and
helpers that read a page the way a reader sees it (figures drawn, traffic, labels)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

from generator.corpus import load_corpus
from generator.model import FactBase
from generator.render.figures_counts import competing_measures, counts_figure_name, mark_of
from generator.render.figures_map import coordinates
from generator.render.figures_timeline import countries_of
from generator.render.pages_actors import ACTOR_TIMELINE_LIMIT
from generator.schema import Event

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "site"
# The site_url the site is built with for these tests (noxfile.py's browser session).
SITE_URL = "http://127.0.0.1:8000/"
CONTENT = REPO / "content"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL_PATH = "/__axe__/axe.min.js"
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOST = "127.0.0.1"

DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

EVENT_PAGE = "/events/bamako-attack-2024/"
ACTOR_ID = "jnim"
# A figure has rendered when the loader marks it so, after Plotly.newPlot and labelling.
RENDERED = re.compile(r"\bsahel-figure--rendered\b")


# --- the fact base, and what each figure must show --------------------------------------------


@functools.cache
def facts() -> FactBase:
    result = load_corpus(CONTENT)
    assert result.facts is not None, [str(d) for d in result.diagnostics]
    return result.facts


def topic_ids() -> list[str]:
    return [t.id for t in facts().topics_in_order]


def checked_pages() -> list[str]:
    """Every page the issue names: home, the topics, timeline, network, map, an event, an actor."""
    return [
        "/",
        *(f"/topics/{t}/" for t in topic_ids()),
        "/timeline/",
        "/network/",
        "/map/",
        EVENT_PAGE,
        f"/actors/{ACTOR_ID}/",
    ]


@dataclass(frozen=True)
class Expected:
    points: int  # markers: one per event (per lane it is in), actor or located event
    bars: int  # spans drawn for events whose date is not a single known day


def _is_span(event: Event) -> bool:
    return not event.date.is_precise or (event.end is not None and event.end != event.date)


def _timeline(events: list[Event], lanes_of: dict[str, int] | None = None) -> Expected:
    """Each event is drawn once per lane it is in (`lanes_of`, default one)."""
    weight = {e.id: (lanes_of or {}).get(e.id, 1) for e in events}
    return Expected(
        points=sum(weight[e.id] for e in events),
        bars=sum(weight[e.id] for e in events if _is_span(e)),
    )


def expected_figures() -> dict[str, Expected]:
    """By figure name (figures/<name>.json), what the fact base says the figure shows."""
    base = facts()
    events = list(base.events.values())
    # An event is in one storyline lane per known topic, or in the "other events" lane.
    lanes = {e.id: max(1, len({t for t in e.topics if t in base.topics})) for e in events}
    countries = {e.id: max(1, len(countries_of(base.actors, e))) for e in events}
    actors = {r.from_ for r in base.relationships.values()} | {
        r.to for r in base.relationships.values()
    }
    located = [e for e in events if coordinates(e) is not None]
    jnim_events = base.events_of_actor(ACTOR_ID)[-ACTOR_TIMELINE_LIMIT:]
    out = {
        "timeline-topic": _timeline(events, lanes),
        # An event is in one lane per country of the actors taking part (else where it was).
        "timeline-country": _timeline(events, countries),
        "network": Expected(points=len(actors), bars=0),
        "map": Expected(points=len(located), bars=0),
        f"actor-{ACTOR_ID}": _timeline(jnim_events, lanes),
    }
    for topic in topic_ids():
        out[f"topic-{topic}"] = _timeline(base.events_of_topic(topic))
    out.update(_counts(base.events[EVENT_PAGE.split("/")[2]]))
    return out


# The markers each reported figure is drawn with: a dot; a bound's dot and its end (an arrow,
# or the upper bound's bar); an "about" number's tick inside its band. Ranges and bands are
# lines, and a figure in words is not drawn.
MARKERS = {"point": 1, "lower_bound": 2, "upper_bound": 2, "band": 0, "range": 0, "words": 0}


def _counts(event: Event) -> dict[str, Expected]:
    out = {}
    for measure, figures in competing_measures(event).items():
        marks = [mark_of(f) for f in figures]
        points = sum(MARKERS[m.shape] + (m.centre is not None) for m in marks)
        out[counts_figure_name(event, measure)] = Expected(points=points, bars=0)
    return out


def figures_on(path: str) -> list[str]:
    """The figures a page shows when it opens (the timeline's second tab is hidden)."""
    if path in ("/", "/timeline/"):
        return ["timeline-topic"]
    if path in ("/network/", "/map/"):
        return [path.strip("/")]
    if path.startswith("/topics/"):
        return [f"topic-{path.split('/')[2]}"]
    if path.startswith("/actors/"):
        return [f"actor-{path.split('/')[2]}"]
    if path.startswith("/events/"):
        event = facts().events[path.split("/")[2]]
        return [counts_figure_name(event, m) for m in competing_measures(event)]
    return []


# --- traffic: every request, console error and failure ------------------------------------------


@dataclass
class Traffic:
    base: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "ws") and parts.netloc == urlsplit(self.base).netloc

    def saw_request(self, url: str) -> None:
        self.requests.append(url)
        if not self.is_local(url):
            self.foreign.append(url)

    def assert_clean(self) -> None:
        assert self.requests, "no request was recorded: the recorder is not attached"
        assert self.foreign == [], f"requests to another host than {HOST}"
        assert self.failed == [], "failed requests"
        assert self.errors == [], "console errors"


@dataclass
class Tab:
    """One page in a fresh browser context, with everything it sent and logged."""

    page: Page
    traffic: Traffic
    base: str

    def url(self, path: str) -> str:
        return self.base + path

    def goto(self, path: str) -> None:
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == 200, path


# --- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drawn:
    name: str
    types: list[str]  # trace types in gd.data
    drawn_points: int  # SVG markers in the plot (not the range slider's copy)
    data_points: int  # markers in the rendered gd.data
    data_bars: int  # spans (line segments) in the rendered gd.data


# A trace that is not one marker per event, place or actor: a map's lines from a moved
# marker to its place's true spot, a timeline's key events' names.
HELPER_TRACE = "(t) => t.hoverinfo === 'skip' || !!(t.meta && t.meta.joins)"
# The plot's markers (not the range slider's copies), but for helper traces'.
PLOT_POINTS = f"""Array.from(gd.querySelectorAll('.scatterlayer .point'))
    .filter((p) => !p.closest('.rangeslider-container'))
    .filter((p) => !({HELPER_TRACE})(p.closest('.trace').__data__[0].trace))"""

READ_FIGURE = """(gd) => {
  const points = PLOT_POINTS;
  const markerTraces = gd.data.filter((t) => (t.mode || '').includes('markers'))
    .filter((t) => !(HELPER_TRACE)(t));
  const lineTraces = gd.data.filter((t) => t.mode === 'lines' && t.connectgaps === false);
  return {
    name: gd.getAttribute('data-figure'),
    types: gd.data.map((t) => t.type),
    drawn_points: points.length,
    data_points: markerTraces.reduce((n, t) => n + (t.x || t.lon).length, 0),
    data_bars: lineTraces.reduce((n, t) => n + t.x.filter((v) => v === null).length, 0),
  };
}""".replace("PLOT_POINTS", PLOT_POINTS).replace("HELPER_TRACE", HELPER_TRACE)


def render_figures(page: Page) -> list[Drawn]:
    """Scroll every visible figure into view, wait until it has rendered, and read it."""
    figures = page.locator(".sahel-figure[data-figure]:visible")
    drawn = []
    for index in range(figures.count()):
        figure = figures.nth(index)
        figure.scroll_into_view_if_needed()
        expect(figure).to_have_class(RENDERED, timeout=15_000)
        drawn.append(read_figure(figure))
    return drawn


def read_figure(figure: Locator) -> Drawn:
    data = figure.evaluate(READ_FIGURE)
    name = re.fullmatch(r"figures/(.+)\.json", data.pop("name"))
    assert name is not None
    return Drawn(name=name.group(1), **data)


def point_centre(figure: Locator, url: str) -> tuple[float, float, float]:
    """The centre of the marker that links to `url`, and the distance to the nearest other."""
    found = figure.evaluate(
        """(gd, url) => {
          const points = PLOT_POINTS
            .map((p) => {
              const trace = p.closest('.trace').__data__[0].trace;
              const box = p.getBoundingClientRect();
              return { url: (trace.customdata || [])[p.__data__.i],
                       x: box.x + box.width / 2, y: box.y + box.height / 2 };
            });
          const target = points.find((p) => p.url === url);
          if (!target) return null;
          const others = points.filter((p) => p !== target)
            .map((p) => Math.hypot(p.x - target.x, p.y - target.y));
          return [target.x, target.y, Math.min(...others)];
        }""".replace("PLOT_POINTS", PLOT_POINTS),
        url,
    )
    assert found is not None, f"no marker links to {url}"
    return (found[0], found[1], found[2])


def isolated_point_urls(figure: Locator, distance: float) -> list[str]:
    """Links of the markers with no other marker within `distance` CSS pixels, left to right."""
    urls: list[str] = figure.evaluate(
        """(gd, distance) => {
          const points = PLOT_POINTS
            .map((p) => {
              const trace = p.closest('.trace').__data__[0].trace;
              const box = p.getBoundingClientRect();
              return { url: trace.customdata[p.__data__.i],
                       x: box.x + box.width / 2, y: box.y + box.height / 2 };
            });
          return points
            .filter((a) => points.every(
              (b) => a === b || Math.hypot(a.x - b.x, a.y - b.y) > distance))
            .sort((a, b) => a.x - b.x || a.y - b.y)
            .map((p) => p.url);
        }""".replace("PLOT_POINTS", PLOT_POINTS),
        distance,
    )
    return urls


def click_point(page: Page, figure: Locator, url: str) -> None:
    """Hover a marker until Plotly shows its label, then click it, as a reader would."""
    x, y, _ = point_centre(figure, url)
    page.mouse.move(x, y)
    expect(figure.locator(".hoverlayer .hovertext")).to_have_count(1)
    page.mouse.click(x, y)


LABELS = """(gd) => {
  const size = gd._fullLayout._size;
  const svg = gd.querySelector('.main-svg').getBoundingClientRect();
  const area = { left: svg.left + size.l, top: svg.top + size.t,
                 right: svg.left + size.l + size.w, bottom: svg.top + size.t + size.h };
  const labels = [];
  const markers = [];
  // The plot's traces, not their copies in a timeline's range slider.
  gd.querySelectorAll('.cartesianlayer .scatterlayer .trace').forEach((group) => {
    const trace = group.__data__[0].trace;
    group.querySelectorAll('.textpoint').forEach((p) => {
      const text = p.querySelector('text');
      if (text && text.textContent) labels.push({ key: trace.index + ':' + p.__data__.i,
        text: text.textContent, box: text.getBoundingClientRect() });
    });
    group.querySelectorAll('.point').forEach((p) => markers.push({
      key: trace.index + ':' + p.__data__.i, box: p.getBoundingClientRect() }));
  });
  const hit = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const problems = [];
  labels.forEach((a, i) => {
    if (a.box.left < area.left || a.box.right > area.right ||
        a.box.top < area.top || a.box.bottom > area.bottom) problems.push(a.text + ' is cut off');
    labels.slice(i + 1).forEach((b) => {
      if (hit(a.box, b.box)) problems.push(a.text + ' overlaps the label ' + b.text);
    });
    markers.forEach((m) => {
      if (m.key !== a.key && hit(a.box, m.box)) problems.push(a.text + ' covers a marker');
    });
  });
  return { shown: labels.map((l) => l.text), problems: problems };
}"""


def label_problems(figure: Locator) -> tuple[list[str], list[str]]:
    """The labels shown on a figure's markers, and every overlap or clipping among them."""
    found = figure.evaluate(LABELS)
    return found["shown"], found["problems"]


def slide_network_to(figure: Locator, day: dt.date) -> str:
    """Click the slider's step for the network as it stood on `day`; returns its label."""
    steps: list[dict[str, Any]] = figure.evaluate(
        "(gd) => gd.layout.sliders[0].steps.map((s) => ({ day: s.args[0][0], label: s.label }))"
    )
    index = max(i for i, s in enumerate(steps) if dt.date.fromisoformat(s["day"]) <= day)
    ticks = figure.locator(".slider-tick-rect")
    assert ticks.count() == len(steps)
    tick = ticks.nth(index).bounding_box()
    rail = figure.locator(".slider-rail-touch-rect").bounding_box()
    assert tick is not None and rail is not None
    figure.page.mouse.click(tick["x"] + tick["width"] / 2, rail["y"] + rail["height"] / 2)
    figure.page.wait_for_function(
        "([gd, index]) => gd._fullLayout.sliders[0].active === index",
        arg=[figure.element_handle(), index],
    )
    label: str = steps[index]["label"]
    return label
