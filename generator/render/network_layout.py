"""Where the network's actors sit: a deterministic force layout of each connected group,
the groups packed in rows (render/figures_network.py draws them)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from generator.schema import Actor, ActorKind

LAYOUT_ITERATIONS = 200
# Past this many nodes the O(n²) force layout is too slow in pure Python; fall back to
# circles grouped by kind, which stays readable and deterministic.
FORCE_LAYOUT_LIMIT = 400

Position = tuple[float, float]


def layout_positions(
    actors: Sequence[Actor], edges: Sequence[tuple[str, str]]
) -> dict[str, Position]:
    """Deterministic positions: each connected group laid out alone, then packed in rows.

    Laying out groups separately keeps a small unconnected group (a researcher and their
    organisation) from being pushed to the edge and squeezing the main network.
    """
    if len(actors) > FORCE_LAYOUT_LIMIT:
        return _grouped_circle(actors)
    by_id = {a.id: a for a in actors}
    groups = connected_groups(sorted(by_id), edges)
    placed = [_normalised(_group_layout([by_id[i] for i in g], edges)) for g in groups]
    return _pack(placed)


def connected_groups(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Connected components, largest first, each sorted; ties broken by their first id."""
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in edges:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for i in ids:
        groups.setdefault(find(i), []).append(i)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def _group_layout(actors: Sequence[Actor], edges: Sequence[tuple[str, str]]) -> dict[str, Position]:
    circle = _grouped_circle(actors)
    if len(actors) < 3:
        return circle
    members = set(circle)
    inside = [(a, b) for a, b in edges if a in members and b in members]
    return _force_directed(circle, inside)


def _pack(groups: Sequence[dict[str, Position]]) -> dict[str, Position]:
    """The largest group in a 2×2 box; smaller ones, scaled by size, in rows beneath it."""
    if not groups:
        return {}
    largest = len(groups[0])
    out: dict[str, Position] = dict(groups[0])
    x, y, row_height = -1.0, -1.0 - 0.35, 0.0
    for group in groups[1:]:
        radius = max(0.12, math.sqrt(len(group) / largest))
        if x + 2 * radius > 1.0 and x > -1.0:
            x, y, row_height = -1.0, y - row_height - 0.25, 0.0
        for actor_id, (px, py) in group.items():
            out[actor_id] = (x + radius + px * radius, y - radius + py * radius)
        x += 2 * radius + 0.25
        row_height = max(row_height, 2 * radius)
    return out


def _grouped_circle(actors: Sequence[Actor]) -> dict[str, Position]:
    ordered = sorted(actors, key=lambda a: (list(ActorKind).index(a.kind), a.id))
    count = max(len(ordered), 1)
    return {
        actor.id: (math.cos(2 * math.pi * i / count), math.sin(2 * math.pi * i / count))
        for i, actor in enumerate(ordered)
    }


def _force_directed(
    start: dict[str, Position], edges: Sequence[tuple[str, str]]
) -> dict[str, Position]:
    """A small ForceAtlas2-like layout, with a fixed number of iterations.

    Repulsion grows with both nodes' degrees, so hubs (Mali, JNIM, ECOWAS) push apart and
    keep room for their leaves; attraction is linear along edges; a gravity proportional to
    degree holds the group together. No randomness: the start is a circle by kind and id.
    """
    ids = sorted(start)
    pos = {i: [start[i][0] * 10, start[i][1] * 10] for i in ids}
    pairs = sorted({(a, b) if a < b else (b, a) for a, b in edges if a != b})
    degree = dict.fromkeys(ids, 0)
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    for step in range(LAYOUT_ITERATIONS):
        moves = {i: [0.0, 0.0] for i in ids}
        for a_index, a in enumerate(ids):
            for b in ids[a_index + 1 :]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                distance_sq = max(dx * dx + dy * dy, 1e-4)
                force = (degree[a] + 1) * (degree[b] + 1) / distance_sq
                _push(moves, a, b, dx * force, dy * force)
        for a, b in pairs:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            _push(moves, a, b, -dx * 0.5, -dy * 0.5)
        temperature = 2.0 * (1 - step / LAYOUT_ITERATIONS) + 0.05
        for i in ids:
            gravity = 0.05 * (degree[i] + 1)
            mx, my = moves[i][0] - gravity * pos[i][0], moves[i][1] - gravity * pos[i][1]
            length = max(math.hypot(mx, my), 1e-9)
            pos[i][0] += mx / length * min(length, temperature)
            pos[i][1] += my / length * min(length, temperature)
    return {i: (pos[i][0], pos[i][1]) for i in ids}


def _push(moves: dict[str, list[float]], a: str, b: str, fx: float, fy: float) -> None:
    moves[a][0] += fx
    moves[a][1] += fy
    moves[b][0] -= fx
    moves[b][1] -= fy


def _normalised(pos: dict[str, Position]) -> dict[str, Position]:
    if len(pos) == 1:
        return dict.fromkeys(pos, (0.0, 0.0))
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    scale = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) / 2
    return {i: ((x - cx) / scale, (y - cy) / scale) for i, (x, y) in pos.items()}
