"""One mistake, one error: a file with errors of its own still exists for the others.

Before, a misspelt field in a source made every fact citing it say the source did not
exist (45 false errors for one typo); a broken actor file made every event naming it do the
same. The broken file's own diagnostic is the one that says what to fix.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.cli import main

# (file, the field to misspell, its misspelling, where the misspelt key is)
TYPOS = [
    ("sources/afp-2024-09-18-bamako-attack.yaml", "publisher", "publishr", 3),
    ("actors/mali.yaml", "name", "nmae", 2),
    ("topics/bamako-attack.yaml", "title", "titel", 2),
]


@pytest.mark.parametrize(("path", "field", "typo", "line"), TYPOS, ids=[t[0] for t in TYPOS])
def test_a_misspelt_field_gives_exactly_one_error_at_the_typo(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    path: str,
    field: str,
    typo: str,
    line: int,
) -> None:
    target = project / "content" / path
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[line - 1].startswith(f"{field}:")
    target.write_text(re.sub(rf"^{field}:", f"{typo}:", text, count=1, flags=re.M), "utf-8")
    assert main(["check", "--content", str(project / "content")]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"content/{path}:{line}:1: error: unknown field '{typo}' (did you mean '{field}'?) "
        "[unknown-field]"
    ]


def test_the_broken_file_is_still_known_but_a_truly_unknown_id_is_reported(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    actor = project / "content" / "actors" / "mali.yaml"
    actor.write_text(actor.read_text(encoding="utf-8").replace("name:", "nmae:", 1), "utf-8")
    event = project / "content" / "events" / "bamako-attack-2024.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("actor: jnim", "actor: jnimm"))
    assert main(["check", "--content", str(project / "content")]) == 1
    out = capsys.readouterr().out
    assert "unknown field 'nmae'" in out
    assert "unknown actor 'jnimm' (did you mean 'jnim'?)" in out
    assert "unknown actor 'mali'" not in out


def test_a_file_with_a_field_error_still_has_its_references_checked(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One run reports every problem: the typo, and the unknown actor in the same file.
    event = project / "content" / "events" / "bamako-attack-2024.yaml"
    text = event.read_text(encoding="utf-8")
    text = text.replace("title:", "titel:", 1).replace("actor: jnim", "actor: jnimm", 1)
    event.write_text(text, encoding="utf-8")
    assert main(["check", "--content", str(project / "content")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": error: ")[1] for line in out] == [
        "unknown field 'titel' (did you mean 'title'?) [unknown-field]",
        "unknown actor 'jnimm' (did you mean 'jnim'?); ids are the file names under "
        "content/actors/ [unknown-reference]",
    ]
    assert all(line.startswith("content/events/bamako-attack-2024.yaml:") for line in out)
