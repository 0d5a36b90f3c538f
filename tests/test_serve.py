"""`python -m generator serve`: one rebuild per save, of the changed pages, with a whole site.

The preview runs in a thread over a copy of the project (the small fixture corpus) on a port
the OS chooses; the tests edit files as an editor does and poll the pages over HTTP, as a
browser reloading would. After every edit the preview's site must equal, file for file, what a
full `mkdocs build` of the same sources writes: the dirty build plus what the preview puts back
(search entries, navigation titles, removed pages) leaves nothing stale.
"""

from __future__ import annotations

import gc
import html
import itertools
import json
import logging
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator import mkdocs_hook, serve
from generator.corpus import load_corpus
from generator.serve import Preview
from tests.conftest import REPO, subprocess_env
from tests.test_build_mkdocs import mkdocs_project

SMALL_CONTENT = REPO / "tests" / "fixtures" / "site_small" / "content"
EVENT = Path("content/events/niger-coup-2023.yaml")
TIMEOUT = 120.0

pytestmark = pytest.mark.slow


# --- helpers ------------------------------------------------------------------------------------


def fetch(preview: Preview, path: str) -> tuple[int, str]:
    try:
        with urlopen(preview.server.url + path, timeout=TIMEOUT) as response:
            return response.status, response.read().decode("utf-8")
    except HTTPError as problem:
        return problem.code, problem.read().decode("utf-8")


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"the preview did not get there in {TIMEOUT:.0f} s")
        time.sleep(0.1)


def shows(preview: Preview, path: str, text: str) -> Callable[[], bool]:
    def check() -> bool:
        status, body = fetch(preview, path)
        return status == 200 and text in body

    return check


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def save_by_rename(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    saved = path.with_name(path.name + ".new")
    saved.write_text(text.replace(old, new), encoding="utf-8")
    saved.replace(path)


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def modification_times(folder: Path, pattern: str) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob(pattern)}


def newer(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name, mtime in after.items() if before.get(name) != mtime}


def html_of(markdown: str) -> str:
    """Where MkDocs writes the page of a Markdown file (directory URLs)."""
    stem = markdown.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


def full_build(preview: Preview, site: Path) -> dict[str, bytes]:
    """What `mkdocs build` (with the hook) writes from the same sources, at the same address."""
    config = load_config(config_file="mkdocs.yml", site_dir=str(site))
    config.site_url = preview.server.url
    build(config, serve_url=preview.server.url)
    return files_of(site)


def assert_site_is_whole(preview: Preview, tmp_path: Path) -> None:
    served = files_of(preview.site_dir)
    full = full_build(preview, tmp_path / f"full-{time.monotonic_ns()}")
    assert sorted(served) == sorted(full)
    assert [name for name in full if served[name] != full[name]] == []


def search_pages(preview: Preview) -> dict[str, list[str]]:
    """The search index as served: each page's URL and its entries' titles."""
    status, body = fetch(preview, "search/search_index.json")
    assert status == 200
    pages: dict[str, list[str]] = {}
    for entry in json.loads(body)["docs"]:
        pages.setdefault(entry["location"].partition("#")[0], []).append(entry["title"])
    return pages


def page_urls(site_src: Path) -> set[str]:
    urls = set()
    for path in site_src.rglob("*.md"):
        page = html_of(path.relative_to(site_src).as_posix()).removesuffix("index.html")
        urls.add(page)
    return urls


# --- the preview in a thread ----------------------------------------------------------------------


@pytest.fixture
def preview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Preview]:
    """The preview of a copy of the project; `poll` (indirect parameter): MkDocs' observer."""
    (tmp_path / "project").mkdir()
    project = mkdocs_project(tmp_path / "project", SMALL_CONTENT)
    monkeypatch.chdir(project)
    # The sitemap's dates and its .gz header: the same in the preview and the full build.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    server = Preview(Path("mkdocs.yml"), "127.0.0.1", 0, "/", poll=getattr(request, "param", False))
    server.listen()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        wait_for(shows(server, "events/niger-coup-2023/", "Military coup in Niger"))
        yield server
    finally:
        server.close()
        thread.join(TIMEOUT)


def test_the_preview_watches_the_sources_not_site_src(preview: Preview) -> None:
    # The theme's custom_dir (mkdocs.yml's overrides/) is a source too.
    assert preview.watched() == [
        Path("mkdocs.yml"),
        Path("content"),
        Path("pages"),
        Path.cwd() / "overrides",
    ]
    assert len(preview.rendered) == len(list(Path("site_src").rglob("*.md")))


@pytest.mark.parametrize("preview", [False, True], ids=["notified", "polling"], indirect=True)
def test_a_save_renders_only_the_pages_it_changed_and_search_keeps_every_page(
    preview: Preview, tmp_path: Path
) -> None:
    site_src, site = Path("site_src"), preview.site_dir
    markdown_before = modification_times(site_src, "*.md")
    html_before = modification_times(site, "*.html")

    edit(EVENT, "title: Military coup in Niger", "title: The Niamey coup of 26 July")
    wait_for(shows(preview, "events/niger-coup-2023/", "The Niamey coup of 26 July"))

    changed = newer(markdown_before, modification_times(site_src, "*.md"))
    assert "events/niger-coup-2023.md" in changed
    assert len(changed) < len(markdown_before)
    assert sorted(preview.rendered) == sorted(changed)
    # 404.html lists the navigation, so every build writes it again.
    rewritten = newer(html_before, modification_times(site, "*.html"))
    assert rewritten == {html_of(name) for name in changed} | {"404.html"}

    index = search_pages(preview)
    assert set(index) == page_urls(site_src)
    assert index["events/niger-coup-2023/"][0] == "The Niamey coup of 26 July"
    assert_site_is_whole(preview, tmp_path)


def build_summaries(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What each build ended with, as the terminal shows it, without its seconds."""
    return [
        re.sub(r" in [0-9.]+ s.*| \(generation .*|;.*", "", record.getMessage())
        for record in caplog.records
        if record.name == "generator.serve"
        and record.getMessage().startswith(("Built ", "Rebuilt ", "No page", "Content errors"))
    ]


def settle(caplog: pytest.LogCaptureFixture, quiet: float = 2.0) -> None:
    """Wait until no build has ended for `quiet` seconds: a build that a save's own build set
    off would start within a tenth of a second of its end."""
    count, since = len(build_summaries(caplog)), time.monotonic()
    deadline = since + TIMEOUT
    while time.monotonic() - since < quiet:
        if time.monotonic() > deadline:
            pytest.fail("the preview kept building")
        time.sleep(0.1)
        if len(build_summaries(caplog)) != count:
            count, since = len(build_summaries(caplog)), time.monotonic()


def test_each_save_is_built_once(preview: Preview, caplog: pytest.LogCaptureFixture) -> None:
    """Neither the generator's writes (site_src/ is not watched) nor its reading content/ and
    mkdocs.yml (only changes count) set off another build, with or without content errors."""
    caplog.set_level(logging.INFO, logger="generator.serve")
    before = "Military coup in Niger"
    for title in ("The Niamey coup", "A coup in Niger, July 2023"):
        edit(EVENT, f"title: {before}", f"title: {title}")
        wait_for(shows(preview, "events/niger-coup-2023/", title))
        settle(caplog)
        before = title
    edit(EVENT, "kind: coup", "kind: putsch")
    wait_for(lambda: fetch(preview, "events/niger-coup-2023/")[0] == 500)
    settle(caplog)
    edit(EVENT, "kind: putsch", "kind: coup")
    wait_for(shows(preview, "events/niger-coup-2023/", before))
    settle(caplog)
    pages = len(list(Path("site_src").rglob("*.md")))
    assert build_summaries(caplog) == [
        # The event, its year, storyline, actors, related events and source, and the map's
        # list of events placed only in a country.
        f"Rebuilt 8 of {pages} pages",
        f"Rebuilt 8 of {pages} pages",
        "Content errors (1 error, 0 warnings)",
        "No page changed",  # the content is as before the error
    ]


def test_the_cycle_collector_waits_until_the_preview_is_idle(
    preview: Preview, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full collection walks all the preview holds (a second at 10,000 events): it is off
    during a dirty build, and runs once no save has come for IDLE_BEFORE_COLLECTING seconds,
    or, when saves keep coming, once it has been put off MAX_HELD times."""
    collector_on_in_builds: list[bool] = []
    collections: list[float] = []
    real_build_site = serve.build_site

    def build_site(*arguments: Any) -> Any:
        collector_on_in_builds.append(gc.isenabled())
        return real_build_site(*arguments)

    monkeypatch.setattr(serve, "build_site", build_site)
    monkeypatch.setattr(serve, "IDLE_BEFORE_COLLECTING", 3.0)  # longer than a save under load
    monkeypatch.setattr(serve.gc, "collect", lambda *_: collections.append(time.monotonic()))

    edit(EVENT, "title: Military coup in Niger", "title: The Niamey coup")
    wait_for(shows(preview, "events/niger-coup-2023/", "The Niamey coup"))
    assert collector_on_in_builds == [False]
    wait_for(lambda: len(collections) >= 1)
    time.sleep(serve.IDLE_BEFORE_COLLECTING + 0.5)  # none is due any more
    assert gc.isenabled()

    # Saves closer together than the idle time: after MAX_HELD of them, it runs all the same.
    before, saved, done = "The Niamey coup", [time.monotonic()], len(collections)
    while len(collections) == done and len(saved) < 40:
        edit(EVENT, f"title: {before}", f"title: Coup, save {len(saved)}")
        before = f"Coup, save {len(saved)}"
        wait_for(shows(preview, "events/niger-coup-2023/", before))
        saved.append(time.monotonic())
    assert len(collections) == done + 1
    assert max(b - a for a, b in itertools.pairwise(saved)) < serve.IDLE_BEFORE_COLLECTING
    assert not any(collector_on_in_builds)


def test_a_new_page_and_a_removed_one_leave_the_site_as_a_full_build_would(
    preview: Preview, tmp_path: Path
) -> None:
    new = Path("content/events/niamey-test-event-2023.yaml")
    text = EVENT.read_text(encoding="utf-8")
    new.write_text(
        text.replace("id: niger-coup-2023", "id: niamey-test-event-2023").replace(
            "title: Military coup in Niger", "title: A second event in Niamey"
        ),
        encoding="utf-8",
    )
    wait_for(shows(preview, "events/niamey-test-event-2023/", "A second event in Niamey"))
    assert "events/niamey-test-event-2023/" in search_pages(preview)
    assert "events/niamey-test-event-2023/" in fetch(preview, "sitemap.xml")[1]
    assert_site_is_whole(preview, tmp_path)

    new.unlink()
    wait_for(lambda: fetch(preview, "events/niamey-test-event-2023/")[0] == 404)
    assert not (preview.site_dir / "events" / "niamey-test-event-2023").exists()
    assert "events/niamey-test-event-2023/" not in search_pages(preview)
    assert "niamey-test-event-2023" not in fetch(preview, "sitemap.xml")[1]
    assert_site_is_whole(preview, tmp_path)


def test_a_change_to_the_navigation_renders_every_page_again(
    preview: Preview, tmp_path: Path
) -> None:
    # The storylines' titles are in the navigation that every page shows.
    edit(Path("content/topics/coups.yaml"), "title: The coups", "title: The five coups")
    wait_for(shows(preview, "events/aes-ecowas-exit/", "The five coups"))
    assert len(preview.rendered) == len(list(Path("site_src").rglob("*.md")))
    assert_site_is_whole(preview, tmp_path)


def test_settings_and_hand_written_pages_rebuild_in_full(preview: Preview, tmp_path: Path) -> None:
    every_page = len(list(Path("site_src").rglob("*.md")))
    # Saved twice as some editors save: a new file renamed over the old one, which ends a
    # watch on the file itself.
    for old, new in (("A sourced", "A checked"), ("A checked", "A twice-checked")):
        save_by_rename(Path("mkdocs.yml"), f"site_description: {old}", f"site_description: {new}")
        # A hand-written page without a description of its own shows the site's.
        wait_for(shows(preview, "about/", f'content="{new} timeline'))
        assert len(preview.rendered) == every_page

    about = Path("pages/about/index.md")
    about.write_text(about.read_text(encoding="utf-8") + "\nA sentence added to the about page.\n")
    wait_for(shows(preview, "about/", "A sentence added to the about page."))
    assert len(preview.rendered) == every_page
    assert_site_is_whole(preview, tmp_path)


def problems_listed(body: str) -> list[str]:
    return re.findall(r"<li class=\"(?:error|warning)\">(.*?)</li>", body, flags=re.S)


def test_a_content_error_is_shown_in_the_browser_until_a_save_fixes_it(
    preview: Preview, tmp_path: Path
) -> None:
    edit(EVENT, "kind: coup", "kind: <b>putsch</b>")
    wait_for(lambda: fetch(preview, "events/niger-coup-2023/")[0] == 500)
    status, body = fetch(preview, "timeline/")
    assert status == 500
    expected = [
        f"<code>{html.escape(f'{d.path}:{d.line}:{d.column}')}</code>"
        + html.escape(f"{d.severity.value}: {d.message} [{d.code}]")
        for d in sorted(load_corpus(Path("content")).diagnostics)
    ]
    assert problems_listed(body) == expected
    assert (
        "<code>content/events/niger-coup-2023.yaml:3:7</code>error: "
        "&#x27;&lt;b&gt;putsch&lt;/b&gt;&#x27; is not a valid kind" in body
    )
    assert "livereload(" in body  # it reloads by itself once fixed
    assert fetch(preview, "search/search_index.json")[0] == 200  # files other than pages

    edit(EVENT, "kind: <b>putsch</b>", "kind: coup")
    wait_for(shows(preview, "events/niger-coup-2023/", "Military coup in Niger"))
    assert_site_is_whole(preview, tmp_path)


def test_a_broken_setting_is_shown_in_the_browser_until_a_save_fixes_it(
    preview: Preview, tmp_path: Path
) -> None:
    edit(Path("mkdocs.yml"), "  name: material", "  name: no-such-theme")
    wait_for(lambda: fetch(preview, "")[0] == 500)
    listed = problems_listed(fetch(preview, "")[1])
    assert listed[0].startswith(
        "Config value &#x27;theme&#x27;: Unrecognised theme name: &#x27;no-such-theme&#x27;."
    )
    assert listed[1:] == ["Abort: Aborted with a configuration error!"]

    edit(Path("mkdocs.yml"), "  name: no-such-theme", "  name: material")
    wait_for(shows(preview, "", "The crisis in the West African Sahel"))
    assert len(preview.rendered) == len(list(Path("site_src").rglob("*.md")))
    assert_site_is_whole(preview, tmp_path)


# --- the command ----------------------------------------------------------------------------------


def test_a_busy_port_is_one_line_and_status_2(tmp_path: Path) -> None:
    project = mkdocs_project(tmp_path, SMALL_CONTENT)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
            env={**subprocess_env(), "NO_MKDOCS_2_WARNING": "1"},
            timeout=TIMEOUT,
        )
    assert done.returncode == 2
    assert done.stdout == ""
    found = re.fullmatch(
        rf"python -m generator serve: error: port {port} is in use; "
        r"try -a 127\.0\.0\.1:(\d+)\n",
        done.stderr,
    )
    assert found, done.stderr
    assert int(found[1]) > port
    assert not (project / "site_src" / "index.md").exists()  # refused before building


class _Watcher:
    """LiveReloadServer's watch and unwatch, recorded."""

    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)

    def unwatch(self, path: str) -> None:
        if path not in self.watched:
            raise KeyError(path)  # as LiveReloadServer does
        self.watched.remove(path)


def test_plain_mkdocs_serve_watches_the_sources_instead_of_site_src(tmp_path: Path) -> None:
    project = mkdocs_project(tmp_path, SMALL_CONTENT)
    config: Any = load_config(config_file=str(project / "mkdocs.yml"))
    server = _Watcher()
    server.watch(config.docs_dir)  # as `mkdocs serve` does before the plugins' on_serve
    mkdocs_hook.on_serve(server, config, builder=None)
    assert server.watched == [str(project / "content"), str(project / "pages")]


def test_the_preview_benchmark_runs_and_reports(tmp_path: Path) -> None:
    from benchmarks.preview import EDITS, measure, table
    from benchmarks.run import EDITED_EVENT, make_project, peak_memory_mb

    project = make_project(tmp_path / "project", 40)
    event = project / "content" / "events" / f"{EDITED_EVENT}.yaml"
    original = event.read_text(encoding="utf-8")
    ballast = b"x" * (400 * 1024 * 1024)  # a peak of the process before the measurement
    del ballast
    peak_so_far = peak_memory_mb()  # this test process': its baseline and the ballast
    result = measure("40 events", project, event, 1)
    assert event.read_text(encoding="utf-8") == original  # put back
    assert result["search_found"] == 1
    assert (
        result["search_pages"] == result["pages"] == len(list((project / "site_src").rglob("*.md")))
    )
    # A role is shown on the event's page and its actor's; a title on every list of events.
    assert result["save_role"]["rendered"] == 2
    assert result["save_title"]["rendered"] > 2
    assert [run["edit"] for run in result["raw"]["saves"]] == list(EDITS)
    assert "| save a participant's role → page visible |" in table([result])
    # Its own peak (VmHWM, reset first), not the test process' peak so far: the ballast is
    # not in it, whatever this process held before (a whole test run's worth, in CI).
    assert result["peak_memory_of"] == "this content"
    assert 0 < result["peak_memory_mb"] < peak_so_far - 300
    assert "| peak RSS (this content) |" in table([result])
