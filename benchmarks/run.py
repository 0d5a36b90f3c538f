"""The benchmark: generation and `mkdocs build` of a synthetic fact base, at a given size.

For each size it writes a synthetic corpus in the real schema (benchmarks/synthetic.py) into
a project under `.bench/` and measures, in this one process:

1. **cold generation** (no cache, empty site_src/): load + validate, render, write;
2. **warm generation** with nothing changed (the caches are used);
3. **incremental generation** after one event file is edited: its seconds, how many output
   files were rewritten, and how many output files got a new modification time. Measured
   as `mkdocs serve` runs it (the same process, which holds the caches in memory), then,
   after a second edit, as a new `python -m generator build` process does (the caches read
   back from their files);
4. **the commands**, after a third edit: the wall time of `python -m generator build` and
   then of `python -m generator check`, each a process of its own, from the interpreter's
   start to its exit (what an editor waits for at a terminal or in the pre-commit hook);
5. **`mkdocs build`** of the generated site, through MkDocs' Python API. The project's hook
   is wrapped by benchmarks/hook.py, which times the generation it runs (with warm caches),
   so MkDocs' own work is the build's time less the hook's;
6. the output: bytes of site_src/ and site/, HTML bytes per page, the figures' JSON sizes
   and trace types, and the process' peak memory (`resource.getrusage` ru_maxrss, which
   covers the whole process: it is read once after generation and once after MkDocs).

Each measurement is repeated `--repeat` times and the median is reported. Results are printed
as a table and written to `.bench/results-<events>.json`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import timing
from benchmarks.synthetic import write_corpus
from generator.build import BuildResult, edit_base_from_mkdocs_yml, generate
from generator.incremental import cache_dir_for, forget_sessions
from generator.write import spare_dir

REPO = Path(__file__).resolve().parent.parent
HOOK = Path(__file__).resolve().parent / "hook.py"
EDITED_EVENT = "event-1"
BENCH_DIR = REPO / ".bench"


# --- the project -----------------------------------------------------------------------------


def make_project(root: Path, events: int) -> Path:
    """A project folder with the synthetic content, the real pages/ and a timed mkdocs.yml.

    The corpus is written again only if it is not already there at this size.
    """
    marker = root / ".events"
    if not (marker.is_file() and marker.read_text(encoding="utf-8") == str(events)):
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        write_corpus(root / "content", events)
        marker.write_text(str(events), encoding="utf-8")
    if (root / "pages").exists():
        shutil.rmtree(root / "pages")
    shutil.copytree(REPO / "pages", root / "pages")
    if (root / "overrides").exists():
        shutil.rmtree(root / "overrides")
    shutil.copytree(REPO / "overrides", root / "overrides")  # mkdocs.yml theme.custom_dir
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    timed = config.replace("  - generator/mkdocs_hook.py", f"  - {HOOK.as_posix()}")
    assert timed != config, "mkdocs.yml no longer names generator/mkdocs_hook.py"
    (root / "mkdocs.yml").write_text(timed, encoding="utf-8")
    (root / "site_src").mkdir(exist_ok=True)
    return root


def clear_caches(project: Path) -> None:
    """No cache left for the next generation, on disk or in this process, and no output: a
    cold one. The write stage's spare tree is a cache too: the last tree but one, which a new
    build is assembled in; a fresh clone has none, and a stale one costs a cold build an
    unlink per file."""
    shutil.rmtree(cache_dir_for(project / "content"), ignore_errors=True)
    set_aside(spare_dir(project / "site_src"), project.parent)
    set_aside(project / "site_src", project.parent)
    (project / "site_src").mkdir()
    forget_sessions()


# Where the trees a cold build replaces wait until the benchmark ends (`empty_trash`):
# deleting tens of thousands of files just before a build slows the file creations that
# follow (ext4 here: writing a 2,000-event site took 4.3 s instead of 0.3 s), which a
# fresh clone never pays.
TRASH = "trash"


def set_aside(path: Path, work: Path) -> None:
    """Move `path`, if it exists, to `work`'s trash; delete it where it cannot be moved."""
    if not path.exists():
        return
    trash = work / TRASH
    trash.mkdir(parents=True, exist_ok=True)
    try:
        path.rename(trash / f"{path.name}-{time.time_ns()}")
    except OSError:  # on another file system
        shutil.rmtree(path, ignore_errors=True)


def empty_trash(work: Path) -> None:
    shutil.rmtree(work / TRASH, ignore_errors=True)


def generate_project(
    project: Path, *, cache: bool = True, out: str = "site_src"
) -> tuple[BuildResult, dict[str, float]]:
    """The generation step exactly as the MkDocs hook runs it, with its stages' seconds."""
    stages: dict[str, float] = {}
    started = time.perf_counter()
    result = generate(
        project / "content",
        project / out,
        pages_dir=project / "pages",
        edit_base=edit_base_from_mkdocs_yml(project / "mkdocs.yml"),
        cache=cache,
        timings=stages,
    )
    stages["total"] = time.perf_counter() - started
    if not result.ok:
        raise RuntimeError(f"the synthetic corpus does not build: {result.diagnostics[:5]}")
    return result, stages


def edit_event(project: Path, label: str) -> None:
    """Change one event's title, as an editor would."""
    path = project / "content" / "events" / f"{EDITED_EVENT}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [
        f"title: Synthetic event 1, {label}\n" if line.startswith("title:") else line
        for line in lines
    ]
    path.write_text("".join(lines), encoding="utf-8")


def command_seconds(project: Path, *arguments: str) -> float:
    """The wall time of `python -m generator <arguments>` run in the project, from the
    interpreter's start to its exit."""
    path = os.environ.get("PYTHONPATH")
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), *([path] if path else [])]),
    }
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "generator", *arguments],
        cwd=project,
        env=environment,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def modification_times(out: Path) -> dict[str, int]:
    # Dotfiles (the manifest) are not site files: MkDocs ignores them.
    files = (p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in files}


def peak_memory_mb() -> float:
    """The process' peak resident set size so far (ru_maxrss: kB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if platform.system() == "Darwin" else peak / 1024


# --- MkDocs ---------------------------------------------------------------------------------


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def mkdocs_build(project: Path) -> dict[str, float]:
    """`mkdocs build` of the project; its seconds, the hook's, and MkDocs' own."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    mkdocs_log = logging.getLogger("mkdocs")
    counter = _Counter()
    level = mkdocs_log.level
    mkdocs_log.setLevel(logging.WARNING)
    mkdocs_log.addHandler(counter)
    timing.HOOK_SECONDS.clear()
    try:
        started = time.perf_counter()
        config = load_config(config_file=str(project / "mkdocs.yml"))
        build(config)
        total = time.perf_counter() - started
    finally:
        mkdocs_log.removeHandler(counter)
        mkdocs_log.setLevel(level)
    hook = sum(timing.HOOK_SECONDS)
    return {"total": total, "hook": hook, "own": total - hook, "warnings": counter.count}


# --- the output -----------------------------------------------------------------------------


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _mean_size(paths: Sequence[Path]) -> float:
    return statistics.fmean(p.stat().st_size for p in paths) if paths else 0.0


def output_stats(project: Path) -> dict[str, Any]:
    site = project / "site"
    html = sorted(site.rglob("*.html")) if site.is_dir() else []
    return {
        "site_src_bytes": _size(project / "site_src"),
        "site_bytes": _size(site) if site.is_dir() else 0,
        "html_pages": len(html),
        "html_bytes": sum(p.stat().st_size for p in html),
        "bytes_per_page": _mean_size(html),
        "bytes_per_event_page": _mean_size(sorted(site.glob("events/*/index.html"))),
        "bytes_per_actor_page": _mean_size(sorted(site.glob("actors/*/index.html"))),
    }


def figure_stats(out: Path) -> dict[str, Any]:
    figures = {p.stem: p for p in sorted((out / "figures").glob("*.json"))}
    sizes = {name: path.stat().st_size for name, path in figures.items()}
    actor_sizes = [size for name, size in sizes.items() if name.startswith("actor-")]
    largest = max(sizes, key=sizes.__getitem__) if sizes else ""

    def trace_types(name: str) -> list[str]:
        if name not in figures:
            return []
        data = json.loads(figures[name].read_text(encoding="utf-8"))
        return sorted({str(trace.get("type", "scatter")) for trace in data.get("data", [])})

    return {
        "figures": len(sizes),
        "largest_figure": largest,
        "largest_figure_bytes": sizes.get(largest, 0),
        "figure_bytes": {
            name: sizes.get(name, 0)
            for name in ("timeline-topic", "timeline-country", "map", "network")
        },
        "largest_actor_figure_bytes": max(actor_sizes, default=0),
        "trace_types": {
            name: trace_types(name)
            for name in ("timeline-topic", "timeline-country", "map", "network")
        },
    }


# --- one size -------------------------------------------------------------------------------


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def measure(events: int, repeat: int, workdir: Path, *, with_mkdocs: bool = True) -> dict[str, Any]:
    project = make_project(workdir / f"project-{events}", events)
    original = (project / "content" / "events" / f"{EDITED_EVENT}.yaml").read_text(encoding="utf-8")
    cold: list[dict[str, float]] = []
    warm: list[dict[str, float]] = []
    incremental: list[dict[str, float]] = []
    fresh: list[dict[str, float]] = []
    command_build: list[float] = []
    command_check: list[float] = []
    rewritten: list[int] = []
    touched: list[int] = []
    files_read = 0
    output_files = 0
    try:
        for run in range(repeat):
            clear_caches(project)
            result, stages = generate_project(project)
            cold.append(stages)
            files_read = result.files_read
            assert result.report is not None
            output_files = len(result.report.written) + result.report.unchanged
            warm.append(generate_project(project)[1])
            before = modification_times(project / "site_src")
            edit_event(project, f"edit {run + 1}")
            result, stages = generate_project(project)
            incremental.append(stages)
            assert result.report is not None
            rewritten.append(len(result.report.written))
            after = modification_times(project / "site_src")
            touched.append(sum(1 for path, mtime in after.items() if before.get(path) != mtime))
            # The same edit as a new `python -m generator build` process sees it: the caches
            # read back from their files, not held in memory as `mkdocs serve` holds them.
            edit_event(project, f"edit {run + 1} from disk")
            forget_sessions()
            fresh.append(generate_project(project)[1])
            edit_event(project, f"edit {run + 1} from the command line")
            command_build.append(command_seconds(project, "build"))
            command_check.append(command_seconds(project, "check"))
        memory_generation = peak_memory_mb()
        builds = [mkdocs_build(project) for _ in range(repeat)] if with_mkdocs else []
    finally:
        (project / "content" / "events" / f"{EDITED_EVENT}.yaml").write_text(
            original, encoding="utf-8"
        )

    def medians(runs: list[dict[str, float]]) -> dict[str, float]:
        return {key: _median([r[key] for r in runs]) for key in runs[0]} if runs else {}

    cold_m, warm_m, incremental_m = medians(cold), medians(warm), medians(incremental)
    fresh_m = medians(fresh)
    mkdocs_m = medians(builds)
    mkdocs_own = mkdocs_m.get("own", 0.0)
    return {
        "events": events,
        "repeat": repeat,
        "content_files": files_read,
        "output_files": output_files,
        "files_per_second": files_read / cold_m["load"] if cold_m["load"] else 0.0,
        "generation": cold_m,
        "generation_warm": warm_m,
        "incremental": {
            **incremental_m,
            "files_rewritten": _median(rewritten),
            "files_with_new_mtime": _median(touched),
            "edited": f"content/events/{EDITED_EVENT}.yaml (title)",
        },
        "incremental_to_full": incremental_m["total"] / cold_m["total"],
        "incremental_new_process": fresh_m,
        "incremental_new_process_to_full": fresh_m["total"] / cold_m["total"],
        "commands": {
            "build_after_edit": _median(command_build),
            "check": _median(command_check),
            "measure": "wall clock of `python -m generator ...`, interpreter start to exit",
        },
        "mkdocs": mkdocs_m,
        "generation_to_mkdocs": cold_m["total"] / mkdocs_own if mkdocs_own else None,
        "warm_generation_to_mkdocs": warm_m["total"] / mkdocs_own if mkdocs_own else None,
        "peak_memory_mb": {
            "after_generation": memory_generation,
            "after_mkdocs": peak_memory_mb(),
            "measure": "getrusage(RUSAGE_SELF).ru_maxrss: the whole process, all sizes so far",
        },
        "output": output_stats(project),
        "figures_json": figure_stats(project / "site_src"),
        "raw": {
            "generation": cold,
            "warm": warm,
            "incremental": incremental,
            "incremental_new_process": fresh,
            "command_build_after_edit": command_build,
            "command_check": command_check,
            "mkdocs": builds,
        },
    }


# --- the report -----------------------------------------------------------------------------


def _row(label: str, values: Sequence[str]) -> str:
    return f"| {label} | " + " | ".join(values) + " |"


def table(results: Sequence[dict[str, Any]]) -> str:
    def each(render: Any) -> list[str]:
        return [render(r) for r in results]

    def seconds(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f} s"

    def ratio(value: float | None) -> str:
        return "—" if value is None else f"{100 * value:.1f} %"

    def kb(value: float) -> str:
        return f"{value / 1000:,.1f} kB"

    rows = [
        _row("events", each(lambda r: f"{r['events']:,}")),
        _row("---", ["---:" for _ in results]),
        _row("content files", each(lambda r: f"{r['content_files']:,}")),
        _row("load + validate, files/s", each(lambda r: f"{r['files_per_second']:,.0f}")),
        _row("generation (cold), total", each(lambda r: seconds(r["generation"]["total"]))),
        _row("  load + validate", each(lambda r: seconds(r["generation"]["load"]))),
        _row("  render", each(lambda r: seconds(r["generation"]["render"]))),
        _row("  write", each(lambda r: seconds(r["generation"]["write"]))),
        _row("generation, nothing changed", each(lambda r: seconds(r["generation_warm"]["total"]))),
        _row("generation after 1 event edit", each(lambda r: seconds(r["incremental"]["total"]))),
        _row("  incremental / full", each(lambda r: ratio(r["incremental_to_full"]))),
        _row(
            "  the same, in a new process",
            each(
                lambda r: (
                    f"{seconds(r['incremental_new_process']['total'])} "
                    f"({ratio(r['incremental_new_process_to_full'])})"
                )
            ),
        ),
        _row(
            "  output files rewritten / new mtime",
            each(
                lambda r: (
                    f"{r['incremental']['files_rewritten']:.0f} / "
                    f"{r['incremental']['files_with_new_mtime']:.0f} of {r['output_files']:,}"
                )
            ),
        ),
        _row(
            "`python -m generator build` after an edit, wall",
            each(lambda r: seconds(r["commands"]["build_after_edit"])),
        ),
        _row("`python -m generator check`, wall", each(lambda r: seconds(r["commands"]["check"]))),
        _row("mkdocs build, MkDocs' own work", each(lambda r: seconds(r["mkdocs"].get("own")))),
        _row("  hook's generation in it (warm)", each(lambda r: seconds(r["mkdocs"].get("hook")))),
        _row("generation (cold) / MkDocs", each(lambda r: ratio(r["generation_to_mkdocs"]))),
        _row("generation (warm) / MkDocs", each(lambda r: ratio(r["warm_generation_to_mkdocs"]))),
        _row(
            "peak RSS after generation / MkDocs",
            each(
                lambda r: (
                    f"{r['peak_memory_mb']['after_generation']:,.0f} / "
                    f"{r['peak_memory_mb']['after_mkdocs']:,.0f} MB"
                )
            ),
        ),
        _row("site_src/ bytes", each(lambda r: f"{r['output']['site_src_bytes'] / 1e6:,.1f} MB")),
        _row("site/ bytes", each(lambda r: f"{r['output']['site_bytes'] / 1e6:,.1f} MB")),
        _row("HTML pages", each(lambda r: f"{r['output']['html_pages']:,}")),
        _row("HTML bytes per page, all", each(lambda r: kb(r["output"]["bytes_per_page"]))),
        _row("  event pages", each(lambda r: kb(r["output"]["bytes_per_event_page"]))),
        _row("  actor pages", each(lambda r: kb(r["output"]["bytes_per_actor_page"]))),
        _row(
            "largest figure JSON",
            each(
                lambda r: (
                    f"{r['figures_json']['largest_figure']} "
                    f"{kb(r['figures_json']['largest_figure_bytes'])}"
                )
            ),
        ),
    ]
    for name in ("timeline-topic", "map", "network"):
        rows.append(
            _row(
                f"  {name} JSON, traces",
                each(
                    lambda r, n=name: (
                        f"{kb(r['figures_json']['figure_bytes'][n])}, "
                        + "/".join(r["figures_json"]["trace_types"][n])
                    )
                ),
            )
        )
    rows.append(
        _row(
            "largest actor timeline JSON",
            each(lambda r: kb(r["figures_json"]["largest_actor_figure_bytes"])),
        )
    )
    lines = list(rows)
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = last["output"]["bytes_per_page"] / max(first["output"]["bytes_per_page"], 1)
        events_growth = last["output"]["bytes_per_event_page"] / max(
            first["output"]["bytes_per_event_page"], 1
        )
        lines.append("")
        lines.append(
            f"HTML bytes per page at {last['events']:,} / at {first['events']:,} events: "
            f"{growth:.2f}× (event pages {events_growth:.2f}×)"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--events", type=int, nargs="+", default=[1000], help="sizes (1000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (1)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="work folder (.bench)")
    parser.add_argument("--no-mkdocs", action="store_true", help="skip the mkdocs build")
    args = parser.parse_args(argv)
    if args.repeat < 1 or any(n < 20 for n in args.events):
        parser.error("--repeat must be at least 1 and --events at least 20")
    results = []
    for events in sorted(args.events):
        result = measure(events, args.repeat, args.out, with_mkdocs=not args.no_mkdocs)
        args.out.mkdir(parents=True, exist_ok=True)
        target = args.out / f"results-{events}.json"
        target.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {target}", flush=True)
        results.append(result)
    command = "python -m benchmarks --events " + " ".join(map(str, sorted(args.events)))
    print(f"\n$ {command} --repeat {args.repeat}\n")
    print(table(results))
    empty_trash(args.out)
    return 0
