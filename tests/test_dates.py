"""Partial dates: the ISO prefix is the precision."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.dates import DateError, PartialDate, Precision, human_span


@pytest.mark.parametrize(
    ("text", "precision", "first", "last", "human"),
    [
        ("2023", Precision.YEAR, dt.date(2023, 1, 1), dt.date(2023, 12, 31), "2023"),
        ("2023-07", Precision.MONTH, dt.date(2023, 7, 1), dt.date(2023, 7, 31), "July 2023"),
        ("2024-02", Precision.MONTH, dt.date(2024, 2, 1), dt.date(2024, 2, 29), "February 2024"),
        ("2023-07-26", Precision.DAY, dt.date(2023, 7, 26), dt.date(2023, 7, 26), "26 July 2023"),
    ],
)
def test_precision_and_span(
    text: str, precision: Precision, first: dt.date, last: dt.date, human: str
) -> None:
    date = PartialDate.parse(text)
    assert date.precision is precision
    assert (date.first_day, date.last_day) == (first, last)
    assert date.human() == human
    assert date.isoformat() == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-30", "impossible date '2023-02-30': February 2023 has 28 days"),
        ("2023-13", "impossible date '2023-13': there is no month 13"),
        (
            "2023-7-26",
            "'2023-7-26' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD "
            "(for example 2021, 2021-05 or 2021-05-24)",
        ),
        ("0000", "impossible date '0000': there is no year 0"),
        ("26/07/2024", "'26/07/2024' is not a date; write the year first: 2024-07-26"),
        ("26.07.2024", "'26.07.2024' is not a date; write the year first: 2024-07-26"),
        (
            "07/08/2024",
            "'07/08/2024' is not a date; write the year first: 2024-08-07 or 2024-07-08",
        ),
    ],
)
def test_impossible_dates_say_why(text: str, message: str) -> None:
    with pytest.raises(DateError) as raised:
        PartialDate.parse(text)
    assert str(raised.value) == message


def test_a_year_sorts_before_its_months_and_days() -> None:
    dates = [PartialDate.parse(t) for t in ("2021-05-24", "2021", "2021-05", "2020-12-31")]
    assert [d.isoformat() for d in sorted(dates)] == ["2020-12-31", "2021", "2021-05", "2021-05-24"]


def test_human_span() -> None:
    start, end = PartialDate.parse("2024-07-25"), PartialDate.parse("2024-07-27")
    assert human_span(start, end) == "25 July 2024 – 27 July 2024"
    assert human_span(start, None) == "25 July 2024"
