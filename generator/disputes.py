"""Disputes: what the sources of an event say that cannot all be true, found from the model.

Three kinds, each a pure function of an event:
- figures on one measure whose ranges have no number in common (`figure_disputes`);
- statements an editor linked as contradicting each other (`statement_disputes`);
- the event's date against the other dates sources give (`date_dispute`).

Each reported figure is read as the interval of counts it allows (`allowed`). "At least 70"
allows 70 and more, so it agrees with "77"; "about 100" allows 90 to 110 (ABOUT_PERCENT),
so it does not agree with "77". docs/design.md gives the reasons.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from generator.model import FactBase
from generator.schema import Claim, DateAlternative, Event, Figure, FigureQualifier

# "About N" allows N less or more this per cent of N, rounded outwards: "about 100" is 90 to
# 110, "about 5" is 4 to 6.
ABOUT_PERCENT = 10

# The counts a figure given only in words allows, read as widely as the words go, so that a
# loose word never makes a dispute on its own. Words not listed here are never compared.
WORDS: tuple[tuple[str, int, int | None], ...] = (
    ("thousands", 1000, None),
    ("hundreds", 100, 999),
    ("dozens", 12, 999),
    ("a few dozen", 12, 999),
)


@dataclass(frozen=True)
class Allowed:
    """The counts a figure allows: from `low` to `high` (None: no upper bound)."""

    low: int
    high: int | None


def allowed(figure: Figure) -> Allowed | None:
    """The counts the figure allows, or None for words this module does not read."""
    if figure.value is not None:
        return _qualified(figure.qualifier, figure.value, figure.value)
    if figure.min is not None or figure.max is not None:
        return _qualified(figure.qualifier, figure.min, figure.max)
    words = (figure.as_reported or "").strip().casefold()
    for known, low, high in WORDS:
        if words == known:
            return Allowed(low, high)
    return None


def _qualified(qualifier: FigureQualifier, low: int | None, high: int | None) -> Allowed:
    if qualifier is FigureQualifier.AT_LEAST:
        return Allowed(low if low is not None else high or 0, None)
    if qualifier is FigureQualifier.MORE_THAN:
        return Allowed((low if low is not None else high or 0) + 1, None)
    if qualifier is FigureQualifier.UP_TO:
        return Allowed(0, high if high is not None else low)
    if qualifier is FigureQualifier.ABOUT:
        return Allowed(
            max(0, (low or 0) - _about(low or 0)), None if high is None else high + _about(high)
        )
    # exactly: a value, or the range as given (a lone 'min' is a floor, a lone 'max' a ceiling)
    return Allowed(low or 0, high)


def _about(count: int) -> int:
    return -(-count * ABOUT_PERCENT // 100)  # in integers, rounded up: no float error


def agree(figures: list[Figure]) -> bool:
    """True when some count is allowed by every figure that can be read."""
    return _compatible([a for a in map(allowed, figures) if a is not None])


def _compatible(ranges: list[Allowed]) -> bool:
    return not ranges or _highest_floor(ranges) <= _lowest_ceiling(ranges)


def _highest_floor(ranges: list[Allowed]) -> int:
    return max(a.low for a in ranges)


def _lowest_ceiling(ranges: list[Allowed]) -> float:
    return min(math.inf if a.high is None else a.high for a in ranges)


@dataclass(frozen=True)
class FigureDispute:
    """Figures on one measure that cannot all be true.

    `low` are the figures that allow the fewest (their upper bound is the lowest), `high` the
    figures that demand the most (their lower bound is the highest): each end of the gap.
    """

    event: Event
    measure: str
    figures: tuple[Figure, ...]
    low: tuple[Figure, ...]
    high: tuple[Figure, ...]


@dataclass(frozen=True)
class StatementDispute:
    """A statement and the one it contradicts, as an editor linked them."""

    event: Event
    claim: Claim
    contradicted: Claim


@dataclass(frozen=True)
class DateDispute:
    """The event's date and the other dates sources give for it."""

    event: Event
    alternatives: tuple[DateAlternative, ...]


Dispute = FigureDispute | StatementDispute | DateDispute


def figure_disputes(event: Event) -> list[FigureDispute]:
    found = []
    for measure, figures in _by_measure(event).items():
        readable = [(f, a) for f in figures if (a := allowed(f)) is not None]
        ranges = [a for _, a in readable]
        if _compatible(ranges):
            continue
        ceiling, floor = _lowest_ceiling(ranges), _highest_floor(ranges)
        low = tuple(f for f, a in readable if a.high is not None and a.high == ceiling)
        high = tuple(f for f, a in readable if a.low == floor)
        found.append(FigureDispute(event, measure, tuple(figures), low, high))
    return found


def _by_measure(event: Event) -> dict[str, list[Figure]]:
    # "Killed" and "killed " are one measure; the first spelling names it.
    groups: dict[str, list[Figure]] = {}
    names: dict[str, str] = {}
    for figure in event.figures:
        key = " ".join(figure.measure.casefold().split())
        groups.setdefault(names.setdefault(key, figure.measure), []).append(figure)
    return groups


def statement_disputes(event: Event) -> list[StatementDispute]:
    """Each contradiction once, however many of its two claims name the other."""
    claims = {claim.id: claim for claim in event.claims}
    seen: set[frozenset[str]] = set()
    found = []
    for claim in event.claims:
        for target in claim.contradicts:
            pair = frozenset((claim.id, target))
            if target in claims and target != claim.id and pair not in seen:
                seen.add(pair)
                found.append(StatementDispute(event, claim, claims[target]))
    return found


def date_dispute(event: Event) -> DateDispute | None:
    if not event.date_alternatives:
        return None
    return DateDispute(event, tuple(event.date_alternatives))


def disputes_of(event: Event) -> list[Dispute]:
    """The event's disputes: its date first, then figures, then statements."""
    found: list[Dispute] = []
    dated = date_dispute(event)
    if dated is not None:
        found.append(dated)
    found.extend(figure_disputes(event))
    found.extend(statement_disputes(event))
    return found


def disputes_by_storyline(facts: FactBase) -> dict[str | None, list[Dispute]]:
    """Every dispute of the fact base, by storyline id in the storylines' order (an event
    under two storylines is listed under each; None: events under no storyline)."""
    groups: dict[str | None, list[Dispute]] = {t.id: [] for t in facts.topics_in_order}
    groups[None] = []
    for event, found in _disputed_events(facts):
        topics: list[str | None] = [t for t in event.topics if t in facts.topics] or [None]
        for topic in topics:
            groups[topic].extend(found)
    return {topic: found for topic, found in groups.items() if found}


def _disputed_events(facts: FactBase) -> Iterator[tuple[Event, list[Dispute]]]:
    for event in facts.events_in_order:
        found = disputes_of(event)
        if found:
            yield event, found
