"""Partial dates: `2021`, `2021-05`, `2021-05-24`, and the fuzzy dates of EDTF.

As in FollowTheMoney, the ISO prefix *is* the precision: a date known only to the month is
never padded to a false day, and `first_day` and `last_day` say which days it stands for. A
fuzzy date (EDTF, read by the `edtf` library) is a `FuzzyDate`, which answers the same
questions; docs/design.md ("Fuzzy dates") lists the forms, their spans and their order.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import functools
import io
import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import total_ordering

PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_RE = re.compile(PATTERN)
# What sends a date to the EDTF reader rather than to the plain message about YYYY-MM-DD.
_EDTF_MARK = re.compile(r"[~?%\[\]/]")
# A day written first, as in much of the world: 26/07/2024, 26.07.2024, 26-07-2024.
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# Year, month, day (0 where not known), then the place among dates there: see sort_key.
SortKey = tuple[int, int, int, int]
_PLAIN_PIECE = re.compile(r"[0-9]{4}(-[0-9]{2}){0,2}")

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class DateError(ValueError):
    """A date that is malformed or does not exist; the message says which."""


@total_ordering
@dataclass(frozen=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __reduce__(self) -> tuple[Callable[..., PartialDate], tuple[object, ...]]:
        # Unpickled by a call of the class: the parse cache holds 18,000 dates at 10,000
        # events, and the state setter of a slotted dataclass looks up its fields for each.
        return (type(self), (self.year, self.month, self.day))

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        if not _RE.match(text):
            if readings := _year_first(text):
                raise DateError(f"'{text}' is not a date; write the year first: {readings}")
            if _EDTF_MARK.search(text):
                return _fuzzy(text)
            raise DateError(
                f"'{text}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD "
                "(for example 2021, 2021-05 or 2021-05-24)"
            )
        parts = [int(p) for p in text.split("-")]
        year = parts[0]
        month = parts[1] if len(parts) > 1 else None
        day = parts[2] if len(parts) > 2 else None
        if month is not None and not 1 <= month <= 12:
            raise DateError(f"impossible date '{text}': there is no month {month}")
        if month is not None and day is not None:
            days_in_month = calendar.monthrange(year, month)[1]
            if not 1 <= day <= days_in_month:
                raise DateError(
                    f"impossible date '{text}': {MONTH_NAMES[month - 1]} {year} "
                    f"has {days_in_month} days"
                )
        if year < 1:
            raise DateError(f"impossible date '{text}': there is no year 0")
        return cls(year, month, day)

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day is not None:
            assert self.month is not None
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    @property
    def is_precise(self) -> bool:
        """One known day, beyond doubt: the only date a figure may draw as a dot."""
        return self.day is not None

    def isoformat(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def human(self) -> str:
        """As precisely as it is known: '2023', 'July 2023', '26 July 2023'."""
        if self.month is None:
            return str(self.year)
        month = MONTH_NAMES[self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"

    def sort_key(self) -> SortKey:
        """Dates in order: a year sorts before its months, a month before its days.

        The last number places a fuzzy date among the plain ones at the same place.
        """
        return (self.year, self.month or 0, self.day or 0, 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        return self.isoformat()


class Fuzz(StrEnum):
    """What is not known about a fuzzy date, named by its EDTF mark."""

    APPROXIMATE = "~"
    UNCERTAIN = "?"
    BOTH = "%"
    ONE_OF = "[]"
    RANGE = "/"
    OPEN_START = "../"
    OPEN_END = "/.."


_QUALIFIER_WORDS = {
    Fuzz.APPROXIMATE: "about",
    Fuzz.UNCERTAIN: "perhaps",
    Fuzz.BOTH: "perhaps about",
}

# Among dates at the same place: "by March 2017" just before March 2017, for it holds by then
# at the latest; "about" and "perhaps" just after the dates known for sure.
_SORT_RANK = {Fuzz.OPEN_START: -1, Fuzz.RANGE: 0, Fuzz.OPEN_END: 0}


@dataclass(frozen=True, slots=True, kw_only=True)
class FuzzyDate(PartialDate):
    """An EDTF date: about, perhaps, one of a set, a span, or a span with one open end.

    `year`, `month` and `day` are its earliest known date, where it sorts; an open end has no
    day, so `first_day` and `last_day` stop at the end that is known (docs/design.md).
    """

    fuzz: Fuzz
    text: str
    members: tuple[PartialDate | None, ...]  # the dates written, None for an open end

    def __reduce__(self) -> tuple[Callable[..., PartialDate], tuple[object, ...]]:
        return (_restored_fuzzy, (self.fuzz, self.text, self.members))

    @property
    def _known(self) -> list[PartialDate]:
        return [member for member in self.members if member is not None]

    @property
    def first_day(self) -> dt.date:
        return min(member.first_day for member in self._known)

    @property
    def last_day(self) -> dt.date:
        return max(member.last_day for member in self._known)

    @property
    def is_precise(self) -> bool:
        return False

    @property
    def open_start(self) -> bool:
        return self.members[0] is None

    @property
    def open_end(self) -> bool:
        return self.members[-1] is None

    def isoformat(self) -> str:
        return self.text

    def human(self) -> str:
        """'about May 2015', '13 or 14 May 2015', '13–14 May 2015', 'by March 2017'."""
        words = [member.human() for member in self._known]
        if self.fuzz in _QUALIFIER_WORDS:
            return f"{_QUALIFIER_WORDS[self.fuzz]} {words[0]}"
        if self.fuzz is Fuzz.OPEN_START:
            return f"by {words[0]}"
        if self.fuzz is Fuzz.OPEN_END:
            return f"from {words[0]}, end unknown"
        return _joined(words, "or" if self.fuzz is Fuzz.ONE_OF else "–")

    def sort_key(self) -> SortKey:
        # super() with its class named: a slotted dataclass is a new class, without the cell.
        year, month, day, _ = super(FuzzyDate, self).sort_key()
        return (year, month, day, _SORT_RANK.get(self.fuzz, 1))


def _restored_fuzzy(fuzz: Fuzz, text: str, members: tuple[PartialDate | None, ...]) -> FuzzyDate:
    # Unpickled without the EDTF reader, which is slow to import and to parse.
    anchor = min((m for m in members if m is not None), key=PartialDate.sort_key)
    return FuzzyDate(anchor.year, anchor.month, anchor.day, fuzz=fuzz, text=text, members=members)


def _joined(words: list[str], joiner: str) -> str:
    """'13 or 14 May 2015', '13–14 May 2015', '13 May – 2 June 2015': shared words once."""
    split = [phrase.split(" ") for phrase in words]
    shared = 0
    while all(len(w) > shared + 1 for w in split) and len({w[-shared - 1] for w in split}) == 1:
        shared += 1
    heads = [" ".join(w[: len(w) - shared]) for w in split]
    tail = " ".join(split[0][len(split[0]) - shared :])
    if joiner == "or":
        text = ", ".join(heads[:-1]) + " or " + heads[-1]
    else:
        text = joiner.join(heads) if all(" " not in h for h in heads) else f" {joiner} ".join(heads)
    return f"{text} {tail}" if tail else text


_HINTS = {
    "[": "write one of a set as '[2015-05-13,2015-05-14]' (in quotes)",
    "/": "write a span as 2015-05-13/2015-05-14, or with an open end as ../2017-03 "
    "(by March 2017) or 2017-03/.. (from March 2017, end unknown)",
    "": "write 'about', 'perhaps' or both after the date, as 2015-05~, 2015-05-13? or 2015-05-13%",
}


def _hint(text: str) -> str:
    return next(hint for mark, hint in _HINTS.items() if mark in text)


def _year_first(text: str) -> str:
    """'2024-07-26' for '26/07/2024'; both readings where day and month could swap."""
    found = _DAY_FIRST.match(text)
    if found is None:
        return ""
    first, second, year = int(found[1]), int(found[2]), found[3]
    readings = [
        f"{year}-{month:02d}-{day:02d}"
        for day, month in ((first, second), (second, first))
        if 1 <= month <= 12 and 1 <= day <= 31
    ]
    return " or ".join(dict.fromkeys(readings))


@functools.lru_cache(maxsize=1024)  # the library takes up to 30 ms a date; values are frozen
def _fuzzy(text: str) -> FuzzyDate:
    """An EDTF date, read by the `edtf` library; the dates inside are read as plain ones."""
    import edtf  # only where a fuzzy date is written: the library takes 0.2 s to import

    try:
        # On some malformed text the library prints to stdout and fails with a TypeError or
        # an AttributeError rather than its own exception: any failure means "not a date".
        with contextlib.redirect_stdout(io.StringIO()):
            value = edtf.parse_edtf(text)
    except Exception:
        for piece in _PLAIN_PIECE.finditer(text):
            PartialDate.parse(piece.group())  # says which day does not exist, if one does not
        raise DateError(f"'{text}' is not a date; {_hint(text)}") from None
    fuzz, pieces = _fuzz_and_pieces(value, edtf)
    if fuzz is None or not all(p == ".." or _RE.match(p) for p in pieces) or pieces == ["..", ".."]:
        raise DateError(f"'{text}' is a form of EDTF date this site does not use; {_hint(text)}")
    members = tuple(None if p == ".." else PartialDate.parse(p) for p in pieces)
    start, end = members[0], members[-1]
    if fuzz is Fuzz.RANGE and start and end and start.first_day > end.last_day:
        raise DateError(
            f"'{text}' ends before it begins; write the earlier date first, as {end}/{start}"
        )
    return _restored_fuzzy(fuzz, text, members)


def _fuzz_and_pieces(value: object, edtf: types.ModuleType) -> tuple[Fuzz | None, list[str]]:
    """Which kind of fuzzy date the library read, and the text of each date inside it."""
    if isinstance(value, edtf.UncertainOrApproximate) and value.ua is not None:
        return Fuzz(str(value.ua)), [str(value.date)]
    # Two or more dates, each once: "13 or 13 May" is a slip.
    if (
        isinstance(value, edtf.OneOfASet)
        and len(set(map(str, value.objects))) == len(value.objects) > 1
    ):
        return Fuzz.ONE_OF, [str(member) for member in value.objects]
    if isinstance(value, (edtf.Interval, edtf.Level1Interval)):
        pieces = [str(value.lower), str(value.upper)]
        if pieces[0] == "..":
            return Fuzz.OPEN_START, pieces
        return (Fuzz.OPEN_END if pieces[1] == ".." else Fuzz.RANGE), pieces
    return None, []


def human_span(start: PartialDate, end: PartialDate | None) -> str:
    """'17 September 2024', or '25–27 July 2024', or 'December 2021 – June 2025'."""
    if end is None or end == start:
        return start.human()
    return f"{start.human()} – {end.human()}"
