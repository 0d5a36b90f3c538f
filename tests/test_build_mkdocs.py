"""Full MkDocs builds: the hook regenerates site_src/, and --strict passes with no warning."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent


def mkdocs_project(tmp_path: Path, content: Path) -> Path:
    """A copy of the project's site inputs, so the test never touches the real site_src/."""
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(content, tmp_path / "content")
    shutil.copytree(REPO / "pages", tmp_path / "pages")
    (tmp_path / "generator").symlink_to(REPO / "generator")
    (tmp_path / "overrides").symlink_to(REPO / "overrides")  # mkdocs.yml theme.custom_dir
    # MkDocs checks docs_dir exists before any hook runs; the hook fills it.
    (tmp_path / "site_src").mkdir()
    return tmp_path


def mkdocs_build(project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of the project, with `env` added to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1", **env},
    )


def built_project(root: Path, corpus: Path, site_url: str) -> Path:
    """A project of `corpus` in root/project, built by MkDocs for `site_url` with caches of
    its own (in root/cache); the project's folder."""
    (root / "project").mkdir()
    project = mkdocs_project(root / "project", corpus)
    done = mkdocs_build(project, SITE_URL=site_url, SAHEL_GENERATOR_CACHE_DIR=str(root / "cache"))
    assert done.returncode == 0, done.stderr[-5000:]
    return project


@pytest.mark.slow
def test_mkdocs_build_strict_of_the_real_content_passes(tmp_path: Path) -> None:
    project = mkdocs_project(tmp_path, REPO / "content")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr
    site = project / "site"
    assert (project / "site_src" / "index.md").is_file()
    for page in ("index.html", "timeline/index.html", "network/index.html", "map/index.html"):
        assert (site / page).is_file(), page
    assert (site / "assets" / "vendor" / "plotly-charts.min.js").stat().st_size <= 1_500_000
    assert (site / "assets" / "topojson" / "africa_50m.json").is_file()
    # No page loads anything from another host: scripts, styles, fonts and images are local.
    # (A canonical link names the page's public address; browsers do not fetch it.)
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", text)
        loaded = [
            tag
            for tag in tags
            if re.search(r'(?:src|href)="(?:https?:)?//', tag) and 'rel="canonical"' not in tag
        ]
        assert not loaded, html


@pytest.mark.slow
def test_a_content_error_aborts_mkdocs_with_the_diagnostics(tmp_path: Path) -> None:
    project = mkdocs_project(tmp_path, REPO / "tests" / "fixtures" / "site_small" / "content")
    assert mkdocs_build(project).returncode == 0
    before = sorted(p.relative_to(project).as_posix() for p in (project / "site_src").rglob("*"))
    event = project / "content" / "events" / "niger-coup-2023.yaml"
    event.write_text(
        event.read_text(encoding="utf-8").replace("kind: coup", "kind: putsch"), encoding="utf-8"
    )
    done = mkdocs_build(project)
    assert done.returncode == 1
    assert "content/events/niger-coup-2023.yaml:" in done.stderr
    assert "Traceback" not in done.stderr
    after = sorted(p.relative_to(project).as_posix() for p in (project / "site_src").rglob("*"))
    assert after == before
