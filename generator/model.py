"""Model: the validated fact base as one collection that answers the site's questions.

Renderers ask the `FactBase` ("events of actor X", "relationships on date D") and never
filter lists by hand, as MkDocs' `Files` collection does for pages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from generator.dates import PartialDate, SortKey
from generator.schema import (
    Actor,
    ActorKind,
    Claim,
    Event,
    Figure,
    Relationship,
    Source,
    Topic,
)

T = TypeVar("T")
K = TypeVar("K", str, int)


@dataclass(frozen=True)
class AttributedClaim:
    """A claim with the event it is about, and its position there (its number on the page)."""

    event: Event
    index: int
    claim: Claim  # event.claims[index]

    @property
    def anchor(self) -> str:
        return claim_anchor(self.claim)


def claim_anchor(claim: Claim) -> str:
    """From the claim's own id, so links survive the claims being reordered or added to."""
    return f"claim-{claim.id}"


def figure_anchor(figure: Figure) -> str:
    return f"figure-{figure.id}"


def figures_by_measure(event: Event) -> dict[str, list[Figure]]:
    """The event's figures grouped by what they count, in the order first given. (Not a
    FactBase method: it reads the event alone, which a render unit has read already.)"""
    groups: dict[str, list[Figure]] = {}
    for figure in event.figures:
        groups.setdefault(figure.measure, []).append(figure)
    return groups


@dataclass(frozen=True)
class Citation:
    """One place where a source is cited: which entity, and which part of it."""

    kind: str
    entity_id: str
    title: str
    part: str
    anchor: str = ""  # the part's own anchor on the entity's page, if it has one


@dataclass(frozen=True)
class Record:
    """A dated thing the content records an actor in: an event it took part in, a statement
    or figure it gave on a known date (`anchor` is the claim's or figure's on the event's
    page), or a relationship of it with a known start or end."""

    date: PartialDate
    what: Event | Relationship
    anchor: str = ""


def relationship_holds_on(
    relation: Relationship, day: dt.date, both_exist_from: dt.date = dt.date.min
) -> bool:
    """Held on `day`: from the first day its start may mean to the last day its end may mean.

    An unknown start means "since before our records", but never before `both_exist_from`,
    the day from which both its actors are known to exist (FactBase.both_exist_from): a junta
    of 2023 was opposed by no one in 2020. A start "by X" (`../X`) holds from X: then at the
    latest, and its `first_day` is X's. An unknown end means "still holds".
    """
    if relation.start is None and day < both_exist_from:
        return False
    if relation.start is not None and day < relation.start.first_day:
        return False
    return not (relation.end is not None and day > relation.end.last_day)


@dataclass(frozen=True)
class FactBase:
    actors: dict[str, Actor]
    events: dict[str, Event]
    relationships: dict[str, Relationship]
    sources: dict[str, Source]
    topics: dict[str, Topic]
    # The content file each entity came from, as "content/events/x.yaml", for edit links.
    files: dict[tuple[str, str], str] = field(default_factory=dict)

    # --- ordered views --------------------------------------------------------------------

    @cached_property
    def events_in_order(self) -> list[Event]:
        return sorted(self.events.values(), key=_in_date_order)

    @cached_property
    def topics_in_order(self) -> list[Topic]:
        return sorted(self.topics.values(), key=lambda t: (t.order, t.id))

    @cached_property
    def actors_by_kind(self) -> dict[ActorKind, list[Actor]]:
        groups: dict[ActorKind, list[Actor]] = {kind: [] for kind in ActorKind}
        for actor in sorted(self.actors.values(), key=lambda a: a.name.casefold()):
            groups[actor.kind].append(actor)
        return {kind: actors for kind, actors in groups.items() if actors}

    # --- queries --------------------------------------------------------------------------

    def file_of(self, kind: str, entity_id: str) -> str:
        return self.files.get((kind, entity_id), f"content/{kind}/{entity_id}.yaml")

    def events_in_year(self, year: int) -> list[Event]:
        """The events that began in `year` (as far as their date is known), in date order."""
        return self._events_by_year.get(year, [])

    def events_per_year(self) -> dict[int, int]:
        """How many events began in each year, in year order."""
        return {year: len(events) for year, events in self._events_by_year.items()}

    def latest_events(self, count: int) -> list[Event]:
        """The last `count` events in date order, latest first."""
        return list(reversed(self.events_in_order[-count:]))

    def events_of_topic(self, topic_id: str) -> list[Event]:
        return self._events_by_topic.get(topic_id, [])

    def events_of_actor(self, actor_id: str) -> list[Event]:
        return self._events_by_actor.get(actor_id, [])

    def relationships_of(self, actor_id: str) -> list[Relationship]:
        return self._relationships_by_actor.get(actor_id, [])

    def relationships_on(self, day: dt.date) -> list[Relationship]:
        # The network figure and its table ask for the same few dozen days: each answer is kept.
        found = self._on_day.get(day)
        if found is None:
            found = [r for r, first, last in self._spans if first <= day <= last]
            self._on_day[day] = found
        return found

    def related_events(self, event_id: str) -> list[Event]:
        """Events this one names as related, and events that name it, in date order."""
        return self._related.get(event_id, [])

    def claims_by(self, actor_id: str) -> list[AttributedClaim]:
        return self._claims_by_claimant.get(actor_id, [])

    def neighbours(self, actor_id: str) -> list[Actor]:
        ids = {r.to if r.from_ == actor_id else r.from_ for r in self.relationships_of(actor_id)}
        return sorted((self.actors[i] for i in ids), key=lambda a: a.name.casefold())

    def citations_of(self, source_id: str) -> tuple[Citation, ...]:
        return self._citations.get(source_id, ())

    def label(self, actor_id: str) -> str:
        actor = self.actors[actor_id]
        return actor.short_name or actor.name

    # --- indexes, built once on first use ------------------------------------------------------

    @cached_property
    def relationships_in_order(self) -> list[Relationship]:
        return sorted(self.relationships.values(), key=_relationship_order)

    @cached_property
    def _spans(self) -> list[tuple[Relationship, dt.date, dt.date]]:
        # Each relationship with the first and last day it may hold (relationship_holds_on),
        # worked out once rather than for each day the network is drawn on.
        return [
            (
                relation,
                relation.start.first_day
                if relation.start is not None
                else self.both_exist_from(relation),
                relation.end.last_day if relation.end is not None else dt.date.max,
            )
            for relation in self.relationships_in_order
        ]

    @cached_property
    def _on_day(self) -> dict[dt.date, list[Relationship]]:
        return {}

    @cached_property
    def all_claims(self) -> list[AttributedClaim]:
        return [attributed for event in self.events_in_order for attributed in claims_of(event)]

    @cached_property
    def _claims_by_claimant(self) -> dict[str, list[AttributedClaim]]:
        # Every actor page asks; scanning all claims for each would grow as actors × claims.
        return _grouped((a.claim.claimant, a) for a in self.all_claims)

    @cached_property
    def _events_by_year(self) -> dict[int, list[Event]]:
        return _grouped((event.date.year, event) for event in self.events_in_order)

    @cached_property
    def _events_by_topic(self) -> dict[str, list[Event]]:
        return _grouped(pair for event in self.events_in_order for pair in _topic_pairs(event))

    @cached_property
    def _events_by_actor(self) -> dict[str, list[Event]]:
        return _grouped(pair for event in self.events_in_order for pair in _actor_pairs(event))

    @cached_property
    def _relationships_by_actor(self) -> dict[str, list[Relationship]]:
        groups: dict[str, list[Relationship]] = defaultdict(list)
        for relation in self.relationships_in_order:
            groups[relation.from_].append(relation)
            if relation.to != relation.from_:
                groups[relation.to].append(relation)
        return dict(sorted(groups.items()))

    @cached_property
    def _related(self) -> dict[str, list[Event]]:
        links: dict[str, set[str]] = defaultdict(set)
        for event in self.events.values():
            for other in event.related:
                links[event.id].add(other)
                links[other].add(event.id)
        return {
            event_id: sorted((self.events[i] for i in links[event_id]), key=_in_date_order)
            for event_id in sorted(links)
        }

    @cached_property
    def _first_records(self) -> dict[str, Record]:
        # A thing said *about* an actor (a claim naming it, a figure of its dead) is no sign
        # that it existed then; taking part, speaking, or being tied to another actor is.
        first: dict[str, tuple[tuple[dt.date, int], Record]] = {}
        for rank, (actor_id, record) in enumerate(self._records()):
            key = (record.date.first_day, rank)
            if actor_id not in first or key < first[actor_id][0]:
                first[actor_id] = (key, record)
        return {actor_id: record for actor_id, (_, record) in sorted(first.items())}

    def _records(self) -> Iterator[tuple[str, Record]]:
        """Every actor's records: events before relationships, so that on a tie the first
        record is the event, which says most."""
        for event in self.events_in_order:
            for actor_id in _unique(p.actor for p in event.participants):
                yield actor_id, Record(event.date, event)
            for claimant, date, anchor in _statements(event):
                if claimant is not None and date is not None:
                    yield claimant, Record(date, event, anchor)
        for relation in self.relationships_in_order:
            # It held on its first day and on its last (relationship_holds_on): so did both.
            for date in (relation.start, relation.end):
                if date is not None:
                    yield relation.from_, Record(date, relation)
                    yield relation.to, Record(date, relation)

    @cached_property
    def _citations(self) -> dict[str, tuple[Citation, ...]]:
        return {key: tuple(found) for key, found in _grouped(self._all_citations()).items()}

    def _all_citations(self) -> Iterator[tuple[str, Citation]]:
        for actor in sorted(self.actors.values(), key=lambda a: a.id):
            for source in actor.sources:
                yield source, Citation("actors", actor.id, actor.name, "description")
        for event in self.events_in_order:
            yield from _event_citations(event)
        for relation in self.relationships_in_order:
            for source in relation.sources:
                yield (
                    source,
                    Citation(
                        "relationships",
                        relation.id,
                        self.describe_relationship(relation),
                        "relationship",
                    ),
                )

    def both_exist_from(self, relation: Relationship) -> dt.date:
        """The first day on which both its actors are known to exist (`known_from`)."""
        return max(self.known_from(relation.from_), self.known_from(relation.to))

    def known_from(self, actor_id: str) -> dt.date:
        """The day from which the content knows the actor existed (`existence_start`); with
        no such date, nothing bounds it."""
        start = self.existence_start(actor_id)
        return start.first_day if start is not None else dt.date.min

    def existence_start(self, actor_id: str) -> PartialDate | None:
        """Its `founded` date or, with none, the date of its first record (`first_record`)."""
        founded = self.actors[actor_id].founded
        if founded is not None:
            return founded
        record = self.first_record(actor_id)
        return record.date if record is not None else None

    def first_record(self, actor_id: str) -> Record | None:
        """The earliest dated thing the content records the actor in (see Record)."""
        return self._first_records.get(actor_id)

    def describe_relationship(self, relation: Relationship) -> str:
        verb = relation.kind.value.replace("_", " ")
        return f"{self.label(relation.from_)} {verb} {self.label(relation.to)}"


def _grouped(pairs: Iterable[tuple[K, T]]) -> dict[K, list[T]]:
    """The members of each group, in the order given, and the groups in key order."""
    groups: dict[K, list[T]] = defaultdict(list)
    for group, member in pairs:
        groups[group].append(member)
    return dict(sorted(groups.items()))


def claims_of(event: Event) -> list[AttributedClaim]:
    return [AttributedClaim(event, index, claim) for index, claim in enumerate(event.claims)]


def _topic_pairs(event: Event) -> Iterator[tuple[str, Event]]:
    return ((topic, event) for topic in event.topics)


def _actor_pairs(event: Event) -> Iterator[tuple[str, Event]]:
    return ((actor, event) for actor in _unique(p.actor for p in event.participants))


def _statements(event: Event) -> Iterator[tuple[str | None, PartialDate | None, str]]:
    """Who gave each claim and figure of the event, when (if known), and its anchor."""
    for claim in event.claims:
        yield claim.claimant, claim.date, claim_anchor(claim)
    for figure in event.figures:
        yield figure.claimant, figure.date, figure_anchor(figure)


def _event_citations(event: Event) -> Iterator[tuple[str, Citation]]:
    for source in event.sources:
        yield source, Citation("events", event.id, event.title, "event")
    for milestone in event.milestones:
        for source in milestone.sources:
            yield (
                source,
                Citation("events", event.id, event.title, f"milestone: {milestone.label}"),
            )
    for alternative in event.date_alternatives:
        for source in alternative.sources:
            yield source, Citation("events", event.id, event.title, "date")
    for index, claim in enumerate(event.claims):
        for source in claim.sources:
            part = f"claim {index + 1}"
            yield source, Citation("events", event.id, event.title, part, claim_anchor(claim))
    for figure in event.figures:
        for source in figure.sources:
            yield source, Citation("events", event.id, event.title, f"figure: {figure.measure}")


def _relationship_order(relation: Relationship) -> tuple[dt.date, str]:
    return (relation.start.first_day if relation.start else dt.date.min, relation.id)


def _in_date_order(event: Event) -> tuple[SortKey, str]:
    return (event.date.sort_key(), event.id)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
