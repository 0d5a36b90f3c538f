"""Disputes found by the build: which reported figures disagree, and linked statements."""

from __future__ import annotations

from typing import Any

import pytest

from generator import disputes
from generator.schema import Event, Figure


def figure(spec: str, figure_id: str = "f") -> Figure:
    """'more_than 70', '77', 'about 100', '200-600', 'up_to 300', 'words:hundreds'."""
    fields: dict[str, Any] = {"id": figure_id, "measure": "killed", "according_to": "x"}
    qualifier, _, number = spec.rpartition(" ") if "words:" not in spec else ("", "", spec)
    if qualifier:
        fields["qualifier"] = qualifier
    if number.startswith("words:"):
        fields["as_reported"] = number.removeprefix("words:")
    elif "-" in number:
        low, high = number.split("-")
        fields["min"], fields["max"] = (int(low) if low else None), (int(high) if high else None)
    else:
        fields["value"] = int(number)
    return Figure.model_validate({**fields, "sources": ["s"]})


AGREE = [
    ("at_least 70", "77"),
    ("more_than 70", "77"),
    ("more_than 70", "about 100"),
    ("77", "77"),
    ("about 100", "91"),
    ("about 100", "110"),
    ("about 300", "up_to 600"),
    ("at_least 200", "up_to 600"),
    ("200-600", "300-600"),
    ("200-600", "at_least 500"),
    ("up_to 300", "at_least 300"),
    ("about 20-30", "33"),
    ("300-", "1000"),
    ("-300", "0"),
    ("words:hundreds", "332"),
    ("words:Dozens", "40"),
    # words the module does not read are never compared
    ("words:a great many", "3"),
]

DISAGREE = [
    ("77", "about 100"),
    ("200", "255"),
    ("up_to 300", "at_least 500"),
    ("more_than 70", "70"),
    ("at_least 70", "69"),
    ("about 100", "89"),
    ("about 100", "111"),
    ("200-600", "601"),
    ("-300", "at_least 301"),
    ("words:hundreds", "77"),
    ("words:thousands", "up_to 999"),
]


@pytest.mark.parametrize(("first", "second"), AGREE)
def test_figures_that_can_both_be_true_agree(first: str, second: str) -> None:
    assert disputes.agree([figure(first), figure(second)])
    assert disputes.agree([figure(second), figure(first)])


@pytest.mark.parametrize(("first", "second"), DISAGREE)
def test_figures_that_cannot_both_be_true_disagree(first: str, second: str) -> None:
    assert not disputes.agree([figure(first), figure(second)])
    assert not disputes.agree([figure(second), figure(first)])


def test_about_allows_ten_per_cent_either_side_rounded_outwards() -> None:
    assert disputes.allowed(figure("about 100")) == disputes.Allowed(90, 110)
    assert disputes.allowed(figure("about 5")) == disputes.Allowed(4, 6)
    assert disputes.allowed(figure("more_than 70")) == disputes.Allowed(71, None)
    assert disputes.allowed(figure("up_to 600")) == disputes.Allowed(0, 600)


def event(*figures: Figure, claims: list[dict[str, Any]] | None = None) -> Event:
    return Event.model_validate(
        {
            "id": "e",
            "title": "E",
            "kind": "attack",
            "date": "2024-09-17",
            "summary": "S.",
            "sources": ["s"],
            "figures": [f.model_dump() for f in figures],
            "claims": claims or [],
        }
    )


def test_a_dispute_names_who_holds_each_end_of_the_gap() -> None:
    found = disputes.figure_disputes(
        event(
            figure("more_than 70", "security"),
            figure("77", "one-source"),
            figure("about 100", "document"),
        )
    )
    assert len(found) == 1
    [dispute] = found
    assert dispute.measure == "killed"
    assert [f.id for f in dispute.low] == ["one-source"]
    assert [f.id for f in dispute.high] == ["document"]
    assert [f.id for f in dispute.figures] == ["security", "one-source", "document"]


def test_figures_on_different_measures_are_never_compared() -> None:
    wounded = figure("255", "wounded").model_copy(update={"measure": "wounded"})
    assert disputes.figure_disputes(event(figure("77", "killed"), wounded)) == []


def test_a_measure_is_one_whatever_its_case_and_spaces() -> None:
    other = figure("255", "b").model_copy(update={"measure": "Killed "})
    [dispute] = disputes.figure_disputes(event(figure("77", "a"), other))
    assert dispute.measure == "killed"


def test_a_contradiction_linked_both_ways_is_one_dispute() -> None:
    claim = {"claimant": "a", "kind": "claim", "status": "claimed", "sources": ["s"]}
    found = disputes.statement_disputes(
        event(
            claims=[
                {**claim, "id": "one", "statement": "One.", "contradicts": ["two"]},
                {**claim, "id": "two", "statement": "Two.", "contradicts": ["one"]},
                {**claim, "id": "three", "statement": "Three.", "confirms": ["one"]},
            ]
        )
    )
    assert [(d.claim.id, d.contradicted.id) for d in found] == [("one", "two")]
