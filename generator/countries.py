"""ISO 3166-1 country codes and names, from pycountry rather than a hand-kept table."""

from __future__ import annotations

from functools import cache

import pycountry

CODES: tuple[str, ...] = tuple(sorted(c.alpha_2 for c in pycountry.countries))
_CODE_SET = frozenset(CODES)


def is_code(value: str) -> bool:
    return value in _CODE_SET


@cache
def name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    # "Niger", not "Niger, Republic of the"; pycountry keeps the common name where it differs.
    return str(getattr(country, "common_name", None) or country.name)


def code_for_name(text: str) -> str | None:
    """The code an editor probably meant when they wrote a name or a 3-letter code."""
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        return None
