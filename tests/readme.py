"""What the README tells a new user to type, read from the README itself."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"
QUICK_START = "## Quick start"
_FENCED = re.compile(r"^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def quick_start_blocks() -> list[str]:
    """The shell blocks of the Quick start section, verbatim: set-up and build, then tests."""
    text = README.read_text(encoding="utf-8")
    assert QUICK_START in text, f"the README has no '{QUICK_START}' section"
    section = text.split(QUICK_START, 1)[1].split("\n## ", 1)[0]
    blocks = _FENCED.findall(section)
    assert len(blocks) == 2, "the Quick start gives two commands: build the site, run the tests"
    return blocks


def commands(block: str) -> list[str]:
    """The commands of a one-line block, as `&&` chains them."""
    lines = [line for line in block.splitlines() if line.strip()]
    assert len(lines) == 1, f"a Quick start block is one line a user can paste: {block!r}"
    return [command.strip() for command in lines[0].split("&&")]
