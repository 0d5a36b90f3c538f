"""The preview benchmark: what an editor waits for between a save and the updated page.

`python -m benchmarks --preview` (or `nox -s bench -- --preview`) measures, in this one
process, the real content and synthetic fact bases of `--events` sizes (benchmarks/synthetic.py)
served by the preview server of `python -m generator serve` (generator/serve.py):

1. **cold build**: generation with no cache into an empty site_src/, then MkDocs' full build,
   as the preview's first build runs them;
2. **save → visible**: one event's file is changed on disk while the server runs, and the
   event's page is requested over HTTP every 50 ms, as a reloading browser would (the server
   holds a request while it builds), until the change is in it. Split into the wait for the
   watcher to notice (until the rebuild starts), the generation, and MkDocs' dirty build. Two
   saves: the event's title, which every page listing the events shows (timeline, sources,
   map, home), and a participant's role, which only the event's and the actor's pages show;
3. **search**: whether the served search index, after a title edit, has an entry with the new
   title, and how many of the site's pages it holds;
4. the largest HTML page, and the process' peak memory while this content was measured
   (Linux: VmHWM, reset through /proc/self/clear_refs before each content; elsewhere
   ru_maxrss, the peak of every content so far).

Each figure is the median of `--repeat` runs. Results are printed as a table and written to
`.bench/preview-results.json`.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import shutil
import statistics
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

from benchmarks.run import (
    BENCH_DIR,
    EDITED_EVENT,
    HOOK,
    REPO,
    clear_caches,
    empty_trash,
    make_project,
    set_aside,
)
from benchmarks.run import peak_memory_mb as peak_memory
from generator.serve import Preview

REAL_EVENT = "niger-coup-2023"
POLL_SECONDS = 0.05
TIMEOUT = 600.0


def real_project(root: Path) -> Path:
    """A copy of the project's own content, pages and settings."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "pages", root / "pages")
    shutil.copytree(REPO / "overrides", root / "overrides")  # mkdocs.yml theme.custom_dir
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        config.replace("  - generator/mkdocs_hook.py", f"  - {HOOK.as_posix()}"), encoding="utf-8"
    )
    (root / "site_src").mkdir()
    return root


# What each save changes: the first line of the event's file that starts with the field.
EDITS = {"title": "title: ", "role": "    role: "}


def set_field(event: Path, field: str, value: str) -> None:
    lines = event.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith(field))
    lines[first] = f"{field}{value}\n"
    event.write_text("".join(lines), encoding="utf-8")


def get(url: str) -> tuple[int, bytes]:
    try:
        with urlopen(url, timeout=TIMEOUT) as response:
            return response.status, response.read()
    except HTTPError as problem:
        return problem.code, problem.read()


def wait_until_shown(url: str, text: str) -> float:
    """Seconds until the page at `url` contains `text`, polled as a reloading browser."""
    started = time.perf_counter()
    wanted = text.encode("utf-8")
    while time.perf_counter() - started < TIMEOUT:
        status, body = get(url)
        if status == 200 and wanted in body:
            return time.perf_counter() - started
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"{url} did not show {text!r} within {TIMEOUT:.0f} s")


def search_check(preview: Preview, page: str, title: str) -> dict[str, Any]:
    status, body = get(preview.server.url + "search/search_index.json")
    entries = json.loads(body)["docs"] if status == 200 else []
    pages = {entry["location"].partition("#")[0] for entry in entries}
    found = any(e["title"] == title and e["location"].startswith(page) for e in entries)
    return {"found": found, "pages": len(pages)}


def cold_build(project: Path) -> tuple[Preview, dict[str, float]]:
    clear_caches(project)
    preview = Preview(project / "mkdocs.yml", "127.0.0.1", 0, "/")
    preview.listen()
    preview.rebuild()
    if preview.server.failure is not None:
        preview.close()
        raise RuntimeError(f"the project does not build: {preview.server.failure}")
    timings = preview.timings
    return preview, {
        "total": timings["total"],
        "generation": timings["generation"],
        "mkdocs": timings["total"] - timings["generation"],
    }


def saves(preview: Preview, event: Path, repeat: int, work: Path) -> list[dict[str, Any]]:
    """Edit the event `repeat` times in each way while the server runs; measure each save."""
    page = f"events/{event.stem}/"
    url = preview.server.url + page
    thread = threading.Thread(target=preview.serve, daemon=True)
    thread.start()
    runs = []
    try:
        wait_until_shown(url, "</html>")
        for run in range(repeat):
            for edit, field in EDITS.items():
                value = f"Benchmark {edit} {run + 1}"
                saved = time.perf_counter()
                set_field(event, field, value)
                visible = wait_until_shown(url, value)
                timings = preview.timings
                runs.append(
                    {
                        "edit": edit,
                        "visible": visible,
                        "watcher": timings["started"] - saved,
                        "generation": timings["generation"],
                        "mkdocs": timings["total"] - timings["generation"],
                        "rendered": len(preview.rendered),
                        "search": search_check(preview, page, value),
                    }
                )
    finally:
        set_aside(preview.site_dir, work)  # deleted when the benchmark ends
        preview.close()
        thread.join(TIMEOUT)
    return runs


def reset_peak_memory() -> bool:
    """Start the process' peak resident size afresh (Linux); False where it cannot be."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


def peak_memory_since_reset() -> float:
    """The peak resident size since reset_peak_memory, in MB (VmHWM)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return peak_memory()


def measure(label: str, project: Path, event: Path, repeat: int) -> dict[str, Any]:
    original = event.read_text(encoding="utf-8")
    own_peak = reset_peak_memory()
    cold = []
    try:
        for run in range(repeat):
            preview, timings = cold_build(project)
            cold.append(timings)
            if run < repeat - 1:
                set_aside(preview.site_dir, project.parent)  # rather than close() deleting it
                preview.close()
                # Let go before the next is built: an editor's process holds one preview.
                del preview
                gc.collect()
        pages = len(list((project / "site_src").rglob("*.md")))
        largest = max(preview.site_dir.rglob("*.html"), key=lambda path: path.stat().st_size)
        largest_page = {
            "path": largest.relative_to(preview.site_dir).as_posix(),
            "bytes": largest.stat().st_size,
        }
        save_runs = saves(preview, event, repeat, project.parent)
    finally:
        event.write_text(original, encoding="utf-8")

    def median(runs: Sequence[dict[str, Any]], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    titles = [run for run in save_runs if run["edit"] == "title"]
    return {
        "label": label,
        "pages": pages,
        "repeat": repeat,
        "cold": {key: median(cold, key) for key in ("total", "generation", "mkdocs")},
        **{
            f"save_{edit}": {
                key: median([run for run in save_runs if run["edit"] == edit], key)
                for key in ("visible", "watcher", "generation", "mkdocs", "rendered")
            }
            for edit in EDITS
        },
        "search_found": sum(run["search"]["found"] for run in titles),
        "search_pages": min(run["search"]["pages"] for run in save_runs),
        "largest_page": largest_page,
        "peak_memory_mb": peak_memory_since_reset() if own_peak else peak_memory(),
        "peak_memory_of": "this content" if own_peak else "the process so far",
        "raw": {"cold": cold, "saves": save_runs},
    }


def table(results: Sequence[dict[str, Any]]) -> str:
    def row(label: str, cells: Sequence[str]) -> str:
        return f"| {label} | " + " | ".join(cells) + " |"

    def each(render: Any) -> list[str]:
        return [render(result) for result in results]

    def seconds(value: float) -> str:
        return f"{value:.2f} s"

    def save_rows(edit: str, what: str) -> list[str]:
        key = f"save_{edit}"
        return [
            row(f"save {what} → page visible", each(lambda r: seconds(r[key]["visible"]))),
            row("  until the watcher noticed", each(lambda r: seconds(r[key]["watcher"]))),
            row("  generation", each(lambda r: seconds(r[key]["generation"]))),
            row("  MkDocs (dirty build)", each(lambda r: seconds(r[key]["mkdocs"]))),
            row("  pages rendered", each(lambda r: f"{r[key]['rendered']:.0f}")),
        ]

    return "\n".join(
        [
            row("content", each(lambda r: r["label"])),
            row("---", ["---:" for _ in results]),
            row("pages", each(lambda r: f"{r['pages']:,}")),
            row("cold build: generation + MkDocs", each(lambda r: seconds(r["cold"]["total"]))),
            row("  generation", each(lambda r: seconds(r["cold"]["generation"]))),
            row("  MkDocs (all pages)", each(lambda r: seconds(r["cold"]["mkdocs"]))),
            *save_rows("title", "an event's title"),
            *save_rows("role", "a participant's role"),
            row(
                "search finds the new title",
                each(lambda r: f"{r['search_found']} of {r['repeat']} title saves"),
            ),
            row(
                "pages in the search index",
                each(lambda r: f"{r['search_pages']:,} of {r['pages']:,}"),
            ),
            row(
                "largest HTML page",
                each(
                    lambda r: (
                        f"{r['largest_page']['path']}, {r['largest_page']['bytes'] / 1000:,.0f} kB"
                    )
                ),
            ),
            row(
                f"peak RSS ({results[0]['peak_memory_of']})",
                each(lambda r: f"{r['peak_memory_mb']:,.0f} MB"),
            ),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks --preview",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument(
        "--events", type=int, nargs="*", default=[2000, 10000], help="sizes (2000 10000)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (3)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="work folder (.bench)")
    args = parser.parse_args(argv)
    if args.repeat < 1 or any(n < 20 for n in args.events):
        parser.error("--repeat must be at least 1 and --events at least 20")
    # The server's own lines ("Rebuilt 3 of 129 pages …", the synthetic content's warnings)
    # would bury the table.
    for name in ("mkdocs", "generator.serve"):
        logging.getLogger(name).setLevel(logging.ERROR)
    results = []
    real = real_project(args.out / "preview-real")
    events = len(list((real / "content" / "events").glob("*.yaml")))
    event = real / "content" / "events" / f"{REAL_EVENT}.yaml"
    results.append(measure(f"real ({events} events)", real, event, args.repeat))
    for size in sorted(args.events):
        project = make_project(args.out / f"preview-{size}", size)
        event = project / "content" / "events" / f"{EDITED_EVENT}.yaml"
        results.append(measure(f"{size:,} events", project, event, args.repeat))
        print(f"measured {size:,} events", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "preview-results.json"
    target.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    sizes = " ".join(map(str, sorted(args.events)))
    print(
        f"wrote {target}\n\n$ python -m benchmarks --preview --events {sizes} "
        f"--repeat {args.repeat}\n"
    )
    print(table(results))
    empty_trash(args.out)
    return 0
