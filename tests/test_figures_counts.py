"""The competing-figures chart: one per measure with several figures, each drawn as reported."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import pytest

from generator.model import FactBase
from generator.render.figures_counts import (
    Mark,
    competing_measures,
    counts_figure,
    counts_figure_name,
    mark_of,
)
from generator.render.site import render_figures
from generator.schema import Event, Figure
from tests.test_figures import facts as small_corpus

# The small fixture corpus, as the other figure tests load it, under the name tests ask for.
facts = small_corpus


def reported(**fields: Any) -> Figure:
    base: dict[str, Any] = {
        "id": "f",
        "measure": "killed",
        "according_to": "a source",
        "sources": ["s"],
    }
    return Figure.model_validate(base | fields)


@pytest.mark.parametrize(
    ("fields", "mark"),
    [
        ({"value": 77}, Mark("point", 77, 77)),
        ({"value": 77, "qualifier": "exactly"}, Mark("point", 77, 77)),
        ({"value": 70, "qualifier": "more_than"}, Mark("lower_bound", 70, None, open_low=True)),
        ({"value": 77, "qualifier": "at_least"}, Mark("lower_bound", 77, None)),
        ({"value": 300, "qualifier": "up_to"}, Mark("upper_bound", None, 300)),
        ({"value": 100, "qualifier": "about"}, Mark("band", 90, 110, centre=100)),
        ({"min": 200, "max": 600}, Mark("range", 200, 600)),
        ({"min": 200, "max": 600, "qualifier": "about"}, Mark("band", 200, 600)),
        ({"min": 200}, Mark("lower_bound", 200, None)),
        ({"max": 600}, Mark("upper_bound", None, 600)),
        ({"as_reported": "hundreds"}, Mark("words", None, None)),
    ],
)
def test_each_qualifier_is_drawn_as_what_it_says(fields: dict[str, Any], mark: Mark) -> None:
    assert mark_of(reported(**fields)) == mark


def test_one_chart_per_measure_with_more_than_one_figure(facts: FactBase) -> None:
    figures = render_figures(facts)
    charts = sorted(name for name in figures if name.startswith("counts-"))
    expected = sorted(
        counts_figure_name(event, measure)
        for event in facts.events.values()
        for measure in competing_measures(event)
    )
    assert charts == expected
    bamako = facts.events["bamako-attack-2024"]
    assert list(competing_measures(bamako)) == ["killed"]
    assert charts == ["counts-bamako-attack-2024-killed-security-afp"]


def test_bounds_and_labels_of_the_bamako_killed_chart(facts: FactBase) -> None:
    figure = counts_figure(facts, facts.events["bamako-attack-2024"], "killed")
    go.Figure(figure)  # Plotly accepts it as it is
    traces = figure["data"]
    # More than 70: an open circle at 70, a dashed line to the chart's edge, an arrow there.
    more_than = traces[0]
    assert more_than["x"] == [70, figure["layout"]["xaxis"]["range"][1]]
    assert more_than["line"]["dash"] == "dash"
    assert more_than["marker"]["symbol"] == ["circle-open", "triangle-right"]
    # At least 77: the same open end, from a filled circle.
    at_least = traces[1]
    assert at_least["x"][0] == 77
    assert at_least["marker"]["symbol"] == ["circle", "triangle-right"]
    # About 100: a band, never a point, with the number ticked inside it.
    band, centre = traces[2], traces[3]
    assert band["fill"] == "toself"
    assert (min(band["x"]), max(band["x"])) == pytest.approx((90, 110))
    assert centre["x"] == [100]
    assert "drawn by this site" in band["hovertemplate"]
    labels = [" ".join(a["text"].split("<br>")) for a in figure["layout"]["annotations"]]
    assert labels == [
        "security sources speaking to AFP on 19 September 2024: more than 70",
        "an AFP security source, in a later press report: at least 77",
        "a confidential document cited in the press: about 100",
    ]
    assert figure["layout"]["xaxis"]["range"][0] == 0


def test_a_figure_in_words_keeps_its_labelled_row_and_draws_nothing(facts: FactBase) -> None:
    event = facts.events["bamako-attack-2024"]
    words = reported(id="w", as_reported="hundreds", according_to="JNIM", claimant="jnim")
    counted = reported(id="n", value=70, qualifier="more_than")
    with_words = Event.model_validate(
        event.model_dump(by_alias=True) | {"figures": [counted.model_dump(), words.model_dump()]}
    )
    figure = counts_figure(facts, with_words, "killed")
    assert len(figure["data"]) == 1
    rows = {trace["y"][0] for trace in figure["data"]}
    assert rows == {0}
    last = figure["layout"]["annotations"][1]
    assert " ".join(last["text"].split("<br>")) == (
        "JNIM (a party): given only in words, not drawn"
    )


def test_labels_wrap_to_fit_a_phone(facts: FactBase) -> None:
    figure = counts_figure(facts, facts.events["bamako-attack-2024"], "killed")
    for annotation in figure["layout"]["annotations"]:
        assert all(len(line) <= 44 for line in annotation["text"].split("<br>"))
