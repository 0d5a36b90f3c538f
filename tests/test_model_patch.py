"""A fact base that starts from the last one's indexes answers exactly as one built afresh.

`mkdocs serve` builds again after each edit; the new fact base carries over the indexes
whose collections did not change and patches those that list events after a few event
edits (FactBase.take_indexes_from). Each index must then equal, entry for entry and object
for object, what a fact base built from scratch works out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from functools import cached_property
from typing import Any

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import write_corpus
from generator import model
from generator.corpus import load_corpus
from generator.model import AttributedClaim, FactBase
from generator.schema import Event

INDEXES = sorted(model._INDEX_SOURCES)
# Days the network figure might ask about, before, during and after the synthetic records.
DAYS = [dt.date(2000, 1, 1), dt.date(2012, 6, 30), dt.date(2019, 1, 1), dt.date(2030, 1, 1)]


class _Synthetic(FactBase):
    def __repr__(self) -> str:
        return "the synthetic fact base"  # not its 100 kB, in hypothesis' reports


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> FactBase:
    root = tmp_path_factory.mktemp("patch")
    write_corpus(root / "content", 80)
    facts = load_corpus(root / "content").facts
    assert facts is not None
    return _Synthetic(facts.actors, facts.events, facts.relationships, facts.sources, facts.topics)


def shape(value: Any) -> Any:
    """The value with every entity as the object it is: equal shapes, the same objects in
    the same places."""
    if isinstance(value, pydantic.BaseModel):
        return ("object", id(value))
    if isinstance(value, AttributedClaim):
        return ("claim", id(value.event), value.index, id(value.claim))
    if isinstance(value, dict):
        return ("dict", [(shape(k), shape(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [shape(v) for v in value])
    assert isinstance(value, str | int | enum.Enum | dt.date) or dataclasses.is_dataclass(value)
    return value


def every_index(facts: FactBase) -> dict[str, Any]:
    for day in DAYS:
        facts.relationships_on(day)
    found = {name: shape(getattr(facts, name)) for name in INDEXES}
    # A memo of the days asked about, in the order they were asked.
    found["_on_day"] = sorted(found["_on_day"][1])
    return found


def rebuilt(base: FactBase, **collections: dict[str, Any]) -> FactBase:
    kinds = {kind: getattr(base, kind) for kind in ("actors", "events", "relationships")}
    kinds.update(collections)
    return FactBase(
        kinds["actors"], kinds["events"], kinds["relationships"], base.sources, base.topics
    )


def started_from_a_full_one(
    base: FactBase, **collections: dict[str, Any]
) -> tuple[FactBase, FactBase]:
    """A fact base that worked out every index, and one with `collections` changed that
    starts from it."""
    previous = rebuilt(base)
    every_index(previous)
    current = rebuilt(base, **collections)
    current.take_indexes_from(previous)
    return previous, current


EDITS = ["date", "topics", "participants", "related", "claims", "sources", "title"]


@st.composite
def edited_events(draw: st.DrawFn, base: FactBase) -> dict[str, Event]:
    """The base's events after a few edits, additions and removals; the others the very
    same objects."""
    events = dict(base.events)
    ids = sorted(events)
    for _ in range(draw(st.integers(1, 5))):
        action = draw(st.sampled_from([*EDITS, "add", "remove"]))
        if action == "remove":
            events.pop(draw(st.sampled_from(ids)), None)
            continue
        other = events[draw(st.sampled_from(sorted(events)))]
        if action == "add":
            new_id = f"event-new-{len(events)}"
            events[new_id] = other.model_copy(update={"id": new_id})
            continue
        target = draw(st.sampled_from(sorted(events)))
        if action == "related":
            related = draw(st.lists(st.sampled_from(sorted(events)), max_size=3, unique=True))
            update: dict[str, Any] = {"related": related}
        elif action == "title":
            update = {"title": f"{events[target].title}, edited"}
        elif action in ("sources", "topics"):
            # Any of them, or one no other event names (first or last in id order), so that
            # an index may get a new group.
            choices = ["a-new", *sorted(getattr(base, action)), "z-new"]
            update = {action: draw(st.lists(st.sampled_from(choices), min_size=1, max_size=2))}
        else:
            update = {action: getattr(other, action)}
        events[target] = events[target].model_copy(update=update)
    # Keep the corpus one that loads: no event names one that is gone.
    for event_id, event in list(events.items()):
        if any(r not in events for r in event.related):
            related = [r for r in event.related if r in events]
            events[event_id] = event.model_copy(update={"related": related})
    return events


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_indexes_taken_from_the_last_fact_base_equal_those_worked_out_afresh(
    base: FactBase, data: st.DataObject
) -> None:
    events = data.draw(edited_events(base))
    previous = rebuilt(base)
    # The last build may have worked out only some of the indexes.
    worked_out = data.draw(st.sets(st.sampled_from(INDEXES)))
    for name in sorted(worked_out):
        getattr(previous, name)
    if "_on_day" in worked_out:
        previous.relationships_on(DAYS[1])
    current = rebuilt(base, events=events)
    current.take_indexes_from(previous)
    assert every_index(current) == every_index(rebuilt(base, events=events))


def test_an_index_whose_collections_did_not_change_is_the_same_object(base: FactBase) -> None:
    events = dict(base.events)
    events["event-3"] = events["event-3"].model_copy(update={"title": "Retitled"})
    previous, current = started_from_a_full_one(base, events=events)
    for name in ("relationships_in_order", "_spans", "_relationships_by_actor", "_on_day"):
        assert vars(current)[name] is vars(previous)[name], name
    # Patched: a new object, and only the lists that held the edited event are new.
    old, new = previous._events_by_actor, current._events_by_actor
    assert new is not old
    actors = {p.actor for p in events["event-3"].participants}
    for actor_id, members in new.items():
        assert (members is old[actor_id]) is (actor_id not in actors), actor_id
    assert [e.title for e in current.events_in_order if e.id == "event-3"] == ["Retitled"]


def test_an_actor_edit_leaves_the_indexes_that_read_actors_to_be_worked_out_again(
    base: FactBase,
) -> None:
    actors = dict(base.actors)
    actors["actor-1"] = actors["actor-1"].model_copy(update={"name": "Renamed"})
    previous, current = started_from_a_full_one(base, actors=actors)
    assert "actors_by_kind" not in vars(current) and "_citations" not in vars(current)
    assert vars(current)["events_in_order"] is vars(previous)["events_in_order"]
    assert every_index(current) == every_index(rebuilt(base, actors=actors))


def test_every_cached_index_says_what_it_is_worked_out_from() -> None:
    cached = {name for name, value in vars(FactBase).items() if isinstance(value, cached_property)}
    assert cached == set(model._INDEX_SOURCES)


def test_many_changed_events_leave_the_indexes_to_be_worked_out_again(base: FactBase) -> None:
    events = {
        event_id: event.model_copy(update={"title": "All retitled"})
        for event_id, event in base.events.items()
    }
    assert len(events) > model.PATCH_MOST_EVENTS
    _, current = started_from_a_full_one(base, events=events)
    assert "events_in_order" not in vars(current)
    assert every_index(current) == every_index(rebuilt(base, events=events))
