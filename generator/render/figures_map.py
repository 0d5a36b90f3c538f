"""The map of event locations over the Sahel, coloured by event kind.

Drawn with Plotly's scattergeo on its Africa base map at 1:50m; the loader points plotly.js
at the topojson file the site serves itself (assets/topojson/), so no map data comes from a
third-party host.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generator import countries
from generator.dates import human_span
from generator.model import FactBase
from generator.render import links
from generator.render import markdown as md
from generator.render.figures_common import Figure, colour
from generator.schema import Event, EventKind

# The Sahel from Senegal's coast to Lake Chad, with room for the coastal capitals.
SAHEL_LON = (-18.0, 24.0)
SAHEL_LAT = (4.0, 25.0)
PADDING = 1.5


def located_events(events: Sequence[Event]) -> list[Event]:
    return [e for e in events if e.location is not None and e.location.lat is not None]


def map_figure(facts: FactBase) -> Figure:
    events = located_events(facts.events_in_order)
    kinds = sorted({e.kind for e in events}, key=list(EventKind).index)
    traces = [
        _kind_trace(kind, [e for e in events if e.kind is kind], i) for i, kind in enumerate(kinds)
    ]
    return {"data": traces, "layout": _layout(events)}


def _kind_trace(kind: EventKind, events: Sequence[Event], index: int) -> dict[str, Any]:
    return {
        "type": "scattergeo",
        "mode": "markers",
        "lon": [_coordinate(e, "lon") for e in events],
        "lat": [_coordinate(e, "lat") for e in events],
        "text": [_hover(e) for e in events],
        "customdata": [links.site_url(links.event_page(e.id)) for e in events],
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {"color": colour(index), "size": 10, "line": {"width": 1, "color": "#ffffff"}},
        "name": kind.value.replace("_", " "),
    }


def _coordinate(event: Event, axis: str) -> float:
    assert event.location is not None
    value = event.location.lat if axis == "lat" else event.location.lon
    assert value is not None
    return round(value, 4)


def _hover(event: Event) -> str:
    assert event.location is not None
    return (
        f"<b>{md.hover(event.title)}</b><br>{md.hover(human_span(event.date, event.end))}"
        f"<br>{md.hover(event.location.place)}"
    )


def _bounds(events: Sequence[Event]) -> tuple[list[float], list[float]]:
    """The Sahel, widened to take in any event outside it."""
    lons = [_coordinate(e, "lon") for e in events]
    lats = [_coordinate(e, "lat") for e in events]
    lon = [min([SAHEL_LON[0], *lons]) - PADDING, max([SAHEL_LON[1], *lons]) + PADDING]
    lat = [min([SAHEL_LAT[0], *lats]) - PADDING, max([SAHEL_LAT[1], *lats]) + PADDING]
    return [round(v, 2) for v in lon], [round(v, 2) for v in lat]


def _layout(events: Sequence[Event]) -> dict[str, Any]:
    lon, lat = _bounds(events)
    return {
        "height": 560,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": 0, "yanchor": "top", "font": {"size": 11}},
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
    rows = ["| Event | Date | Place | Country | Kind |", "| --- | --- | --- | --- | --- |"]
    for event in located_events(facts.events_in_order):
        assert event.location is not None
        country = event.location.country
        rows.append(
            "| {} | {} | {} | {} | {} |".format(
                md.page_link(event.title, links.relative(from_page, links.event_page(event.id))),
                md.cell(human_span(event.date, event.end)),
                md.cell(event.location.place),
                md.cell(countries.name(country) if country else ""),
                event.kind.value.replace("_", " "),
            )
        )
    return "\n".join(rows) + "\n"
