"""Every YAML slip gets one diagnostic, at the line to edit; `check` and `fmt` agree on it.

The corpus (tests/fixtures/slips/) holds one file per common slip: a missing space after a
colon, an unclosed quote, a tab, a bad indent, a stray colon in an unquoted value, a duplicate
key. `check` and `fmt` (which the pre-commit hook runs) must refuse the same files, with the
same diagnostic: that is checked on the slips, on the hostile and broken fixtures, and on
random one-character slips (hypothesis).
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import fmt, schema
from generator.cli import main
from generator.load import load_text
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


# --- one parser truth: check and fmt ------------------------------------------------------------


def _fixture_files() -> list[Path]:
    hostile = sorted((FIXTURES / "hostile" / "yaml").glob("*.yaml"))
    broken = sorted((FIXTURES / "broken").glob("*/content/*/*.yaml"))
    return [*SLIP_FILES, *hostile, *broken]


def _loader_lines(check_output: str) -> list[str]:
    return [
        line for line in check_output.splitlines() if line.rsplit("[", 1)[-1][:-1] in LOADER_CODES
    ]


@pytest.mark.parametrize(
    "path", _fixture_files(), ids=lambda p: f"{p.parent.parent.parent.name}/{p.stem}"
)
def test_check_and_fmt_refuse_the_same_files_with_the_same_diagnostic(
    tmp_path: Path, path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "content" / "events" / "e.yaml"
    target.parent.mkdir(parents=True)
    shutil.copy(path, target)
    monkeypatch.chdir(tmp_path)
    main(["check", "--content", "content"])
    refused_by_check = _loader_lines(capsys.readouterr().out)
    status = main(["fmt", "content/events/e.yaml"])
    refused_by_fmt = [line for line in capsys.readouterr().out.splitlines() if ": error: " in line]
    assert refused_by_fmt == refused_by_check
    assert status == (1 if refused_by_check else 0)


def test_fmt_writes_a_tab_after_a_colon_as_a_space(tmp_path: Path) -> None:
    slip = SLIPS / "content" / "events" / "tab-after-colon.yaml"
    formatted = fmt.format_text(slip.read_text(encoding="utf-8"), schema.Event)
    assert formatted == _base_of(slip)


# Slips made at random: one character typed, deleted or replaced anywhere in the base file.
_TYPED = st.sampled_from([":", " ", "\t", "'", '"', "-", "#", "[", "]", "{", "\n", "  ", "a"])


@st.composite
def _slipped(draw: st.DrawFn) -> str:
    position = draw(st.integers(min_value=0, max_value=len(BASE) - 1))
    action = draw(st.sampled_from(["type", "delete", "replace"]))
    if action == "delete":
        return BASE[:position] + BASE[position + 1 :]
    typed = draw(_TYPED)
    rest = position + (action == "replace")
    return BASE[:position] + typed + BASE[rest:]


@settings(max_examples=300, deadline=None)
@given(_slipped())
def test_fmt_reads_every_file_the_checker_reads_and_refuses_the_others_alike(text: str) -> None:
    document = load_text(text, "e.yaml")
    try:
        formatted = fmt.format_text(text, schema.Event, "e.yaml")
    except fmt.FormatRefused as refusal:
        assert list(document.problems) == [refusal.diagnostic]
        return
    assert document.problems == ()
    assert fmt.format_text(formatted, schema.Event, "e.yaml") == formatted


@settings(max_examples=300, deadline=None)
@given(_slipped())
def test_a_syntax_error_in_a_slipped_file_points_inside_the_file(text: str) -> None:
    document = load_text(text, "e.yaml")
    lines = text.count("\n") + 1
    assert len(document.problems) <= 1
    for problem in document.problems:
        assert 1 <= problem.line <= lines
        assert problem.column >= 1
