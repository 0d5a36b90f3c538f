"""CI, nox, pre-commit and editor settings agree with each other and with the README, and the
README and docs/ document every nox session and every command."""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import _parser, schema_texts
from generator.schema import MODELS
from tests.readme import commands, quick_start_blocks

ROOT = Path(__file__).parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CI_RUN = ROOT / ".ci" / "run"
DOCS = ROOT / "docs"
NOX_COMMAND = re.compile(r"\bnox -s ([a-z_]+(?: [a-z_]+)*)")


def _noxfile() -> ast.Module:
    return ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))


def _session_functions() -> dict[str, ast.FunctionDef]:
    sessions = {}
    for node in _noxfile().body:
        if isinstance(node, ast.FunctionDef) and any(
            "nox.session" in ast.unparse(decorator) for decorator in node.decorator_list
        ):
            sessions[node.name] = node
    return sessions


def _workflow(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _steps(workflow: dict[Any, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(job name, job, step) for every step of every job."""
    return [
        (name, job, step) for name, job in workflow["jobs"].items() for step in job.get("steps", [])
    ]


def _commands(text: str) -> list[str]:
    """Shell lines that are not comments."""
    return [line.strip() for line in text.splitlines() if not line.strip().startswith("#")]


# --- nox ---------------------------------------------------------------------------------------


def test_the_noxfile_defines_the_sessions_the_team_relies_on() -> None:
    assert sorted(_session_functions()) == [
        "bench",
        "browser",
        "check",
        "lint",
        "serve",
        "site",
        "tests",
        "typecheck",
    ]


@pytest.mark.parametrize("name", sorted(_session_functions()))
def test_every_session_has_a_docstring_and_its_own_environment(name: str) -> None:
    function = _session_functions()[name]
    assert ast.get_docstring(function)
    for decorator in function.decorator_list:
        assert "python=False" not in ast.unparse(decorator)
        assert "venv_backend" not in ast.unparse(decorator)


def test_the_default_sessions_exist() -> None:
    defaults = next(
        node.value
        for node in _noxfile().body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "nox.options.sessions"
    )
    names = ast.literal_eval(defaults)
    assert names == ["lint", "typecheck", "tests"]
    assert set(names) <= set(_session_functions())


def test_the_venv_backend_is_venv() -> None:
    assert 'nox.options.default_venv_backend = "venv"' in (ROOT / "noxfile.py").read_text("utf-8")


# --- every `nox -s X` names a real session -------------------------------------------------


def _nox_sessions_named_in(text: str) -> set[str]:
    return {name for match in NOX_COMMAND.findall(text) for name in match.split()}


@pytest.mark.parametrize(
    "path",
    [*WORKFLOWS, CI_RUN, ROOT / ".pre-commit-config.yaml"],
    ids=lambda p: p.name,
)
def test_every_nox_session_named_exists(path: Path) -> None:
    named = _nox_sessions_named_in(path.read_text(encoding="utf-8"))
    assert named <= set(_session_functions())


# --- GitHub Actions ------------------------------------------------------------------------------


def test_there_is_a_ci_workflow() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_runs_on_push_and_pull_request(path: Path) -> None:
    workflow = _workflow(path)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(triggers)


def test_ci_runs_every_check_through_nox() -> None:
    runs = [
        step.get("run", "") for _, _, step in _steps(_workflow(ROOT / ".github/workflows/ci.yml"))
    ]
    commands = [line.strip() for run in runs for line in run.splitlines()]
    for command in [
        "nox -s check -- --format github",
        "nox -s lint",
        "nox -s typecheck",
        "nox -s tests",
        "nox -s site",
        "nox -s browser",
    ]:
        assert command in commands


def test_superseded_runs_are_cancelled() -> None:
    concurrency = _workflow(ROOT / ".github/workflows/ci.yml")["concurrency"]
    assert concurrency["cancel-in-progress"] is True
    assert "github.ref" in concurrency["group"]


def test_python_setup_caches_pip_on_pyproject() -> None:
    setups = [
        step
        for _, _, step in _steps(_workflow(ROOT / ".github/workflows/ci.yml"))
        if str(step.get("uses", "")).startswith("actions/setup-python@")
    ]
    assert setups
    for step in setups:
        assert step["with"]["cache"] == "pip"
        assert step["with"]["cache-dependency-path"] == "pyproject.toml"


ON_DEFAULT_BRANCH = (
    "github.event_name == 'push' && github.ref_name == github.event.repository.default_branch"
)
PAGES_ACTIONS = (
    "actions/configure-pages@",
    "actions/upload-pages-artifact@",
    "actions/deploy-pages@",
)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_pages_are_published_only_from_the_default_branch(path: Path) -> None:
    pages_steps = [
        (job, step)
        for _, job, step in _steps(_workflow(path))
        if str(step.get("uses", "")).startswith(PAGES_ACTIONS)
    ]
    for job, step in pages_steps:
        assert ON_DEFAULT_BRANCH in (job.get("if", ""), step.get("if", ""))


def test_the_deploy_job_has_the_pages_permissions_and_environment() -> None:
    deploy = _workflow(ROOT / ".github/workflows/ci.yml")["jobs"]["deploy"]
    assert deploy["if"] == ON_DEFAULT_BRANCH
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]
    assert set(deploy["needs"]) == {"check", "lint", "typecheck", "tests", "site", "browser"}


def test_the_browser_job_installs_chromium_with_apt() -> None:
    browser = _workflow(ROOT / ".github/workflows/ci.yml")["jobs"]["browser"]
    runs = "\n".join(step.get("run", "") for step in browser["steps"])
    assert "apt-get install -y chromium" in runs


# --- .ci/run and the README ----------------------------------------------------------------------


def test_ci_run_is_a_strict_executable_bash_script() -> None:
    text = CI_RUN.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text
    assert os.access(CI_RUN, os.X_OK)


def _ci_run_lines() -> list[str]:
    return _commands(CI_RUN.read_text("utf-8"))


def test_the_readme_sets_nox_up_inside_the_project() -> None:
    """Never into the system's Python, which pip refuses under PEP 668 (Debian 12)."""
    set_up, tests = quick_start_blocks()
    venv, install, build = commands(set_up)
    assert venv == "python3 -m venv .venv"
    assert install == ".venv/bin/pip install nox"
    assert build == ".venv/bin/nox -s site"
    assert commands(tests) == [".venv/bin/nox -s tests"]
    for command in [*commands(set_up), *commands(tests)]:
        assert not re.search(r"\bsudo\b|--user|--break-system-packages", command)


def test_ci_run_sets_nox_up_the_readmes_way() -> None:
    set_up, _ = quick_start_blocks()
    *preparation, _ = commands(set_up)
    lines = _ci_run_lines()
    positions = [lines.index(command) for command in preparation]
    assert positions == sorted(positions)


def test_ci_run_builds_and_tests_with_the_readmes_commands() -> None:
    set_up, tests = quick_start_blocks()
    steps = [line.removeprefix("step ") for line in _ci_run_lines() if line.startswith("step ")]
    assert commands(set_up)[-1] in steps
    assert commands(tests)[0] in steps


def test_ci_run_runs_every_session_with_the_readmes_nox() -> None:
    nox_calls = [line for line in _ci_run_lines() if re.search(r"\bnox -s\b", line)]
    assert nox_calls
    assert all(line.startswith("step .venv/bin/nox -s ") for line in nox_calls)


def test_ci_run_runs_lint_typecheck_check_and_browser() -> None:
    named = _nox_sessions_named_in("\n".join(_ci_run_lines()))
    assert {"lint", "typecheck", "check", "tests", "site", "browser"} <= named


# --- pre-commit ----------------------------------------------------------------------------------


def _hooks() -> dict[str, dict[str, Any]]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def test_pre_commit_checks_the_whole_content_when_any_content_changes() -> None:
    hook = _hooks()["content-check"]
    assert hook["entry"] == "python -m generator check"
    assert hook["pass_filenames"] is False
    assert re.match(hook["files"], "content/events/x.yaml")


def test_pre_commit_formats_content_yaml_files() -> None:
    hook = _hooks()["content-fmt"]
    assert hook["entry"] == "python -m generator fmt"
    assert re.match(hook["files"], "content/events/niger-coup-2023.yaml")
    assert not re.match(hook["files"], "content/README.md")
    assert not re.match(hook["files"], "tests/fixtures/valid/content/events/x.yaml")


def _pinned_ruff() -> str:
    pinned = re.search(r'RUFF = "ruff==([0-9.]+)"', (ROOT / "noxfile.py").read_text("utf-8"))
    assert pinned is not None
    return pinned.group(1)


def test_pre_commit_fetches_nothing() -> None:
    """Every hook runs a tool of the environment: commits work offline."""
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    assert {hook["language"] for hook in _hooks().values()} == {"system"}


def test_pre_commit_runs_ruff_as_ruffs_own_hooks_do() -> None:
    hooks = _hooks()
    assert hooks["ruff-check"]["entry"] == "ruff check --force-exclude"
    assert hooks["ruff-format"]["entry"] == "ruff format --force-exclude"
    for name in ("ruff-check", "ruff-format"):
        assert hooks[name]["types_or"] == ["python", "pyi"]


def test_every_pinned_ruff_is_the_one_nox_pins() -> None:
    """The pre-commit install line installs the ruff `nox -s lint` runs."""
    texts = [ROOT / "README.md", ROOT / ".pre-commit-config.yaml", *sorted(DOCS.glob("*.md"))]
    pins = {
        path.name: set(re.findall(r"ruff==([0-9][0-9.]*[0-9])", path.read_text("utf-8")))
        for path in texts
    }
    assert pins["README.md"] == {_pinned_ruff()}
    assert pins[".pre-commit-config.yaml"] == {_pinned_ruff()}
    assert set().union(*pins.values()) == {_pinned_ruff()}


# --- VS Code -------------------------------------------------------------------------------------


def test_vscode_maps_every_kind_to_its_generated_schema() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert mapping == {f"schemas/{kind}.schema.json": f"content/{kind}/*.yaml" for kind in MODELS}
    assert {Path(schema).name for schema in mapping} <= set(schema_texts())


def test_vscode_recommends_the_yaml_extension() -> None:
    extensions = json.loads((ROOT / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert extensions["recommendations"] == ["redhat.vscode-yaml"]


# --- the documentation ---------------------------------------------------------------------------

README_MAX_LINES = 200


def _documentation() -> str:
    return "\n".join(path.read_text("utf-8") for path in [ROOT / "README.md", *DOCS.glob("*.md")])


def test_the_readme_is_short_enough_to_read_first() -> None:
    lines = (ROOT / "README.md").read_text("utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES


def test_the_readme_shows_the_site_and_points_to_the_design() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    screenshots = re.findall(r"!\[[^\]]+\]\(([^)]+\.png)\)", readme)
    assert screenshots
    assert all((ROOT / shot).is_file() for shot in screenshots)
    for linked in ("docs/design.md", "docs/security.md"):
        assert f"]({linked}" in readme


@pytest.mark.parametrize("name", sorted(_session_functions()))
def test_every_nox_session_is_documented(name: str) -> None:
    assert f"nox -s {name}" in _documentation()


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices)


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_every_command_and_its_options_are_documented(command: str) -> None:
    documentation = _documentation()
    assert f"python -m generator {command}" in documentation
    for action in _subcommands()[command]._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in documentation or f" {option}" in documentation, option
