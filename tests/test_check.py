"""`python -m generator check`: exact diagnostics for every broken fixture."""

from __future__ import annotations

import errno
import json
import re
import shutil
from pathlib import Path

import pytest

from generator import corpus, incremental
from generator.cli import main
from tests.conftest import FIXTURES, run_generator

BROKEN = sorted(p.name for p in (FIXTURES / "broken").iterdir() if p.is_dir())


def replace_in(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert changed != text, (path, pattern)
    path.write_text(changed, encoding="utf-8")


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files each check parses, as it names them, in the order it parses them."""
    names: list[str] = []
    parse = corpus.load_file
    monkeypatch.setattr(
        corpus, "load_file", lambda path, shown: names.append(shown) or parse(path, shown)
    )
    return names


def test_valid_corpus_passes_silently(project: Path) -> None:
    run = run_generator("check", cwd=project)
    assert run.status == 0
    assert run.stdout == ""
    assert run.stderr == "check passed: 8 files, 0 errors, 0 warnings\n"


@pytest.mark.parametrize("case", BROKEN)
def test_broken_fixture_gives_exact_diagnostics(project: Path, case: str) -> None:
    shutil.copytree(FIXTURES / "broken" / case / "content", project / "content", dirs_exist_ok=True)
    expected = (FIXTURES / "broken" / case / "expected.txt").read_text(encoding="utf-8")
    run = run_generator("check", cwd=project)
    assert run.stdout == expected
    assert run.status == 1
    assert run.stderr.startswith("check failed: ")


@pytest.mark.parametrize("case", BROKEN)
def test_broken_fixture_gives_the_same_diagnostics_from_the_parse_cache(
    parsed: list[str],
    project: Path,
    case: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # What a file's parse decides (its own problems, the names and dates it refers to) is
    # kept with it: a check that reads it back must find what a fresh parse finds.
    shutil.copytree(FIXTURES / "broken" / case / "content", project / "content", dirs_exist_ok=True)
    expected = (FIXTURES / "broken" / case / "expected.txt").read_text(encoding="utf-8")
    monkeypatch.chdir(project)
    for options in ((), (), ("--no-cache",)):
        incremental.forget_sessions()  # each check as a new process
        assert main(["check", *options]) == 1
        assert capsys.readouterr().out == expected
    files = len(list((project / "content").rglob("*.yaml")))
    assert len(parsed) == 2 * files  # the second check parsed nothing


def test_every_problem_kind_has_a_fixture() -> None:
    # The list of problems the checker must catch, each with its own fixture.
    assert set(BROKEN) >= {
        "yaml-syntax",
        "duplicate-key",
        "unknown-field",
        "wrong-type",
        "impossible-date",
        "end-before-start",
        "dangling-reference",
        "duplicate-id",
        "duplicate-part-id",
        "id-mismatch",
        "unsafe-id",
        "non-http-url",
        "no-source",
        "no-claimant",
        "outside-existence",
    }


def test_a_reference_written_as_an_unsafe_id_gives_one_error(project: Path) -> None:
    # It is not a safe id, and so names no source: saying both would be two errors for one
    # mistake.
    event = project / "content" / "events" / "bamako-attack-2024.yaml"
    replace_in(event, r"^sources: \[afp-2024-09-18-bamako-attack\]", "sources: [AFP 2024-09-18]")
    run = run_generator("check", cwd=project)
    assert run.stdout == (
        "content/events/bamako-attack-2024.yaml:18:11: error: 'AFP 2024-09-18' is not a safe id: "
        "use lower-case ASCII letters, digits and single hyphens, such as 'mali-coup-2021' "
        "[unsafe-id]\n"
    )


def test_all_problems_are_reported_in_one_run_sorted(project: Path) -> None:
    for case in ("dangling-reference", "wrong-type", "duplicate-key"):
        shutil.copytree(
            FIXTURES / "broken" / case / "content", project / "content", dirs_exist_ok=True
        )
    run = run_generator("check", cwd=project)
    lines = run.stdout.splitlines()
    assert len(lines) == 6

    def position(line: str) -> tuple[str, int, int]:
        path, row, column, _ = line.split(":", 3)
        return path, int(row), int(column)

    assert [position(line) for line in lines] == sorted(position(line) for line in lines)
    assert [position(line)[0] for line in lines] == [
        "content/actors/niger.yaml",
        "content/events/bamako-reaction.yaml",
        "content/events/bamako-reaction.yaml",
        "content/events/bamako-reaction.yaml",
        "content/events/mali-coup-2020.yaml",
        "content/events/mali-coup-2020.yaml",
    ]
    assert run.stderr == "check failed: 11 files, 6 errors, 0 warnings\n"


def test_github_format_annotates_the_line(project: Path) -> None:
    shutil.copytree(
        FIXTURES / "broken" / "impossible-date" / "content", project / "content", dirs_exist_ok=True
    )
    run = run_generator("check", "--format", "github", cwd=project)
    assert run.stdout == (
        "::error file=content/events/niger-summit.yaml,line=4,col=7,title=invalid-date::"
        "impossible date '2023-02-30': February 2023 has 28 days\n"
    )
    assert run.status == 1


def test_json_format_is_machine_readable(project: Path) -> None:
    shutil.copytree(
        FIXTURES / "broken" / "duplicate-key" / "content", project / "content", dirs_exist_ok=True
    )
    run = run_generator("check", "--format", "json", cwd=project)
    assert json.loads(run.stdout) == [
        {
            "path": "content/actors/niger.yaml",
            "line": 4,
            "column": 1,
            "severity": "error",
            "message": "duplicate key 'name' (first given on line 2); keep one",
            "code": "duplicate-key",
        }
    ]
    assert run.status == 1


def test_json_format_prints_an_empty_list_when_clean(project: Path) -> None:
    run = run_generator("check", "--format", "json", cwd=project)
    assert json.loads(run.stdout) == []
    assert run.status == 0


def test_usage_error_exits_2(project: Path) -> None:
    run = run_generator("check", "--format", "xml", cwd=project)
    assert run.status == 2
    assert "invalid choice: 'xml'" in run.stderr


def test_unused_source_is_a_warning_not_an_error(project: Path) -> None:
    (project / "content" / "sources" / "spare.yaml").write_text(
        "id: spare\nkind: research\npublisher: Someone\nurl: https://example.org/spare\n",
        encoding="utf-8",
    )
    run = run_generator("check", cwd=project)
    assert run.status == 0
    assert run.stdout == (
        "content/sources/spare.yaml:1:1: warning: source 'spare' is not cited by any actor, "
        "event, claim, figure, relationship or storyline; cite it or remove the file "
        "[unused-source]\n"
    )


def test_yml_extension_is_refused_with_a_fix(project: Path) -> None:
    (project / "content" / "actors" / "niger.yml").write_text("id: niger\n", encoding="utf-8")
    run = run_generator("check", cwd=project)
    assert run.status == 1
    assert run.stdout == (
        "content/actors/niger.yml:1:1: error: rename 'niger.yml' to 'niger.yaml'; "
        "only .yaml files are read [wrong-extension]\n"
    )


def test_check_never_modifies_content(project: Path) -> None:
    shutil.copytree(
        FIXTURES / "broken" / "wrong-type" / "content", project / "content", dirs_exist_ok=True
    )
    before = {p: p.read_bytes() for p in (project / "content").rglob("*") if p.is_file()}
    run_generator("check", cwd=project)
    after = {p: p.read_bytes() for p in (project / "content").rglob("*") if p.is_file()}
    assert before == after


def test_control_characters_in_values_reach_the_terminal_escaped(project: Path) -> None:
    # "\e[1A\e[2K" would move up a line and erase it, hiding the error above.
    (project / "content" / "actors" / "niger.yaml").write_text(
        'id: niger\n"name\\e[1A\\e[2K": Niger\nkind: state\ndescription: A Sahel state.\n',
        encoding="utf-8",
    )
    run = run_generator("check", cwd=project)
    assert "\x1b" not in run.stdout
    assert run.stdout == (
        "content/actors/niger.yaml:1:1: error: missing required field 'name' [missing-field]\n"
        "content/actors/niger.yaml:2:1: error: unknown field 'name\\x1b[1A\\x1b[2K' "
        "[unknown-field]\n"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"   "', "'name' is blank; write something or remove the field"),
        (
            '"Ni\\u202Eger"',
            "'name' contains the invisible character U+202E at position 3; delete it",
        ),
    ],
    ids=["blank", "bidi-override"],
)
def test_blank_and_invisible_text_is_refused(project: Path, value: str, message: str) -> None:
    (project / "content" / "actors" / "niger.yaml").write_text(
        f"id: niger\nname: {value}\nkind: state\ndescription: A Sahel state.\n", encoding="utf-8"
    )
    run = run_generator("check", cwd=project)
    assert run.stdout == f"content/actors/niger.yaml:2:7: error: {message} [invalid-text]\n"
    assert run.status == 1


def test_markdown_the_page_will_neutralise_is_a_warning(project: Path) -> None:
    (project / "content" / "actors" / "niger.yaml").write_text(
        "id: niger\nname: Niger\nkind: state\n"
        'description: "A state. <b>Bold</b> [x](javascript:alert(1))"\n',
        encoding="utf-8",
    )
    run = run_generator("check", cwd=project)
    assert run.status == 0
    assert run.stdout == (
        "content/actors/niger.yaml:4:14: warning: 'description': link to 'javascript:alert(1)' "
        "removed: only http(s) links are allowed [unsafe-markdown]\n"
        "content/actors/niger.yaml:4:14: warning: 'description': raw HTML is shown as text; "
        "use Markdown instead [unsafe-markdown]\n"
    )


def test_a_check_parses_again_only_the_files_changed_since_the_last_one(
    parsed: list[str],
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The parse cache `build` keeps, which makes the pre-commit hook's check of a large fact
    # base quick: the result is exactly what a check that parses every file gives.
    content = project / "content"

    def check(*options: str) -> tuple[int, str, str]:
        incremental.forget_sessions()  # each check as a new process
        status = main(["check", "--content", str(content), *options])
        out, err = capsys.readouterr()
        return status, out, err

    first = check()
    assert first == (0, "", "check passed: 8 files, 0 errors, 0 warnings\n")
    assert len(parsed) == 8
    parsed.clear()
    assert check() == first
    assert parsed == []
    replace_in(content / "events" / "bamako-attack-2024.yaml", r"actor: jnim$", "actor: jnimm")
    edited = check()
    assert parsed == ["content/events/bamako-attack-2024.yaml"]
    assert edited[0] == 1
    assert "unknown actor 'jnimm' (did you mean 'jnim'?)" in edited[1]
    parsed.clear()
    assert check("--no-cache") == edited
    assert len(parsed) == 8


def test_a_relative_and_an_absolute_content_path_share_the_parse_cache(
    parsed: list[str],
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The MkDocs hook passes an absolute path and editors type `--content content`: a
    # check after `mkdocs serve` must not parse the whole fact base again.
    monkeypatch.chdir(project)
    outputs = []
    for content in (str(project / "content"), "content", str(project / "content")):
        incremental.forget_sessions()  # each check as a new process
        outputs.append(main(["check", "--content", content]))
        outputs.append(capsys.readouterr().out)
    assert len(parsed) == 8
    assert outputs == [0, ""] * 3


def test_a_cache_folder_that_refuses_changes_does_not_stop_a_check(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A read-only mount refuses every unlink with EROFS; the check is then as a first one.
    def refuse(self: Path, missing_ok: bool = False) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.chdir(project)
    monkeypatch.setattr(Path, "unlink", refuse)
    assert main(["check"]) == 0
    assert capsys.readouterr() == ("", "check passed: 8 files, 0 errors, 0 warnings\n")


@pytest.mark.parametrize("command", ["check", "build"])
def test_no_cache_leaves_the_caches_alone(
    project: Path, private_cache_dir: Path, command: str
) -> None:
    run = run_generator(command, "--no-cache", cwd=project)
    assert run.status == 0, run.stderr
    assert list(private_cache_dir.iterdir()) == []
    run_generator(command, cwd=project)
    assert list(private_cache_dir.iterdir()) != []
