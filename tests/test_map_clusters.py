"""The map's clusters of close places: the grid that finds them gives exactly the groups a
comparison of every pair of places gives."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render.figures_map import SEPARATION, _clusters

coordinate = st.floats(min_value=-12.0, max_value=12.0, allow_nan=False).map(lambda v: round(v, 4))
spots = st.lists(st.tuples(coordinate, coordinate), max_size=40).map(tuple)


def components_by_every_pair(points: tuple[tuple[float, float], ...]) -> list[list[int]]:
    groups = [{n} for n in range(len(points))]
    for a in range(len(points)):
        for b in range(a + 1, len(points)):
            if math.dist(points[a], points[b]) < SEPARATION:
                first = next(g for g in groups if a in g)
                second = next(g for g in groups if b in g)
                if first is not second:
                    first |= second
                    groups.remove(second)
    return sorted(sorted(g) for g in groups)


@settings(max_examples=300, deadline=None)
@given(spots)
def test_clusters_are_the_groups_of_places_closer_than_the_separation(points):
    assert sorted(_clusters(points)) == components_by_every_pair(points)


def test_places_exactly_the_separation_apart_are_not_joined():
    assert sorted(_clusters(((0.0, 0.0), (0.0, SEPARATION), (0.0, 2 * SEPARATION - 0.01)))) == [
        [0],
        [1, 2],
    ]
