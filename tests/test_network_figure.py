"""The network figure tells the truth on every date: which edges a frame draws, faint edges
for unknown starts, unique labels, and hover text that names each relationship's direction.

Most tests read the real content, whose dates the issue is about (Mali's and Niger's
juntas, the AES); the label rule is also checked on any set of actors (hypothesis).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import FactBase
from generator.render import figures_network as network
from generator.schema import Actor, Event, Relationship

Figure = dict[str, Any]


@pytest.fixture(scope="module")
def facts(real_facts: FactBase) -> FactBase:
    return real_facts


@pytest.fixture(scope="module")
def figure(facts: FactBase) -> Figure:
    return network.network_figure(facts)


def _frame(figure: Figure, day: dt.date) -> dict[str, Any]:
    """The frame the slider shows on `day`: the last change on or before it."""
    names = [f["name"] for f in figure["frames"]]
    return figure["frames"][names.index(max(n for n in names if n <= day.isoformat()))]


def _node_ids(figure: Figure) -> dict[tuple[float, float], str]:
    nodes = [t for t in figure["data"] if t["mode"] == "markers+text"]
    return {
        (x, y): url.removeprefix("actors/").removesuffix("/")
        for t in nodes
        for x, y, url in zip(t["x"], t["y"], t["customdata"], strict=True)
    }


def drawn_edges(figure: Figure, day: dt.date) -> dict[str, set[tuple[str, str]]]:
    """The edges the frame for `day` draws, as (from, to) actor ids, by trace name."""
    at = _node_ids(figure)
    frame = _frame(figure, day)["data"]
    found: dict[str, set[tuple[str, str]]] = {}
    for index, trace in enumerate(figure["data"]):
        if trace["mode"] != "lines" or trace["name"].startswith("faint"):
            continue
        xs, ys = frame[index]["x"], frame[index]["y"]
        if xs == [None]:  # nothing drawn: the trace keeps its legend entry
            xs, ys = [], []
        found[trace["name"]] = {
            (at[xs[i], ys[i]], at[xs[i + 1], ys[i + 1]]) for i in range(0, len(xs), 3)
        }
    return found


def _all_drawn(figure: Figure, day: dt.date) -> set[frozenset[str]]:
    return {frozenset(e) for edges in drawn_edges(figure, day).values() for e in edges}


def test_on_25_september_2020_no_edge_touches_an_actor_founded_later(
    facts: FactBase, figure: Figure
) -> None:
    day = dt.date(2020, 9, 25)
    later = {
        a.id for a in facts.actors.values() if a.founded is not None and a.founded.first_day > day
    }
    # The juntas of Burkina Faso (2022) and Niger (2023) and the AES (2023) are among them.
    assert {"mpsr", "cnsp-niger", "aes"} <= later
    touching = {tuple(sorted(e)) for e in _all_drawn(figure, day) if e & later}
    assert touching == set()


def _shown(figure: Figure, day: dt.date) -> set[str]:
    """The actors the frame for `day` draws as existing (the others are faded)."""
    frame = _frame(figure, day)["data"]
    return {
        url.removeprefix("actors/").removesuffix("/")
        for index, trace in enumerate(figure["data"])
        if trace["mode"] == "markers+text"
        for point, url in enumerate(trace["customdata"])
        if point in frame[index]["selectedpoints"]
    }


def test_on_25_september_2020_no_edge_touches_an_actor_first_recorded_later(
    facts: FactBase, figure: Figure
) -> None:
    # Wagner, Africa Corps, the CSP-DPA, MINUSMA and the G5 Sahel have no founding date: the
    # content first records them in December 2021, 2024, 2024, 2023 and 2022.
    day = dt.date(2020, 9, 25)
    unfounded = {"wagner", "africa-corps", "csp-dpa", "minusma", "g5-sahel"}
    assert all(facts.actors[i].founded is None for i in unfounded)
    later = {a.id for a in network.network_actors(facts) if facts.known_from(a.id) > day}
    assert unfounded | {"mpsr", "cnsp-niger", "aes"} <= later
    assert {tuple(sorted(e)) for e in _all_drawn(figure, day) if e & later} == set()
    assert _shown(figure, day) & later == set()  # faded, as a junta before its coup
    assert {"mali", "jnim", "cnsp-mali"} <= _shown(figure, day)
    # Each appears with its first record: Wagner with its deployment in Mali (December 2021).
    assert frozenset({"jnim", "wagner"}) not in _all_drawn(figure, dt.date(2021, 11, 30))
    assert frozenset({"jnim", "wagner"}) in _all_drawn(figure, dt.date(2021, 12, 1))
    assert "wagner" in _shown(figure, dt.date(2021, 12, 1))


def test_an_actor_with_no_founding_date_appears_with_its_first_event() -> None:
    # 'w' has no founding date and first takes part in an event on 5 March 2021; its tie to
    # 'a' (founded 2017) has no start. 'a' and 'b' are tied since 2018, so 2020 has a frame.
    def actor(actor_id: str, founded: str | None) -> Actor:
        fields = {"id": actor_id, "name": actor_id, "kind": "armed_group", "description": "d"}
        return Actor.model_validate({**fields, "founded": founded})

    def tie(tie_id: str, to: str, start: str | None) -> Relationship:
        fields = {"id": tie_id, "from": "a", "to": to, "kind": "opposed_to", "sources": ["s"]}
        return Relationship.model_validate({**fields, "start": start})

    first = Event.model_validate(
        {
            "id": "first",
            "title": "First",
            "kind": "attack",
            "date": "2021-03-05",
            "summary": "s",
            "sources": ["s"],
            "participants": [{"actor": "w", "role": "attacker"}],
        }
    )
    actors = {"a": actor("a", "2017"), "b": actor("b", "2018"), "w": actor("w", None)}
    ties = {"ab": tie("ab", "b", "2018-06"), "aw": tie("aw", "w", None)}
    small = network.network_figure(FactBase(actors, {"first": first}, ties, {}, {}))
    assert [f["name"] for f in small["frames"]] == [
        "2017-01-01",
        "2018-01-01",
        "2018-06-01",
        "2021-03-05",
    ]
    assert _shown(small, dt.date(2020, 9, 25)) == {"a", "b"}
    assert _all_drawn(small, dt.date(2020, 9, 25)) == {frozenset({"a", "b"})}
    assert _shown(small, dt.date(2021, 3, 5)) == {"a", "b", "w"}
    assert _all_drawn(small, dt.date(2021, 3, 5)) == {frozenset({"a", "b"}), frozenset({"a", "w"})}
    steps = small["layout"]["sliders"][0]["steps"]
    assert steps[-1]["label"] == "5 March 2021"


def test_an_unknown_start_is_drawn_from_the_day_both_actors_existed(figure: Figure) -> None:
    # JNIM's opposition to Niger's junta has no start: it appears with the junta, on the
    # day of the coup (cnsp-niger's `founded`), not before.
    edge = frozenset({"jnim", "cnsp-niger"})
    assert edge not in _all_drawn(figure, dt.date(2023, 7, 25))
    assert edge in _all_drawn(figure, dt.date(2023, 7, 26))
    mpsr = frozenset({"jnim", "mpsr"})
    assert mpsr not in _all_drawn(figure, dt.date(2022, 1, 23))
    assert mpsr in _all_drawn(figure, dt.date(2022, 1, 24))


def test_each_frame_draws_exactly_the_relationships_that_held(
    facts: FactBase, figure: Figure
) -> None:
    for frame in figure["frames"]:
        day = dt.date.fromisoformat(frame["name"])
        held = {
            (r.kind.value.replace("_", " "), r.start is not None, r.from_, r.to)
            for r in facts.relationships_on(day)
        }
        drawn = {
            (name.removesuffix(" (start not known)"), not name.endswith("(start not known)"), a, b)
            for name, edges in drawn_edges(figure, day).items()
            for a, b in edges
        }
        assert drawn == held, day


def test_the_network_changes_between_2020_and_2023(figure: Figure) -> None:
    before = _all_drawn(figure, dt.date(2020, 9, 25))
    after = _all_drawn(figure, dt.date(2023, 10, 1))
    new = {tuple(sorted(e)) for e in after - before}
    gone = {tuple(sorted(e)) for e in before - after}
    assert {("aes", "mali"), ("aes", "niger"), ("cnsp-niger", "jnim"), ("jnim", "mpsr")} <= new
    assert ("bah-ndaw", "mali") in gone  # N'Daw led Mali from 25 September 2020 to May 2021
    assert len(new) + len(gone) >= 10


def test_edges_with_an_unknown_start_are_faint_and_the_legend_says_so(figure: Figure) -> None:
    lines = [t for t in figure["data"] if t["mode"] == "lines"]
    unknown = [t for t in lines if t["name"].endswith("(start not known)")]
    known = [t for t in lines if t not in unknown and not t["name"].startswith("faint")]
    assert unknown and known
    # Same colour and dash as the kind, at a lower opacity, and out of the legend: one key
    # stands for all of them.
    for trace in unknown:
        twin = next(t for t in known if trace["name"].startswith(t["name"] + " ("))
        assert trace["line"] == twin["line"]
        assert trace["opacity"] == network.UNKNOWN_START_OPACITY < 1
        assert trace["showlegend"] is False
        assert trace["legendgroup"] == network.UNKNOWN_START_GROUP
    assert all("opacity" not in t and t.get("showlegend", True) for t in known)
    key = [t for t in lines if t.get("showlegend", True) and t["legendgroup"] != "relationships"]
    assert [(k["name"], k["legendgrouptitle"]["text"], k["opacity"]) for k in key] == [
        ("faint, in the colour of its kind", "Start not known", network.UNKNOWN_START_OPACITY)
    ]


def test_the_legend_keeps_every_kind_on_a_day_it_draws_none_of(figure: Figure) -> None:
    frame = _frame(figure, dt.date(2020, 9, 25))["data"]
    opposed = [t["name"] for t in figure["data"]].index("opposed to")
    # In 2020 every opposition drawn has an unknown start, so the kind's own trace is empty.
    assert frame[opposed] == {"x": [None], "y": [None]}
    assert figure["data"][opposed].get("showlegend", True)


def test_every_node_has_a_unique_label(facts: FactBase, figure: Figure) -> None:
    nodes = [t for t in figure["data"] if t["mode"] == "markers+text"]
    labels = [label for t in nodes for label in t["text"]]
    assert len(labels) == len(network.network_actors(facts))
    assert all(label.strip() for label in labels)
    assert len(set(labels)) == len(labels)
    assert {"CNSP (Mali)", "CNSP (Niger)", "MPSR", "AES", "JNIM"} <= set(labels)


def test_hovering_an_edge_names_the_relationship_and_its_direction(
    facts: FactBase, figure: Figure
) -> None:
    hover = next(t for t in figure["data"] if t["mode"] == "none")
    relations = facts.relationships_in_order
    assert len(hover["hovertext"]) == len(hover["y"]) == len(relations)
    text = dict(zip([r.id for r in relations], hover["hovertext"], strict=True))
    assert text["jnim-opposed-to-cnsp-niger"] == (
        "<b>JNIM → CNSP (Niger)</b><br>opposed to<br>start not known"
    )
    assert text["mali-member-of-aes"] == "<b>Mali → AES</b><br>member of<br>since 16 September 2023"
    assert text["wagner-allied-with-mali"] == (
        "<b>Wagner Group → Mali</b><br>allied with<br>since December 2021, until June 2025"
    )
    plain = dict(zip([r.id for r in relations], hover["meta"]["relationships"], strict=True))
    assert plain["jnim-opposed-to-mpsr"] == "JNIM opposed to MPSR (start not known)"
    # A click on an edge opens its row in the relationships ledger.
    links = dict(zip([r.id for r in relations], hover["customdata"], strict=True))
    assert links["mali-member-of-aes"] == "relationships/member-of/#mali-member-of-aes"


def test_hover_points_sit_on_their_edges_and_move_off_when_the_edge_is_not_drawn(
    facts: FactBase, figure: Figure
) -> None:
    index = next(i for i, t in enumerate(figure["data"]) if t["mode"] == "none")
    relations = facts.relationships_in_order
    for day in (dt.date(2020, 9, 25), dt.date(2023, 10, 1)):
        xs = _frame(figure, day)["data"][index]["x"]
        held = {r.id for r in facts.relationships_on(day)}
        assert [r.id for r, x in zip(relations, xs, strict=True) if x is not None] == [
            r.id for r in relations if r.id in held
        ]
    # Wagner's two relationships with Mali share a line: their hover points do not coincide.
    hover = figure["data"][index]
    final = dict(
        zip([r.id for r in relations], zip(hover["x"], hover["y"], strict=True), strict=True)
    )
    assert final["wagner-allied-with-mali"] != final["wagner-deployed-in-mali"]


def test_no_hover_point_sits_under_another_actor(facts: FactBase, figure: Figure) -> None:
    # There a hover names the actor, not the edge: JNIM → Mali's middle is under Africa Corps.
    index = next(i for i, t in enumerate(figure["data"]) if t["mode"] == "none")
    nodes = {actor_id: point for point, actor_id in _node_ids(figure).items()}
    relations = facts.relationships_in_order
    ys = figure["data"][index]["y"]
    points = {
        relation: (x, y)
        for frame in figure["frames"]
        for relation, (x, y) in enumerate(zip(frame["data"][index]["x"], ys, strict=True))
        if x is not None
    }
    assert len(points) == len(ys)  # every relationship's point, from the frames it is drawn in
    for relation, point in points.items():
        ends = {relations[relation].from_, relations[relation].to}
        others = [node for actor_id, node in nodes.items() if actor_id not in ends]
        nearest = min(math.dist(point, node) for node in others)
        assert nearest >= network.HOVER_CLEARANCE, relations[relation].id


def test_hover_text_is_escaped(facts: FactBase) -> None:
    actor = facts.actors["jnim"].model_copy(update={"short_name": "<b>JNIM</b>"})
    hostile = FactBase(
        {**facts.actors, "jnim": actor},
        facts.events,
        facts.relationships,
        facts.sources,
        facts.topics,
    )
    hover = next(t for t in network.network_figure(hostile)["data"] if t["mode"] == "none")
    assert not any(re.search(r"<b>JNIM|JNIM</b>", text) for text in hover["hovertext"])
    assert any("&lt;b&gt;JNIM&lt;/b&gt;" in text for text in hover["hovertext"])
    # The list's sentences too: the loader unescapes them into text, never into markup.
    assert not any("<" in text for text in hover["meta"]["relationships"])
    assert (
        "&lt;b&gt;JNIM&lt;/b&gt; opposed to Mali (start not known)"
        in hover["meta"]["relationships"]
    )


# --- the label rule, on any actors ---------------------------------------------------------

_names = st.sampled_from(["CNSP", "AES", "CNSP (Mali)", "Mali", "CNSP (m)", "X"])


@st.composite
def _actors(draw: st.DrawFn) -> list[Actor]:
    count = draw(st.integers(min_value=1, max_value=8))
    return [
        Actor.model_validate(
            {
                "id": f"a{i}" if draw(st.booleans()) else "m" * (i + 1),
                "name": draw(_names),
                "short_name": draw(st.one_of(st.none(), _names)),
                "country": draw(st.sampled_from([None, "ML", "NE"])),
                "kind": "junta",
                "description": "d",
            }
        )
        for i in range(count)
    ]


@settings(deadline=None)  # correctness, not speed: the machine may be busy
@given(_actors())
def test_labels_are_unique_for_any_actors(actors: list[Actor]) -> None:
    actors = list({a.id: a for a in actors}.values())
    base = FactBase({a.id: a for a in actors}, {}, {}, {}, {})
    labels = network.unique_labels(base, actors)
    assert sorted(labels) == sorted(a.id for a in actors)
    assert len(set(labels.values())) == len(actors)
    own = {a.id: base.label(a.id) for a in actors}
    if len(set(own.values())) == len(actors):
        assert labels == own  # nothing to tell apart: every actor keeps its own label


def test_the_figure_keeps_room_beside_the_outermost_actors_for_their_names(
    figure: Figure,
) -> None:
    nodes = [t for t in figure["data"] if t["mode"] == "markers+text"]
    xs = [x for t in nodes for x in t["x"]]
    low, high = figure["layout"]["xaxis"]["range"]
    assert low == pytest.approx(min(xs) - network.X_PADDING, abs=0.001)
    assert high == pytest.approx(max(xs) + network.X_PADDING, abs=0.001)


def test_a_relationship_known_to_hold_by_a_date_is_not_said_to_hold_since_it(
    facts: FactBase,
) -> None:
    labels = {actor_id: facts.label(actor_id) for actor_id in facts.actors}
    relation = facts.relationships["az-zallaqa-part-of-jnim"]
    assert network.relationship_text(relation, labels).endswith("(held by 27 March 2017)")
    texts = [network.relationship_text(r, labels) for r in facts.relationships.values()]
    assert [t for t in texts if "since by" in t] == []
