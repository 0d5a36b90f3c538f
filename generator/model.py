"""Model: the validated fact base as one collection that answers the site's questions.

Renderers ask the `FactBase` ("events of actor X", "relationships on date D") and never
filter lists by hand, as MkDocs' `Files` collection does for pages.
"""

from __future__ import annotations

import datetime as dt
from bisect import insort
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
T = TypeVar("T")
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
        # The network figure asks for the same few dozen days every build: each answer is
        # kept, and so is the same list object for as long as the relationships stay the same.
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
    def citations_of(self, source_id: str) -> tuple[Citation, ...]:
        # Derived: the one page that asks, asks for every source, so one read of the index
        # (digested once a build) is recorded rather than 5,000 calls and their answers.
        # Tuples, kept from build to build while unchanged: a page's pieces take them whole.
        return self._citations.get(source_id, ())

    @derived
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
                relation.start.first_day if relation.start is not None else dt.date.min,
                relation.end.last_day if relation.end is not None else dt.date.max,
            )
            for relation in self.relationships_in_order
        ]

    @cached_property
    def _on_day(self) -> dict[dt.date, list[Relationship]]:
        return {}

    @cached_property
    def all_claims(self) -> list[AttributedClaim]:
        return [attributed for event in self.events_in_order for attributed in _claims_of(event)]

    @cached_property
    def _claims_by_claimant(self) -> dict[str, list[AttributedClaim]]:
        # Every actor page asks; scanning all claims for each would grow as actors × claims.
        return _grouped((a.claim.claimant, a) for a in self.all_claims)

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
    def _citations(self) -> dict[str, tuple[Citation, ...]]:
        return _as_tuples(_grouped(self._all_citations()))

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

    @derived
    def describe_relationship(self, relation: Relationship) -> str:
        verb = relation.kind.value.replace("_", " ")
        return f"{self.label(relation.from_)} {verb} {self.label(relation.to)}"

    # --- a rebuild after a few edits ----------------------------------------------------------

    def sharing_collections_of(self, previous: FactBase) -> FactBase:
        """This fact base, holding `previous`'s dictionary of each kind whose entities are
        all the very same objects, in the same order: what a build reads of a collection
        that did not change is then the very object the last build digested."""
        same = {
            kind: getattr(previous, kind)
            for kind in _COLLECTIONS
            if _same_collection(getattr(previous, kind), getattr(self, kind))
        }
        return replace(self, **same) if same else self

    def take_indexes_from(self, previous: FactBase) -> None:
        """Start with the indexes `previous` had worked out, where they still hold.

        `mkdocs serve` builds again after each edit, and every index is read in every
        build. An index is carried over as the very same object when none of the
        collections it is worked out from changed (an entity counts as changed when it is
        not the same object: the parse cache hands back the same one for an unchanged
        file). When only a few events changed, each index that lists events is patched:
        the old versions' entries are taken out and the new ones' put where a build from
        scratch would put them, and every other entry stays the object it was. Anything
        else is left to be worked out again when first asked for.
        """
        held, mine = vars(previous), vars(self)
        ids = {
            kind: _changed_ids(getattr(previous, kind), getattr(self, kind))
            for kind in frozenset().union(*_INDEX_SOURCES.values())
        }
        changed = {kind for kind, edited in ids.items() if edited}
        patch = (
            _EventPatch(previous, self, ids["events"])
            if changed == {"events"} and len(ids["events"]) <= PATCH_MOST_EVENTS
            else None
        )
        for name, sources in _INDEX_SOURCES.items():
            if name not in held or name in mine:
                continue
            if not sources & changed:
                mine[name] = held[name]
            elif patch is not None:
                patched = patch.index(name, held[name])
                if patched is not None:
                    mine[name] = patched


# Which entity collections each cached index is worked out from (see take_indexes_from);
# an index not named here is always worked out afresh.
_INDEX_SOURCES: dict[str, frozenset[str]] = {
    "events_in_order": frozenset({"events"}),
    "topics_in_order": frozenset({"topics"}),
    "actors_by_kind": frozenset({"actors"}),
    "relationships_in_order": frozenset({"relationships"}),
    "_spans": frozenset({"relationships"}),
    "_on_day": frozenset({"relationships"}),
    "_relationships_by_actor": frozenset({"relationships"}),
    "all_claims": frozenset({"events"}),
    "_claims_by_claimant": frozenset({"events"}),
    "_events_by_topic": frozenset({"events"}),
    "_events_by_actor": frozenset({"events"}),
    "_related": frozenset({"events"}),
    # A relationship's citation is described with its actors' labels.
    "_citations": frozenset({"actors", "events", "relationships"}),
}

# Past this many changed events, patching each index is no quicker than building it again.
PATCH_MOST_EVENTS = 64


_COLLECTIONS = ("actors", "events", "relationships", "sources", "topics")


def _same_collection(old: Mapping[str, object], new: Mapping[str, object]) -> bool:
    return old is new or (
        len(old) == len(new)
        and all(a == b and x is y for (a, x), (b, y) in zip(old.items(), new.items(), strict=True))
    )


def _changed_ids(old: Mapping[str, object], new: Mapping[str, object]) -> set[str]:
    """The ids whose entity is not the very same object in both (added and removed ones too)."""
    if old is new:
        return set()
    changed = {key for key, value in new.items() if old.get(key) is not value}
    return changed | (old.keys() - new.keys())


class _EventPatch:
    """The indexes that list events, patched for a few changed (added, removed) events."""

    def __init__(self, previous: FactBase, current: FactBase, edited: set[str]) -> None:
        self._current = current
        self._edited = edited
        self._old = [previous.events[i] for i in sorted(edited) if i in previous.events]
        self._new = sorted(
            (current.events[i] for i in edited if i in current.events), key=_in_date_order
        )
        self._claims = {event.id: _claims_of(event) for event in self._new}

    def index(self, name: str, old: Any) -> Any:
        """The patched index, or None for one that is to be worked out again."""
        edited, new = self._edited, self._new
        if name == "events_in_order":
            return _patched(old, lambda e: e.id in edited, new, _in_date_order)
        if name == "all_claims":
            fresh = [a for event in new for a in self._claims[event.id]]
            return _patched(old, lambda a: a.event.id in edited, fresh, _claim_order)
        if name == "_claims_by_claimant":
            pairs = [(a.claim.claimant, a) for e in new for a in self._claims[e.id]]
            were = {claim.claimant for e in self._old for claim in e.claims}
            return self._groups(old, were, pairs, lambda a: a.event.id, _claim_order)
        if name == "_events_by_topic":
            return self._event_groups(old, _topic_pairs)
        if name == "_events_by_actor":
            return self._event_groups(old, _actor_pairs)
        if name == "_citations":
            patched = self._groups(
                old,
                {source for event in self._old for source, _ in _event_citations(event)},
                [pair for event in new for pair in _event_citations(event)],
                lambda c: c.entity_id if c.kind == "events" else None,
                self._citation_order,
            )
            return _as_tuples(patched)
        if name == "_related" and len(new) == len(self._edited):
            return self._related(old)
        return None

    def _event_groups(
        self, old: dict[str, list[Event]], pairs: Callable[[Event], Iterable[tuple[str, Event]]]
    ) -> dict[str, Sequence[Event]]:
        return self._groups(
            old,
            {group for event in self._old for group, _ in pairs(event)},
            [pair for event in self._new for pair in pairs(event)],
            lambda e: e.id,
            _in_date_order,
        )

    def _groups(
        self,
        old: Mapping[str, Sequence[T]],
        were: set[str],
        new_pairs: list[tuple[str, T]],
        event_of: Callable[[T], str | None],
        order: Callable[[T], Any],
    ) -> dict[str, Sequence[T]]:
        """`old` with, in each group an edited event was in (`were`) or is in, its old
        members taken out and its new ones put in place; every other group is the very
        same list."""
        edited = self._edited
        groups = dict(old)
        for group in were | {group for group, _ in new_pairs}:
            members = _patched(
                old.get(group, []),
                lambda member: event_of(member) in edited,
                [member for key, member in new_pairs if key == group],
                order,
            )
            if members:
                groups[group] = members
            else:
                groups.pop(group, None)
        return _in_key_order(groups, old)

    def _citation_order(self, citation: Citation) -> tuple[int, Any]:
        # As _all_citations lists them: actors by id, events in date order, relationships.
        if citation.kind == "actors":
            return (0, citation.entity_id)
        if citation.kind == "events":
            return (1, _in_date_order(self._current.events[citation.entity_id]))
        relation = self._current.relationships[citation.entity_id]
        return (2, _relationship_order(relation))

    def _related(self, old: dict[str, list[Event]]) -> dict[str, list[Event]]:
        # Only when no event was removed: the events that named a removed one are errors
        # until edited, but the lists of the others would still have to lose it. An added
        # event is named only by edited ones: an unchanged one named only ids that existed.
        events = self._current.events
        touched = set(self._edited)
        for event in self._old:
            touched.update(e.id for e in old.get(event.id, []))
        for event in self._new:
            touched.update(event.related)
        related = dict(old)
        for event_id in touched:
            linked = set(events[event_id].related)
            linked.update(e.id for e in old.get(event_id, []) if event_id in events[e.id].related)
            linked.update(e.id for e in self._new if event_id in e.related)
            if linked:
                related[event_id] = sorted((events[i] for i in linked), key=_in_date_order)
            else:
                related.pop(event_id, None)
        return _in_key_order(related, old)


def _in_key_order(patched: dict[str, T], old: Mapping[str, object]) -> dict[str, T]:
    # A group that was added goes where a build from scratch puts it (see _grouped).
    return patched if patched.keys() <= old.keys() else dict(sorted(patched.items()))


def _patched(
    items: Sequence[T], gone: Callable[[T], bool], fresh: Iterable[T], order: Callable[[T], Any]
) -> list[T]:
    """`items`, in `order`, without those `gone`, with `fresh` put in place: a new list."""
    kept = [item for item in items if not gone(item)]
    for item in fresh:
        # After any equal: an event's several entries keep the order they were given in.
        insort(kept, item, key=order)
    return kept


def _grouped(pairs: Iterable[tuple[str, T]]) -> dict[str, list[T]]:
    """The members of each group, in the order given, and the groups in key order: in the
    same order however the index was made (a digest of the whole reads it in order)."""
    groups: dict[str, list[T]] = defaultdict(list)
    for group, member in pairs:
        groups[group].append(member)
    return dict(sorted(groups.items()))


def _as_tuples(groups: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Each group as a tuple; one that is a tuple already stays the very same object."""
    return {
        key: members if type(members) is tuple else tuple(members)
        for key, members in groups.items()
    }


def _claims_of(event: Event) -> list[AttributedClaim]:
    return [AttributedClaim(event, index, claim) for index, claim in enumerate(event.claims)]


def _claim_order(attributed: AttributedClaim) -> tuple[Any, int]:
    return (_in_date_order(attributed.event), attributed.index)


def _topic_pairs(event: Event) -> Iterator[tuple[str, Event]]:
    return ((topic, event) for topic in event.topics)


def _actor_pairs(event: Event) -> Iterator[tuple[str, Event]]:
    return ((actor, event) for actor in _unique(p.actor for p in event.participants))


def _event_citations(event: Event) -> Iterator[tuple[str, Citation]]:
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
            yield source, Citation("events", event.id, event.title, f"figure: {figure.measure}")


def _relationship_order(relation: Relationship) -> tuple[dt.date, str]:
    return (relation.start.first_day if relation.start else dt.date.min, relation.id)


def _in_date_order(event: Event) -> tuple[tuple[int, int, int], str]:
    return (event.date.sort_key(), event.id)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
