"""Figure data: timeline lanes and precision spans, the network on a date, the map."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

import plotly.graph_objects as go
import pytest

from generator.corpus import load_corpus
from generator.dates import PartialDate
from generator.model import FactBase
from generator.render import figures_network as network
from generator.render.figures_common import WEBGL_THRESHOLD, figure_json
from generator.render.figures_map import (
    SEPARATION,
    SEVERAL_KINDS,
    SEVERAL_KINDS_COLOUR,
    map_figure,
    marker_size,
    place_page,
    places,
    places_list,
)
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
from generator.schema import Event, Relationship

CONTENT = Path(__file__).parent / "fixtures" / "site_small" / "content"
FIGURE_MODULE = Path(__file__).parent.parent / "generator" / "assets" / "figures.js"


@pytest.fixture(scope="module")
def facts() -> FactBase:
    result = load_corpus(CONTENT)
    assert result.facts is not None, result.diagnostics
    return result.facts


def test_every_figure_is_valid_plotly(facts: FactBase) -> None:
    for name, figure in render_figures(facts).items():
        go.Figure(figure)  # raises on any property Plotly does not know
        assert json.loads(figure_json(figure)) == figure, name


# The colour syntaxes the site's plotly.js bundles parse (generator/assets/build-plotly.js
# keeps only culori's sRGB and HSL parsers); any other colour would be drawn black.
BUNDLE_COLOUR = re.compile(r"#[0-9a-f]{3,8}|(rgb|hsl)a?\([^()]*\)|[a-z]+", re.IGNORECASE)
# A colour literal in the figure module, in any syntax: hex or a CSS colour function.
SCRIPT_COLOUR = re.compile(r"'(#[0-9a-fA-F]+|[a-z-]+\([^'()]*\))'")


def _colours(value: object, key: str = "") -> Iterator[str]:
    """Every string under a key that names a colour (color, bgcolor, fillcolor...)."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _colours(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _colours(item, key)
    elif isinstance(value, str) and "color" in key.lower():
        yield value


def test_every_colour_of_the_real_figures_is_one_the_bundles_parse(real_facts: FactBase) -> None:
    colours = {c for figure in render_figures(real_facts).values() for c in _colours(figure)}
    colours |= set(SCRIPT_COLOUR.findall(FIGURE_MODULE.read_text(encoding="utf-8")))
    assert {"#ffffff", "rgba(31,35,40,0.10)"} <= colours  # figures.js's theme is read
    assert len(colours) > 10
    assert {c for c in colours if not BUNDLE_COLOUR.fullmatch(c)} == set()


def test_lanes_by_topic_follow_the_storylines_order(facts: FactBase) -> None:
    lanes = lanes_by_topic(facts, facts.events_in_order)
    assert [lane.label for lane in lanes] == [
        t.title for t in facts.topics_in_order if facts.events_of_topic(t.id)
    ]
    exit_lane = next(lane for lane in lanes if lane.label == facts.topics["ecowas-exit"].title)
    assert [i.event_id for i in exit_lane.items] == ["aes-ecowas-exit"]


def test_lanes_by_country_put_unplaced_events_last(facts: FactBase) -> None:
    """An event is in the lane of each country whose actors take part in it (the fixture's
    ECOWAS exit: Burkina Faso's, Mali's and Niger's), else of the country it took place in;
    one with neither is in the last lane."""
    stray = facts.events["niger-coup-2023"].model_dump(by_alias=True)
    stray.update(id="stray", participants=[], location=None)
    events = [*facts.events_in_order, Event.model_validate(stray)]
    lanes = lanes_by_country(facts, events)
    assert [lane.label for lane in lanes] == ["Burkina Faso", "Mali", "Niger", NO_COUNTRY]
    assert [[i.event_id for i in lane.items] for lane in lanes] == [
        ["liptako-gourma-charter-2023", "aes-ecowas-exit"],
        [
            "wagner-deploys-in-mali-2021",
            "liptako-gourma-charter-2023",
            "aes-ecowas-exit",
            "bamako-attack-2024",
        ],
        ["niger-coup-2023", "liptako-gourma-charter-2023", "aes-ecowas-exit"],
        ["stray"],
    ]


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
    assert marks["text"] == [
        "<b>Wagner Group personnel deploy to Mali</b><br>December 2021"
        "<br>click, or tap again, to open"
    ]


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
    figure = timeline_figure(lanes_by_country(facts, [hostile]))
    assert figure["data"][0]["text"] == [
        "<b>&lt;img src=x&gt; &amp; co</b><br>26 July 2023<br>click, or tap again, to open"
    ]
    # A coup is a key event: its name is escaped too.
    (names,) = [t for t in figure["data"] if t["mode"] == "markers+text"]
    assert names["text"] == ["&lt;img src=x&gt; &amp; co"]


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
    figure = timeline_figure(lanes_by_country(facts, many))
    assert {t["type"] for t in figure["data"]} == {"scattergl"}
    assert {t["type"] for t in timeline_figure(lanes_by_country(facts, many[:10]))["data"]} == {
        "scatter"
    }


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
    # Edges with a known start and edges without are two traces of one kind.
    member_traces = [i for i, t in enumerate(figure["data"]) if t["name"].startswith("member of")]
    assert len(member_traces) == 2

    def segments(day: dt.date) -> list[list[float | None]]:
        data = _frame_for(figure, day)["data"]
        # A trace with nothing to draw holds one None, which keeps its legend entry.
        xs = [x for i in member_traces if data[i]["x"] != [None] for x in data[i]["x"]]
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
    # Existing actors are the selected points; the others are drawn `unselected`: faded.
    before = _frame_for(figure, dt.date(2023, 9, 15))["data"][igo]["selectedpoints"]
    after = _frame_for(figure, dt.date(2023, 9, 16))["data"][igo]["selectedpoints"]
    assert members.index("aes") not in before
    assert members.index("aes") in after
    assert members.index("ecowas") in before
    unselected = figure["data"][igo]["unselected"]
    assert unselected["marker"]["opacity"] == network.DIMMED
    assert unselected["textfont"]["color"] == network.FADED_TEXT


def test_network_layout_is_deterministic_and_nodes_link_to_actor_pages(facts: FactBase) -> None:
    assert figure_json(network.network_figure(facts)) == figure_json(network.network_figure(facts))
    figure = network.network_figure(facts)
    nodes = [t for t in figure["data"] if t["mode"] == "markers+text"]
    urls = [u for t in nodes for u in t["customdata"]]
    assert "actors/mali/" in urls and all(u.startswith("actors/") for u in urls)


def test_change_steps_label_days_as_precisely_as_their_dates(facts: FactBase) -> None:
    steps = network.change_steps(facts, network.network_actors(facts))
    by_day = {s.day: s.label for s in steps}
    assert by_day[dt.date(2021, 12, 1)] == "December 2021"  # Wagner, a month-precision start
    assert by_day[dt.date(2023, 9, 16)] == "16 September 2023"
    assert [s.day for s in steps] == sorted(s.day for s in steps)


def _many_relationships(facts: FactBase, count: int) -> FactBase:
    """The real fact base with `count` relationships between real actors over 25 years."""
    base = facts.relationships["aes-led-by-assimi-goita"].model_dump(by_alias=True)
    actors = sorted(facts.actors)
    many = {
        f"r{i:05d}": Relationship.model_validate(
            {
                **base,
                "id": f"r{i:05d}",
                "from": actors[i % len(actors)],
                "to": actors[(i * 7 + 1) % len(actors)],
                "start": f"{2000 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "end": f"{2000 + i % 25 + 1 + i % 3}-{1 + i % 11:02d}",
            }
        )
        for i in range(count)
    }
    return FactBase(facts.actors, facts.events, many, facts.sources, facts.topics)


def test_the_real_network_keeps_a_step_for_every_change(facts: FactBase) -> None:
    assert network.step_limit(len(facts.relationships)) == network.MAX_STEPS
    steps = network.change_steps(facts, network.network_actors(facts))
    assert len(steps) < network.MAX_STEPS  # so no day was merged into its month


def test_a_large_network_has_fewer_steps_each_showing_its_day(facts: FactBase) -> None:
    big = _many_relationships(facts, 2000)
    actors = network.network_actors(big)
    steps = network.change_steps(big, actors)
    limit = network.step_limit(2000)
    assert network.MIN_STEPS <= limit < network.MAX_STEPS
    assert limit // 2 < len(steps) <= limit
    assert all(s.label == PartialDate(s.day.year, s.day.month).human() for s in steps)
    # Each step is the last change of its months, so the last step is the network's last change.
    ends = [r.end for r in big.relationships.values()] + [a.dissolved for a in actors]
    assert steps[-1].day == max(e.last_day for e in ends if e) + dt.timedelta(days=1)
    figure = network.network_figure(big)
    assert [f["name"] for f in figure["frames"]] == [s.day.isoformat() for s in steps]
    member_trace = [t["name"] for t in figure["data"]].index("led by")
    for step, frame in zip(steps, figure["frames"], strict=True):
        drawn = len(frame["data"][member_trace]["x"]) // 3
        assert drawn == sum(r.kind.value == "led_by" for r in network.edges_on(big, step.day))
    assert len(figure_json(figure)) <= 3_000_000


# --- the map --------------------------------------------------------------------------------


def test_the_map_groups_events_at_one_place_into_one_marker(facts: FactBase) -> None:
    figure = map_figure(facts)
    # The fixture's two located events are both in Bamako, of two kinds: one grey marker.
    assert [t["name"] for t in figure["data"]] == [SEVERAL_KINDS]
    (trace,) = figure["data"]
    assert (trace["lat"], trace["lon"]) == ([12.64], [-8.0])  # the true coordinates
    assert trace["customdata"] == ["map/bamako/"]
    assert trace["marker"]["color"] == SEVERAL_KINDS_COLOUR
    assert trace["marker"]["size"] == [marker_size(2)] and marker_size(2) > marker_size(1)
    indent = "\u00a0" * 3
    # The marker carries its place's name; its hover label lists the events.
    assert (trace["mode"], trace["text"]) == ("markers+text", ["Bamako"])
    assert trace["hovertext"] == [
        "<b>Bamako</b>: 2 events"
        "<br>• 16 September 2023: Liptako-Gourma Charter"
        f"<br>{indent}creates the Alliance of Sahel States (treaty)"
        "<br>• 17 September 2024: JNIM attack on Bamako"
        f"<br>{indent}(attack)"
        "<br><i>click, or tap again, to list them</i>"
    ]
    geo = figure["layout"]["geo"]
    assert geo["scope"] == "africa" and geo["resolution"] == 50
    assert geo["lonaxis"]["range"][0] <= -18 and geo["lataxis"]["range"][1] >= 25


def _moved(event: Event, lat: float, lon: float, place: str, title: str | None = None) -> Event:
    data = event.model_dump(by_alias=True)
    data["location"] = {**data["location"], "lat": lat, "lon": lon, "place": place}
    if title is not None:
        data["title"] = title
    return Event.model_validate(data)


def test_map_places_group_by_exact_coordinates_and_link_single_events(facts: FactBase) -> None:
    charter = facts.events["liptako-gourma-charter-2023"]
    attack = facts.events["bamako-attack-2024"]
    events = {
        "liptako-gourma-charter-2023": charter,
        "bamako-attack-2024": attack,
        "kati": _moved(attack.model_copy(update={"id": "kati"}), 12.74, -8.07, "Kati"),
        "evil": _moved(
            attack.model_copy(update={"id": "evil"}), 12.64, -8.0, "Bamako", "<b>x</b> & y"
        ),
    }
    grouped = places(list(events.values()))
    assert [(p.name, p.lat, p.lon, [e.id for e in p.events], p.anchor) for p in grouped] == [
        (
            "Bamako",
            12.64,
            -8.0,
            ["liptako-gourma-charter-2023", "bamako-attack-2024", "evil"],
            "place-bamako",
        ),
        ("Kati", 12.74, -8.07, ["kati"], "place-kati"),
    ]
    big = FactBase(facts.actors, events, facts.relationships, facts.sources, facts.topics)
    figure = map_figure(big)
    # Kati is 0.12 degrees from Bamako: the two markers are drawn SEPARATION apart, each in
    # its own direction from their midpoint (Kati to the north-west), and a line joins each
    # marker to its place's true spot.
    assert [t["name"] for t in figure["data"]] == [
        "true places of markers drawn apart",
        SEVERAL_KINDS,
        "attack",
    ]
    leaders, several, single = figure["data"]
    kati, bamako = (single["lat"][0], single["lon"][0]), (several["lat"][0], several["lon"][0])
    assert math.dist(kati, bamako) == pytest.approx(SEPARATION, abs=1e-3)
    assert kati[0] > 12.74 and kati[1] < -8.07 and bamako[0] < 12.64 and bamako[1] > -8.0
    assert (leaders["lat"], leaders["lon"]) == (
        [12.64, bamako[0], None, 12.74, kati[0], None],
        [-8.0, bamako[1], None, -8.07, kati[1], None],
    )
    assert leaders["hoverinfo"] == "skip"
    assert (single["text"], single["textposition"]) == (["Kati"], ["middle left"])
    assert (several["text"], several["textposition"]) == (["Bamako"], ["middle right"])
    assert single["customdata"] == ["events/kati/"]
    assert single["marker"]["size"] == [marker_size(1)]
    assert several["customdata"] == ["map/bamako/"]
    assert several["marker"]["size"] == [marker_size(3)]
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y (attack)" in several["hovertext"][0]
    # The map's data in words links the place with several events to its page, which lists
    # them in date order; a place with one event has no page (its marker opens the event).
    listed = places_list(big, "map.md")
    assert (
        "- Bamako (12.6400, -8.0000, from the event's sources): [3 events](map/bamako.md)" in listed
    )
    assert (
        "- Kati (12.7400, -8.0700, from the event's sources): "
        "[JNIM attack on Bamako](events/kati.md)" in listed
    )
    page = place_page(big, "place-bamako", 12.64, -8.0)
    assert page.startswith(
        "# Bamako\n\n3 events at Bamako, Mali (12.6400, -8.0000, from the event's sources; "
    )
    rows = [line for line in page.splitlines() if line.startswith("| ") and "events/" in line]
    assert [row.split("](../events/")[1].split(".md")[0] for row in rows] == [
        "liptako-gourma-charter-2023",
        "bamako-attack-2024",
        "evil",
    ]
    assert "| [&lt;b&gt;x&lt;/b&gt; &amp; y](../events/evil.md) | attack |" in page


def test_a_timeline_figure_changed_by_its_caller_leaves_the_kept_layout_alone(
    facts: FactBase,
) -> None:
    """Figures of the same lanes share nothing a caller could change: a figure handed out
    must not be a window onto the lanes' layout."""
    lanes = lanes_by_topic(facts, facts.events_in_order)
    first = timeline_figure(lanes)
    expected = json.loads(figure_json(first))
    for trace in first["data"]:
        trace["x"].reverse()
        trace["y"].append(99)
        sizes = trace.get("marker", {}).get("size", [])
        if isinstance(sizes, list):
            sizes.clear()
    first["layout"]["annotations"].clear()
    again = timeline_figure(lanes)
    assert json.loads(figure_json(again)) == expected
