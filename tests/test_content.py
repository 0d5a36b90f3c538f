"""The real fact base: it passes the checker, and its key dates cannot silently move."""

from __future__ import annotations

import re

import pytest

from generator.corpus import CorpusResult, load_corpus
from generator.model import FactBase
from tests.conftest import REPO


@pytest.fixture(scope="module")
def result() -> CorpusResult:
    return load_corpus(REPO / "content")


@pytest.fixture(scope="module")
def facts(result: CorpusResult) -> FactBase:
    assert result.facts is not None, [d.format_text() for d in result.diagnostics]
    return result.facts


def test_content_passes_the_check_with_no_warnings(result: CorpusResult) -> None:
    assert [d.format_text() for d in result.diagnostics] == []


@pytest.mark.parametrize(
    ("event_id", "date"),
    [
        ("mali-coup-2020", "2020-08-18"),
        ("mali-coup-2021", "2021-05-24"),
        ("burkina-coup-january-2022", "2022-01-24"),
        ("burkina-coup-september-2022", "2022-09-30"),
        ("niger-coup-2023", "2023-07-26"),
        ("liptako-gourma-charter-2023", "2023-09-16"),
        ("aes-confederation-treaty-2024", "2024-07-06"),
        ("aes-ecowas-exit", "2024-01-28"),
        ("ecowas-exit-takes-effect-2025", "2025-01-29"),
        ("ecowas-abuja-summit-february-2024", "2024-02-24"),
        ("bamako-attack-2024", "2024-09-17"),
    ],
)
def test_key_dates_of_the_four_storylines(facts: FactBase, event_id: str, date: str) -> None:
    assert facts.events[event_id].date.isoformat() == date


def test_the_exit_keeps_its_four_dates(facts: FactBase) -> None:
    dates = {m.date.isoformat() for m in facts.events["aes-ecowas-exit"].milestones}
    assert {"2024-01-28", "2024-01-29", "2025-01-29", "2025-07-29"} <= dates


def test_the_numbers_the_content_issue_asks_for(facts: FactBase) -> None:
    assert len(facts.events) >= 45
    assert len(facts.actors) >= 35
    assert len(facts.relationships) >= 45
    assert len(facts.sources) >= 30
    assert len(facts.all_claims) >= 10


def test_every_storyline_has_a_150_word_introduction(facts: FactBase) -> None:
    assert set(facts.topics) == {"coups", "aes-formation", "ecowas-exit", "bamako-attack"}
    for topic in facts.topics.values():
        assert len(re.findall(r"\w+", topic.introduction)) >= 150, topic.id


def test_the_bamako_tolls_stay_separate_and_attributed(facts: FactBase) -> None:
    figures = facts.events["bamako-attack-2024"].figures
    killed = [f for f in figures if "killed" in f.measure]
    # 70+, 77, about 100 and JNIM's "hundreds": never one unattributed number.
    assert len(killed) >= 4
    assert all(f.according_to and f.sources for f in figures)
    assert {f.value for f in killed} >= {70, 77, 100}


def test_the_two_cnsps_are_different_actors(facts: FactBase) -> None:
    cnsps = [a for a in facts.actors.values() if a.short_name == "CNSP"]
    assert sorted(a.country for a in cnsps if a.country) == ["ML", "NE"]


def test_ecowas_is_found_by_its_french_name(facts: FactBase) -> None:
    assert "CEDEAO" in {alias.name for alias in facts.actors["ecowas"].aliases}
