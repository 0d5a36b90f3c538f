"""The fact base answers the site's questions: events of X, relationships on date D."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.corpus import load_corpus
from generator.dates import PartialDate
from generator.model import FactBase, figures_by_measure, relationship_holds_on
from generator.schema import Actor, Event, Relationship
from tests.conftest import VALID_CONTENT


@pytest.fixture(scope="module")
def facts() -> FactBase:
    result = load_corpus(VALID_CONTENT)
    assert result.facts is not None, result.diagnostics
    return result.facts


def relation(start: str | None, end: str | None) -> Relationship:
    return Relationship.model_validate(
        {
            "id": "r",
            "from": "a",
            "to": "b",
            "kind": "member_of",
            "start": start,
            "end": end,
            "sources": ["s"],
        }
    )


@pytest.mark.parametrize(
    ("start", "end", "day", "holds"),
    [
        ("2023-09-16", None, "2023-09-15", False),
        ("2023-09-16", None, "2023-09-16", True),
        (None, "2025-01-29", "2025-01-29", True),
        (None, "2025-01-29", "2025-02-01", False),
        # A month-precision end holds to the month's last day: it never invents an earlier end.
        ("2021-12", "2025-06", "2025-06-30", True),
        ("2021-12", "2025-06", "2025-07-01", False),
        ("2021-12", "2025-06", "2021-12-01", True),
        ("2021-12", "2025-06", "2021-11-30", False),
    ],
)
def test_relationship_holds_on(start: str | None, end: str | None, day: str, holds: bool) -> None:
    assert relationship_holds_on(relation(start, end), dt.date.fromisoformat(day)) is holds


@pytest.mark.parametrize(
    ("start", "day", "holds"),
    [
        # An unknown start is bounded by the later of the two actors' founding days.
        (None, "2023-07-25", False),
        (None, "2023-07-26", True),
        # A known start is the relationship's own, whatever the founding days say (a start
        # before a founding day is the outside-existence error of validate.py).
        ("2023-07-28", "2023-07-27", False),
        ("2023-07-28", "2023-07-28", True),
    ],
)
def test_an_unknown_start_never_precedes_both_actors(
    start: str | None, day: str, holds: bool
) -> None:
    held = relationship_holds_on(
        relation(start, None), dt.date.fromisoformat(day), both_exist_from=dt.date(2023, 7, 26)
    )
    assert held is holds


def actor(actor_id: str, founded: str | None) -> Actor:
    return Actor.model_validate(
        {"id": actor_id, "name": actor_id, "kind": "junta", "description": "d", "founded": founded}
    )


def test_both_exist_from_is_the_later_founding_day() -> None:
    founded = {"a": "2017-03-02", "b": "2023-07"}
    base = FactBase(
        actors={i: actor(i, date) for i, date in {**founded, "c": None}.items()},
        events={},
        relationships={"r": relation(None, None)},
        sources={},
        topics={},
    )
    assert base.both_exist_from(relation(None, None)) == dt.date(2023, 7, 1)
    unknown = relation(None, None).model_copy(update={"to": "c"})
    assert base.both_exist_from(unknown) == dt.date(2017, 3, 2)
    assert base.relationships_on(dt.date(2023, 6, 30)) == []
    assert [r.id for r in base.relationships_on(dt.date(2023, 7, 1))] == ["r"]


def event(event_id: str, date: str, actors: list[str], claims: list[dict[str, str]]) -> Event:
    return Event.model_validate(
        {
            "id": event_id,
            "title": event_id,
            "kind": "attack",
            "date": date,
            "summary": "s",
            "sources": ["s"],
            "participants": [{"actor": a, "role": "attacker"} for a in actors],
            "claims": [
                {"kind": "claim", "statement": "s", "status": "claimed", "sources": ["s"], **c}
                for c in claims
            ],
        }
    )


def recorded_base(events: list[Event], relationships: list[Relationship]) -> FactBase:
    """Actor 'a' founded in 2017; 'w' and 'p' with no founding date."""
    return FactBase(
        actors={"a": actor("a", "2017-03-02"), "w": actor("w", None), "p": actor("p", None)},
        events={e.id: e for e in events},
        relationships={r.id: r for r in relationships},
        sources={},
        topics={},
    )


def test_an_actor_with_no_founding_date_is_known_from_its_first_event() -> None:
    tied = relation(None, None).model_copy(update={"to": "w"})  # a → w, start unknown
    base = recorded_base(
        [event("later", "2022-05", ["w"], []), event("first", "2021-03-05", ["w", "a"], [])],
        [tied],
    )
    record = base.first_record("w")
    assert record is not None and record.what.id == "first" and record.anchor == ""
    assert base.known_from("w") == dt.date(2021, 3, 5)
    assert base.known_from("a") == dt.date(2017, 3, 2)  # a founding date comes first
    assert base.both_exist_from(tied) == dt.date(2021, 3, 5)
    assert base.relationships_on(dt.date(2020, 9, 25)) == []
    assert base.relationships_on(dt.date(2021, 3, 4)) == []
    assert [r.id for r in base.relationships_on(dt.date(2021, 3, 5))] == ["r"]


def test_a_statement_about_an_actor_does_not_record_it_but_one_it_made_does() -> None:
    # In 2019 'a' speaks of 'w' (w takes no part): no sign that w existed. In 2020 'p' makes
    # a statement dated 2020-06: p existed then, though it took part in nothing.
    about = event("about", "2019-01-10", ["a"], [{"id": "c1", "claimant": "a"}])
    spoken = event(
        "spoken", "2020-05-01", ["a"], [{"id": "c2", "claimant": "p", "date": "2020-06"}]
    )
    base = recorded_base([about, spoken], [])
    assert base.first_record("w") is None
    assert base.known_from("w") == dt.date.min  # nothing the content dates bounds it
    record = base.first_record("p")
    assert record is not None
    assert (record.what.id, record.anchor) == ("spoken", "claim-c2")
    assert record.date == PartialDate(2020, 6)
    assert base.known_from("p") == dt.date(2020, 6, 1)


def test_a_relationship_records_its_actors_on_its_known_start_and_end() -> None:
    # w's only record is a membership of p that ended in January 2021, start unknown: both
    # are known from its end, so it is drawn in January 2021 only.
    ended = Relationship.model_validate(
        {"id": "e", "from": "w", "to": "p", "kind": "member_of", "end": "2021-01", "sources": ["s"]}
    )
    started = relation("2019-04-02", None).model_copy(update={"id": "s", "to": "p"})
    base = recorded_base([], [ended, started])
    assert base.known_from("w") == dt.date(2021, 1, 1)
    assert base.known_from("p") == dt.date(2019, 4, 2)  # the start of a → p, earlier
    assert [r.id for r in base.relationships_on(dt.date(2020, 12, 31))] == ["s"]
    assert [r.id for r in base.relationships_on(dt.date(2021, 1, 31))] == ["e", "s"]
    assert [r.id for r in base.relationships_on(dt.date(2021, 2, 1))] == ["s"]


def test_relationships_on_a_date(facts: FactBase) -> None:
    # Mali's membership has no start, and neither actor a founding date: the content first
    # records ECOWAS on the membership's last day, so that is the one day it is drawn.
    assert facts.known_from("ecowas") == dt.date(2025, 1, 29)
    assert facts.relationships_on(dt.date(2025, 1, 28)) == []
    assert [r.id for r in facts.relationships_on(dt.date(2025, 1, 29))] == ["mali-member-of-ecowas"]
    assert facts.relationships_on(dt.date(2025, 2, 1)) == []


def test_relationships_on_each_day_are_those_that_hold_on_it(facts: FactBase) -> None:
    """relationships_on works from spans computed once; relationship_holds_on says what holds."""
    first, days = dt.date(2014, 12, 25), 365 * 12 + 10  # past every start and end
    for day in (first + dt.timedelta(days=n) for n in range(days)):
        expected = [
            r
            for r in facts.relationships_in_order
            if relationship_holds_on(r, day, facts.both_exist_from(r))
        ]
        assert facts.relationships_on(day) == expected, day


def test_events_of_actor_and_topic(facts: FactBase) -> None:
    assert [e.id for e in facts.events_of_actor("jnim")] == ["bamako-attack-2024"]
    assert [e.id for e in facts.events_of_topic("bamako-attack")] == ["bamako-attack-2024"]
    assert facts.events_of_actor("ecowas") == []


def test_claims_keep_their_claimant_and_kind(facts: FactBase) -> None:
    claims = facts.all_claims
    assert [(c.claim.claimant, c.claim.kind.value, c.anchor) for c in claims] == [
        ("jnim", "claim", "claim-jnim-claimed-responsibility-attack"),
        ("afp", "report", "claim-afp-could-not-verify"),
    ]
    assert [c.claim.statement for c in facts.claims_by("afp")] == [
        "AFP said it could not verify the claims of either side."
    ]


def test_citations_name_every_part_that_cites_a_source(facts: FactBase) -> None:
    parts = [(c.entity_id, c.part) for c in facts.citations_of("afp-2024-09-18-bamako-attack")]
    assert parts == [
        ("bamako-attack-2024", "event"),
        ("bamako-attack-2024", "claim 1"),
        ("bamako-attack-2024", "claim 2"),
        ("bamako-attack-2024", "figure: killed and wounded"),
        ("mali-member-of-ecowas", "relationship"),
    ]


def test_neighbours_and_labels(facts: FactBase) -> None:
    assert [a.id for a in facts.neighbours("mali")] == ["ecowas"]
    assert facts.label("ecowas") == "ECOWAS"
    assert facts.describe_relationship(facts.relationships["mali-member-of-ecowas"]) == (
        "Mali member of ECOWAS"
    )


def test_figures_keep_the_reported_words_when_there_is_no_number(facts: FactBase) -> None:
    groups = figures_by_measure(facts.events["bamako-attack-2024"])
    [figure] = groups["killed and wounded"]
    assert (figure.value, figure.as_reported, figure.according_to) == (None, "hundreds", "JNIM")


def test_events_are_ordered_by_partial_date(facts: FactBase) -> None:
    assert facts.events_in_order[0].date == PartialDate(2024, 9, 17)
