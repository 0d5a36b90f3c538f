"""Competing figures: one chart per measure an event has several reported numbers for.

Each figure is drawn as what its source said, not as a point it did not give: "more than" and
"at least" are lower bounds with an open end, "up to" an upper bound, "about" a band, a range
a bar, and only an exact number a dot. A figure given only in words ("hundreds") keeps its
row, labelled, with nothing drawn.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from generator import markdown as md
from generator.disputes import ABOUT_PERCENT, allowed
from generator.model import FactBase
from generator.render.figures_common import Figure, colour
from generator.render.parts import figure_value, party_note
from generator.schema import Event, FigureQualifier
from generator.schema import Figure as Reported

# Room past the largest number, where an open end's arrow points.
OPEN_END_ROOM = 1.25
# Row labels wrap at this many characters so that they fit a phone's width (390 px).
LABEL_WIDTH = 44
ROW_HEIGHT = 64

BOUND = colour(0)
PARTY = colour(3)


@dataclass(frozen=True)
class Mark:
    """How one reported figure is drawn: a shape between `low` and `high` (None: nothing)."""

    shape: str  # "point", "lower_bound", "upper_bound", "band", "range" or "words"
    low: float | None
    high: float | None
    open_low: bool = False  # "more than": the number itself is not included
    centre: float | None = None  # the number an "about" figure gave


def competing_measures(event: Event) -> dict[str, list[Reported]]:
    """The event's measures with more than one reported figure, in the order first given."""
    groups: dict[str, list[Reported]] = {}
    for figure in event.figures:
        groups.setdefault(figure.measure, []).append(figure)
    return {measure: figures for measure, figures in groups.items() if len(figures) > 1}


def counts_figure_name(event: Event, measure: str) -> str:
    """From the event's id and its measure's first figure's id: both are stable and safe."""
    return f"counts-{event.id}-{competing_measures(event)[measure][0].id}"


def counts_figure_names(event: Event) -> dict[str, str]:
    return {measure: counts_figure_name(event, measure) for measure in competing_measures(event)}


def mark_of(figure: Reported) -> Mark:
    value, low, high = figure.value, figure.min, figure.max
    qualifier = figure.qualifier
    if value is None and low is not None and high is not None:
        return Mark("band" if qualifier is FigureQualifier.ABOUT else "range", low, high)
    if value is None and low is not None:
        return Mark("lower_bound", low, None, qualifier is FigureQualifier.MORE_THAN)
    if value is None and high is not None:
        return Mark("upper_bound", None, high)
    if value is None:
        return Mark("words", None, None)
    if qualifier is FigureQualifier.ABOUT:
        # "About" has no stated margin: the band is the one the disputes are found with, and
        # its hover text says the width is the site's, not the source's.
        band = allowed(figure)
        assert band is not None
        return Mark("band", band.low, band.high, centre=value)
    if qualifier in (FigureQualifier.AT_LEAST, FigureQualifier.MORE_THAN):
        return Mark("lower_bound", value, None, qualifier is FigureQualifier.MORE_THAN)
    if qualifier is FigureQualifier.UP_TO:
        return Mark("upper_bound", None, value)
    return Mark("point", value, value)


def counts_figure(facts: FactBase, event: Event, measure: str) -> Figure:
    figures = competing_measures(event)[measure]
    marks = [mark_of(f) for f in figures]
    right = OPEN_END_ROOM * max(
        [n for m in marks for n in (m.low, m.high) if n is not None], default=1
    )
    traces: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for row, (figure, mark) in enumerate(zip(figures, marks, strict=True)):
        label = _label(facts, figure)
        traces += _traces(mark, row, right, _hover(figure, mark, label), _colour(figure))
        annotations.append(_row_label(row, label, figure_value(figure), mark))
    return {"data": traces, "layout": _layout(measure, len(figures), right, annotations)}


def _label(facts: FactBase, figure: Reported) -> str:
    who = figure.according_to
    if figure.claimant and figure.claimant in facts.actors:
        who += party_note(who, facts.label(figure.claimant))
    return who


def _colour(figure: Reported) -> str:
    return PARTY if figure.claimant else BOUND


def _hover(figure: Reported, mark: Mark, label: str) -> str:
    lines = [md.hover(figure_value(figure) if mark.shape != "words" else "no number given")]
    if figure.as_reported:
        lines.append(f"as reported: “{md.hover(figure.as_reported)}”")
    lines.append(md.hover(label))
    if mark.shape == "band" and figure.value is not None:
        lines.append(f"band: ±{ABOUT_PERCENT}%, drawn by this site for “about”")
    return "<br>".join(lines) + "<extra></extra>"


def _traces(mark: Mark, row: int, right: float, hover: str, tint: str) -> list[dict[str, Any]]:
    if mark.shape == "words":
        return []
    low = mark.low if mark.low is not None else 0
    high = mark.high if mark.high is not None else right
    line: dict[str, Any] = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": [low, high],
        "y": [row, row],
        "hovertemplate": hover,
        "showlegend": False,
        # An open end's arrow sits on the axis' edge: drawn whole, not cut in half.
        "cliponaxis": False,
        "line": {"color": tint, "width": 3},
        "marker": {"color": tint, "size": [0, 0], "symbol": ["circle", "circle"]},
    }
    if mark.shape == "point":
        line.update(mode="markers", x=[low], y=[row])
        line["marker"] = {"color": tint, "size": 14, "symbol": "circle"}
    elif mark.shape == "lower_bound":
        # A filled dot includes the number ("at least"), an open one excludes it ("more than");
        # the dashed line and the arrow say that the source gave no upper end.
        start = "circle-open" if mark.open_low else "circle"
        line["line"]["dash"] = "dash"
        line["marker"] = {"color": tint, "size": [14, 14], "symbol": [start, "triangle-right"]}
    elif mark.shape == "upper_bound":
        line["line"]["dash"] = "dash"
        line["marker"] = {"color": tint, "size": [0, 18], "symbol": ["circle", "line-ns-open"]}
        line["marker"]["line"] = {"width": 3, "color": tint}
    elif mark.shape == "band":
        line.update(mode="lines", fill="toself", opacity=0.45)
        line["line"] = {"color": tint, "width": 0}
        line["x"] = [low, high, high, low, low]
        line["y"] = [row - 0.14, row - 0.14, row + 0.14, row + 0.14, row - 0.14]
        line["hoveron"] = "fills+points"
        if mark.centre is not None:
            return [line, _centre(line, mark.centre, row, tint)]
    else:  # range: a solid bar between the two numbers the source gave
        line["line"]["width"] = 12
        line["mode"] = "lines"
    return [line]


def _centre(band: dict[str, Any], centre: float, row: int, tint: str) -> dict[str, Any]:
    """The number an "about" figure gave, as a tick inside its band."""
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [centre],
        "y": [row],
        "hovertemplate": band["hovertemplate"],
        "showlegend": False,
        "cliponaxis": False,
        "marker": {
            "color": tint,
            "size": 18,
            "symbol": "line-ns-open",
            "line": {"width": 3, "color": tint},
        },
    }


def _row_label(row: int, label: str, value: str, mark: Mark) -> dict[str, Any]:
    shown = value if mark.shape != "words" else "given only in words, not drawn"
    lines = textwrap.wrap(f"{label}: {shown}", LABEL_WIDTH)
    return {
        "xref": "paper",
        "yref": "y",
        "x": 0,
        "y": row - 0.22,
        "xanchor": "left",
        "yanchor": "bottom",
        "align": "left",
        "showarrow": False,
        "text": "<br>".join(md.hover(line) for line in lines),
        "font": {"size": 12},
    }


def _layout(
    measure: str, rows: int, right: float, annotations: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "height": 90 + ROW_HEIGHT * rows,
        "margin": {"l": 8, "r": 16, "t": 8, "b": 48},
        "hovermode": "closest",
        "dragmode": False,
        "showlegend": False,
        "annotations": list(annotations),
        "xaxis": {
            "title": {"text": md.hover(f"Number {measure}")},
            "range": [0, right],
            "rangemode": "tozero",
            "fixedrange": True,
            "zeroline": True,
            "automargin": True,
        },
        # The first figure at the top, as in the table beneath the chart.
        "yaxis": {"visible": False, "range": [rows - 0.4, -0.9], "fixedrange": True},
    }
