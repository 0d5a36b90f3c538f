"""Shared fixtures: a small valid corpus, and a way to run the command line on a copy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
VALID_CONTENT = FIXTURES / "valid" / "content"
REPO = Path(__file__).parent.parent


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str


def run_generator(*args: str, cwd: Path) -> Run:
    done = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding a copy of the valid fixture corpus under content/."""
    shutil.copytree(VALID_CONTENT, tmp_path / "content")
    return tmp_path
