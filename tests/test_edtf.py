"""Fuzzy dates in EDTF: what they mean, how they read, where they sort, how fmt keeps them."""

from __future__ import annotations

import datetime as dt
import pickle
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import fmt, schema
from generator.dates import DateError, FuzzyDate, PartialDate
from generator.load import load_text
from generator.model import relationship_holds_on

D = dt.date


@pytest.mark.parametrize(
    ("text", "first", "last", "human"),
    [
        ("2015-05~", D(2015, 5, 1), D(2015, 5, 31), "about May 2015"),
        ("2015~", D(2015, 1, 1), D(2015, 12, 31), "about 2015"),
        ("2015-05-13?", D(2015, 5, 13), D(2015, 5, 13), "perhaps 13 May 2015"),
        ("2015-05-13%", D(2015, 5, 13), D(2015, 5, 13), "perhaps about 13 May 2015"),
        ("[2015-05-13,2015-05-14]", D(2015, 5, 13), D(2015, 5, 14), "13 or 14 May 2015"),
        ("[2015-05,2015-06,2015-08]", D(2015, 5, 1), D(2015, 8, 31), "May, June or August 2015"),
        ("[2015-05-13,2015-06-02]", D(2015, 5, 13), D(2015, 6, 2), "13 May or 2 June 2015"),
        ("[2015,2016]", D(2015, 1, 1), D(2016, 12, 31), "2015 or 2016"),
        ("2015-05-13/2015-05-14", D(2015, 5, 13), D(2015, 5, 14), "13–14 May 2015"),
        ("2015-05-13/2015-06-02", D(2015, 5, 13), D(2015, 6, 2), "13 May – 2 June 2015"),
        ("2015/2017", D(2015, 1, 1), D(2017, 12, 31), "2015–2017"),
        ("../2017-03", D(2017, 3, 1), D(2017, 3, 31), "by March 2017"),
        ("2017/..", D(2017, 1, 1), D(2017, 12, 31), "from 2017, end unknown"),
        ("2017-03-02/..", D(2017, 3, 2), D(2017, 3, 2), "from 2 March 2017, end unknown"),
    ],
)
def test_fuzzy_dates_in_days_and_words(text: str, first: D, last: D, human: str) -> None:
    date = PartialDate.parse(text)
    assert isinstance(date, FuzzyDate)
    assert (date.first_day, date.last_day) == (first, last)
    assert date.human() == human
    assert not date.is_precise
    assert date.isoformat() == str(date) == text


def test_open_ends_say_which_end_is_open() -> None:
    by, since = PartialDate.parse("../2017-03"), PartialDate.parse("2017/..")
    assert isinstance(by, FuzzyDate) and isinstance(since, FuzzyDate)
    assert (by.open_start, by.open_end) == (True, False)
    assert (since.open_start, since.open_end) == (False, True)


@pytest.mark.parametrize("text", ["2015", "2015-05", "2015-05-13"])
def test_plain_dates_stay_plain_partial_dates(text: str) -> None:
    date = PartialDate.parse(text)
    assert type(date) is PartialDate
    assert date == PartialDate(*(int(part) for part in text.split("-")))
    assert date.is_precise == (len(text) == 10)


# Each strictly after the one before: the documented places of fuzzy dates among plain ones.
IN_ORDER = [
    "2016-12-31",
    "2017",
    "2017~",
    "2017-02-28",
    "../2017-03",  # by March 2017: after all of February, before anything dated March
    "2017-03",
    "2017-03~",
    "2017-03-01",
    "[2017-03-01,2017-03-02]",
    "2017-03-02/2017-03-05",  # a span at its first day, as an event with an end is
    "2017-03-02?",
    "2017-04/..",
]


@given(st.permutations([PartialDate.parse(text) for text in IN_ORDER]))
def test_fuzzy_dates_sort_where_the_reader_expects_them(shuffled: list[PartialDate]) -> None:
    assert [date.isoformat() for date in sorted(shuffled)] == IN_ORDER


def test_a_span_and_an_open_end_sort_with_their_first_date() -> None:
    day = PartialDate.parse("2017-03-02")
    assert PartialDate.parse("2017-03-02/2017-03-05").sort_key() == day.sort_key()
    assert PartialDate.parse("2017-03-02/..").sort_key() == day.sort_key()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2015-02-30~", "impossible date '2015-02-30': February 2015 has 28 days"),
        (
            "2015-05-14/2015-05-13",
            "'2015-05-14/2015-05-13' ends before it begins; write the earlier date first, "
            "as 2015-05-13/2015-05-14",
        ),
        (
            "[2015-05-13]",
            "'[2015-05-13]' is not a date; write one of a set as '[2015-05-13,2015-05-14]' "
            "(in quotes)",
        ),
        (
            "2015-5~",
            "'2015-5~' is not a date; write 'about', 'perhaps' or both after the date, as "
            "2015-05~, 2015-05-13? or 2015-05-13%",
        ),
        (
            "2017-03/",
            "'2017-03/' is a form of EDTF date this site does not use; write a span as "
            "2015-05-13/2015-05-14, or with an open end as ../2017-03 (by March 2017) or "
            "2017-03/.. (from March 2017, end unknown)",
        ),
        (
            "2015-05-XX",
            "'2015-05-XX' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD "
            "(for example 2021, 2021-05 or 2021-05-24)",
        ),
        (
            "[2015-05-13,2015-05-13]",
            "'[2015-05-13,2015-05-13]' is a form of EDTF date this site does not use; write "
            "one of a set as '[2015-05-13,2015-05-14]' (in quotes)",
        ),
        (
            "[2015-05-13..2015-05-20]",
            "'[2015-05-13..2015-05-20]' is a form of EDTF date this site does not use; write "
            "one of a set as '[2015-05-13,2015-05-14]' (in quotes)",
        ),
    ],
)
def test_malformed_fuzzy_dates_say_what_to_write(text: str, message: str) -> None:
    with pytest.raises(DateError) as raised:
        PartialDate.parse(text)
    assert str(raised.value) == message


@pytest.mark.parametrize("text", ["2015-05~", "[2015-05-13,2015-05-14]", "../2017-03"])
def test_fuzzy_dates_survive_the_parse_cache(text: str) -> None:
    date = PartialDate.parse(text)
    again = pickle.loads(pickle.dumps(date, pickle.HIGHEST_PROTOCOL))
    assert again == date
    assert again.human() == date.human()


def test_a_relationship_begun_by_a_date_holds_from_it_at_the_latest() -> None:
    relation = schema.Relationship.model_validate(
        {"id": "a-allied-with-b", "from": "a", "to": "b", "kind": "allied_with"}
        | {"start": "../2017-03", "sources": ["s"]}
    )
    assert not relationship_holds_on(relation, D(2017, 2, 28))
    assert relationship_holds_on(relation, D(2017, 3, 1))


# --- every form the schema accepts round-trips through fmt --------------------------------

days = st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31))
plain = st.builds(lambda day, size: day.isoformat()[:size], days, st.sampled_from([4, 7, 10]))


def _in_order(pair: tuple[str, str]) -> str:
    first, second = sorted(pair, key=lambda text: PartialDate.parse(text).first_day)
    return f"{first}/{second}"


edtf_values = st.one_of(
    st.builds(lambda date, mark: date + mark, plain, st.sampled_from("~?%")),
    st.lists(plain, min_size=2, max_size=4, unique=True).map(lambda xs: f"[{','.join(xs)}]"),
    st.tuples(plain, plain).map(_in_order),
    plain.map(lambda date: f"../{date}"),
    plain.map(lambda date: f"{date}/.."),
)


def _as_an_editor_writes_it(value: str) -> str:
    return f"'{value}'" if value.startswith("[") else value


@settings(max_examples=150, deadline=None)  # correctness, not speed: the library is slow
@given(edtf_values)
def test_every_accepted_edtf_date_round_trips_through_fmt(value: str) -> None:
    text = f"id: e\ndate: {_as_an_editor_writes_it(value)}\n"
    assert fmt.format_text(text, schema.Event) == text
    date = PartialDate.parse(load_text(text, "e.yaml").data["date"])  # type: ignore[index]
    assert date.isoformat() == value
    assert date.first_day <= date.last_day
    assert re.match(schema.DATE_PATTERN, value)


@pytest.mark.parametrize("value", ["2015-05~", "2015-05-13/2015-05-14", "../2017-03"])
def test_a_quoted_fuzzy_date_is_written_plain_and_means_the_same(value: str) -> None:
    assert fmt.format_text(f"id: e\ndate: '{value}'\n", schema.Event) == f"id: e\ndate: {value}\n"
