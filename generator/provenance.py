"""Provenance checks: warnings that help editors keep every citation checkable.

These look across files (a figure and the sources it cites, an actor and the events that
mark its start), so they run with the corpus checks, over the whole corpus each time. None
of them is an error: each says what a reader could not check, or what may be wrong, and how
to fix it.

- `source-unfindable`: a source with neither an address nor a headline, and no review note
  saying why; a reader cannot find it.
- `cited-before-it-happened`: a source cited for a dated figure or statement, published
  before that date; a page cannot report what had not happened yet.
- `maybe-outside-existence`: a relationship whose start or end, known only to the month or
  year, may fall before an actor was founded or after it was dissolved (where it certainly
  does, that is the `outside-existence` error).
- `no-founding-date`: an organisation (any actor but a person) with no `founded` date,
  although an event in the content marks its start (see `marks_start`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Protocol, TypeVar

from generator.dates import PartialDate
from generator.diagnostics import Diagnostic, warning
from generator.load import Document, Loc
from generator.schema import (
    Actor,
    ActorKind,
    Entity,
    Event,
    EventKind,
    Relationship,
    Source,
)


class Filed(Protocol):
    """An entity that passed its schema, with the file it came from (validate.Parsed)."""

    @property
    def entity(self) -> Entity: ...

    @property
    def document(self) -> Document: ...


ByKind = Mapping[str, Mapping[str, Filed]]


def provenance_warnings(by_kind: ByKind) -> list[Diagnostic]:
    """Every provenance warning of the corpus (each kind's entities by id)."""
    return [
        *unfindable_sources(by_kind["sources"]),
        *cited_before_it_happened(by_kind["events"], by_kind["sources"]),
        *maybe_outside_existence(by_kind["relationships"], by_kind["actors"]),
        *missing_founding_dates(by_kind["actors"], by_kind["events"]),
    ]


E = TypeVar("E", bound=Entity)


def _each(items: Mapping[str, Filed], kind: type[E]) -> Iterator[tuple[Filed, E]]:
    """Each item with its entity, typed as the kind of file it came from."""
    for item in items.values():
        entity = item.entity
        assert isinstance(entity, kind)
        yield item, entity


def _at(item: Filed, loc: Loc, code: str, message: str) -> Diagnostic:
    line, column = item.document.positions.of_value(loc)
    return warning(item.document.path, line, column, code, message)


# --- sources a reader cannot find ---------------------------------------------------------------


def unfindable_sources(sources: Mapping[str, Filed]) -> Iterator[Diagnostic]:
    for item, source in _each(sources, Source):
        source_id = source.id
        if source.url is None and source.title is None and source.needs_review is None:
            yield _at(
                item,
                ("id",),
                "source-unfindable",
                f"source '{source_id}' has neither 'url' nor 'title', so a reader cannot "
                "find it; add the page's exact address or its headline as published, or, "
                "if neither is known, say so in 'needs_review'",
            )


# --- sources older than what they are cited for ------------------------------------------------


def cited_before_it_happened(
    events: Mapping[str, Filed], sources: Mapping[str, Filed]
) -> Iterator[Diagnostic]:
    """A source cited for a dated figure or claim, but published before that date."""
    for item, event in _each(events, Event):
        dated = [("claims", i, claim.date, claim.sources) for i, claim in enumerate(event.claims)]
        dated += [("figures", i, f.date, f.sources) for i, f in enumerate(event.figures)]
        for part, index, date, cited in dated:
            if date is None:
                continue
            for position, source_id in enumerate(cited):
                published = _published(sources.get(source_id))
                if published is not None and published.last_day < date.first_day:
                    yield _at(
                        item,
                        (part, index, "sources", position),
                        "cited-before-it-happened",
                        f"source '{source_id}' was published on {published.isoformat()}, "
                        f"before this {part[:-1]}'s date ({date.isoformat()}): a page "
                        "cannot report what had not happened yet; cite a page published "
                        f"on or after {date.isoformat()}, or correct the date",
                    )


def _published(item: Filed | None) -> PartialDate | None:
    if item is None or not isinstance(item.entity, Source):
        return None
    return item.entity.published


# --- relationships that may fall outside an actor's existence ---------------------------------


def maybe_outside_existence(
    relationships: Mapping[str, Filed], actors: Mapping[str, Filed]
) -> Iterator[Diagnostic]:
    """Where a relationship's date is less precise than the actor's and straddles it.

    The certain cases (a start before the founding day, an end after the dissolution) are
    `outside-existence` errors, reported by validate.py; these are the possible ones.
    """
    for item, relation in _each(relationships, Relationship):
        for actor_id in dict.fromkeys((relation.from_, relation.to)):
            actor_item = actors.get(actor_id)
            if actor_item is None or not isinstance(actor_item.entity, Actor):
                continue
            yield from _straddles(item, relation, actor_item.entity, actor_item.document.path)


def _straddles(
    item: Filed, relation: Relationship, actor: Actor, path: str
) -> Iterator[Diagnostic]:
    start, founded = relation.start, actor.founded
    if (
        start is not None
        and founded is not None
        and start.first_day < founded.first_day <= start.last_day
    ):
        yield _at(
            item,
            ("start",),
            "maybe-outside-existence",
            f"relationship starts in {start.isoformat()}, which may be before '{actor.id}' "
            f"was founded ({founded.isoformat()}, {path}); give the start as precisely "
            "as its sources allow",
        )
    end, dissolved = relation.end, actor.dissolved
    if (
        end is not None
        and dissolved is not None
        and end.first_day <= dissolved.last_day < end.last_day
    ):
        yield _at(
            item,
            ("end",),
            "maybe-outside-existence",
            f"relationship ends in {end.isoformat()}, which may be after '{actor.id}' was "
            f"dissolved ({dissolved.isoformat()}, {path}); give the end as precisely as "
            "its sources allow",
        )


# --- organisations with no founding date ---------------------------------------------------------

# Words in a participant's role that say the event brought the actor into being.
_START_WORDS = re.compile(r"\b(found(ed|ing)|formed|created|established|set up)\b", re.IGNORECASE)


def marks_start(event: Event, actor: Actor) -> bool:
    """Whether the event marks the actor's start: the actor takes part in it, and either its
    role says the event formed it ("junta formed", "alliance created", "founded"), or it is a
    junta taking part in a coup (a junta exists from the coup that made it)."""
    for participant in event.participants:
        if participant.actor != actor.id:
            continue
        if _START_WORDS.search(participant.role):
            return True
        if event.kind is EventKind.COUP and actor.kind is ActorKind.JUNTA:
            return True
    return False


def _events_by_participant(events: Mapping[str, Filed]) -> dict[str, list[Event]]:
    """Each actor's events, found in one pass: actors × events would grow as their product."""
    found: dict[str, list[Event]] = {}
    for _, event in _each(events, Event):
        for actor_id in dict.fromkeys(p.actor for p in event.participants):
            found.setdefault(actor_id, []).append(event)
    return found


def missing_founding_dates(
    actors: Mapping[str, Filed], events: Mapping[str, Filed]
) -> Iterator[Diagnostic]:
    taking_part = _events_by_participant(events)
    for item, actor in _each(actors, Actor):
        if actor.kind is ActorKind.PERSON or actor.founded is not None:
            continue
        marking = [e for e in taking_part.get(actor.id, []) if marks_start(e, actor)]
        if not marking:
            continue
        first = min(marking, key=lambda event: (event.date.sort_key(), event.id))
        noun = actor.kind.value.replace("_", " ")
        yield _at(
            item,
            ("id",),
            "no-founding-date",
            f"{noun} '{actor.id}' has no 'founded' date, but the event '{first.id}' "
            f"({first.date.isoformat()}, {events[first.id].document.path}) marks its start; "
            "add 'founded' with the date its sources give",
        )
