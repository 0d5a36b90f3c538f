"""The actor network: who was tied to whom, and how, on any date the slider picks.

Nodes are actors (one trace per kind, so the legend explains colours and symbols); edges
are relationships (one trace per relationship kind, styled). Each slider step is a frame
holding the edges that held on that day (FactBase.relationships_on) and dimming actors that
did not exist yet or any more. Steps fall on the days the network changed, so no state is
skipped and none repeated; past `step_limit` such days (large fact bases), on the last
change of each month or group of months, so the figure's size stays bounded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from generator import markdown as md
from generator.dates import PartialDate, Precision
from generator.model import FactBase
from generator.render import links
from generator.render.figures_common import Figure, colour
from generator.render.network_layout import Position, layout_positions
from generator.schema import Actor, ActorKind, Relationship, RelationshipKind

MAX_STEPS = 240
# Every step is a frame that repeats the coordinates of the edges drawn on its day, so the
# figure grows as steps × relationships. This many edge-steps keeps the network figure under
# 3 MB at 10,000 events (2,000 relationships: at most 75 steps); up to 625 relationships (the
# real site has 64) keep MAX_STEPS. Never fewer than MIN_STEPS (two a year for 12 years).
STEP_BUDGET = 150_000
MIN_STEPS = 24
DIMMED = 0.18
# Nodes this far from the centre (positions span -1…1) get labels that point inwards.
LABEL_EDGE = 0.55

KIND_SYMBOLS: dict[ActorKind, str] = {
    ActorKind.STATE: "circle",
    ActorKind.INTERGOVERNMENTAL_ORGANISATION: "hexagon",
    ActorKind.JUNTA: "diamond",
    ActorKind.ARMED_GROUP: "triangle-up",
    ActorKind.PERSON: "circle-open",
    ActorKind.PRIVATE_MILITARY_COMPANY: "square",
    ActorKind.MILITARY_OPERATION: "star",
    ActorKind.MEDIA: "cross",
    ActorKind.RESEARCH_ORGANISATION: "x",
}

EDGE_STYLES: dict[RelationshipKind, dict[str, Any]] = {
    RelationshipKind.MEMBER_OF: {"color": "#4E79A7", "dash": "solid", "width": 2},
    RelationshipKind.LED_BY: {"color": "#8C6D31", "dash": "dot", "width": 2},
    RelationshipKind.ALLIED_WITH: {"color": "#009E73", "dash": "solid", "width": 3},
    RelationshipKind.OPPOSED_TO: {"color": "#D55E00", "dash": "dash", "width": 2},
    RelationshipKind.AFFILIATED_WITH: {"color": "#CC79A7", "dash": "dot", "width": 2},
    RelationshipKind.PART_OF: {"color": "#7F7F7F", "dash": "dashdot", "width": 1.5},
    RelationshipKind.SANCTIONED: {"color": "#E69F00", "dash": "longdash", "width": 2},
    RelationshipKind.DEPLOYED_IN: {"color": "#56B4E9", "dash": "longdashdot", "width": 2},
}


def kind_label(kind: ActorKind | RelationshipKind) -> str:
    return kind.value.replace("_", " ")


# --- the actors ------------------------------------------------------------------------------


def network_actors(facts: FactBase) -> list[Actor]:
    """Actors with at least one relationship, by id (isolated actors add nothing here)."""
    ids = {r.from_ for r in facts.relationships.values()} | {
        r.to for r in facts.relationships.values()
    }
    return sorted((facts.actors[i] for i in ids), key=lambda a: a.id)


# --- the dates the network changed ----------------------------------------------------------


@dataclass(frozen=True)
class Step:
    day: dt.date
    label: str  # the day, as precisely as the dates that changed the network on it


def change_steps(facts: FactBase, actors: Sequence[Actor]) -> list[Step]:
    """Every day on which a relationship or an actor began or ended, in order."""
    boundaries: dict[dt.date, Precision] = {}
    for relation in facts.relationships.values():
        _add_start(boundaries, relation.start)
        _add_end(boundaries, relation.end)
    for actor in actors:
        _add_start(boundaries, actor.founded)
        _add_end(boundaries, actor.dissolved)
    days = sorted(boundaries)
    limit = step_limit(len(facts.relationships))
    if len(days) > limit:
        # Keep the last change of each month: the slider shows the month's final state. If
        # there are still too many, the last change of each group of `months` months.
        days, months = _last_of_month_groups(days, 1), 1
        while len(days) > limit:
            months += 1
            days = _last_of_month_groups(boundaries, months)
        boundaries = dict.fromkeys(days, Precision.MONTH)
    return [Step(day, _label(day, boundaries[day])) for day in days]


def _last_of_month_groups(days: Iterable[dt.date], months: int) -> list[dt.date]:
    """The last of `days` in each group of `months` calendar months."""
    last: dict[int, dt.date] = {}
    for day in days:
        group = (day.year * 12 + day.month - 1) // months
        last[group] = max(day, last.get(group, day))
    return sorted(last.values())


def step_limit(relationships: int) -> int:
    """The most slider steps for this many relationships (see STEP_BUDGET)."""
    return min(MAX_STEPS, max(MIN_STEPS, STEP_BUDGET // max(1, relationships)))


def _finest(a: Precision | None, b: Precision) -> Precision:
    order = [Precision.YEAR, Precision.MONTH, Precision.DAY]
    return b if a is None or order.index(b) > order.index(a) else a


def _add_start(boundaries: dict[dt.date, Precision], date: PartialDate | None) -> None:
    if date is not None:
        day = date.first_day
        boundaries[day] = _finest(boundaries.get(day), date.precision)


def _add_end(boundaries: dict[dt.date, Precision], date: PartialDate | None) -> None:
    if date is not None:
        day = date.last_day + dt.timedelta(days=1)
        boundaries[day] = _finest(boundaries.get(day), date.precision)


def _label(day: dt.date, precision: Precision) -> str:
    if precision is Precision.DAY:
        return PartialDate(day.year, day.month, day.day).human()
    if precision is Precision.MONTH:
        return PartialDate(day.year, day.month).human()
    return PartialDate(day.year).human()


def actor_exists_on(actor: Actor, day: dt.date) -> bool:
    if actor.founded is not None and day < actor.founded.first_day:
        return False
    return not (actor.dissolved is not None and day > actor.dissolved.last_day)


def edges_on(facts: FactBase, day: dt.date) -> list[Relationship]:
    """The relationships drawn when the slider is on `day`."""
    return facts.relationships_on(day)


# --- the figure ------------------------------------------------------------------------------


def network_figure(facts: FactBase) -> Figure:
    actors = network_actors(facts)
    if not actors:
        return {"data": [], "layout": _layout([])}
    pos = layout_positions(actors, [(r.from_, r.to) for r in facts.relationships.values()])
    steps = change_steps(facts, actors)
    edge_kinds = sorted(
        {r.kind for r in facts.relationships.values()}, key=list(RelationshipKind).index
    )
    node_kinds = sorted({a.kind for a in actors}, key=list(ActorKind).index)
    final_day = steps[-1].day if steps else dt.date.max
    final_edges = _edges_xy(facts, final_day, pos)
    edge_traces = [_edge_trace(kind, final_edges.get(kind, ([], []))) for kind in edge_kinds]
    node_traces = [_node_trace(facts, kind, actors, pos, final_day) for kind in node_kinds]
    members = [[a for a in actors if a.kind is kind] for kind in node_kinds]
    frames = [_frame(facts, step, edge_kinds, members, pos) for step in steps]
    layout = _layout(steps)
    return {"data": [*edge_traces, *node_traces], "layout": layout, "frames": frames}


EdgeXY = tuple[list[float | None], list[float | None]]


def _edges_xy(
    facts: FactBase, day: dt.date, pos: dict[str, Position]
) -> dict[RelationshipKind, EdgeXY]:
    """The line coordinates of the edges drawn on `day`, by kind (one scan for all kinds)."""
    by_kind: dict[RelationshipKind, EdgeXY] = {}
    for relation in edges_on(facts, day):
        xs, ys = by_kind.setdefault(relation.kind, ([], []))
        (x0, y0), (x1, y1) = pos[relation.from_], pos[relation.to]
        xs += [_round(x0), _round(x1), None]
        ys += [_round(y0), _round(y1), None]
    return by_kind


def _round(value: float) -> float:
    return round(value, 3)


def _edge_trace(kind: RelationshipKind, xy: EdgeXY) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines",
        "x": xy[0],
        "y": xy[1],
        "line": EDGE_STYLES[kind],
        "hoverinfo": "skip",
        "name": kind_label(kind),
        "legendgroup": "relationships",
        "legendgrouptitle": {"text": "Relationships"},
    }


def _node_trace(
    facts: FactBase,
    kind: ActorKind,
    actors: Sequence[Actor],
    pos: dict[str, Position],
    day: dt.date,
) -> dict[str, Any]:
    members = [a for a in actors if a.kind is kind]
    index = list(ActorKind).index(kind)
    return {
        "type": "scatter",
        "mode": "markers+text",
        "x": [_round(pos[a.id][0]) for a in members],
        "y": [_round(pos[a.id][1]) for a in members],
        "text": [md.hover(facts.label(a.id)) for a in members],
        "hovertext": [f"<b>{md.hover(a.name)}</b><br>{kind_label(kind)}" for a in members],
        "hoverinfo": "text",
        "textposition": [label_position(pos[a.id][0]) for a in members],
        "textfont": {"size": 11},
        # The figure loader hides a label that would overlap one of higher priority, or
        # stick out of the chart; the node keeps its hover text and its link.
        "meta": {"label_priority": [len(facts.relationships_of(a.id)) for a in members]},
        "customdata": [links.site_url(links.actor_page(a.id)) for a in members],
        "marker": {
            "symbol": KIND_SYMBOLS[kind],
            "color": colour(index),
            "size": 13,
            "line": {"width": 1, "color": "#ffffff"},
            "opacity": _opacities(members, day),
        },
        "name": kind_label(kind),
        "legendgroup": "actors",
        "legendgrouptitle": {"text": "Actors"},
    }


def label_position(x: float) -> str:
    """Labels of nodes near the left or right edge point inwards, so they are not cut off."""
    if x < -LABEL_EDGE:
        return "top right"
    if x > LABEL_EDGE:
        return "top left"
    return "top center"


def _opacities(members: Sequence[Actor], day: dt.date) -> list[float]:
    return [1.0 if actor_exists_on(a, day) else DIMMED for a in members]


def _frame(
    facts: FactBase,
    step: Step,
    edge_kinds: Sequence[RelationshipKind],
    members_by_kind: Sequence[Sequence[Actor]],
    pos: dict[str, Position],
) -> dict[str, Any]:
    data: list[dict[str, Any]] = []
    edges = _edges_xy(facts, step.day, pos)
    for edge_kind in edge_kinds:
        xs, ys = edges.get(edge_kind, ([], []))
        data.append({"x": xs, "y": ys})
    for members in members_by_kind:
        data.append({"marker": {"opacity": _opacities(members, step.day)}})
    return {"name": step.day.isoformat(), "data": data, "traces": list(range(len(data)))}


def _layout(steps: Sequence[Step]) -> dict[str, Any]:
    axis = {"visible": False, "fixedrange": False}
    layout: dict[str, Any] = {
        "height": 760,
        "margin": {"l": 8, "r": 8, "t": 12, "b": 8},
        "hovermode": "closest",
        "dragmode": "pan",
        "xaxis": axis,
        "yaxis": axis,
        "legend": {"orientation": "h", "y": -0.02, "yanchor": "top", "font": {"size": 11}},
    }
    if steps:
        layout["sliders"] = [_slider(steps)]
    return layout


def _slider(steps: Sequence[Step]) -> dict[str, Any]:
    return {
        "active": len(steps) - 1,
        "currentvalue": {"prefix": "As of ", "font": {"size": 14}},
        "pad": {"t": 8, "b": 8},
        "y": 1.02,
        "yanchor": "bottom",
        # Step labels would overlap; the current value above the slider names the date.
        "font": {"color": "rgba(0,0,0,0)", "size": 1},
        "ticklen": 0,
        "steps": [
            {
                "label": step.label,
                "method": "animate",
                "args": [
                    [step.day.isoformat()],
                    {
                        "mode": "immediate",
                        "frame": {"duration": 0, "redraw": True},
                        "transition": {"duration": 0},
                    },
                ],
            }
            for step in steps
        ],
    }


# --- the text alternative -------------------------------------------------------------------
