"""Golden test: the generated Markdown of the small fixture corpus, page by page.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/test_golden.py`,
then review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.corpus import load_corpus
from generator.render.site import RenderOptions, render_pages

CONTENT = Path(__file__).parent / "fixtures" / "site_small" / "content"
GOLDEN = Path(__file__).parent / "golden" / "site_small"
EDIT = "https://github.com/example/sahel/edit/main/"


def generated() -> dict[str, str]:
    result = load_corpus(CONTENT)
    assert result.facts is not None, result.diagnostics
    from generator.render.site import _normalised

    pages = render_pages(result.facts, RenderOptions(edit_base=EDIT))
    return {path: _normalised(text) for path, text in pages.items()}


def golden_files() -> dict[str, str]:
    return {
        p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(GOLDEN.rglob("*.md"))
    }


def test_generated_markdown_matches_the_golden_files() -> None:
    pages = generated()
    if os.environ.get("UPDATE_GOLDEN"):
        for path in golden_files():
            (GOLDEN / path).unlink()
        for path, text in pages.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_text(text, encoding="utf-8")
        pytest.skip("golden files regenerated")
    golden = golden_files()
    assert sorted(pages) == sorted(golden)
    for path, text in pages.items():
        assert text == golden[path], f"{path} differs; UPDATE_GOLDEN=1 regenerates"
