"""A synthetic fact base in the real schema, at any size, for the benchmark.

Proportions follow the performance issue: about 1 actor per 20 events, 1 relationship per
5, 1 source per 2 and 1 claim per 5. Values are deterministic for a given size (a seeded
generator), so two runs measure the same work. Nothing here is a fact: the names say so.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from generator.schema import ActorKind, ClaimStatus, EventKind, RelationshipKind, StatementKind

TOPICS = ("coups", "aes-formation", "ecowas-exit", "bamako-attack")
COUNTRIES = ("ML", "BF", "NE", "NG", "SN", "GH", "CI", "TD", "MR")
FIRST_DAY = dt.date(2012, 1, 1)
SPAN_DAYS = (dt.date(2025, 12, 31) - FIRST_DAY).days


def write_corpus(root: Path, events: int, seed: int = 7) -> dict[str, int]:
    """Write content/<kind>/*.yaml under `root`; return how many files of each kind."""
    rng = random.Random(seed)
    counts = {
        "actors": max(4, events // 20),
        "relationships": max(1, events // 5),
        "sources": max(1, events // 2),
        "events": events,
    }
    for kind in (*counts, "topics"):
        (root / kind).mkdir(parents=True, exist_ok=True)
    for index, topic in enumerate(TOPICS, start=1):
        _write(root / "topics" / f"{topic}.yaml", _topic(topic, index))
    for i in range(counts["sources"]):
        _write(root / "sources" / f"source-{i}.yaml", _source(i, rng))
    for i in range(counts["actors"]):
        _write(root / "actors" / f"actor-{i}.yaml", _actor(i, rng, counts["sources"]))
    for i in range(counts["relationships"]):
        _write(
            root / "relationships" / f"relationship-{i}.yaml",
            _relationship(i, rng, counts["actors"], counts["sources"]),
        )
    for i in range(events):
        _write(
            root / "events" / f"event-{i}.yaml",
            _event(i, rng, counts["actors"], counts["sources"], events),
        )
    counts["topics"] = len(TOPICS)
    return counts


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _date(rng: random.Random) -> str:
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS))
    precision = rng.random()
    if precision < 0.1:
        return str(day.year)
    if precision < 0.3:
        return f'"{day:%Y-%m}"'
    return day.isoformat()


def _topic(topic: str, order: int) -> str:
    words = " ".join(["Synthetic introduction text for the benchmark."] * 20)
    return (
        f"id: {topic}\ntitle: Synthetic storyline {order}\norder: {order}\n"
        f"introduction: >-\n  {words}\n"
    )


def _source(i: int, rng: random.Random) -> str:
    url = f"url: https://example.org/synthetic/{i}\n" if rng.random() < 0.6 else ""
    return (
        f"id: source-{i}\nkind: news_report\npublisher: Synthetic Publisher {i % 40}\n"
        f"title: Synthetic report number {i}\n{url}published: {_date(rng)}\nlanguage: en\n"
    )


def _actor(i: int, rng: random.Random, sources: int) -> str:
    kinds = list(ActorKind)
    kind = kinds[i % len(kinds)].value
    return (
        f"id: actor-{i}\nname: Synthetic actor {i}\nshort_name: SA{i}\nkind: {kind}\n"
        f"aliases:\n  - name: Acteur synthétique {i}\n    lang: fr\n"
        f"country: {rng.choice(COUNTRIES)}\n"
        f"description: A synthetic actor for the benchmark, number {i}.\n"
        f"sources: [source-{rng.randrange(sources)}]\n"
    )


def _relationship(i: int, rng: random.Random, actors: int, sources: int) -> str:
    source = rng.randrange(actors)
    target = (source + 1 + rng.randrange(actors - 1)) % actors
    start = FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS // 2))
    end = start + dt.timedelta(days=rng.randrange(1, SPAN_DAYS // 2))
    end_line = f"end: {end.isoformat()}\n" if rng.random() < 0.5 else ""
    kind = rng.choice(list(RelationshipKind)).value
    return (
        f"id: relationship-{i}\nfrom: actor-{source}\nto: actor-{target}\nkind: {kind}\n"
        f"start: {start.isoformat()}\n{end_line}sources: [source-{rng.randrange(sources)}]\n"
    )


def _event(i: int, rng: random.Random, actors: int, sources: int, events: int) -> str:
    first, second = rng.sample(range(actors), 2)
    lat = round(rng.uniform(5.0, 24.0), 3)
    lon = round(rng.uniform(-17.0, 16.0), 3)
    lines = [
        f"id: event-{i}",
        f"title: Synthetic event {i}",
        f"kind: {rng.choice(list(EventKind)).value}",
        f"date: {_date(rng)}",
        "location:",
        f"  place: Synthetic place {i % 300}",
        f"  country: {rng.choice(COUNTRIES)}",
        f"  lat: {lat}",
        f"  lon: {lon}",
        "  precision: city",
        "participants:",
        f"  - actor: actor-{first}",
        "    role: first party",
        f"  - actor: actor-{second}",
        "    role: second party",
        "summary: >-",
        f"  A synthetic event used to measure the generator, number {i}, with a summary of",
        "  a realistic length so that pages weigh what real pages weigh.",
        f"topics: [{rng.choice(TOPICS)}]",
        f"sources: [source-{rng.randrange(sources)}]",
    ]
    if i % 5 == 0:
        lines += [
            "claims:",
            f"  - id: claim-of-event-{i}",
            f"    claimant: actor-{first}",
            f"    kind: {rng.choice(list(StatementKind)).value}",
            f"    statement: Synthetic claim about event {i}.",
            f"    status: {rng.choice(list(ClaimStatus)).value}",
            f"    sources: [source-{rng.randrange(sources)}]",
            "figures:",
            "  - id: killed",
            "    measure: killed",
            f"    value: {rng.randrange(1, 200)}",
            "    according_to: synthetic security sources",
            f"    sources: [source-{rng.randrange(sources)}]",
        ]
    if i > 0 and i % 7 == 0:
        lines.append(f"related: [event-{rng.randrange(events)}]")
    return "\n".join(lines) + "\n"
