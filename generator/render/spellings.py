"""Names as readers type them into search: without their accents.

Material's search (lunr) matches words as they are written, so "Goita" does not find
"Goïta", nor "Etats" "États". Its index and its query pipeline cannot be given a folding step
without a plugin, and a plugin would leave a build without our hook (another engine's)
searching differently. So an actor page's front matter lists its names without their accents
among its search terms (generator/render/page_meta.py), which are in site_src/ whichever
engine builds it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# Letters that Unicode does not decompose into a base letter and a mark.
_LIGATURES = str.maketrans({"Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss"})
_LETTERS = str.maketrans("ØøŁłĐđÐðĦħıȷ", "OoLlDdDdHhij")


def unaccented(text: str) -> str:
    """The text with its accents (combining marks) taken off: 'Goïta' → 'Goita'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).translate(_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def unaccented_spellings(names: Iterable[str]) -> list[str]:
    """The names' spellings without accents that are not already among the names."""
    given = list(names)
    known = {name.casefold() for name in given}
    out: dict[str, None] = {}
    for name in given:
        bare = unaccented(name)
        if bare.casefold() not in known:
            known.add(bare.casefold())
            out[bare] = None
    return list(out)
