"""Partial dates: `2021`, `2021-05`, `2021-05-24`.

As in FollowTheMoney, the ISO prefix *is* the precision. A date known only to the
month is never padded to a false day: it covers the whole month, and `first_day`
and `last_day` say which span of days it stands for.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import total_ordering

PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_RE = re.compile(PATTERN)

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

    def __reduce__(self) -> tuple[type[PartialDate], tuple[int, int | None, int | None]]:
        # Unpickled by a call of the class: the parse cache holds 18,000 dates at 10,000
        # events, and the state setter of a slotted dataclass looks up its fields for each.
        return (type(self), (self.year, self.month, self.day))

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        if not _RE.match(text):
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

    def covers(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

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

    def sort_key(self) -> tuple[int, int, int]:
        """Dates in order: a year sorts before its months, a month before its days."""
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        return self.isoformat()


def human_span(start: PartialDate, end: PartialDate | None) -> str:
    """'17 September 2024', or '25–27 July 2024', or 'December 2021 – June 2025'."""
    if end is None or end == start:
        return start.human()
    return f"{start.human()} – {end.human()}"
