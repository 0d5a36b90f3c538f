"""Figure data: timeline lanes and precision spans, the network on a date, the map."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import plotly.graph_objects as go
import pytest

from generator.corpus import load_corpus
from generator.model import FactBase
from generator.render import figures_network as network
from generator.render.figures_common import WEBGL_THRESHOLD, figure_json
from generator.render.figures_map import map_figure
from generator.render.figures_timeline import (
    NO_COUNTRY,
    assign_rows,
    lanes_by_country,
    lanes_by_topic,
    timeline_figure,
    timeline_item,
)
from generator.render.pages_actors import ACTOR_TIMELINE_LIMIT, actor_lanes
from generator.render.site import render_figures
from generator.schema import Event

CONTENT = Path(__file__).parent / "fixtures" / "site_small" / "content"


@pytest.fixture(scope="module")
def facts() -> FactBase:
    result = load_corpus(CONTENT)
    assert result.facts is not None, result.diagnostics
    return result.facts


def test_every_figure_is_valid_plotly(facts: FactBase) -> None:
    for name, figure in render_figures(facts).items():
        go.Figure(figure)  # raises on any property Plotly does not know
        assert json.loads(figure_json(figure)) == figure, name


def test_lanes_by_topic_follow_the_storylines_order(facts: FactBase) -> None:
    lanes = lanes_by_topic(facts, facts.events_in_order)
    assert [lane.label for lane in lanes] == [
        t.title for t in facts.topics_in_order if facts.events_of_topic(t.id)
    ]
    exit_lane = next(lane for lane in lanes if lane.label == facts.topics["ecowas-exit"].title)
    assert [i.event_id for i in exit_lane.items] == ["aes-ecowas-exit"]


def test_lanes_by_country_put_unplaced_events_last(facts: FactBase) -> None:
    labels = [lane.label for lane in lanes_by_country(facts.events_in_order)]
    assert labels == ["Mali", "Niger", NO_COUNTRY]


def test_a_month_date_is_a_bar_over_the_whole_month(facts: FactBase) -> None:
    item = timeline_item(facts.events["wagner-deploys-in-mali-2021"])
    assert (item.start, item.end, item.is_point) == (
        dt.date(2021, 12, 1),
        dt.date(2022, 1, 1),
        False,
    )
    assert item.when == "December 2021"
    figure = timeline_figure(lanes_by_topic(facts, [facts.events["wagner-deploys-in-mali-2021"]]))
    bars = [t for t in figure["data"] if t["mode"] == "lines"]
    assert bars[0]["x"] == ["2021-12-01", "2022-01-01", None]
    marks = next(t for t in figure["data"] if t["mode"] == "markers")
    assert marks["x"] == ["2021-12-16"] and marks["marker"]["symbol"] == ["diamond"]
    assert marks["customdata"] == ["events/wagner-deploys-in-mali-2021/"]
    assert marks["text"] == ["<b>Wagner Group personnel deploy to Mali</b><br>December 2021"]


def test_a_year_date_spans_the_year_and_a_day_date_is_a_point(facts: FactBase) -> None:
    base = facts.events["niger-coup-2023"]
    point = timeline_item(base)
    assert (point.start, point.end, point.is_point) == (
        dt.date(2023, 7, 26),
        dt.date(2023, 7, 27),
        True,
    )
    year = timeline_item(Event.model_validate({**base.model_dump(by_alias=True), "date": "2023"}))
    assert (year.start, year.end, year.is_point, year.when) == (
        dt.date(2023, 1, 1),
        dt.date(2024, 1, 1),
        False,
        "2023",
    )
    span = Event.model_validate({**base.model_dump(by_alias=True), "end": "2023-07-28"})
    assert timeline_item(span).end == dt.date(2023, 7, 29) and not timeline_item(span).is_point


def test_hover_text_is_escaped(facts: FactBase) -> None:
    base = facts.events["niger-coup-2023"]
    hostile = Event.model_validate({**base.model_dump(by_alias=True), "title": "<img src=x> & co"})
    figure = timeline_figure(lanes_by_country([hostile]))
    assert figure["data"][0]["text"] == ["<b>&lt;img src=x&gt; &amp; co</b><br>26 July 2023"]


def test_rows_never_overlap_within_a_lane(facts: FactBase) -> None:
    items = [timeline_item(e) for e in facts.events_in_order]
    rows = assign_rows(items, dt.timedelta(days=30))
    for row in set(rows):
        spans = sorted((i.start, i.end) for i, r in zip(items, rows, strict=True) if r == row)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_large_timelines_switch_to_webgl(facts: FactBase) -> None:
    base = facts.events["niger-coup-2023"].model_dump(by_alias=True)
    many = [
        Event.model_validate({**base, "id": f"e{i}", "date": f"{2000 + i % 25}-{1 + i % 12:02d}"})
        for i in range(WEBGL_THRESHOLD + 1)
    ]
    figure = timeline_figure(lanes_by_country(many))
    assert {t["type"] for t in figure["data"]} == {"scattergl"}
    assert {t["type"] for t in timeline_figure(lanes_by_country(many[:10]))["data"]} == {"scatter"}


def test_actor_timeline_stays_under_50_kb_however_many_events(facts: FactBase) -> None:
    base = facts.events["niger-coup-2023"].model_dump(by_alias=True)
    title = "A long event title of the kind editors write about the Sahel crisis, x" * 2
    many = {
        f"e{i:05d}": Event.model_validate(
            {
                **base,
                "id": f"e{i:05d}",
                "title": title[:200],
                "date": f"{2000 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            }
        )
        for i in range(2000)
    }
    big = FactBase(facts.actors, many, facts.relationships, facts.sources, facts.topics)
    lanes = actor_lanes(big, big.actors["niger"])
    assert sum(len(lane.items) for lane in lanes) == ACTOR_TIMELINE_LIMIT
    assert len(figure_json(timeline_figure(lanes))) <= 50_000


# --- the network ----------------------------------------------------------------------------


def _member_of(facts: FactBase, day: dt.date) -> set[tuple[str, str]]:
    return {(r.from_, r.to) for r in network.edges_on(facts, day) if r.kind.value == "member_of"}


def test_the_network_on_15_september_2023_has_mali_in_ecowas_not_the_aes(facts: FactBase) -> None:
    edges = _member_of(facts, dt.date(2023, 9, 15))
    assert ("mali", "ecowas") in edges
    assert ("mali", "aes") not in edges


def test_the_network_on_1_february_2025_has_mali_in_the_aes_not_ecowas(facts: FactBase) -> None:
    edges = _member_of(facts, dt.date(2025, 2, 1))
    assert ("mali", "aes") in edges
    assert ("mali", "ecowas") not in edges


def _frame_for(figure: dict, day: dt.date) -> dict:
    names = [f["name"] for f in figure["frames"]]
    latest = max(n for n in names if n <= day.isoformat())
    return figure["frames"][names.index(latest)]


def test_the_slider_frames_draw_the_network_as_it_stood(facts: FactBase) -> None:
    figure = network.network_figure(facts)
    actors = network.network_actors(facts)
    pos = network.layout_positions(actors, [(r.from_, r.to) for r in facts.relationships.values()])
    mali_aes = [round(pos["mali"][0], 3), round(pos["aes"][0], 3), None]
    mali_ecowas = [round(pos["mali"][0], 3), round(pos["ecowas"][0], 3), None]
    member_trace = [t["name"] for t in figure["data"]].index("member of")

    def segments(day: dt.date) -> list[list[float | None]]:
        xs = _frame_for(figure, day)["data"][member_trace]["x"]
        return [xs[i : i + 3] for i in range(0, len(xs), 3)]

    assert mali_ecowas in segments(dt.date(2023, 9, 15))
    assert mali_aes not in segments(dt.date(2023, 9, 15))
    assert mali_aes in segments(dt.date(2025, 2, 1))
    assert mali_ecowas not in segments(dt.date(2025, 2, 1))
    slider = figure["layout"]["sliders"][0]
    assert slider["active"] == len(figure["frames"]) - 1
    labels = [s["label"] for s in slider["steps"]]
    assert "16 September 2023" in labels and "30 January 2025" in labels


def test_actors_that_did_not_exist_yet_are_faded(facts: FactBase) -> None:
    figure = network.network_figure(facts)
    kinds = [t["name"] for t in figure["data"]]
    igo = kinds.index("intergovernmental organisation")
    members = [
        a.id
        for a in network.network_actors(facts)
        if a.kind.value == "intergovernmental_organisation"
    ]
    before = _frame_for(figure, dt.date(2023, 9, 15))["data"][igo]["marker"]["opacity"]
    after = _frame_for(figure, dt.date(2023, 9, 16))["data"][igo]["marker"]["opacity"]
    assert before[members.index("aes")] == network.DIMMED
    assert after[members.index("aes")] == 1.0


def test_network_layout_is_deterministic_and_nodes_link_to_actor_pages(facts: FactBase) -> None:
    assert figure_json(network.network_figure(facts)) == figure_json(network.network_figure(facts))
    figure = network.network_figure(facts)
    urls = [u for t in figure["data"] if "customdata" in t for u in t["customdata"]]
    assert "actors/mali/" in urls and all(u.startswith("actors/") for u in urls)


def test_change_steps_label_days_as_precisely_as_their_dates(facts: FactBase) -> None:
    steps = network.change_steps(facts, network.network_actors(facts))
    by_day = {s.day: s.label for s in steps}
    assert by_day[dt.date(2021, 12, 1)] == "December 2021"  # Wagner, a month-precision start
    assert by_day[dt.date(2023, 9, 16)] == "16 September 2023"
    assert [s.day for s in steps] == sorted(s.day for s in steps)


# --- the map --------------------------------------------------------------------------------


def test_the_map_places_located_events_by_kind_and_links_them(facts: FactBase) -> None:
    figure = map_figure(facts)
    attack = next(t for t in figure["data"] if t["name"] == "attack")
    index = attack["customdata"].index("events/bamako-attack-2024/")
    assert (attack["lat"][index], attack["lon"][index]) == (12.64, -8.0)
    geo = figure["layout"]["geo"]
    assert geo["scope"] == "africa" and geo["resolution"] == 50
    assert geo["lonaxis"]["range"][0] <= -18 and geo["lataxis"]["range"][1] >= 25
