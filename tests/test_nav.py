"""mkdocs.yml's nav holds the content's sections (generator/nav.py): written by
`python -m generator build`, so that site_src/ and mkdocs.yml build without the hook."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import generate
from generator.nav import content_sections, with_nav
from tests.test_build_mkdocs import REPO, mkdocs_build, mkdocs_project

CONFIG = """\
site_name: x
nav:
  - Home: index.md
  - Storylines:
      - topics/index.md # an old comment

      - topics/gone.md
  - Timeline: timeline.md
  - About: about/index.md

# The next key's comment stays.
not_in_nav: |
  /topics/
"""


def test_the_content_sections_are_written_into_the_nav_and_nothing_else_changes() -> None:
    sections = {
        "Storylines": ["topics/index.md", "topics/coups.md", "topics/aes-formation.md"],
        "About": ["about/index.md", "about/editors-guide.md"],
    }
    assert with_nav(CONFIG, sections) == (
        "site_name: x\n"
        "nav:\n"
        "  - Home: index.md\n"
        "  - Storylines:\n"
        "      - topics/index.md\n"
        "      - topics/coups.md\n"
        "      - topics/aes-formation.md\n"
        "  - Timeline: timeline.md\n"
        "  - About:\n"
        "      - about/index.md\n"
        "      - about/editors-guide.md\n"
        "\n"
        "# The next key's comment stays.\n"
        "not_in_nav: |\n"
        "  /topics/\n"
    )


def test_a_config_without_a_nav_is_left_alone() -> None:
    assert with_nav("site_name: x\n", {"About": ["about/index.md"]}) is None


def test_the_committed_mkdocs_yml_is_in_step_with_the_content(tmp_path: Path) -> None:
    # As `schema --check` does for schemas/: after a content change that adds or reorders a
    # storyline, run `python -m generator build` and commit mkdocs.yml.
    result = generate(REPO / "content", tmp_path / "out", pages_dir=REPO / "pages", cache=False)
    assert result.ok
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    sections = content_sections(tmp_path / "out", result.storylines)
    assert with_nav(text, sections) == text, "run `python -m generator build` and commit it"


@pytest.mark.slow
def test_after_generator_build_the_site_builds_without_the_hook(tmp_path: Path) -> None:
    project = mkdocs_project(tmp_path, REPO / "content")
    # A storyline the committed mkdocs.yml does not name yet, placed first by its order.
    topic = (project / "content" / "topics" / "coups.yaml").read_text(encoding="utf-8")
    topic = topic.replace("id: coups", "id: new-thread").replace("order: 1", "order: 0")
    topic = topic.replace("title: The coups", "title: A new thread")
    (project / "content" / "topics" / "new-thread.yaml").write_text(topic, encoding="utf-8")
    config = project / "mkdocs.yml"
    hookless = re.sub(r"(?m)^hooks:\n(  - .*\n)+", "", config.read_text(encoding="utf-8"))
    assert "mkdocs_hook" not in hookless
    config.write_text(hookless, encoding="utf-8")

    generated = subprocess.run(
        [sys.executable, "-m", "generator", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "PYTHONPATH": str(REPO),
            "SAHEL_GENERATOR_CACHE_DIR": str(tmp_path / "cache"),
        },
    )
    assert generated.returncode == 0, generated.stderr
    assert "mkdocs.yml: nav updated (storylines, about pages)" in generated.stderr
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr[-5000:]
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    anchors = re.findall(r"<a\b[^>]*\bmd-nav__link\b[^>]*>", home)
    nav_links = list(dict.fromkeys(re.search(r'href="([^"]*)"', a)[1] for a in anchors))
    storylines = [link for link in nav_links if link.startswith("topics/")]
    assert storylines[:3] == ["topics/", "topics/new-thread/", "topics/coups/"]
    assert {"about/", "about/editors-guide/", "about/fields/"} <= set(nav_links)
