"""The map of event locations over the Sahel, coloured by event kind.

Drawn with Plotly's scattergeo on its Africa base map at 1:50m; the loader points plotly.js
at the topojson file the site serves itself (assets/topojson/), so no map data comes from a
third-party host.
"""

from __future__ import annotations

import math
import re
import textwrap
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Any

from generator import countries
from generator.dates import human_span
from generator.model import FactBase
from generator.render import links
from generator.render import markdown as md
from generator.render.figures_common import PALETTE, Figure
from generator.render.pieces import by_value, pieces_of, shared
from generator.schema import Event, EventKind

# The Sahel from Senegal's coast to Lake Chad, with room for the coastal capitals.
SAHEL_LON = (-18.0, 24.0)
SAHEL_LAT = (4.0, 25.0)
PADDING = 1.5
# A place with one event has a marker of BASE_SIZE px; with n, its area is n times larger.
BASE_SIZE = 10
MAX_SIZE = 30
# How many of a place's events its hover label lists.
HOVER_EVENTS = 12
# Hover lines are wrapped at this many characters (a label wider than a phone is cut off).
HOVER_WIDTH = 48
# Each event in a place's label starts with a bullet; its wrapped lines are indented.
BULLET = "• "
INDENT = "\u00a0\u00a0\u00a0"
# The colour of a place whose events are of several kinds (neutral, not in the palette).
SEVERAL_KINDS = "several kinds"
SEVERAL_KINDS_COLOUR = "#6b6b6b"
# The kinds' colours: the palette without its grey, which would look like "several kinds".
KIND_COLOURS = tuple(c for c in PALETTE if c != "#7F7F7F")


def located_events(events: Sequence[Event]) -> list[Event]:
    return [e for e in events if _is_located(e)]


def _is_located(event: Event) -> bool:
    return event.location is not None and event.location.lat is not None


@dataclass(frozen=True)
class Place:
    """The events at one pair of coordinates: one marker on the map, one group in the table."""

    lat: float
    lon: float
    events: tuple[Event, ...]
    anchor: str  # the id of the place's first row in the map page's table
    kinds: tuple[EventKind, ...]  # the kinds of its events, in EventKind's order

    @property
    def name(self) -> str:
        first = self.events[0].location
        assert first is not None
        return first.place


def places(events: Sequence[Event]) -> list[Place]:
    """Located events grouped by identical (rounded) coordinates, in order of first event."""
    # The map page and the map figure both ask: worked out once.
    return list(shared(_places, tuple(events)))


def _places(events: tuple[Event, ...]) -> tuple[Place, ...]:
    # Each event's fields as a piece: a rebuild after an edit reads them from the last one.
    fields = pieces_of(_fields_if_located, events)
    located = [event for event, found in zip(events, fields, strict=True) if found is not None]
    # Which events make a place, and its anchor, depend on these fields alone: worked out
    # again only when one of them changes, not when a title does.
    layout = by_value(_place_layout, tuple(found for found in fields if found is not None))
    return tuple(
        Place(lat, lon, tuple(map(located.__getitem__, positions)), anchor, kinds)
        for lat, lon, positions, anchor, kinds in _with_kinds(layout)
    )


PlaceFields = tuple[float, float, str, str]  # rounded lat and lon, place name, kind's value
PlaceLayout = tuple[tuple[float, float, tuple[int, ...], str, tuple[str, ...]], ...]


def _fields_if_located(event: Event) -> PlaceFields | None:
    """The event's fields that place it (_place_fields), if it has coordinates."""
    return _place_fields(event) if _is_located(event) else None


def _place_fields(event: Event) -> PlaceFields:
    location = event.location
    assert location is not None and location.lat is not None and location.lon is not None
    return (round(location.lat, 4), round(location.lon, 4), location.place, event.kind.value)


def _with_kinds(
    layout: PlaceLayout,
) -> Iterator[tuple[float, float, tuple[int, ...], str, tuple[EventKind, ...]]]:
    for lat, lon, positions, anchor, kinds in layout:
        yield lat, lon, positions, anchor, tuple(map(_KINDS.__getitem__, kinds))


def _place_layout(located: tuple[PlaceFields, ...]) -> PlaceLayout:
    """The places of the located events: their positions grouped by coordinates, in order
    of first event, each with its anchor and its kinds (values, in EventKind's order)."""
    groups: dict[tuple[float, float], list[int]] = {}
    for position, (lat, lon, _, _) in enumerate(located):
        groups.setdefault((lat, lon), []).append(position)
    out: list[tuple[float, float, tuple[int, ...], str, tuple[str, ...]]] = []
    used: set[str] = set()
    # The last number given after each base: many places can share a name, and counting up
    # from 1 each time would take quadratic time.
    last: dict[str, int] = {}
    for (lat, lon), positions in groups.items():
        base = "place-" + (_slug(located[positions[0]][2]) or "unnamed")
        anchor, n = base, last.get(base, 1)
        if n > 1:
            anchor = f"{base}-{n}"
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        last[base] = n
        kinds = tuple(sorted({located[p][3] for p in positions}, key=_KIND_RANK.__getitem__))
        out.append((lat, lon, tuple(positions), anchor, kinds))
    return tuple(out)


_KINDS = {kind.value: kind for kind in EventKind}
_KIND_RANK = {kind.value: rank for rank, kind in enumerate(EventKind)}


@cache
def _slug(value: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def map_figure(facts: FactBase) -> Figure:
    located = places(facts.events_in_order)
    single = [p for p in located if len(p.kinds) == 1]
    kinds = sorted({p.kinds[0] for p in single}, key=lambda kind: _KIND_RANK[kind.value])
    traces = [
        _trace(
            kind.value.replace("_", " "), [p for p in single if p.kinds[0] is kind], _kind_colour(i)
        )
        for i, kind in enumerate(kinds)
    ]
    mixed = [p for p in located if len(p.kinds) > 1]
    if mixed:
        # Drawn first, under the others: its markers are the large ones, and a small marker
        # nearby stays visible (plotly.js gives the hover to the smaller of two markers under
        # the pointer, and the larger keeps its ring). Listed last in the legend.
        traces.insert(0, {**_trace(SEVERAL_KINDS, mixed, SEVERAL_KINDS_COLOUR), "legendrank": 2000})
    return {"data": traces, "layout": _layout(located)}


def _kind_colour(index: int) -> str:
    return KIND_COLOURS[index % len(KIND_COLOURS)]


def marker_size(events: int) -> float:
    """Marker area grows with the number of events at the place, up to a cap."""
    return round(min(MAX_SIZE, BASE_SIZE * math.sqrt(events)), 1)


def place_url(place: Place) -> str:
    """A single event's page; for a place with several, its rows in the map page's table."""
    if len(place.events) == 1:
        return links.site_url(links.event_page(place.events[0].id))
    return f"{links.site_url(links.MAP)}#{place.anchor}"


def _trace(name: str, located: Sequence[Place], color: str) -> dict[str, Any]:
    return {
        "type": "scattergeo",
        "mode": "markers",
        "lon": [p.lon for p in located],
        "lat": [p.lat for p in located],
        "text": _hovers(located),
        "customdata": [place_url(p) for p in located],
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {
            "color": color,
            "size": [marker_size(len(p.events)) for p in located],
            "line": {"width": 1, "color": "#ffffff"},
        },
        "name": name,
    }


def _hovers(located: Sequence[Place]) -> list[str]:
    """Each place's hover label; those of the places with one event, in one go."""
    singles = iter(
        pieces_of(_single_event_hover, [p.events[0] for p in located if len(p.events) == 1])
    )
    return [next(singles) if len(p.events) == 1 else _hover(p) for p in located]


def _hover(place: Place) -> str:
    """The events of a place with several, each line escaped and wrapped to fit a phone."""
    several = len(place.kinds) > 1
    shown = place.events[:HOVER_EVENTS]
    lines = [f"<b>{md.hover(place.name)}</b>: {len(place.events)} events"]
    lines.extend(pieces_of(_event_hover_line, shown, several))
    if len(place.events) > len(shown):
        lines.append(f"and {len(place.events) - len(shown)} more")
    lines.append("<i>click to list them</i>")
    return "<br>".join(lines)


def _single_event_hover(event: Event) -> str:
    assert event.location is not None
    lines = [
        f"<b>{_wrapped(event.title)}</b>",
        md.hover(human_span(event.date, event.end)),
        md.hover(event.location.place),
    ]
    return "<br>".join(lines)


def _event_hover_line(event: Event, several_kinds: bool) -> str:
    kind = f" ({event.kind.value.replace('_', ' ')})" if several_kinds else ""
    return _wrapped(f"{human_span(event.date, event.end)}: {event.title}{kind}", BULLET, INDENT)


def _wrapped(value: str, first: str = "", rest: str = "") -> str:
    lines = textwrap.wrap(value, HOVER_WIDTH) or [""]
    return "<br>".join((rest if i else first) + md.hover(line) for i, line in enumerate(lines))


def _bounds(located: Sequence[Place]) -> tuple[list[float], list[float]]:
    """The Sahel, widened to take in any event outside it."""
    lons = [p.lon for p in located]
    lats = [p.lat for p in located]
    lon = [min([SAHEL_LON[0], *lons]) - PADDING, max([SAHEL_LON[1], *lons]) + PADDING]
    lat = [min([SAHEL_LAT[0], *lats]) - PADDING, max([SAHEL_LAT[1], *lats]) + PADDING]
    return [round(v, 2) for v in lon], [round(v, 2) for v in lat]


def _layout(located: Sequence[Place]) -> dict[str, Any]:
    lon, lat = _bounds(located)
    return {
        "height": 560,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "hovermode": "closest",
        "legend": {
            "orientation": "h",
            "y": 0,
            "yanchor": "top",
            "font": {"size": 11},
            # One symbol size for every entry: a marker's size is its number of events.
            "itemsizing": "constant",
        },
        "hoverlabel": {"align": "left"},
        "geo": {
            "scope": "africa",
            "resolution": 50,
            "projection": {"type": "mercator"},
            "lonaxis": {"range": lon},
            "lataxis": {"range": lat},
            "showcountries": True,
            "showland": True,
            "showlakes": True,
            "showrivers": True,
            "showcoastlines": True,
            "showframe": False,
        },
    }


def map_table(facts: FactBase, from_page: str) -> str:
    """One row per event, grouped by place; a place's first row carries its anchor."""
    rows = ["| Event | Date | Place | Country | Kind |", "| --- | --- | --- | --- | --- |"]
    located = places(facts.events_in_order)
    # Looked up in one go, not place by place: most places have a single event.
    halves = iter(pieces_of(_table_row, [e for p in located for e in p.events], from_page))
    for place in located:
        before, after = next(halves)
        rows.append(f'{before}<span id="{place.anchor}"></span>{after}')
        rows.extend(before + after for before, after in islice(halves, len(place.events) - 1))
    return "\n".join(rows) + "\n"


def _table_row(event: Event, from_page: str) -> tuple[str, str]:
    """The event's row, in two: the place's anchor, if any, goes between them."""
    assert event.location is not None
    country = event.location.country
    link = md.page_link(event.title, links.relative(from_page, links.event_page(event.id)))
    before = f"| {link} | {md.cell(human_span(event.date, event.end))} | "
    after = "{} | {} | {} |".format(
        md.cell(event.location.place),
        md.cell(countries.name(country) if country else ""),
        event.kind.value.replace("_", " "),
    )
    return before, after
