"""Model: the validated fact base as one collection that answers the site's questions.

Renderers ask the `FactBase` ("events of actor X", "relationships on date D") and never
filter lists by hand, as MkDocs' `Files` collection does for pages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, TypeVar

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

Method = TypeVar("Method", bound=Callable[..., Any])
DERIVED = "__derived_query__"


def derived(method: Method) -> Method:
    """Marks a query made only of the fact base's other queries and lookups.

    The render memo (generator/cache.py) runs such a query on its recording stand-in for the
    fact base, so the entities and indexes it reads are recorded one by one, rather than the
    query and a digest of its whole answer.
    """
    setattr(method, DERIVED, True)
    return method


# The name of a class attribute listing the fields that determine all of an object's others,
# so that the render memo (generator/cache.py) digests only those.
DIGEST_FIELDS = "digest_fields"


@dataclass(frozen=True)
class AttributedClaim:
    """A claim with the event it is about, and its position there (for stable anchors)."""

    event: Event
    index: int
    claim: Claim  # event.claims[index]
    digest_fields: ClassVar[tuple[str, ...]] = ("event", "index")

    @property
    def anchor(self) -> str:
        return f"claim-{self.index + 1}"


@dataclass(frozen=True)
class Citation:
    """One place where a source is cited: which entity, and which part of it."""

    kind: str
    entity_id: str
    title: str
    part: str


def relationship_holds_on(relation: Relationship, day: dt.date) -> bool:
    """Held on `day`: from the first day its start may mean to the last day its end may mean.

    An unknown start means "since before our records"; an unknown end, "still holds".
    """
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

    def events_of_topic(self, topic_id: str) -> list[Event]:
        return self._events_by_topic.get(topic_id, [])

    def events_of_actor(self, actor_id: str) -> list[Event]:
        return self._events_by_actor.get(actor_id, [])

    def relationships_of(self, actor_id: str) -> list[Relationship]:
        return self._relationships_by_actor.get(actor_id, [])

    def relationships_on(self, day: dt.date) -> list[Relationship]:
        return [r for r, first, last in self._spans if first <= day <= last]

    def related_events(self, event_id: str) -> list[Event]:
        """Events this one names as related, and events that name it, in date order."""
        return self._related.get(event_id, [])

    def claims_by(self, actor_id: str) -> list[AttributedClaim]:
        return self._claims_by_claimant.get(actor_id, [])

    @derived
    def figures_of(self, event: Event) -> dict[str, list[Figure]]:
        """The event's figures grouped by what they count, in the order first given."""
        groups: dict[str, list[Figure]] = {}
        for figure in event.figures:
            groups.setdefault(figure.measure, []).append(figure)
        return groups

    @derived
    def neighbours(self, actor_id: str) -> list[Actor]:
        ids = {r.to if r.from_ == actor_id else r.from_ for r in self.relationships_of(actor_id)}
        return sorted((self.actors[i] for i in ids), key=lambda a: a.name.casefold())

    @derived
    def citations_of(self, source_id: str) -> list[Citation]:
        # Derived: the one page that asks, asks for every source, so one read of the index
        # (digested once a build) is recorded rather than 5,000 calls and their answers.
        return self._citations.get(source_id, [])

    @derived
    def label(self, actor_id: str) -> str:
        actor = self.actors[actor_id]
        return actor.short_name or actor.name

    # --- indexes, built once on first use ------------------------------------------------------

    @cached_property
    def relationships_in_order(self) -> list[Relationship]:
        def key(r: Relationship) -> tuple[dt.date, str]:
            return (r.start.first_day if r.start else dt.date.min, r.id)

        return sorted(self.relationships.values(), key=key)

    @cached_property
    def _spans(self) -> list[tuple[Relationship, dt.date, dt.date]]:
        # Each relationship with the first and last day it may hold (relationship_holds_on),
        # worked out once rather than for each day the network is drawn on.
        return [
            (
                relation,
                relation.start.first_day if relation.start is not None else dt.date.min,
                relation.end.last_day if relation.end is not None else dt.date.max,
            )
            for relation in self.relationships_in_order
        ]

    @cached_property
    def all_claims(self) -> list[AttributedClaim]:
        return [
            AttributedClaim(event, index, claim)
            for event in self.events_in_order
            for index, claim in enumerate(event.claims)
        ]

    @cached_property
    def _claims_by_claimant(self) -> dict[str, list[AttributedClaim]]:
        # Every actor page asks; scanning all claims for each would grow as actors × claims.
        groups: dict[str, list[AttributedClaim]] = defaultdict(list)
        for attributed in self.all_claims:
            groups[attributed.claim.claimant].append(attributed)
        return groups

    @cached_property
    def _events_by_topic(self) -> dict[str, list[Event]]:
        groups: dict[str, list[Event]] = defaultdict(list)
        for event in self.events_in_order:
            for topic in event.topics:
                groups[topic].append(event)
        return groups

    @cached_property
    def _events_by_actor(self) -> dict[str, list[Event]]:
        groups: dict[str, list[Event]] = defaultdict(list)
        for event in self.events_in_order:
            for actor in _unique(p.actor for p in event.participants):
                groups[actor].append(event)
        return groups

    @cached_property
    def _relationships_by_actor(self) -> dict[str, list[Relationship]]:
        groups: dict[str, list[Relationship]] = defaultdict(list)
        for relation in self.relationships_in_order:
            groups[relation.from_].append(relation)
            if relation.to != relation.from_:
                groups[relation.to].append(relation)
        return groups

    @cached_property
    def _related(self) -> dict[str, list[Event]]:
        links: dict[str, set[str]] = defaultdict(set)
        for event in self.events.values():
            for other in event.related:
                links[event.id].add(other)
                links[other].add(event.id)
        return {
            event_id: sorted((self.events[i] for i in ids), key=_in_date_order)
            for event_id, ids in links.items()
        }

    @cached_property
    def _citations(self) -> dict[str, list[Citation]]:
        found: dict[str, list[Citation]] = defaultdict(list)
        for citation_source, citation in self._all_citations():
            found[citation_source].append(citation)
        return found

    def _all_citations(self) -> Iterator[tuple[str, Citation]]:
        for actor in sorted(self.actors.values(), key=lambda a: a.id):
            for source in actor.sources:
                yield source, Citation("actors", actor.id, actor.name, "description")
        for event in self.events_in_order:
            for source in event.sources:
                yield source, Citation("events", event.id, event.title, "event")
            for milestone in event.milestones:
                for source in milestone.sources:
                    yield (
                        source,
                        Citation("events", event.id, event.title, f"milestone: {milestone.label}"),
                    )
            for index, claim in enumerate(event.claims):
                for source in claim.sources:
                    yield source, Citation("events", event.id, event.title, f"claim {index + 1}")
            for figure in event.figures:
                for source in figure.sources:
                    yield (
                        source,
                        Citation("events", event.id, event.title, f"figure: {figure.measure}"),
                    )
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

    @derived
    def describe_relationship(self, relation: Relationship) -> str:
        verb = relation.kind.value.replace("_", " ")
        return f"{self.label(relation.from_)} {verb} {self.label(relation.to)}"


def _in_date_order(event: Event) -> tuple[tuple[int, int, int], str]:
    return (event.date.sort_key(), event.id)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
