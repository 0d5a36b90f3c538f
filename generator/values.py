"""Checks of plain values the schema's fields share: ids, web addresses and text.

Kept apart from the schema (generator/schema.py) so that the checker's other stages can
name a character or test an address the way the schema does.
"""

from __future__ import annotations

import re
import string
import unicodedata

from pydantic_core import PydanticCustomError

# A well-formed absolute http(s) address (RFC 3986), as one pattern that Python and the
# ECMAScript regular expressions of editors' JSON Schema tools read alike. Beyond RFC 3986,
# any non-ASCII character but a space or an invisible one may stand for itself, as browsers
# show addresses (`.../coup_d'état`). Refused: spaces, quotes, angle brackets, backslashes
# and the rest RFC 3986 leaves out, `%` without two hex digits, a user name before the host
# (`https://example.org@elsewhere.com` goes to elsewhere.com) and `[`/`]` outside an IPv6
# host. The scheme is written in lower case, as everyone writes it.
_URL_NON_ASCII = (
    r"[^\x00-\x9F\s\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB]"
)
_URL_CHAR = rf"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{{2}}|{_URL_NON_ASCII})"
_URL_ALNUM = rf"(?:[A-Za-z0-9]|{_URL_NON_ASCII})"
_URL_LABEL = rf"{_URL_ALNUM}(?:(?:[A-Za-z0-9\-]|{_URL_NON_ASCII})*{_URL_ALNUM})?"
_URL_HOST = rf"(?:(?:{_URL_LABEL}\.)*{_URL_LABEL}\.?|\[[0-9A-Fa-f:.]+\])"
URL_PATTERN = (
    rf"^https?://{_URL_HOST}(?::[0-9]{{1,5}})?(?:/{_URL_CHAR}*)*"
    rf"(?:\?(?:{_URL_CHAR}|[/?])*)?(?:#(?:{_URL_CHAR}|[/?])*)?$"
)
_URL_RE = re.compile(URL_PATTERN)
# The ASCII characters an address may hold as they are, in one part or another.
_URL_ASCII = frozenset(string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@%/?#")
# Invisible: controls, format characters (zero-width, bidi), separators, private use and
# unassigned code points. The pattern names the BMP ones; this also covers the others
# (such as the tag characters U+E0020 to U+E007F), which ECMAScript patterns cannot name.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp", "Zs"})


def _never_in_url(character: str) -> bool:
    if character.isascii():
        return character not in _URL_ASCII
    return unicodedata.category(character) in _INVISIBLE_CATEGORIES or character.isspace()


def check_url(value: str) -> str:
    # The pattern leaves out the invisible characters of the BMP, not the others.
    if _URL_RE.fullmatch(value) and (value.isascii() or not any(map(_never_in_url, value))):
        return value
    raise PydanticCustomError("url", "{problem}", {"problem": _url_problem(value)})


def _url_problem(value: str) -> str:
    """Why `value` is not a well-formed http(s) address, and how to write it."""
    visible = "".join(map(_escaped_if_invisible, value))
    shown = visible if len(visible) <= 80 else visible[:77] + "..."
    if not value.startswith(("http://", "https://")):
        return (
            f"'{shown}' is not an http(s) address; only links starting with https:// or "
            "http:// are allowed"
        )
    rest = value.split("://", 1)[1]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "@" in authority:
        return (
            f"'{shown}' has a user name before '@' in its host part; a source's address "
            "never needs one, and it hides the real host (what follows '@'): remove it"
        )
    host_end = len(value) - len(rest) + len(authority)
    ipv6 = re.fullmatch(r"\[[0-9A-Fa-f:.]+\](:[0-9]*)?", authority) is not None
    for position, character in enumerate(value[len(value) - len(rest) :], len(value) - len(rest)):
        if ipv6 and position < host_end:
            continue
        if _never_in_url(character):
            encoded = "".join(f"%{byte:02X}" for byte in character.encode("utf-8"))
            return (
                f"'{shown}' is not a well-formed address: it holds {character_name(character)} at "
                f"character {position + 1}, which cannot be part of one; copy the address "
                f"from the browser again, or write {encoded} for it"
            )
    bad_escape = re.search(r"%(?![0-9A-Fa-f]{2})", value)
    if bad_escape is not None:
        return (
            f"'{shown}' is not a well-formed address: the '%' at character "
            f"{bad_escape.start() + 1} is not followed by two hexadecimal digits; write %25 "
            "for a '%' that stands for itself"
        )
    return (
        f"'{shown}' is not a well-formed http(s) address; it should read "
        "https://host/path?query#fragment, with a host name such as 'www.example.org'"
    )


def _escaped_if_invisible(character: str) -> str:
    """The character, or where it cannot be seen, its escape as Python writes it."""
    if character.isascii() or not _never_in_url(character):
        return character
    return f"\\u{ord(character):04x}" if ord(character) <= 0xFFFF else f"\\U{ord(character):08x}"


# C0 and C1 control characters (tab, newline and carriage return aside) and the bidi
# overrides that can make text display in another order than it reads: all invisible, and
# none has a place in a fact base.
INVISIBLE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank_text", "is blank; write something or remove the field")
    invisible = INVISIBLE_CHARACTERS.search(value)
    if invisible is not None:
        raise PydanticCustomError(
            "invisible_character",
            "contains the invisible character U+{code} at position {position}; delete it",
            {"code": f"{ord(invisible.group()):04X}", "position": invisible.start() + 1},
        )
    return value


# Invisible characters that text may hold for a reason, so the checker warns about them
# rather than refusing them: zero-width spaces and joiners, direction marks, word joiners,
# soft hyphens, line and paragraph separators, the other format characters (Unicode's Cf)
# that INVISIBLE_CHARACTERS leaves alone, the combining grapheme joiner and the Hangul
# fillers (blank, yet counted as letters). Written out rather than read from unicodedata,
# so that the check is one regular expression; a test keeps it a superset of Cf but the
# visible prepended concatenation marks (U+0600 to U+0605 and their like).
FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u2028\u2029\u2060-\u2064\u206a-\u206f"
    "\u3164\ufeff\uffa0\ufff9-\ufffb\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
_JOINERS = frozenset("\u200c\u200d")
_BLACK_FLAG = "\U0001f3f4"
_CANCEL_TAG = "\U000e007f"


def invisible_characters(value: str) -> list[tuple[int, str]]:
    """Each FORMAT_CHARACTERS character of `value` once, with its first index, but for the
    joiners and tags that emoji and scripts need (see _is_needed)."""
    first: dict[str, int] = {}
    for match in FORMAT_CHARACTERS.finditer(value):
        character, index = match.group(), match.start()
        if character not in first and not _is_needed(value, index):
            first[character] = index
    return sorted((index, character) for character, index in first.items())


def _is_needed(value: str, index: int) -> bool:
    """A zero-width (non-)joiner between two letters, marks or symbols of other scripts than
    Latin's ASCII (an emoji ZWJ sequence, Persian's ZWNJ, a Devanagari conjunct), or a tag
    character in an emoji flag's tag sequence (U+1F3F4, tags, U+E007F)."""
    character = value[index]
    if character in _JOINERS:
        around = value[index - 1 : index] + value[index + 1 : index + 2]
        return len(around) == 2 and all(
            not c.isascii() and unicodedata.category(c)[0] in "LMS" for c in around
        )
    if "\U000e0020" <= character <= _CANCEL_TAG:
        start = index
        while start > 0 and "\U000e0020" <= value[start - 1] <= "\U000e007e":
            start -= 1
        end = index
        while end < len(value) and "\U000e0020" <= value[end] <= "\U000e007e":
            end += 1
        return start > 0 and value[start - 1] == _BLACK_FLAG and value[end : end + 1] == _CANCEL_TAG
    return False


def character_name(character: str) -> str:
    """`'"' (U+0022)`, or for a character one cannot see, `U+200B ZERO WIDTH SPACE`."""
    code = f"U+{ord(character):04X}"
    if character.isprintable() and not character.isspace():
        return f"'{character}' ({code})"
    return f"{code} {unicodedata.name(character, 'a character with no name')}"


ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_MAX_LENGTH = 80
_ID_RE = re.compile(ID_PATTERN)

# Names Windows reserves whatever the extension; a page called `con.md` cannot be checked out.
RESERVED_IDS = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def is_safe_id(value: str) -> bool:
    try:
        check_id(value)
    except PydanticCustomError:
        return False
    return True


def check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise PydanticCustomError(
            "unsafe_id",
            "'{value}' is not a safe id: use lower-case ASCII letters, digits and single "
            "hyphens, such as 'mali-coup-2021'",
            {"value": value},
        )
    if len(value) > ID_MAX_LENGTH:
        raise PydanticCustomError(
            "unsafe_id", "id is longer than {limit} characters", {"limit": ID_MAX_LENGTH}
        )
    if value in RESERVED_IDS:
        raise PydanticCustomError(
            "unsafe_id",
            "'{value}' is a reserved file name on Windows; choose another id",
            {"value": value},
        )
    return value
