"""A small version of the benchmark, and what it checks that does not depend on the clock.

Speed is measured by the benchmark (`nox -s bench`), never asserted here: a timed test on a
shared machine fails for reasons of its own. What a quadratic step would also change is the
output: a page that lists the whole fact base on every entity's page grows the site faster
than the fact base, and that is counted here, in bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.run import (
    TRASH,
    clear_caches,
    empty_trash,
    generate_project,
    make_project,
    measure,
    table,
)
from generator import incremental
from generator.write import spare_dir
from tests.test_incremental import tree

SMALL, LARGE = 200, 800
# Four times the events; a fifth more for the pages whose number does not grow (the home
# page, the indexes) weighing less in the larger site.
MAX_RATIO = (LARGE / SMALL) * 1.2


def _site_bytes(project: Path) -> int:
    return sum(len(data) for data in tree(project / "site_src").values())


@pytest.mark.slow
def test_the_generated_site_grows_about_linearly_with_the_fact_base(tmp_path: Path) -> None:
    small = make_project(tmp_path / "small", SMALL)
    large = make_project(tmp_path / "large", LARGE)
    generate_project(small, cache=False)
    generate_project(large, cache=False)
    ratio = _site_bytes(large) / _site_bytes(small)
    assert ratio < MAX_RATIO, f"{LARGE} events made {ratio:.1f}× the bytes of {SMALL}"
    page_sizes = [
        len(data) for path, data in tree(large / "site_src").items() if path.endswith(".md")
    ]
    assert max(page_sizes) < 200_000  # no page holds the whole fact base


def test_the_benchmark_runs_and_reports(tmp_path: Path) -> None:
    result = measure(40, 1, tmp_path, with_mkdocs=False)
    assert result["content_files"] > 40
    assert result["incremental"]["files_rewritten"] >= 1
    assert result["generation"]["load"] > 0
    assert result["figures_json"]["trace_types"]["map"] == ["scattergeo"]
    assert result["commands"]["build_after_edit"] > 0
    assert result["commands"]["check"] > 0
    text = table([result])
    assert "generation after 1 event edit" in text
    assert "`python -m generator check`, wall" in text
    # measure() put the edited event back: regenerating incrementally gives the full output.
    project = tmp_path / "project-40"
    generate_project(project)
    generate_project(project, cache=False, out="reference")
    assert tree(project / "site_src") == tree(project / "reference")


def test_a_cold_generation_of_the_benchmark_starts_from_nothing_this_process_holds(
    tmp_path: Path,
) -> None:
    """Each round's cold generation runs in the process that made the last round's: what
    the process keeps of the last build must go with the cache folder."""
    project = make_project(tmp_path / "project", SMALL)
    content = project / "content"
    generate_project(project)
    out = project / "site_src"
    assert incremental.session_for(content, out).memo.units
    assert incremental.cache_dir_for(content).exists()
    clear_caches(project)
    assert not incremental.session_for(content, out).memo.units
    assert not incremental.cache_dir_for(content).exists()
    # The output and the spare tree, set aside until the benchmark ends: an empty site_src/.
    assert list(out.iterdir()) == []
    assert not spare_dir(out).exists()
    assert sorted(path.name.rsplit("-", 1)[0] for path in (tmp_path / TRASH).iterdir()) == [
        "site_src",
        "site_src.spare",
    ]
    empty_trash(tmp_path)
    assert not (tmp_path / TRASH).exists()
