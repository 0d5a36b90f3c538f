"""Names as readers type them into search: without their accents.

Material's search (lunr) matches words as they are written, so "Goita" does not find
"Goïta", nor "Etats" "États". Its index and its query pipeline cannot be given a folding step
without a plugin, and a plugin would leave a build without our hook (another engine's)
searching differently. So a page's front matter lists among its search terms
(generator/render/page_meta.py), which are in site_src/ whichever engine builds it, the
names it gives without their accents: an actor page its own names and aliases, and every
page the capitalised words of its text that carry one ("Goïta", "Sénou", "États"), so that
"Goita" finds each page that names Goïta, not his page alone.
"""

from __future__ import annotations

import re
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


# A Latin letter with a diacritic (Latin-1 Supplement, Extended-A and -B, Extended
# Additional), where a word with an accent is. Every page of the site is read: looking from
# its few such letters, not at every word, and for these by their code points rather than as
# "a word character outside ASCII", takes a sixth of the time.
_ACCENTED = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")


def unaccented_names(text: str) -> list[str]:
    """The text's capitalised words that carry accents, without them, in order."""
    names: dict[str, None] = {}
    end = 0
    for found in _ACCENTED.finditer(text):
        if found.start() >= end:
            start, end = _word_around(text, found.start())
            word = text[start:end]
            if word[0].isupper() and len(word) > 2:
                names[word] = None
    return unaccented_spellings(names)


def _word_around(text: str, index: int) -> tuple[int, int]:
    start, end = index, index + 1
    while start > 0 and _in_word(text[start - 1]):
        start -= 1
    while end < len(text) and _in_word(text[end]):
        end += 1
    return start, end


def _in_word(character: str) -> bool:
    return character.isalnum() or character == "_"


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
