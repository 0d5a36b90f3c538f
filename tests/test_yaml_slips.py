"""Every YAML slip gets one diagnostic, at the line to edit.

The corpus (tests/fixtures/slips/) holds one file per common slip: a missing space after a
colon, an unclosed quote, a tab, a bad indent, a stray colon in an unquoted value, a duplicate
key.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import FIXTURES, VALID_CONTENT

SLIPS = FIXTURES / "slips"
SLIP_FILES = sorted((SLIPS / "content" / "events").glob("*.yaml"))
BASE = (SLIPS / "base.yaml").read_text(encoding="utf-8")
# The codes of the problems the loader finds: a file with one of them is not read at all.
LOADER_CODES = {
    "bad-key",
    "duplicate-key",
    "empty-file",
    "encoding",
    "file-too-large",
    "not-a-mapping",
    "too-deep",
    "unreadable",
    "yaml-alias",
    "yaml-merge",
    "yaml-syntax",
    "yaml-tag",
    "yaml-value",
}


def _expected() -> dict[str, str]:
    lines = (SLIPS / "expected.txt").read_text(encoding="utf-8").splitlines()
    return {line.split(":", 1)[0].removeprefix("content/events/"): line for line in lines}


def _base_of(slip: Path) -> str:
    return BASE.replace("id: base\n", f"id: {slip.stem}\n", 1)


def _line_of_the_slip(slip: Path) -> int:
    """The first line of the file that differs from the valid file it was made from."""
    before = _base_of(slip).splitlines()
    after = slip.read_text(encoding="utf-8").splitlines()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    changed = next(block for block in matcher.get_opcodes() if block[0] != "equal")
    return changed[3] + 1


def test_every_slip_has_its_expected_diagnostic_and_nothing_else() -> None:
    assert sorted(_expected()) == [slip.name for slip in SLIP_FILES]
    assert len(SLIP_FILES) >= 15


@pytest.mark.parametrize("slip", SLIP_FILES, ids=lambda path: path.stem)
def test_the_base_file_with_the_slip_mended_is_valid(tmp_path: Path, slip: Path) -> None:
    """So that a diagnostic can only be about the slip."""
    shutil.copytree(VALID_CONTENT, tmp_path / "content")
    (tmp_path / "content" / "events" / slip.name).write_text(_base_of(slip), encoding="utf-8")
    assert main(["check", "--content", str(tmp_path / "content")]) == 0


@pytest.mark.parametrize("slip", SLIP_FILES, ids=lambda path: path.stem)
def test_check_reports_a_slip_once_at_the_line_to_edit(
    tmp_path: Path, slip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(VALID_CONTENT, tmp_path / "content")
    shutil.copy(slip, tmp_path / "content" / "events" / slip.name)
    status = main(["check", "--content", str(tmp_path / "content")])
    out = capsys.readouterr().out.splitlines()
    expected = _expected()[slip.name]
    if expected.endswith(": no diagnostic"):
        assert (status, out) == (0, [])
        return
    assert (status, out) == (1, [expected])
    _, line, _ = expected.split(":", 3)[:3]
    assert int(line) == _line_of_the_slip(slip)
