"""Timelines: events in lanes, each drawn over exactly the span of days its date stands for.

A date that is one precise day (`is_precise`) is a point. Any other date (a month, a year,
an uncertain date), or an event with an end, is a bar from its first day to the day after
its last (Plotly's date axis places a date at midnight, so the bar covers the whole last
day); it is never drawn as a false day. The same code draws the site timeline, the topic
timelines and actor timelines. A storyline's lane has the storyline's colour in all of them
(figures_common.storyline_colours); each lane names its key events (key_events).
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Any, Protocol

from generator import countries
from generator import markdown as md
from generator.dates import human_span
from generator.model import FactBase
from generator.render import links
from generator.render.figures_common import NEUTRAL, Figure, scatter_type, storyline_colours
from generator.schema import Actor, Event, EventKind, Topic

# Events of one lane closer than this share a row only if they do not overlap visually.
MAX_ROWS_PER_LANE = 4
NO_TOPIC = "Other events"
NO_COUNTRY = "No country given"
# A key event's name is cut to this many characters (one line: see _key_labels).
LABEL_WIDTH = 40
MAX_KEY_EVENTS = 6
# However close its events, a timeline's axis spans at least this many days, so that its
# ticks are days or longer (one date alone gave ticks of fractions of a second).
MIN_AXIS_DAYS = 120
DAY_MS = 86_400_000
# How a hover label says what a click does (on a phone the first tap shows the label).
OPEN_HINT = "click, or tap again, to open"


@dataclass(frozen=True)
class TimelineItem:
    """One event as a timeline draws it."""

    event_id: str
    title: str
    when: str  # the date in human form, as precise as it is known
    start: dt.date
    end: dt.date  # exclusive: the day after the last day the date may mean
    is_point: bool
    url: str
    hover: str  # the hover label: title and date
    label: str  # the label drawn beside a key event; empty for the others
    # What placing it in a row depends on: its first and (exclusive) last day as ordinals,
    # whether it is a point, and its event's id (see _lane_shape).
    placed: tuple[int, int, bool, str]


@dataclass(frozen=True)
class Lane:
    label: str
    items: tuple[TimelineItem, ...]
    colour: str = NEUTRAL


def timeline_item(event: Event, key: bool = False) -> TimelineItem:
    """The event as every timeline draws it; a key event with its label."""
    last = (event.end or event.date).last_day
    is_point = event.date.is_precise and event.end in (None, event.date)
    when = human_span(event.date, event.end)
    start, end = event.date.first_day, last + dt.timedelta(days=1)
    return TimelineItem(
        event_id=event.id,
        title=event.title,
        when=when,
        start=start,
        end=end,
        is_point=is_point,
        url=links.site_url(links.event_page(event.id)),
        hover=f"<b>{md.hover(event.title)}</b><br>{md.hover(when)}<br>{OPEN_HINT}",
        label=_short_label(event.title) if key else "",
        placed=(start.toordinal(), end.toordinal(), is_point, event.id),
    )


def _short_label(title: str) -> str:
    return md.hover(textwrap.shorten(title, LABEL_WIDTH, placeholder="…"))


def key_events(events: Sequence[Event]) -> set[str]:
    """The ids of the events a lane names: the event the lane's other events name most often
    as related (the one its story turns on), if any is named twice, and its coups, earliest
    first; at most MAX_KEY_EVENTS."""
    ids = {event.id for event in events}
    named: dict[str, int] = {}
    for event in events:
        for other in {related for related in event.related if related in ids} - {event.id}:
            named[other] = named.get(other, 0) + 1
    keys: list[str] = []
    if named and max(named.values()) >= 2:
        by_id = {event.id: event for event in events}
        keys.append(max(named, key=lambda i: (named[i], len(by_id[i].sources), i)))
    coups = sorted((e for e in events if e.kind is EventKind.COUP), key=lambda e: e.date)
    keys.extend(event.id for event in coups if event.id not in keys)
    return set(keys[:MAX_KEY_EVENTS])


def _lanes(
    events: Sequence[Event], grouping: Grouping, colours: Mapping[str, str] | None = None
) -> tuple[Lane, ...]:
    lanes = []
    for label, members in grouping:
        chosen = [events[member] for member in members]
        keys = key_events(chosen)
        items = tuple(timeline_item(item, item.id in keys) for item in chosen)
        lanes.append(Lane(label, items, (colours or {}).get(label, NEUTRAL)))
    return tuple(lanes)


# Lanes as labels, each with the positions of its events in the list grouped.
Grouping = tuple[tuple[str, tuple[int, ...]], ...]


def _grouped(labels: tuple[tuple[str, ...], ...], last: str) -> Grouping:
    """Each event's position under each of its labels: labels in alphabetical order, `last`
    at the end."""
    groups: dict[str, list[int]] = {}
    for position, event_labels in enumerate(labels):
        for label in event_labels:
            groups.setdefault(label, []).append(position)
    order = sorted(groups, key=lambda label: (label == last, label.casefold()))
    return tuple((label, tuple(groups[label])) for label in order)


def lanes_by_topic(facts: FactBase, events: Sequence[Event]) -> list[Lane]:
    """One lane per storyline, in the storylines' order; an event may be in several."""
    return list(_lanes_by_topic(tuple(facts.topics_in_order), tuple(events)))


def _lanes_by_topic(topics: tuple[Topic, ...], events: tuple[Event, ...]) -> tuple[Lane, ...]:
    storylines = tuple((t.id, t.title) for t in topics)
    topic_ids = tuple([_topics_of(item) for item in events])
    colours = storyline_colours([t.id for t in topics])
    by_title = {t.title: colours[t.id] for t in topics}
    return _lanes(events, _topic_grouping((storylines, topic_ids)), by_title)


def storyline_lane(facts: FactBase, topic: Topic) -> list[Lane]:
    """A storyline's own timeline: one lane, in the storyline's colour."""
    lanes = _lanes_by_topic((topic,), tuple(facts.events_of_topic(topic.id)))
    colour = storyline_colours([t.id for t in facts.topics_in_order])[topic.id]
    return [replace(lane, colour=colour) for lane in lanes]


def _topics_of(event: Event) -> tuple[str, ...]:
    return tuple(event.topics)


def _topic_grouping(
    value: tuple[tuple[tuple[str, str], ...], tuple[tuple[str, ...], ...]],
) -> Grouping:
    storylines, event_topics = value
    titles = dict(storylines)
    rank = {topic_id: i for i, (topic_id, _) in enumerate(storylines)}

    def labels(topic_ids: tuple[str, ...]) -> tuple[str, ...]:
        known = sorted((t for t in topic_ids if t in titles), key=rank.__getitem__)
        return tuple(titles[t] for t in known) or (NO_TOPIC,)

    lanes = _grouped(tuple(labels(topic_ids) for topic_ids in event_topics), NO_TOPIC)
    order = {title: i for i, title in enumerate(titles.values())}
    return tuple(sorted(lanes, key=lambda lane: order.get(lane[0], len(order))))


def lanes_by_country(facts: FactBase, events: Sequence[Event]) -> list[Lane]:
    """One lane per country an event concerns (see countries_of); an event may be in
    several, and one that concerns no country is in the last lane."""
    return list(_lanes(events, grouping_by_country(facts, events)))


def grouping_by_topic(facts: FactBase, events: Sequence[Event]) -> Grouping:
    """The lanes of lanes_by_topic, as positions in `events`: what a page needs to know
    of a timeline it embeds, without making its items."""
    storylines = tuple((t.id, t.title) for t in facts.topics_in_order)
    return _topic_grouping((storylines, tuple(_topics_of(e) for e in events)))


def grouping_by_country(facts: FactBase, events: Sequence[Event]) -> Grouping:
    """The lanes of lanes_by_country, as positions in `events`."""
    return _country_grouping(tuple(countries_of(facts.actors, e) for e in events))


def countries_of(actors: Mapping[str, Actor], event: Event) -> tuple[str, ...]:
    """The countries of the actors taking part (a state, its junta, its people), or else
    the country where it took place: 'ECOWAS sanctions Mali at the Accra summit' is Mali's
    event, not Ghana's."""
    found = {actors[p.actor].country for p in event.participants if p.actor in actors}
    found.discard(None)
    if not found and event.location is not None and event.location.country is not None:
        found = {event.location.country}
    return tuple(sorted(c for c in found if c is not None))


def _country_grouping(codes: tuple[tuple[str, ...], ...]) -> Grouping:
    return _grouped(
        tuple(tuple(countries.name(c) for c in found) or (NO_COUNTRY,) for found in codes),
        NO_COUNTRY,
    )


# --- placing items in rows ---------------------------------------------------------------


class Placed(Protocol):
    """What placing an item in a row reads of it."""

    @property
    def start(self) -> dt.date: ...
    @property
    def end(self) -> dt.date: ...
    @property
    def event_id(self) -> str: ...


def assign_rows(items: Sequence[Placed], min_gap: dt.timedelta) -> list[int]:
    """A row for each item so that items in one row do not touch; deterministic.

    Greedy interval packing in date order; past MAX_ROWS_PER_LANE rows an item goes to the
    row that frees up first, so a crowded lane stays readable rather than growing forever.
    """
    row_ends: list[dt.date] = []
    rows = [0] * len(items)
    order = sorted(range(len(items)), key=lambda i: (items[i].start, items[i].event_id, i))
    for index in order:
        item = items[index]
        free = [r for r, end in enumerate(row_ends) if end + min_gap <= item.start]
        if free:
            row = free[0]
        elif len(row_ends) < MAX_ROWS_PER_LANE:
            row_ends.append(item.start)
            row = len(row_ends) - 1
        else:
            row = min(range(len(row_ends)), key=lambda r: (row_ends[r], r))
        row_ends[row] = max(row_ends[row], item.end, item.start + dt.timedelta(days=1))
        rows[index] = row
    return rows


def _min_gap(lanes: Sequence[Sequence[Placed]]) -> dt.timedelta:
    """About one marker's width at full zoom-out, so points in a row never overlap."""
    items = [item for lane in lanes for item in lane]
    span = (max(i.end for i in items) - min(i.start for i in items)).days
    return dt.timedelta(days=max(1, span // 80))


# --- the figure ----------------------------------------------------------------------------


def timeline_figure(lanes: Sequence[Lane]) -> Figure:
    """The Plotly figure: per lane, a label row, one trace of bars (spans), one of markers.

    Lane names are annotations above their rows rather than y-axis labels, so they take no
    width from the dates on a phone.
    """
    if not any(lane.items for lane in lanes):
        return {"data": [], "layout": _layout([], 0, None)}
    # The rows and the traces' coordinates depend only on the lanes' labels and their
    # events' dates and ids; each item's label and link are then filled in.
    shape = _timeline_shape(tuple(_lane_shape(lane) for lane in lanes))
    traces: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    for lane, drawing in zip(lanes, shape.lanes, strict=True):
        labels.append(_lane_label(lane.label, drawing.label_row, lane.colour))
        traces.extend(_lane_traces(lane, drawing, lane.colour, shape.kind))
    return {"data": traces, "layout": _layout(labels, shape.bottom, _axis_range(lanes))}


def _axis_range(lanes: Sequence[Lane]) -> list[str]:
    """The items' days with a margin, and at least MIN_AXIS_DAYS wide."""
    start = min(item.start for lane in lanes for item in lane.items)
    end = max(item.end for lane in lanes for item in lane.items)
    margin = max((end - start).days // 30, (MIN_AXIS_DAYS - (end - start).days + 1) // 2, 1)
    pad = dt.timedelta(days=margin)
    return [(start - pad).isoformat(), (end + pad).isoformat()]


# A lane's label, its items as placed, and each item's key-event label's length (0: none).
LaneShape = tuple[str, tuple[tuple[int, int, bool, str], ...], tuple[int, ...]]


def _lane_shape(lane: Lane) -> LaneShape:
    """What the lane's rows and coordinates depend on, as plain data."""
    lengths = tuple(len(html.unescape(item.label)) for item in lane.items)
    return (lane.label, tuple(map(_PLACED, lane.items)), lengths)


_PLACED = attrgetter("placed")
_HOVER = attrgetter("hover")
_URL = attrgetter("url")


@dataclass(frozen=True)
class _LaneDrawing:
    """Where a lane's label, bars and markers go; one marker per item, in the lane's order."""

    label_row: int
    key_places: tuple[KeyPlace | None, ...]  # each item's key-event name's row and side
    spans_x: tuple[str | None, ...]  # each bar's first and last day, then a break (None)
    spans_y: tuple[int | None, ...]
    marks_x: tuple[str, ...]
    marks_y: tuple[int, ...]
    points: tuple[bool, ...]  # a marker for a day (else for the middle of a bar)


@dataclass(frozen=True)
class _TimelineShape:
    """The figure but for its items' labels and links."""

    kind: str  # scatter or scattergl
    lanes: tuple[_LaneDrawing, ...]
    bottom: int


@dataclass(frozen=True)
class _ShapedItem:
    """What placing an item in a row and drawing it needs of it."""

    start: dt.date
    end: dt.date  # exclusive, as TimelineItem.end
    is_point: bool
    event_id: str


def _timeline_shape(lanes: tuple[LaneShape, ...]) -> _TimelineShape:
    items = [
        [
            _ShapedItem(dt.date.fromordinal(start), dt.date.fromordinal(end), point, event_id)
            for start, end, point, event_id in shaped
        ]
        for _, shaped, _ in lanes
    ]
    gap = _min_gap(items)
    drawings: list[_LaneDrawing] = []
    y = 0
    axis = _day_span(items)
    for lane_items, (_, _, lengths) in zip(items, lanes, strict=True):
        rows = assign_rows(lane_items, gap)
        keys = _key_places(lane_items, lengths, axis)
        first = y + 1 + max((key[0] + 1 for key in keys if key is not None), default=0)
        key_places = tuple(None if key is None else (y + 1 + key[0], key[1]) for key in keys)
        drawings.append(_lane_drawing(y, key_places, lane_items, [first + row for row in rows]))
        # The label row, the key events' rows, the item rows, and a blank row between lanes.
        y = first + max(rows) + 2
    kind = scatter_type(sum(len(lane) for lane in items))
    return _TimelineShape(kind, tuple(drawings), y - 2)


def _day_span(lanes: Sequence[Sequence[_ShapedItem]]) -> tuple[int, int]:
    """The first day of all the lanes' items (an ordinal), and how many days they span."""
    items = [item for lane in lanes for item in lane]
    start, end = min(i.start for i in items), max(i.end for i in items)
    return start.toordinal(), max(1, (end - start).days)


# Key events' names are given rows so that they do not overlap, for a plot this wide and
# text this wide per character (in px); a narrower screen hides those that still would
# (figures.js). At most KEY_ROWS rows.
PLOT_WIDTH = 900
CHAR_WIDTH = 6.2
KEY_ROWS = 3


# A key event's name is centred over its date, or starts there in the first fifth of the
# axis, or ends there in the last fifth (a name centred at the edge would be cut off).
KeyPlace = tuple[int, str]  # the name's row (among its lane's key rows) and side


def _key_places(
    items: Sequence[_ShapedItem], lengths: Sequence[int], axis: tuple[int, int]
) -> tuple[KeyPlace | None, ...]:
    """Each key event's row and side: the first row whose last name ends before this one
    begins (else the row that frees up first); None for other events."""
    start, span = axis
    ends: list[float] = []
    places: list[KeyPlace | None] = [None] * len(items)
    order = sorted((i for i, n in enumerate(lengths) if n), key=lambda i: items[i].start)
    for i in order:
        item = items[i]
        centre = item.start.toordinal() + (item.end - item.start).days / 2
        width = lengths[i] * CHAR_WIDTH * span / PLOT_WIDTH + span / 100
        fraction = (centre - start) / span
        side, left = "middle center", centre - width / 2
        if fraction < 0.2:
            side, left = "middle right", centre
        elif fraction > 0.8:
            side, left = "middle left", centre - width
        free = [row for row, end in enumerate(ends) if end <= left]
        if free:
            level = free[0]
        elif len(ends) < KEY_ROWS:
            ends.append(0)
            level = len(ends) - 1
        else:
            level = min(range(len(ends)), key=ends.__getitem__)
        ends[level] = left + width
        places[i] = (level, side)
    return tuple(places)


def _lane_drawing(
    label_row: int,
    key_places: tuple[KeyPlace | None, ...],
    items: Sequence[_ShapedItem],
    ys: Sequence[int],
) -> _LaneDrawing:
    spans_x: list[str | None] = []
    spans_y: list[int | None] = []
    marks: list[tuple[str, int, bool]] = []
    for item, y in zip(items, ys, strict=True):
        if item.is_point:
            marks.append((item.start.isoformat(), y, True))
            continue
        spans_x += [item.start.isoformat(), item.end.isoformat(), None]
        spans_y += [y, y, None]
        middle = item.start + (item.end - item.start) / 2
        marks.append((middle.isoformat(), y, False))
    return _LaneDrawing(
        label_row,
        key_places,
        tuple(spans_x),
        tuple(spans_y),
        tuple(m[0] for m in marks),
        tuple(m[1] for m in marks),
        tuple(m[2] for m in marks),
    )


def _lane_label(label: str, y: int, lane_colour: str) -> dict[str, Any]:
    # A lane that is no storyline's is named in the text's colour (figures.js sets it).
    font = {"size": 12} if lane_colour == NEUTRAL else {"size": 12, "color": lane_colour}
    return {
        "text": f"<b>{md.hover(label)}</b>",
        "x": 0,
        "xref": "paper",
        "xanchor": "left",
        "y": y,
        "yref": "y",
        "yanchor": "middle",
        "showarrow": False,
        "font": font,
    }


def _lane_traces(
    lane: Lane, drawing: _LaneDrawing, lane_colour: str, kind: str
) -> list[dict[str, Any]]:
    traces: list[dict[str, Any]] = []
    if drawing.spans_x:
        traces.append(
            {
                "type": kind,
                "mode": "lines",
                "x": list(drawing.spans_x),
                "y": list(drawing.spans_y),
                "line": {"color": lane_colour, "width": 7},
                "opacity": 0.55,
                "hoverinfo": "skip",
                "connectgaps": False,
                "name": md.hover(lane.label),
                "showlegend": False,
            }
        )
    traces.append(
        {
            "type": kind,
            "mode": "markers",
            "x": list(drawing.marks_x),
            "y": list(drawing.marks_y),
            "marker": {
                "color": lane_colour,
                "size": [9 if point else 7 for point in drawing.points],
                "symbol": ["circle" if point else "diamond" for point in drawing.points],
                "line": {"width": 1, "color": "#ffffff"},
            },
            "text": list(map(_HOVER, lane.items)),
            "customdata": list(map(_URL, lane.items)),
            "hovertemplate": "%{text}<extra></extra>",
            "name": md.hover(lane.label),
            "showlegend": False,
        }
    )
    if any(place is not None for place in drawing.key_places):
        traces.extend(_key_labels(lane, drawing, kind))
    return traces


def _key_labels(lane: Lane, drawing: _LaneDrawing, kind: str) -> list[dict[str, Any]]:
    """The names of the lane's key events, in rows under the lane's name, each over its
    event's date and joined to its marker by a thin line; figures.js moves or hides a name
    that would still overlap another (meta.label_priority). A name hovers and opens as its
    event's marker does."""
    keys = [i for i, place in enumerate(drawing.key_places) if place is not None]
    places = [place for place in drawing.key_places if place is not None]
    rows = [row for row, _ in places]
    xs = [drawing.marks_x[i] for i in keys]
    lines_x: list[str | None] = []
    lines_y: list[float | None] = []
    for i, x, row in zip(keys, xs, rows, strict=True):
        lines_x += [x, x, None]
        lines_y += [row + 0.4, drawing.marks_y[i], None]
    joins = {
        "type": kind,
        "mode": "lines",
        "x": lines_x,
        "y": lines_y,
        "line": {"color": lane.colour, "width": 1, "dash": "dot"},
        "hoverinfo": "skip",
        "name": md.hover(lane.label) + " (key events)",
        "showlegend": False,
    }
    names = {
        "type": kind,
        "mode": "markers+text",
        "x": xs,
        "y": rows,
        "marker": {"size": 2, "color": lane.colour, "opacity": 0},
        "text": [lane.items[i].label for i in keys],
        "textposition": [side for _, side in places],
        "textfont": {"size": 11},
        "hovertext": [lane.items[i].hover for i in keys],
        "hoverinfo": "text",
        "customdata": [lane.items[i].url for i in keys],
        "meta": {"label_priority": [1] * len(keys), "joins": True},
        "name": md.hover(lane.label) + " (key events)",
        "showlegend": False,
    }
    return [joins, names]


def _layout(labels: list[dict[str, Any]], bottom: int, span: list[str] | None) -> dict[str, Any]:
    xaxis: dict[str, Any] = {
        "type": "date",
        "rangeslider": {"visible": True, "thickness": 0.1},
        "showgrid": True,
        "automargin": True,
        # Zoomed in to less than a day apart, ticks still name days: no date here is known
        # to the hour.
        "tickformatstops": [{"dtickrange": [None, DAY_MS], "value": "%-d %b %Y"}],
    }
    if span is not None:
        xaxis["range"] = span
        xaxis["rangeslider"]["range"] = span
    return {
        "height": max(240, 130 + 18 * (bottom + 1)),
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "hovermode": "closest",
        "dragmode": "pan",
        "showlegend": False,
        "annotations": labels,
        "xaxis": xaxis,
        "yaxis": {
            "visible": False,
            "range": [bottom + 0.8, -0.8],
            "fixedrange": True,
        },
    }


# --- the text alternative -----------------------------------------------------------------


def timeline_table(lanes: Sequence[Lane], from_page: str) -> str:
    """The figure's data as a Markdown table: lane, date, event."""
    rows = ["| Lane | Date | Event |", "| --- | --- | --- |"]
    for lane in lanes:
        label = md.cell(lane.label)
        rows.extend([_table_row(item, label, from_page) for item in lane.items])
    return "\n".join(rows) + "\n"


def _table_row(item: TimelineItem, lane: str, from_page: str) -> str:
    link = md.page_link(item.title, links.relative(from_page, links.event_page(item.event_id)))
    return f"| {lane} | {md.cell(item.when)} | {link} |"
