"""Commands find their project: typed anywhere inside it, they work on its content/ folder;
outside any project they say where they looked, in one line, and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import find_project
from tests.conftest import run_generator

COMMANDS = [
    ("check",),
    ("fmt", "--check"),
    ("build",),
    ("new", "event", "niger-coup-2023"),
]


@pytest.mark.parametrize("command", [*COMMANDS, ("schema", "--check")], ids=lambda c: c[0])
def test_outside_a_project_a_command_says_where_it_looked(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    here = tmp_path.resolve()
    assert find_project(here) is None, "a content/ folder above the test's folder"
    done = run_generator(*command, cwd=here)
    option = "--out" if command[0] == "schema" else "--content"
    assert (done.status, done.stdout) == (2, "")
    assert done.stderr == (
        f"python -m generator {command[0]}: error: no content/ folder in {here} or in any folder "
        f"above it; run the command inside the project, or give {option}\n"
    )
    assert list(here.iterdir()) == []


@pytest.mark.parametrize("where", ["content/events", "content", "pages/about"])
def test_check_from_a_folder_inside_the_project_checks_its_content(
    project: Path, where: str
) -> None:
    (project / where).mkdir(parents=True, exist_ok=True)
    from_root = run_generator("check", cwd=project)
    from_inside = run_generator("check", cwd=project / where)
    assert from_inside == from_root
    assert from_root.stderr == "check passed: 8 files, 0 errors, 0 warnings\n"


def test_new_from_a_kind_folder_writes_into_the_projects_content(project: Path) -> None:
    done = run_generator("new", "event", "niger-coup-2023", cwd=project / "content" / "events")
    assert (done.status, done.stdout) == (0, "../../content/events/niger-coup-2023.yaml\n")
    assert (project / "content" / "events" / "niger-coup-2023.yaml").is_file()
    assert not (project / "content" / "events" / "content").exists()


def test_fmt_from_a_kind_folder_formats_the_whole_content(project: Path) -> None:
    event = project / "content" / "events" / "bamako-attack-2024.yaml"
    event.write_text("title: T\n" + event.read_text(encoding="utf-8").replace("title:", "x:", 1))
    done = run_generator("fmt", "--check", cwd=project / "content" / "topics")
    assert done.status == 1
    assert done.stdout == "would reformat ../../content/events/bamako-attack-2024.yaml\n"
    assert done.stderr == "fmt: 1 file would be reformatted, 7 files unchanged\n"


def test_build_from_a_kind_folder_writes_the_projects_site_src(project: Path) -> None:
    done = run_generator("build", cwd=project / "content" / "events")
    assert done.status == 0, done.stderr
    assert (project / "site_src" / "index.md").is_file()
    assert sorted(p.name for p in (project / "content" / "events").iterdir()) == [
        "bamako-attack-2024.yaml"
    ]


def test_a_content_folder_given_on_the_command_line_is_used_as_given(project: Path) -> None:
    elsewhere = project / "pages"
    elsewhere.mkdir()
    done = run_generator("check", "--content", "../content", cwd=elsewhere)
    assert (done.status, done.stderr) == (0, "check passed: 8 files, 0 errors, 0 warnings\n")
