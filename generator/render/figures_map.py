"""The map of event locations over the Sahel, coloured by event kind.

Drawn with Plotly's scattergeo on its Africa base map at 1:50m; the loader points plotly.js
at the topojson file the site serves itself (assets/topojson/), so no map data comes from a
third-party host. A place's coordinates are the content's own (backed by the event's
sources) or, for a town named with its country, the gazetteer's (generator/gazetteer.py);
an event with neither is listed under the map instead (off_map_list).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, is_not
from typing import Any

from generator import countries, gazetteer
from generator import markdown as md
from generator.dates import human_span
from generator.model import FactBase
from generator.render import links, parts
from generator.render.figures_common import PALETTE, Figure
from generator.schema import Event, EventKind, LocationPrecision

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
# How a label says what a click does (on a phone the first tap shows the label: figures.js).
OPEN_HINT = "click, or tap again,"
# Each event in a place's label starts with a bullet; its wrapped lines are indented.
BULLET = "• "
INDENT = "\u00a0\u00a0\u00a0"
# The colour of a place whose events are of several kinds (neutral, not in the palette).
SEVERAL_KINDS = "several kinds"
SEVERAL_KINDS_COLOUR = "#6b6b6b"
# The kinds' colours: the palette without its grey, which would look like "several kinds".
KIND_COLOURS = tuple(c for c in PALETTE if c != "#7F7F7F")


def any_located(events: Sequence[Event]) -> bool:
    """Whether any of the events has coordinates."""
    return any(coordinates(event) is not None for event in events)


def coordinates(event: Event) -> tuple[float, float] | None:
    """Where the event's marker goes: the content's coordinates, else the gazetteer's for a
    town (precision 'city') named with its country, else nowhere."""
    location = event.location
    if location is None:
        return None
    if location.lat is not None and location.lon is not None:
        return location.lat, location.lon
    found = _gazetteer_place(event)
    return (found.lat, found.lon) if found is not None else None


def _gazetteer_place(event: Event) -> gazetteer.GazetteerPlace | None:
    location = event.location
    if location is None or location.country is None or location.lat is not None:
        return None
    if location.precision is not LocationPrecision.CITY:
        return None
    return gazetteer.lookup(location.place, location.country)


def coordinates_source(event: Event) -> str:
    """Where the event's coordinates come from, in words."""
    found = _gazetteer_place(event)
    return gazetteer.source_note(found) if found is not None else "the event's sources"


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
        lat, lon, positions, anchor, kinds, _ = self.layout[number]
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
# A place: its lat, lon, events (by position), anchor, kinds (values) and name.
PlaceRow = tuple[float, float, tuple[int, ...], str, tuple[str, ...], str]
PlaceLayout = tuple[PlaceRow, ...]


def _fields_if_located(event: Event) -> PlaceFields | None:
    """The event's fields that place it: rounded coordinates, place name and kind."""
    found = coordinates(event)
    if found is None or event.location is None:
        return None
    return (round(found[0], 4), round(found[1], 4), event.location.place, event.kind.value)


def _place_layout(located: tuple[PlaceFields, ...]) -> PlaceLayout:
    """The places of the located events: their positions grouped by coordinates, in order
    of first event, each with its anchor and its kinds (values, in EventKind's order)."""
    groups: dict[tuple[float, float], list[int]] = {}
    for position, (lat, lon, _, _) in enumerate(located):
        groups.setdefault((lat, lon), []).append(position)
    out: list[PlaceRow] = []
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
        out.append((lat, lon, tuple(positions), anchor, kinds, located[positions[0]][2]))
    return tuple(out)


_KINDS = {kind.value: kind for kind in EventKind}
_KIND_RANK = {kind.value: rank for rank, kind in enumerate(EventKind)}


def map_figure(facts: FactBase) -> Figure:
    located = _located(facts.events_in_order)
    shown = _separated(located.layout)
    # All but the hover labels follow from the places' layout and their events' ids.
    drawn = _map_traces((located.layout, located.ids, shown))
    traces = [_leaders(located.layout, shown)] if shown != _true_spots(located.layout) else []
    for trace in drawn:
        name, colour, positions, lon, lat, urls, sizes, mixed = trace
        drawing = {
            "type": "scattergeo",
            "mode": "markers+text",
            "lon": list(lon),
            "lat": list(lat),
            "text": [md.hover(located.layout[n][5]) for n in positions],
            "textposition": [_label_side(located.layout[n], shown[n]) for n in positions],
            "textfont": {"size": 11},
            "hovertext": _hovers(located, positions),
            "hoverinfo": "text",
            "customdata": list(urls),
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


# --- places too close to tell apart -------------------------------------------------------

# Places closer than this many degrees are drawn apart, each joined to its true spot by a
# thin line: at a phone's width a degree is about 8 px, so nearer markers would cover each
# other (Kati's covered Bamako's). A larger crowd than MAX_SPREAD is left where it is.
SEPARATION = 2.5
MAX_SPREAD = 8
Spot = tuple[float, float]


def _true_spots(layout: PlaceLayout) -> tuple[Spot, ...]:
    return tuple((lat, lon) for lat, lon, *_ in layout)


def _separated(layout: PlaceLayout) -> tuple[Spot, ...]:
    """Where each place's marker is drawn: its true spot, or, for a place in a cluster of
    close places, a point on a circle around the cluster's centre, in the same direction
    from it as the place itself, SEPARATION apart from its neighbours."""
    spots = _true_spots(layout)
    shown = list(spots)
    for members in _clusters(spots):
        if not 2 <= len(members) <= MAX_SPREAD:
            continue
        lat = sum(spots[n][0] for n in members) / len(members)
        lon = sum(spots[n][1] for n in members) / len(members)
        radius = SEPARATION / (2 * math.sin(math.pi / len(members)))
        order = sorted(members, key=lambda n: math.atan2(spots[n][0] - lat, spots[n][1] - lon))
        first = math.atan2(spots[order[0]][0] - lat, spots[order[0]][1] - lon)
        for i, number in enumerate(order):
            angle = first + 2 * math.pi * i / len(order)
            shown[number] = (
                round(lat + radius * math.sin(angle), 4),
                round(lon + radius * math.cos(angle), 4),
            )
    return tuple(shown)


def _clusters(spots: tuple[Spot, ...]) -> list[list[int]]:
    """The places (by number) joined by chains of neighbours closer than SEPARATION."""
    parent = list(range(len(spots)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    # Cells half as wide as SEPARATION: two places in one cell are always neighbours, so
    # each cell is joined at once, and two cells are compared place by place only while
    # they are apart. A crowded region then costs a few checks per cell, not per pair.
    cells: dict[tuple[int, int], list[int]] = {}
    for number, (lat, lon) in enumerate(spots):
        cell = (math.floor(lat * 2 / SEPARATION), math.floor(lon * 2 / SEPARATION))
        cells.setdefault(cell, []).append(number)
    for members in cells.values():
        for number in members[1:]:
            parent[root(number)] = root(members[0])
    for (y, x), members in cells.items():
        for dy, dx in _NEARBY_CELLS:
            others = cells.get((y + dy, x + dx))
            if others is None or root(others[0]) == root(members[0]):
                continue
            if any(math.dist(spots[a], spots[b]) < SEPARATION for a in members for b in others):
                parent[root(others[0])] = root(members[0])
    groups: dict[int, list[int]] = {}
    for number in range(len(spots)):
        groups.setdefault(root(number), []).append(number)
    return list(groups.values())


# The cells (half SEPARATION wide) that can hold a neighbour of a place in cell (0, 0), each
# pair of cells once: those after it in reading order.
_NEARBY_CELLS = tuple((dy, dx) for dy in range(-2, 3) for dx in range(-2, 3) if (dy, dx) > (0, 0))


def _leaders(layout: PlaceLayout, shown: tuple[Spot, ...]) -> dict[str, Any]:
    """Thin lines from each moved marker to its place's true spot, marked with a dot."""
    lat: list[float | None] = []
    lon: list[float | None] = []
    for (true_lat, true_lon), (at_lat, at_lon) in zip(_true_spots(layout), shown, strict=True):
        if (true_lat, true_lon) != (at_lat, at_lon):
            lat += [true_lat, at_lat, None]
            lon += [true_lon, at_lon, None]
    return {
        "type": "scattergeo",
        "mode": "lines+markers",
        "lat": lat,
        "lon": lon,
        "line": {"width": 1, "color": SEVERAL_KINDS_COLOUR},
        "marker": {"size": 4, "color": SEVERAL_KINDS_COLOUR},
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "true places of markers drawn apart",
    }


def _label_side(place: PlaceRow, shown: Spot) -> str:
    """A moved marker's name goes on its outer side; another's to its right."""
    return "middle left" if shown[1] < place[1] else "middle right"


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


def _map_traces(
    value: tuple[PlaceLayout, tuple[str, ...], tuple[Spot, ...]],
) -> tuple[_TraceShape, ...]:
    """One trace per kind of the places with events of one kind, in EventKind's order, and
    one for the places with several, drawn first."""
    layout = value[0]
    by_kind: dict[str, list[int]] = {}
    mixed: list[int] = []
    for number, row in enumerate(layout):
        of_place = row[4]
        if len(of_place) == 1:
            by_kind.setdefault(of_place[0], []).append(number)
        else:
            mixed.append(number)
    kinds = sorted(by_kind, key=_KIND_RANK.__getitem__)
    traces = [
        _trace_shape(kind.replace("_", " "), _kind_colour(i), by_kind[kind], value, False)
        for i, kind in enumerate(kinds)
    ]
    if mixed:
        traces.insert(0, _trace_shape(SEVERAL_KINDS, SEVERAL_KINDS_COLOUR, mixed, value, True))
    return tuple(traces)


def _trace_shape(
    name: str,
    colour: str,
    numbers: list[int],
    value: tuple[PlaceLayout, tuple[str, ...], tuple[Spot, ...]],
    mixed: bool,
) -> _TraceShape:
    layout, ids, shown = value
    chosen = [layout[n] for n in numbers]
    return (
        name,
        colour,
        tuple(numbers),
        tuple(shown[n][1] for n in numbers),
        tuple(shown[n][0] for n in numbers),
        tuple(_url(row[2], row[3], ids) for row in chosen),
        tuple(marker_size(len(row[2])) for row in chosen),
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
    lines.append(f"<i>{OPEN_HINT} to list them</i>")
    return "<br>".join(lines)


def _single_event_hover(event: Event) -> str:
    assert event.location is not None
    lines = [
        f"<b>{_wrapped(event.title)}</b>",
        md.hover(human_span(event.date, event.end)),
        md.hover(event.location.place),
        f"{OPEN_HINT} to open it",
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
    lats = [row[0] for row in layout]
    lons = [row[1] for row in layout]
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


PLACES_LISTED = 100


def places_list(facts: FactBase, from_page: str) -> str:
    """The map's data in words: every place, where its coordinates come from, and a link to
    its event or, for a place with several, to its page."""
    intro = (
        "Every event on the map is also listed with its place in the "
        f"[year-by-year tables]({links.relative(from_page, links.TIMELINE)}#year-by-year)."
    )
    found = places(facts.events_in_order)
    if not found:
        return intro + "\n"
    # The map page must not grow with the fact base: past PLACES_LISTED, the places with the
    # most events are named here, and the rest only in the year tables.
    most = sorted(range(len(found)), key=lambda n: -len(found[n].events))[:PLACES_LISTED]
    items = [_place_item(found[n], from_page) for n in sorted(most)]
    heading = (
        " The places on the map:"
        if len(found) == len(items)
        else (f" The {len(items)} places on the map with the most events, of {len(found):,}:")
    )
    return intro + heading + "\n\n" + "\n".join(items) + "\n"


def _place_item(place: Place, from_page: str) -> str:
    if len(place.events) == 1:
        target = links.event_page(place.events[0].id)
        what = md.page_link(place.events[0].title, links.relative(from_page, target))
    else:
        target = links.place_page(place.anchor)
        what = md.page_link(f"{len(place.events)} events", links.relative(from_page, target))
    return f"- {md.text(place.name)} ({_where(place)}): {what}"


def _where(place: Place) -> str:
    source = coordinates_source(place.events[0])
    return f"{place.lat:.4f}, {place.lon:.4f}, from {md.text(source)}"


def off_map_list(facts: FactBase, from_page: str) -> str:
    """The events that are not on the map, and why, for the map page."""
    unfound: dict[str, list[Event]] = {}  # towns the gazetteer lacks
    broad: dict[str, list[Event]] = {}  # regions and countries
    unplaced = 0
    for event in facts.events_in_order:
        location = event.location
        if location is None:
            unplaced += 1
        elif coordinates(event) is None:
            town = location.precision is LocationPrecision.CITY
            country = f", {countries.name(location.country)}" if town and location.country else ""
            (unfound if town else broad).setdefault(location.place + country, []).append(event)
    out: list[str] = []
    for why, group in (
        (
            "these towns are not in the gazetteer (GeoNames' towns of 15,000 people or more), "
            "and the content gives no coordinates with a source",
            unfound,
        ),
        ("these events are placed only in a region or a country", broad),
    ):
        if group:
            out.append(f"Not on the map: {why}.\n")
            out.extend(
                f"- {md.text(place)}: " + "; ".join(_event_link(e, from_page) for e in events)
                for place, events in group.items()
            )
            out.append("")
    if unplaced:
        out.append(
            f"{parts.counted(unplaced, 'event')} with no place given "
            f"{'is' if unplaced == 1 else 'are'} not on the map either; see the "
            f"[timeline]({links.relative(from_page, links.TIMELINE)}).\n"
        )
    return "\n".join(out)


def _event_link(event: Event, from_page: str) -> str:
    return md.page_link(event.title, links.relative(from_page, links.event_page(event.id)))


def place_page(facts: FactBase, anchor: str, lat: float, lon: float) -> str:
    """A place with several events: their list, in date order."""
    page = links.place_page(anchor)
    place = next(p for p in places(facts.events_in_order) if p.anchor == anchor)
    events = place.events
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
        f"({_where(place)}; precision: {first.precision.value}). "
        f"[Back to the map]({links.relative(page, links.MAP)}).\n\n" + "\n".join(rows) + "\n"
    )
