"""Shared fixtures: a small valid corpus, the real content's facts, and a way to run the
command line on a copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import incremental
from generator.corpus import load_corpus
from generator.model import FactBase

FIXTURES = Path(__file__).parent / "fixtures"
VALID_CONTENT = FIXTURES / "valid" / "content"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def real_facts() -> FactBase:
    """The project's own content/, which the figure tests check as readers will see it."""
    result = load_corpus(REPO / "content")
    assert result.facts is not None, result.diagnostics
    return result.facts


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str


def subprocess_env() -> dict[str, str]:
    """A minimal environment for the generator in a subprocess, caches kept in the test's."""
    return {
        "PYTHONPATH": str(REPO),
        "PATH": "/usr/bin:/bin",
        "SAHEL_GENERATOR_CACHE_DIR": os.environ["SAHEL_GENERATOR_CACHE_DIR"],
    }


def run_generator(*args: str, cwd: Path) -> Run:
    done = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=subprocess_env(),
    )
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture(autouse=True)
def private_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Keep the generator's caches out of the user's home while the tests run."""
    folder = tmp_path_factory.mktemp("generator-cache")
    monkeypatch.setenv("SAHEL_GENERATOR_CACHE_DIR", str(folder))
    # Nor do tests share what a process keeps of cache files between builds.
    incremental.forget_sessions()
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding a copy of the valid fixture corpus under content/."""
    shutil.copytree(VALID_CONTENT, tmp_path / "content")
    return tmp_path
