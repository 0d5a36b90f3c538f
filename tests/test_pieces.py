"""Pieces (generator/render/pieces.py): kept by their arguments, and refused when unsafe."""

from __future__ import annotations

import json

import pytest

from generator.corpus import load_corpus
from generator.model import FactBase
from generator.render import pieces
from generator.render.data_export import factbase_json
from generator.render.pieces import PieceStore, by_value, piece, pieces_of, shared
from generator.schema import Event
from tests.conftest import REPO

CALLS: list[str] = []


def _title(event: Event, suffix: str) -> str:
    CALLS.append(event.id)
    return event.title + suffix


def _place(location: object) -> str:
    return str(location)


def _count(values: object) -> int:
    return len(values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def facts() -> FactBase:
    loaded = load_corpus(REPO / "content").facts
    assert loaded is not None
    return loaded


def _store(facts: FactBase) -> PieceStore:
    return PieceStore({id(e): f"digest-of-{e.id}" for e in facts.events.values()})


def test_a_piece_is_made_once_per_arguments(facts: FactBase) -> None:
    event = facts.events_in_order[0]
    CALLS.clear()
    with pieces.active(_store(facts)) as store:
        first = piece(_title, event, "!")
        again = piece(_title, event, "!")
        other = piece(_title, event, "?")
    assert (first, again, other) == (event.title + "!", event.title + "!", event.title + "?")
    assert [event.id, event.id] == CALLS
    assert store.made == 2


def test_a_unit_finds_the_pieces_it_kept_and_returns_those_it_used(facts: FactBase) -> None:
    event = facts.events_in_order[0]
    with pieces.active(_store(facts)) as store:
        _, used = store.record(lambda: piece(_title, event, "!"), {})
    CALLS.clear()
    with pieces.active(_store(facts)) as store:
        value, again = store.record(lambda: piece(_title, event, "!"), used)
    assert value == event.title + "!"
    assert CALLS == []  # kept: not made again
    assert again == used


def test_without_a_store_a_piece_is_simply_made(facts: FactBase) -> None:
    event = facts.events_in_order[0]
    assert piece(_title, event, "") == event.title


def test_a_part_of_an_entity_cannot_stand_for_a_piece_argument(facts: FactBase) -> None:
    """Its digest is unknown: a stale row would follow an edit of the event."""
    located = next(e for e in facts.events_in_order if e.location is not None)
    with pieces.active(_store(facts)), pytest.raises(TypeError, match="whole entity"):
        piece(_place, located.location)


def test_a_mutable_argument_is_refused(facts: FactBase) -> None:
    with pieces.active(_store(facts)), pytest.raises(TypeError, match="not a plain value"):
        piece(_count, [1, 2])


def test_a_closure_cannot_make_a_piece(facts: FactBase) -> None:
    """It could read the fact base without the memo seeing it."""
    event = facts.events_in_order[0]

    def titled(e: Event) -> str:
        return e.title + str(len(facts.events))

    with pytest.raises(TypeError, match="module-level function"):
        piece(titled, event)
    with pytest.raises(TypeError, match="module-level function"):
        piece(lambda e: e.title, event)  # two lambdas would share one name


def test_a_nested_function_cannot_make_a_piece(facts: FactBase) -> None:
    def title(e: Event) -> str:
        return e.title

    with pytest.raises(TypeError, match="module-level function"):
        piece(title, facts.events_in_order[0])


def test_factbase_json_built_by_parts_is_what_one_dump_gives(facts: FactBase) -> None:
    data = json.loads(factbase_json(facts))
    whole = json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    assert factbase_json(facts) == (whole + "\n").encode("utf-8")
    assert sorted(data) == ["actors", "events", "relationships", "sources", "topics"]
    assert [e["id"] for e in data["events"]] == sorted(facts.events)


def test_pieces_of_many_entities_are_the_pieces_of_each(facts: FactBase) -> None:
    events = facts.events_in_order[:5]
    CALLS.clear()
    with pieces.active(_store(facts)) as store:
        many = pieces_of(_title, events, "!")
        one_by_one = [piece(_title, e, "!") for e in events]
    assert many == one_by_one == [e.title + "!" for e in events]
    assert [e.id for e in events] == CALLS  # made once each, then found under the same key
    assert store.made == len(events)
    assert pieces_of(_title, events, "?") == [e.title + "?" for e in events]  # no store
    with pytest.raises(TypeError, match="module-level function"):
        pieces_of(lambda e: e.title, events)


def _first_title(events: tuple[Event, ...]) -> str:
    CALLS.append("shared")
    return events[0].title


def test_a_shared_value_is_made_once_a_build_and_never_kept(facts: FactBase) -> None:
    """For the lanes and places several pages ask for: they hold this build's entities."""
    events = tuple(facts.events_in_order)
    CALLS.clear()
    with pieces.active(_store(facts)) as store:
        first, used = store.record(lambda: shared(_first_title, events), {})
        again, used_again = store.record(lambda: shared(_first_title, events), {})
    assert first == again == events[0].title
    assert CALLS == ["shared"]
    assert used == used_again == {}  # nothing for the memo to keep


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of about 4 pieces from 8 arguments on, so the real content has several."""
    monkeypatch.setattr(pieces, "BLOCKS_FROM", 8)
    monkeypatch.setattr(pieces, "BLOCK_MEAN", 4)
    monkeypatch.setattr(pieces, "BLOCK_MOST", 8)


def _store_with(facts: FactBase, digests: dict[str, str]) -> PieceStore:
    return PieceStore(
        {id(e): digests.get(e.id, f"digest-of-{e.id}") for e in facts.events.values()}
    )


@pytest.mark.usefixtures("small_blocks")
def test_many_pieces_are_kept_in_blocks_and_an_edit_remakes_only_its_block(
    facts: FactBase,
) -> None:
    events = facts.events_in_order
    assert len(events) >= 24
    CALLS.clear()
    with pieces.active(_store(facts)) as store:
        made, kept = store.record(lambda: pieces_of(_title, events, "!"), {})
    assert made == [e.title + "!" for e in events]
    assert [e.id for e in events] == CALLS
    assert pieces.pieces_in(kept) == len(events) > len(kept)  # fewer keys than pieces
    # The next build: one event edited, one gone. Only the blocks around them are made.
    edited, gone = events[5], events[17]
    remaining = [e for e in events if e is not gone]
    CALLS.clear()
    with pieces.active(_store_with(facts, {edited.id: "digest-after-edit"})) as store:
        again, _ = store.record(lambda: pieces_of(_title, remaining, "!"), kept)
    assert again == [e.title + "!" for e in remaining]
    # Two blocks of at most BLOCK_MOST each, and a neighbour of each where blocks moved.
    assert edited.id in CALLS and len(CALLS) <= 4 * pieces.BLOCK_MOST
    assert len(CALLS) < len(remaining) // 2
    # Unchanged and in place: found, not made.
    assert events[0].id not in CALLS and events[-1].id not in CALLS


SHAPES: list[object] = []


def _shape(value: object) -> str:
    SHAPES.append(value)
    return repr(value)


def test_a_value_keyed_piece_is_kept_while_the_value_is_equal(facts: FactBase) -> None:
    """by_value: kept by the unit, found again with an equal value in the next build, made
    again for any other."""
    layout = (("Coups", (1, 2, True, "event-a")), ("Other", ()))
    with pieces.active(_store(facts)) as store:
        first, used = store.record(lambda: by_value(_shape, layout), {})
    SHAPES.clear()
    equal = (("Coups", (1, 2, True, "event-" + "a")), ("Other", ()))
    with pieces.active(_store(facts)) as store:
        again, kept = store.record(lambda: by_value(_shape, equal), used)
        changed, _ = store.record(lambda: by_value(_shape, (("Coups", (1, 3, True, "a")),)), used)
    assert again == first == repr(layout)
    assert kept == used
    assert changed == repr((("Coups", (1, 3, True, "a")),))
    assert SHAPES == [(("Coups", (1, 3, True, "a")),)]  # only the new value was worked out


@pytest.mark.parametrize(
    ("one", "other"),
    [((0.0,), (-0.0,)), ((1,), (True,)), ((1,), (1.0,)), (("1",), (1,)), ((("a",),), ("a",))],
)
def test_values_that_compare_equal_but_print_differently_are_kept_apart(
    facts: FactBase, one: object, other: object
) -> None:
    """-0.0 == 0.0 and True == 1 in Python, but a figure shows them differently."""
    with pieces.active(_store(facts)):
        assert (by_value(_shape, one), by_value(_shape, other)) == (repr(one), repr(other))


def test_a_value_keyed_piece_refuses_an_entity(facts: FactBase) -> None:
    """An entity's fields are not in the key: an edit would leave the result stale."""
    event = facts.events_in_order[0]
    with (
        pieces.active(_store(facts)),
        pytest.raises(TypeError, match=r"_shape: by_value takes plain data .*not Event"),
    ):
        by_value(_shape, ("a", (1, event)))


def test_without_a_store_a_value_keyed_piece_is_simply_made() -> None:
    assert by_value(_shape, (1, "a")) == repr((1, "a"))
