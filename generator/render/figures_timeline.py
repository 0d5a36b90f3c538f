"""Timelines: events in lanes, each drawn over exactly the span of days its date stands for.

A date known to the day is a point. A date known only to the month or the year, or an event
with an end, is a bar from its first day to the day after its last (Plotly's date axis
places a date at midnight, so the bar covers the whole last day); it is never drawn as a
false day. The same code draws the site timeline, the topic timelines and actor timelines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Protocol

from generator import countries
from generator import markdown as md
from generator.dates import Precision, human_span
from generator.model import FactBase
from generator.render import links
from generator.render.figures_common import Figure, colour, scatter_type
from generator.schema import Event, Topic

# Events of one lane closer than this share a row only if they do not overlap visually.
MAX_ROWS_PER_LANE = 4
NO_TOPIC = "Other events"
NO_COUNTRY = "No country given"


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
    # What placing it in a row depends on: its first and (exclusive) last day as ordinals,
    # whether it is a point, and its event's id (see _lane_shape).
    placed: tuple[int, int, bool, str]


@dataclass(frozen=True)
class Lane:
    label: str
    items: tuple[TimelineItem, ...]


def timeline_item(event: Event) -> TimelineItem:
    """The event as every timeline draws it."""
    last = (event.end or event.date).last_day
    is_point = event.date.precision is Precision.DAY and (event.end in (None, event.date))
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
        hover=f"<b>{md.hover(event.title)}</b><br>{md.hover(when)}",
        placed=(start.toordinal(), end.toordinal(), is_point, event.id),
    )


def _lanes(events: Sequence[Event], grouping: Grouping) -> tuple[Lane, ...]:
    items = [timeline_item(item) for item in events]
    return tuple(Lane(label, tuple(map(items.__getitem__, members))) for label, members in grouping)


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
    return _lanes(events, _topic_grouping((storylines, topic_ids)))


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


def lanes_by_country(events: Sequence[Event]) -> list[Lane]:
    return list(_lanes_by_country(tuple(events)))


def _lanes_by_country(events: tuple[Event, ...]) -> tuple[Lane, ...]:
    return _lanes(events, _country_grouping(tuple([_country_of(item) for item in events])))


def _country_of(event: Event) -> str | None:
    return event.location.country if event.location is not None else None


def _country_grouping(codes: tuple[str | None, ...]) -> Grouping:
    return _grouped(
        tuple((countries.name(c),) if c is not None else (NO_COUNTRY,) for c in codes), NO_COUNTRY
    )


def single_lane(label: str, events: Sequence[Event]) -> list[Lane]:
    return [Lane(label, tuple([timeline_item(item) for item in events]))] if events else []


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
        return {"data": [], "layout": _layout([], 0)}
    # The rows and the traces' coordinates depend only on the lanes' labels and their
    # events' dates and ids; each item's label and link are then filled in.
    shape = _timeline_shape(tuple(_lane_shape(lane) for lane in lanes))
    traces: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    for index, (lane, drawing) in enumerate(zip(lanes, shape.lanes, strict=True)):
        labels.append(_lane_label(lane.label, drawing.label_row, colour(index)))
        traces.extend(_lane_traces(lane, drawing, colour(index), shape.kind))
    return {"data": traces, "layout": _layout(labels, shape.bottom)}


LaneShape = tuple[str, tuple[tuple[int, int, bool, str], ...]]


def _lane_shape(lane: Lane) -> LaneShape:
    """What the lane's rows and coordinates depend on, as plain data."""
    return (lane.label, tuple(map(_PLACED, lane.items)))


_PLACED = attrgetter("placed")
_HOVER = attrgetter("hover")
_URL = attrgetter("url")


@dataclass(frozen=True)
class _LaneDrawing:
    """Where a lane's label, bars and markers go; one marker per item, in the lane's order."""

    label_row: int
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
        for _, shaped in lanes
    ]
    gap = _min_gap(items)
    drawings: list[_LaneDrawing] = []
    y = 0
    for lane_items in items:
        rows = assign_rows(lane_items, gap)
        drawings.append(_lane_drawing(y, lane_items, [y + 1 + row for row in rows]))
        y += max(rows) + 3  # the label row, the item rows, and a blank row between lanes
    kind = scatter_type(sum(len(lane) for lane in items))
    return _TimelineShape(kind, tuple(drawings), y - 2)


def _lane_drawing(label_row: int, items: Sequence[_ShapedItem], ys: Sequence[int]) -> _LaneDrawing:
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
        tuple(spans_x),
        tuple(spans_y),
        tuple(m[0] for m in marks),
        tuple(m[1] for m in marks),
        tuple(m[2] for m in marks),
    )


def _lane_label(label: str, y: int, lane_colour: str) -> dict[str, Any]:
    return {
        "text": f"<b>{md.hover(label)}</b>",
        "x": 0,
        "xref": "paper",
        "xanchor": "left",
        "y": y,
        "yref": "y",
        "yanchor": "middle",
        "showarrow": False,
        "font": {"size": 12, "color": lane_colour},
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
    return traces


def _layout(labels: list[dict[str, Any]], bottom: int) -> dict[str, Any]:
    return {
        "height": max(240, 130 + 18 * (bottom + 1)),
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "hovermode": "closest",
        "dragmode": "pan",
        "showlegend": False,
        "annotations": labels,
        "xaxis": {
            "type": "date",
            "rangeslider": {"visible": True, "thickness": 0.1},
            "showgrid": True,
            "automargin": True,
        },
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
