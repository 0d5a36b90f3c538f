"""The map of event locations over the Sahel, coloured by event kind.

Drawn with Plotly's scattergeo on its Africa base map at 1:50m; the loader points plotly.js
at the topojson file the site serves itself (assets/topojson/), so no map data comes from a
third-party host.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, is_not
from typing import Any

from generator import countries
from generator import markdown as md
from generator.dates import human_span
from generator.model import FactBase
from generator.render import links
from generator.render.figures_common import PALETTE, Figure
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


def located_count(events: Sequence[Event]) -> int:
    """How many of the events have coordinates."""
    return len(_located(events).ids)


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
    located = _located(events)
    return [located.place(number) for number in range(len(located.layout))]


@dataclass(frozen=True)
class _Located:
    """The located events and their places' layout; a Place is made only where asked for,
    since a page and a figure of 10,000 places need most of them as plain data."""

    events: tuple[Event, ...]  # the located events, in order
    layout: PlaceLayout
    ids: tuple[str, ...]  # their ids

    def place(self, number: int) -> Place:
        lat, lon, positions, anchor, kinds = self.layout[number]
        return Place(
            lat,
            lon,
            tuple(map(self.events.__getitem__, positions)),
            anchor,
            tuple(map(_KINDS.__getitem__, kinds)),
        )


def _located(events: Sequence[Event]) -> _Located:
    return _places(tuple(events))


def _places(events: tuple[Event, ...]) -> _Located:
    fields = [_fields_if_located(item) for item in events]
    located = tuple(compress(events, map(is_not, fields, repeat(None))))
    # Which events make a place, and its anchor, depend on these fields alone.
    layout = _place_layout(tuple(found for found in fields if found is not None))
    return _Located(located, layout, tuple(map(_ID_OF, located)))


_ID_OF = attrgetter("id")


PlaceFields = tuple[float, float, str, str]  # rounded lat and lon, place name, kind's value
PlaceLayout = tuple[tuple[float, float, tuple[int, ...], str, tuple[str, ...]], ...]


def _fields_if_located(event: Event) -> PlaceFields | None:
    """The event's fields that place it (_place_fields), if it has coordinates."""
    return _place_fields(event) if _is_located(event) else None


def _place_fields(event: Event) -> PlaceFields:
    location = event.location
    assert location is not None and location.lat is not None and location.lon is not None
    return (round(location.lat, 4), round(location.lon, 4), location.place, event.kind.value)


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
        base = "place-" + (links.slug(located[positions[0]][2]) or "unnamed")
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


def map_figure(facts: FactBase) -> Figure:
    located = _located(facts.events_in_order)
    # All but the hover labels follow from the places' layout and their events' ids.
    drawn = _map_traces((located.layout, located.ids))
    traces = []
    for trace in drawn:
        name, colour, positions, lon, lat, urls, sizes, mixed = trace
        drawing = {
            "type": "scattergeo",
            "mode": "markers",
            "lon": list(lon),
            "lat": list(lat),
            "text": _hovers(located, positions),
            "customdata": list(urls),
            "hovertemplate": "%{text}<extra></extra>",
            "marker": {
                "color": colour,
                "size": list(sizes),
                "line": {"width": 1, "color": "#ffffff"},
            },
            "name": name,
        }
        # Drawn first, under the others: its markers are the large ones, and a small marker
        # nearby stays visible (plotly.js gives the hover to the smaller of two markers under
        # the pointer, and the larger keeps its ring). Listed last in the legend.
        traces.append({**drawing, "legendrank": 2000} if mixed else drawing)
    return {"data": traces, "layout": _layout(located.layout)}


# A trace but for its hover labels: its name, colour, places (by position), their
# longitudes, latitudes, links and marker sizes, and whether its places are of mixed kinds.
_TraceShape = tuple[
    str,
    str,
    tuple[int, ...],
    tuple[float, ...],
    tuple[float, ...],
    tuple[str, ...],
    tuple[float, ...],
    bool,
]


def _map_traces(value: tuple[PlaceLayout, tuple[str, ...]]) -> tuple[_TraceShape, ...]:
    """One trace per kind of the places with events of one kind, in EventKind's order, and
    one for the places with several, drawn first."""
    layout, ids = value
    by_kind: dict[str, list[int]] = {}
    mixed: list[int] = []
    for number, (_, _, _, _, of_place) in enumerate(layout):
        if len(of_place) == 1:
            by_kind.setdefault(of_place[0], []).append(number)
        else:
            mixed.append(number)
    kinds = sorted(by_kind, key=_KIND_RANK.__getitem__)
    traces = [
        _trace_shape(kind.replace("_", " "), _kind_colour(i), by_kind[kind], layout, ids, False)
        for i, kind in enumerate(kinds)
    ]
    if mixed:
        traces.insert(
            0, _trace_shape(SEVERAL_KINDS, SEVERAL_KINDS_COLOUR, mixed, layout, ids, True)
        )
    return tuple(traces)


def _trace_shape(
    name: str,
    colour: str,
    numbers: list[int],
    layout: PlaceLayout,
    ids: tuple[str, ...],
    mixed: bool,
) -> _TraceShape:
    chosen = [layout[n] for n in numbers]
    return (
        name,
        colour,
        tuple(numbers),
        tuple(lon for _, lon, _, _, _ in chosen),
        tuple(lat for lat, _, _, _, _ in chosen),
        tuple(_url(positions, anchor, ids) for _, _, positions, anchor, _ in chosen),
        tuple(marker_size(len(positions)) for _, _, positions, _, _ in chosen),
        mixed,
    )


def _kind_colour(index: int) -> str:
    return KIND_COLOURS[index % len(KIND_COLOURS)]


def marker_size(events: int) -> float:
    """Marker area grows with the number of events at the place, up to a cap."""
    return round(min(MAX_SIZE, BASE_SIZE * math.sqrt(events)), 1)


def _url(positions: tuple[int, ...], anchor: str, ids: tuple[str, ...]) -> str:
    """The link of the place of the located events at these positions (`ids` are those
    events' ids): a single event's page; for a place with several, the place's page."""
    if len(positions) == 1:
        return links.site_url(links.event_page(ids[positions[0]]))
    return links.site_url(links.place_page(anchor))


def _hovers(located: _Located, numbers: Sequence[int]) -> list[str]:
    """The hover label of each of these places; those of the places with one event, in one
    go."""
    layout, events = located.layout, located.events
    single = [len(layout[n][2]) == 1 for n in numbers]
    firsts = [events[layout[n][2][0]] for n in compress(numbers, single)]
    singles = iter([_single_event_hover(item) for item in firsts])
    return [
        next(singles) if one else _hover(located.place(n))
        for n, one in zip(numbers, single, strict=True)
    ]


def _hover(place: Place) -> str:
    """The events of a place with several, each line escaped and wrapped to fit a phone."""
    several = len(place.kinds) > 1
    shown = place.events[:HOVER_EVENTS]
    lines = [f"<b>{md.hover(place.name)}</b>: {len(place.events)} events"]
    lines.extend([_event_hover_line(item, several) for item in shown])
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


def _bounds(layout: PlaceLayout) -> tuple[list[float], list[float]]:
    """The Sahel, widened to take in any event outside it."""
    lats = [lat for lat, _, _, _, _ in layout]
    lons = [lon for _, lon, _, _, _ in layout]
    lon = [min([SAHEL_LON[0], *lons]) - PADDING, max([SAHEL_LON[1], *lons]) + PADDING]
    lat = [min([SAHEL_LAT[0], *lats]) - PADDING, max([SAHEL_LAT[1], *lats]) + PADDING]
    return [round(v, 2) for v in lon], [round(v, 2) for v in lat]


def _layout(layout: PlaceLayout) -> dict[str, Any]:
    lon, lat = _bounds(layout)
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


def shared_places(facts: FactBase) -> list[Place]:
    """The places with several events, which have a page each, in order of first event."""
    return [place for place in places(facts.events_in_order) if len(place.events) > 1]


def places_list(facts: FactBase, from_page: str) -> str:
    """The map's data in words: where the events are listed, and a link to each place
    with several events."""
    intro = (
        "Every event with coordinates is listed with its place in the "
        f"[year-by-year tables]({links.relative(from_page, links.TIMELINE)}#year-by-year); "
        "a point with a single event links to its page."
    )
    shared = shared_places(facts)
    if not shared:
        return intro + "\n"
    items = [
        f"- {md.page_link(place.name, links.relative(from_page, links.place_page(place.anchor)))}"
        f": {len(place.events)} events"
        for place in shared
    ]
    return intro + " These places have several events:\n\n" + "\n".join(items) + "\n"


def place_page(facts: FactBase, anchor: str, lat: float, lon: float) -> str:
    """A place with several events: their list, in date order."""
    page = links.place_page(anchor)
    events = facts.events_at(lat, lon)
    first = events[0].location
    assert first is not None
    country = f", {countries.name(first.country)}" if first.country else ""
    rows = ["| Date | Event | Kind |", "| --- | --- | --- |"]
    rows.extend(
        f"| {md.cell(human_span(e.date, e.end))} "
        f"| {md.page_link(e.title, links.relative(page, links.event_page(e.id)))} "
        f"| {e.kind.value.replace('_', ' ')} |"
        for e in events
    )
    return (
        f"# {md.text(first.place)}\n\n"
        f"{len(events)} events at {md.text(first.place)}{md.text(country)} "
        f"({lat:.4f}, {lon:.4f}; precision: {first.precision.value}). "
        f"[Back to the map]({links.relative(page, links.MAP)}).\n\n" + "\n".join(rows) + "\n"
    )
