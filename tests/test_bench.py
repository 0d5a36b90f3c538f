"""A small version of the benchmark: generation must stay about linear in the fact base.

Not a wall-time threshold: the ratio of the generation times at two sizes, which a
quadratic step (a page or a figure that scans the whole fact base per entity) would push
well past the ratio of the sizes (16× for 4× the events, against a bound of 6×). The two
sizes are timed in turn, so a burst of load from elsewhere falls on both, and the fastest
run of each is compared: the best estimate of the work itself on a shared machine.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from benchmarks.run import clear_caches, generate_project, make_project, measure, table
from generator import incremental
from tests.test_incremental import tree

SMALL, LARGE = 200, 800
RUNS = 3
# Four times the events; half as much again for noise and the fixed costs' share shrinking.
MAX_RATIO = (LARGE / SMALL) * 1.5


def _generation_seconds(project: Path) -> float:
    started = time.perf_counter()
    generate_project(project, cache=False)
    return time.perf_counter() - started


@pytest.mark.slow
def test_generation_time_grows_about_linearly(tmp_path: Path) -> None:
    small = make_project(tmp_path / "small", SMALL)
    large = make_project(tmp_path / "large", LARGE)
    _generation_seconds(small)  # warm up imports and the page cache
    small_runs, large_runs = [], []
    for _ in range(RUNS):
        small_runs.append(_generation_seconds(small))
        large_runs.append(_generation_seconds(large))
    ratio = min(large_runs) / min(small_runs)
    assert ratio < MAX_RATIO, f"{LARGE} events took {ratio:.1f}× as long as {SMALL}"


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
