"""An editor's whole round: scaffold an event, fill it in, check it, break it, read the error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

# A tiny fact base, from the research notes: the Niger coup of 26 July 2023.
CONTENT = {
    "actors/niger.yaml": """\
id: niger
name: Niger
kind: state
country: NE
description: A landlocked state of the West African Sahel.
""",
    "actors/mohamed-bazoum.yaml": """\
id: mohamed-bazoum
name: Mohamed Bazoum
kind: person
country: NE
description: President of Niger until the coup of July 2023.
""",
    "sources/lebrief-niger-coup.yaml": """\
id: lebrief-niger-coup
kind: news_report
publisher: lebrief.ma
language: fr
needs_review: Only a listing page was read; the article's address and headline are unknown.
""",
}

EVENT = "content/events/niger-coup-2023.yaml"


def _generator(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def _write_content(root: Path) -> None:
    for name, text in CONTENT.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _fill_in(template: str) -> str:
    """What an editor does: fill the placeholders, and uncomment and fill `participants`."""
    answers = {
        "title:": "title: Coup in Niger",
        "kind: ''": "kind: coup",
        "date: ''": "date: 2023-07-26",
        "summary:": "summary: The Presidential Guard detains President Mohamed Bazoum.",
        "sources: []": "sources: [lebrief-niger-coup]",
        "  - actor:": "  - actor: mohamed-bazoum",
        "    role:": "    role: detained",
    }
    lines, uncommenting = [], False
    for line in template.splitlines():
        uncommenting = line == "# participants:" or (uncommenting and line != "")
        if uncommenting:
            line = line.removeprefix("# ")
        lines.append(answers.get(line, line))
    return "\n".join(lines) + "\n"


def test_an_editor_adds_an_event_and_reads_a_located_error(tmp_path: Path) -> None:
    _write_content(tmp_path)

    created = _generator(tmp_path, "new", "event", "niger-coup-2023")
    assert (created.returncode, created.stdout, created.stderr) == (0, f"{EVENT}\n", "")

    fresh = _generator(tmp_path, "check")
    assert fresh.returncode == 1
    assert fresh.stdout.count(f"{EVENT}:") == 5

    event = tmp_path / EVENT
    event.write_text(_fill_in(event.read_text(encoding="utf-8")), encoding="utf-8")
    filled = _generator(tmp_path, "check")
    assert (filled.returncode, filled.stdout) == (0, "")
    assert filled.stderr == "check passed: 4 files, 0 errors, 0 warnings\n"
    assert _generator(tmp_path, "fmt", "--check").returncode == 0

    text = event.read_text(encoding="utf-8").replace(
        "- actor: mohamed-bazoum", "- actor: mohamed-bazum"
    )
    event.write_text(text, encoding="utf-8")
    line_number, line = next(
        (n, line) for n, line in enumerate(text.splitlines(), 1) if "mohamed-bazum" in line
    )
    column = line.index("mohamed-bazum") + 1

    broken = _generator(tmp_path, "check")
    assert broken.returncode == 1
    assert broken.stdout == (
        f"{EVENT}:{line_number}:{column}: error: unknown actor 'mohamed-bazum' (did you mean "
        "'mohamed-bazoum'?); ids are the file names under content/actors/ [unknown-reference]\n"
    )
    assert broken.stderr == "check failed: 4 files, 1 error, 0 warnings\n"
