"""The provenance warnings: exact diagnostics for each fixture under tests/fixtures/warnings/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import incremental
from generator.cli import main
from generator.provenance import marks_start
from generator.schema import Actor, Event
from tests.conftest import FIXTURES, run_generator
from tests.test_check import replace_in

WARNINGS = sorted(p.name for p in (FIXTURES / "warnings").iterdir() if p.is_dir())


def _with_case(project: Path, case: str) -> str:
    shutil.copytree(
        FIXTURES / "warnings" / case / "content", project / "content", dirs_exist_ok=True
    )
    return (FIXTURES / "warnings" / case / "expected.txt").read_text(encoding="utf-8")


def test_every_provenance_warning_has_a_fixture() -> None:
    assert set(WARNINGS) == {
        "source-unfindable",
        "cited-before-it-happened",
        "maybe-outside-existence",
        "no-founding-date",
    }


@pytest.mark.parametrize("case", WARNINGS)
def test_warning_fixture_gives_exact_diagnostics_and_passes(project: Path, case: str) -> None:
    expected = _with_case(project, case)
    run = run_generator("check", cwd=project)
    assert run.stdout == expected
    assert run.status == 0
    warnings = len(expected.splitlines())
    assert run.stderr.startswith("check passed: ")
    assert run.stderr.endswith(f", 0 errors, {warnings} warning{'s' * (warnings != 1)}\n")


@pytest.mark.parametrize("case", WARNINGS)
def test_warning_fixture_gives_the_same_diagnostics_from_the_parse_cache(
    project: Path, case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _with_case(project, case)
    monkeypatch.chdir(project)
    for options in ((), (), ("--no-cache",)):
        incremental.forget_sessions()  # each check as a new process
        assert main(["check", *options]) == 0
        assert capsys.readouterr().out == expected


def test_a_source_dated_later_in_the_same_process_is_checked_again(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A process that checks again (mkdocs serve) reuses what it found for unchanged files;
    # the warning depends on another file (the source's date), so it must follow that file.
    expected = _with_case(project, "cited-before-it-happened")
    monkeypatch.chdir(project)
    incremental.forget_sessions()
    assert main(["check"]) == 0
    assert capsys.readouterr().out == expected
    source = project / "content" / "sources" / "afp-2024-09-18-bamako-attack.yaml"
    replace_in(source, "published: 2024-09-18", "published: 2024-09-19")
    assert main(["check"]) == 0
    assert capsys.readouterr().out == ""
    replace_in(source, "published: 2024-09-19", "published: 2024-09-18")
    assert main(["check"]) == 0
    assert capsys.readouterr().out == expected


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (
            "end: 2016\n",
            "5:6: error: relationship ends (2016) before 'jnim' was founded",
        ),
        (  # one mistake, one error: the start, not the end as well
            "start: 2015\nend: 2016\n",
            "5:8: error: relationship starts (2015) before 'jnim' was founded",
        ),
    ],
)
def test_a_relationship_wholly_before_its_actor_was_founded_is_one_error(
    project: Path, dates: str, expected: str
) -> None:
    path = project / "content" / "relationships" / "jnim-opposed-to-mali.yaml"
    path.write_text(
        "id: jnim-opposed-to-mali\nfrom: jnim\nto: mali\nkind: opposed_to\n"
        f"{dates}sources: [afp-2024-09-18-bamako-attack]\n",
        encoding="utf-8",
    )
    run = run_generator("check", cwd=project)
    assert run.stdout == (
        f"content/relationships/jnim-opposed-to-mali.yaml:{expected} "
        "(2017-03-02, content/actors/jnim.yaml) [outside-existence]\n"
    )
    assert run.status == 1


def test_a_source_with_a_review_note_saying_what_is_missing_is_not_warned_about(
    project: Path,
) -> None:
    # The valid fixture's AFP report has neither address nor headline, and says so.
    source = project / "content" / "sources" / "afp-2024-09-18-bamako-attack.yaml"
    assert "needs_review:" in source.read_text(encoding="utf-8")
    assert run_generator("check", cwd=project).stdout == ""


def _actor(kind: str) -> Actor:
    return Actor.model_validate({"id": "x", "name": "X", "kind": kind, "description": "An actor."})


def _event(kind: str, role: str) -> Event:
    return Event.model_validate(
        {
            "id": "e",
            "title": "E",
            "kind": kind,
            "date": "2020",
            "participants": [{"actor": "x", "role": role}],
            "summary": "S.",
            "sources": ["s"],
        }
    )


@pytest.mark.parametrize(
    ("actor_kind", "event_kind", "role", "marks"),
    [
        ("junta", "coup", "junta", True),
        ("junta", "appointment", "junta", False),
        ("intergovernmental_organisation", "treaty", "alliance created", True),
        ("armed_group", "founding", "group formed by the merger", True),
        ("armed_group", "founding", "Founded that day", True),
        ("armed_group", "founding", "merging group", False),
        ("state", "coup", "state", False),
        ("armed_group", "statement", "group that grew from the pledge", False),
    ],
)
def test_which_events_mark_an_actors_start(
    actor_kind: str, event_kind: str, role: str, marks: bool
) -> None:
    assert marks_start(_event(event_kind, role), _actor(actor_kind)) is marks
