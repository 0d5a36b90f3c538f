"""The actor network: who was tied to whom, and how, on any date the slider picks.

Nodes are actors (one trace per kind, so the legend explains colours and symbols); edges
are relationships (two traces per relationship kind, styled: those whose start is known, and
faint, those whose start is not), with an invisible point mid-edge whose hover names the
relationship. Each slider step is a frame holding the edges that held on that day
(FactBase.relationships_on) and fading actors not yet known to exist (founded or, with no
founding date, first recorded: FactBase.known_from) or dissolved. Steps fall on the days
the network changed, so no state is skipped and none repeated; past `step_limit` such days
(large fact bases), on the last change of each month or group of months, so the figure's
size stays bounded.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from generator import countries
from generator import markdown as md
from generator.dates import FuzzyDate, PartialDate, Precision
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
# An actor that did not exist on the slider's day: its marker's opacity, and its name's
# colour (a grey that reads as faded on the light and the dark palette alike).
DIMMED = 0.18
FADED_TEXT = "rgba(128,128,128,0.6)"
# Room kept left and right of the outermost actors (positions span -1…1) for their names:
# with less, "UN Security Council" or Damiba's name found no place at 1366 px and was hidden.
X_PADDING = 0.4
# Nodes this far from the centre (positions span -1…1) get labels that point inwards.
LABEL_EDGE = 0.55
# An edge's hover point closer than this to another actor (positions span -1…1; 12 px or
# more at 1366 px) is under its marker, where a hover names the actor: it is moved along
# the edge by the first of these shifts (fractions of the edge) that clears every marker.
HOVER_CLEARANCE = 0.06
HOVER_SHIFTS = (0.0, 0.08, -0.08, 0.16, -0.16, 0.24, -0.24)

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
        _add_start(boundaries, facts.existence_start(actor.id))
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


def actor_exists_on(facts: FactBase, actor: Actor, day: dt.date) -> bool:
    """Known to exist on `day` (FactBase.known_from) and not dissolved: the figure fades
    the others."""
    if day < facts.known_from(actor.id):
        return False
    return not (actor.dissolved is not None and day > actor.dissolved.last_day)


def edges_on(facts: FactBase, day: dt.date) -> list[Relationship]:
    """The relationships drawn when the slider is on `day`."""
    return facts.relationships_on(day)


# --- labels --------------------------------------------------------------------------------


def unique_labels(facts: FactBase, actors: Sequence[Actor]) -> dict[str, str]:
    """Each actor's label on the figure, unique among `actors`.

    A label two actors share (Mali's and Niger's juntas are both "CNSP") is told apart by
    their country ("CNSP (Mali)"), failing that by their full names, and failing that by id.
    """
    labels = {a.id: facts.label(a.id) for a in actors}
    by_id = {a.id: a for a in actors}
    for rule in (_with_country, _with_name, _with_id):
        for actor_id in _clashing(labels):
            labels[actor_id] = rule(by_id[actor_id], labels[actor_id])
    while clashing := _clashing(labels):  # only if an actor's own label looks like another's
        for actor_id in clashing:
            labels[actor_id] = _with_id(by_id[actor_id], labels[actor_id])
    return labels


def _clashing(labels: dict[str, str]) -> list[str]:
    counts = Counter(labels.values())
    return [actor_id for actor_id, label in labels.items() if counts[label] > 1]


def _with_country(actor: Actor, label: str) -> str:
    return f"{label} ({countries.name(actor.country)})" if actor.country else label


def _with_name(actor: Actor, label: str) -> str:
    return actor.name if actor.name != label else label


def _with_id(actor: Actor, label: str) -> str:
    return f"{label} ({actor.id})"


def relationship_text(relation: Relationship, labels: dict[str, str]) -> str:
    """'JNIM opposed to Mali (since 2 March 2017)': who, how, to whom, and since when."""
    verb = kind_label(relation.kind)
    return f"{labels[relation.from_]} {verb} {labels[relation.to]} ({_span(relation)})"


def _span(relation: Relationship) -> str:
    start = "start not known"
    if relation.start is not None:
        # An open start reads "by 27 March 2017": it held by then, not since then.
        by = isinstance(relation.start, FuzzyDate) and relation.start.open_start
        start = ("held " if by else "since ") + relation.start.human()
    return f"{start}, until {relation.end.human()}" if relation.end else start


# --- the figure ------------------------------------------------------------------------------

# An edge whose start is unknown is drawn in its kind's colour and dash, but faint: the
# figure says it held on the chosen day only as far as the content knows (see model).
UNKNOWN_START_OPACITY = 0.35
UNKNOWN_START_GROUP = "start-unknown"


def network_figure(facts: FactBase) -> Figure:
    actors = network_actors(facts)
    if not actors:
        return {"data": [], "layout": _layout([])}
    pos = layout_positions(actors, [(r.from_, r.to) for r in facts.relationships.values()])
    labels = unique_labels(facts, actors)
    steps = change_steps(facts, actors)
    edge_kinds = sorted(
        {r.kind for r in facts.relationships.values()}, key=list(RelationshipKind).index
    )
    node_kinds = sorted({a.kind for a in actors}, key=list(ActorKind).index)
    final_day = steps[-1].day if steps else dt.date.max
    relations = facts.relationships_in_order
    midpoints = _midpoints(relations, pos)
    final = _frame_data(facts, final_day, edge_kinds, [], pos, midpoints)
    edge_traces = [
        _edge_trace(kind, known, final[index])
        for index, (kind, known) in enumerate(_edge_groups(edge_kinds))
    ]
    node_traces = [_node_trace(facts, kind, actors, pos, final_day, labels) for kind in node_kinds]
    members = [[a for a in actors if a.kind is kind] for kind in node_kinds]
    frames = [_frame(facts, step, edge_kinds, members, pos, midpoints) for step in steps]
    return {
        "data": [
            *edge_traces,
            _unknown_start_key(),
            _edge_hover_trace(relations, labels, midpoints, final[-1]["x"]),
            *node_traces,
        ],
        "layout": _layout(steps, pos),
        "frames": frames,
    }


EdgeXY = tuple[list[float | None], list[float | None]]
EdgeGroup = tuple[RelationshipKind, bool]  # a kind, and whether the start is known


def _edge_groups(edge_kinds: Sequence[RelationshipKind]) -> list[EdgeGroup]:
    """One trace each: every kind's edges with a known start, then those without."""
    return [(kind, known) for kind in edge_kinds for known in (True, False)]


def _edges_xy(facts: FactBase, day: dt.date, pos: dict[str, Position]) -> dict[EdgeGroup, EdgeXY]:
    """The line coordinates of the edges drawn on `day`, by kind and whether their start is
    known (one scan for all kinds)."""
    by_kind: dict[EdgeGroup, EdgeXY] = {}
    for relation in edges_on(facts, day):
        xs, ys = by_kind.setdefault((relation.kind, relation.start is not None), ([], []))
        (x0, y0), (x1, y1) = pos[relation.from_], pos[relation.to]
        xs += [_round(x0), _round(x1), None]
        ys += [_round(y0), _round(y1), None]
    return by_kind


def _round(value: float) -> float:
    return round(value, 3)


def _midpoints(relations: Sequence[Relationship], pos: dict[str, Position]) -> list[Position]:
    """Where each edge's hover point sits: its middle, or, where one pair of actors has
    several relationships, spread along the shared line so that each can be hovered; moved
    along the line, if need be, off any other actor's marker, where a hover finds the actor."""
    pairs: dict[frozenset[str], list[int]] = {}
    for index, relation in enumerate(relations):
        pairs.setdefault(frozenset((relation.from_, relation.to)), []).append(index)
    out: list[Position] = [(0.0, 0.0)] * len(relations)
    markers = {i: (_round(x), _round(y)) for i, (x, y) in pos.items()}
    for pair, indexes in pairs.items():
        # The pair's own ends are not avoided: on a short edge nothing is clear of them.
        others = [marker for i, marker in markers.items() if i not in pair]
        spread = [0.5 + (rank - (len(indexes) - 1) / 2) * 0.16 for rank in range(len(indexes))]
        ends = [(pos[relations[i].from_], pos[relations[i].to]) for i in indexes]
        points = _clear_of(others, ends, spread)
        for index, point in zip(indexes, points, strict=True):
            out[index] = point
    return out


def _clear_of(
    nodes: Sequence[Position], ends: Sequence[tuple[Position, Position]], ts: Sequence[float]
) -> list[Position]:
    """The points at `ts` along their edges, shifted together by the first of HOVER_SHIFTS
    that takes every one off the nodes' markers; unshifted if none does."""
    for shift in HOVER_SHIFTS:
        points = [_along(a, b, t + shift) for (a, b), t in zip(ends, ts, strict=True)]
        if all(math.dist(p, node) >= HOVER_CLEARANCE for p in points for node in nodes):
            return points
    return [_along(a, b, t) for (a, b), t in zip(ends, ts, strict=True)]


def _along(start: Position, end: Position, t: float) -> Position:
    (x0, y0), (x1, y1) = start, end
    return (_round(x0 + (x1 - x0) * t), _round(y0 + (y1 - y0) * t))


def _edge_trace(kind: RelationshipKind, known_start: bool, xy: dict[str, Any]) -> dict[str, Any]:
    trace = {
        "type": "scatter",
        "mode": "lines",
        **xy,
        "line": EDGE_STYLES[kind],
        "hoverinfo": "skip",
        "name": kind_label(kind),
        "legendgroup": "relationships",
        "legendgrouptitle": {"text": "Relationships"},
    }
    if known_start:
        return trace
    return {
        **trace,
        "name": f"{kind_label(kind)} (start not known)",
        "opacity": UNKNOWN_START_OPACITY,
        "showlegend": False,
        "legendgroup": UNKNOWN_START_GROUP,
        "legendgrouptitle": {"text": "Start not known"},
    }


def _unknown_start_key() -> dict[str, Any]:
    """The legend's entry for faint edges (a trace with no points); clicking it hides them."""
    return {
        "type": "scatter",
        "mode": "lines",
        "x": [None],
        "y": [None],
        "line": {"color": "#7F7F7F", "width": 2},
        "opacity": UNKNOWN_START_OPACITY,
        "hoverinfo": "skip",
        "name": "faint, in the colour of its kind",
        "legendgroup": UNKNOWN_START_GROUP,
        "legendgrouptitle": {"text": "Start not known"},
    }


def _edge_hover_trace(
    relations: Sequence[Relationship],
    labels: dict[str, str],
    midpoints: Sequence[Position],
    xs: list[float | None],
) -> dict[str, Any]:
    """Invisible points mid-edge that name each relationship, its direction and its dates
    when hovered, and open its entry in the relationships ledger when clicked. A frame moves
    the points of relationships that do not hold on its day off the chart (x is None).

    meta.relationships is the same in a sentence, for the loader's list of the relationships
    on the chosen day (shown on a phone, where the figure is too small to read); escaped like
    every text in a figure, which the loader turns back into text, never into markup."""
    texts = [md.hover(relationship_text(r, labels)) for r in relations]
    return {
        "type": "scatter",
        "mode": "none",
        "x": xs,
        "y": [y for _, y in midpoints],
        "hovertext": [
            f"<b>{md.hover(labels[r.from_])} → {md.hover(labels[r.to])}</b><br>"
            f"{md.hover(kind_label(r.kind))}<br>{md.hover(_span(r))}"
            for r in relations
        ],
        "hoverinfo": "text",
        "customdata": [
            f"{links.site_url(links.relationships_part(r.kind))}#{r.id}" for r in relations
        ],
        "meta": {"relationships": texts},
        "showlegend": False,
        "name": "relationships",
    }


def _node_trace(
    facts: FactBase,
    kind: ActorKind,
    actors: Sequence[Actor],
    pos: dict[str, Position],
    day: dt.date,
    labels: dict[str, str],
) -> dict[str, Any]:
    members = [a for a in actors if a.kind is kind]
    index = list(ActorKind).index(kind)
    return {
        "type": "scatter",
        "mode": "markers+text",
        "x": [_round(pos[a.id][0]) for a in members],
        "y": [_round(pos[a.id][1]) for a in members],
        "text": [md.hover(labels[a.id]) for a in members],
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
        },
        # Actors that did not exist on the day are the unselected points: faded, marker
        # and name.
        "selectedpoints": _existing(facts, members, day),
        "unselected": {"marker": {"opacity": DIMMED}, "textfont": {"color": FADED_TEXT}},
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


def _existing(facts: FactBase, members: Sequence[Actor], day: dt.date) -> list[int]:
    return [index for index, actor in enumerate(members) if actor_exists_on(facts, actor, day)]


def _frame_data(
    facts: FactBase,
    day: dt.date,
    edge_kinds: Sequence[RelationshipKind],
    members_by_kind: Sequence[Sequence[Actor]],
    pos: dict[str, Position],
    midpoints: Sequence[Position],
) -> list[dict[str, Any]]:
    """What changes with the day, in the order of the figure's traces: the edges of each
    kind (known start, then unknown), the legend's key (nothing), the hover points, the
    actors that existed (selected)."""
    edges = _edges_xy(facts, day, pos)
    data: list[dict[str, Any]] = []
    for group in _edge_groups(edge_kinds):
        # A trace with no points would drop out of the legend, which must explain every
        # kind the figure draws on any day: one point of nothing keeps it there.
        xs, ys = edges.get(group, ([None], [None]))
        data.append({"x": xs, "y": ys})
    data.append({})
    held = {r.id for r in edges_on(facts, day)}
    relations = facts.relationships_in_order
    xs = [x if r.id in held else None for r, (x, _) in zip(relations, midpoints, strict=True)]
    data.append({"x": xs})
    for members in members_by_kind:
        data.append({"selectedpoints": _existing(facts, members, day)})
    return data


def _frame(
    facts: FactBase,
    step: Step,
    edge_kinds: Sequence[RelationshipKind],
    members_by_kind: Sequence[Sequence[Actor]],
    pos: dict[str, Position],
    midpoints: Sequence[Position],
) -> dict[str, Any]:
    data = _frame_data(facts, step.day, edge_kinds, members_by_kind, pos, midpoints)
    return {"name": step.day.isoformat(), "data": data, "traces": list(range(len(data)))}


def _layout(steps: Sequence[Step], pos: dict[str, Position] | None = None) -> dict[str, Any]:
    axis = {"visible": False, "fixedrange": False}
    xs = [x for x, _ in (pos or {}).values()] or [0.0]
    layout: dict[str, Any] = {
        "height": 900,
        "margin": {"l": 8, "r": 8, "t": 12, "b": 8},
        "hovermode": "closest",
        "dragmode": "pan",
        # Room beside the outermost actors, so that their names fit on either side.
        "xaxis": {**axis, "range": [min(xs) - X_PADDING, max(xs) + X_PADDING]},
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
