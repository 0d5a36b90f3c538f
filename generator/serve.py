"""`python -m generator serve`: a live preview that, on each save, rebuilds only what changed.

MkDocs' own live-reload server watches content/, pages/, mkdocs.yml and the theme's
custom_dir (never site_src/, whose writes would set off a second build) and calls
`Preview.rebuild` once per save. It generates site_src/, which keeps the modification time of
every file whose bytes did not change, then runs a dirty MkDocs build: only the pages whose
Markdown is newer than their HTML are rendered. What a dirty build leaves out comes from the
last build (`_Memory`): the other pages' search entries and navigation titles; the HTML of
pages that are gone is removed. A change to the settings or the navigation rebuilds in full.
A failed build is served, in place of every page, as a page listing the problems until a save
fixes it. docs/preview.md describes the mechanism.
"""

from __future__ import annotations

import argparse
import errno
import html
import json
import logging
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.base import Config
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin

from generator import diagnostics
from generator.build import (
    BuildResult,
    edit_base_from_settings,
    edited_file_warnings,
    foreign_file_warnings,
    generate,
)
from generator.diagnostics import Diagnostic
from generator.mkdocs_hook import PREVIEW_PLUGIN, fill_nav
from generator.write import WAITING_MESSAGE, build_lock

EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2
PROG = "python -m generator serve"
SEARCH_INDEX = Path("search") / "search_index.json"

log = logging.getLogger("generator.serve")


@dataclass(frozen=True)
class Failure:
    """What the browser shows instead of the site until a save fixes the build."""

    heading: str
    problems: list[tuple[str, str]]  # (path:line:column or "", what is wrong)


@dataclass(frozen=True)
class _Memory:
    """What the last complete MkDocs build left, for the next dirty build to fill in from."""

    settings: dict[str, tuple[int, int]]  # the stamp of each file a change of which rebuilds all
    pages: dict[str, tuple[Any, Any]]  # src_uri → (title, meta), for pages not rendered again
    navigation: list[Any]
    search: dict[str, list[Any]]  # page URL → its search index entries
    outputs: set[str]  # the site files MkDocs wrote or copied


class _NavigationChanged(Exception):
    """Every page shows the navigation: a dirty build cannot bring it up to date."""


class _NoSettings(Config):  # type: ignore[no-untyped-call]
    """The preview plugin is added by the preview, not named in mkdocs.yml: it has none."""


class _PreviewPlugin(BasePlugin[_NoSettings]):  # type: ignore[no-untyped-call]
    """Added to each build's plugins: fills the navigation in and notes what was rendered."""

    def __init__(self, storylines: list[str], memory: _Memory | None) -> None:
        super().__init__()
        self.storylines = storylines
        self.memory = memory  # None: a full build
        self.nav: Any = None
        self.files: Any = None
        self.rendered: list[Any] = []  # pages

    def on_config(self, config: Any) -> Any:
        fill_nav(config, Path(config.docs_dir), self.storylines)
        return config

    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        self.nav = nav
        return nav

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        self.files = files
        if self.memory is None:
            log.info(f"Building {len(files.documentation_pages()):,} pages…")
            return env
        for file in files.documentation_pages():
            # A page the dirty build did not read has no title; the navigation shows it.
            if file.page.content is None and file.src_uri in self.memory.pages:
                file.page.title, file.page.meta = self.memory.pages[file.src_uri]
        if _signature(self.nav.items) != self.memory.navigation:
            raise _NavigationChanged
        return env

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        self.rendered.append(page)
        return output


class _PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, listening before the first build and serving failures."""

    failure: Failure | None = None
    _listening = False

    def listen(self, host: str) -> None:
        """Take the port now, so a busy one is reported before a long first build."""
        super().server_bind()
        super().server_activate()
        self._listening = True
        name = f"[{host}]" if ":" in host else host
        self.url = f"http://{name}:{self.server_port}{self.mount_path}"

    def server_bind(self) -> None:
        if not self._listening:
            super().server_bind()

    def server_activate(self) -> None:
        if not self._listening:
            super().server_activate()

    def serve_request(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "/").endswith(("/", ".html")):
            return super().serve_request(environ, start_response)
        # As LiveReloadServer does for files: wait for the build under way, if any.
        with self._epoch_cond:
            self._epoch_cond.wait_for(lambda: self._visible_epoch == self._wanted_epoch)
            epoch = self._visible_epoch
        failure = self.failure
        if failure is None:
            return super().serve_request(environ, start_response)
        body: bytes = self._inject_js_into_html(error_page(failure), epoch)  # type: ignore[no-untyped-call]
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        start_response("500 Internal Server Error", headers)
        return [body]


class Preview:
    """The site, built into a temporary folder and served, rebuilt on every save."""

    def __init__(self, config_file: Path, host: str, port: int, mount_path: str) -> None:
        self.config_file = config_file
        self.root = config_file.parent
        self.site_dir = Path(tempfile.mkdtemp(prefix="generator-serve-"))
        self.host = host
        self.server = _PreviewServer(self.rebuild, host, port, str(self.site_dir), mount_path)
        self.memory: _Memory | None = None
        self.config: Any = None  # the last one loaded
        self.rendered: list[str] = []  # the pages the last build rendered, by path in site_src/
        self._started = False

    def listen(self) -> None:
        self.server.listen(self.host)

    def serve(self) -> None:
        """Build, then serve, rebuilding on every change, until interrupted or shut down."""
        self.rebuild()
        for path in self.watched():
            self.server.watch(str(path))
        self.server.serve()  # type: ignore[no-untyped-call]

    def watched(self) -> list[Path]:
        folders = [self.root / "content", self.root / "pages", self._custom_dir()]
        return [self.config_file, *(folder for folder in folders if folder and folder.is_dir())]

    def close(self) -> None:
        self.server.shutdown()
        if self._started:
            self.config.plugins.on_shutdown()
        shutil.rmtree(self.site_dir, ignore_errors=True)

    def rebuild(self) -> None:
        """One save: site_src/ generated once, then only its changed pages rendered."""
        started = time.perf_counter()
        with _errors_logged_by_mkdocs() as errors:
            try:
                failure = self._rebuild(started)
            except Exception as problem:  # a settings, theme or Markdown error: shown until fixed
                self.memory = None  # what the failed build wrote is unknown: the next is full
                message = f"{type(problem).__name__}: {problem}"
                log.error(message)
                problems = [("", line) for line in (*errors, message)]
                failure = Failure("The site could not be built", problems)
        self.server.failure = failure
        if failure is not None:
            log.error(f"{failure.heading}; the preview shows them until a save fixes them")

    def _rebuild(self, started: float) -> Failure | None:
        config = self._load_config()
        result = self._generate(config)
        if not result.ok:
            problems = sorted(result.diagnostics)
            for problem in problems:
                log.error(problem.format_text())
            heading = f"Content errors ({diagnostics.summary(problems)})"
            return Failure(heading, [_located(problem) for problem in problems])
        generation = time.perf_counter() - started
        settings = _stamps([self.config_file, self.root / "pages", self._custom_dir()])
        previous, self.memory = self.memory, None  # set again once this build is complete
        full = previous is None or previous.settings != settings
        assert result.report is not None
        changed = result.report.written or result.report.removed
        if previous is not None and not full and not changed:
            self.memory, self.rendered = previous, []
            log.info(f"No page changed (generation {generation:.2f} s)")
            return None
        try:
            plugin = self._build(config, result.storylines, None if full else previous)
        except _NavigationChanged:
            log.info("The navigation changed, and every page shows it: building them all")
            full = True
            plugin = self._build(self._load_config(), result.storylines, None)
        self.memory = _remember(plugin, settings, None if full else previous, self.site_dir)
        self.rendered = [page.file.src_uri for page in plugin.rendered]
        total = len(plugin.files.documentation_pages())
        seconds = time.perf_counter() - started
        if full:
            log.info(f"Built {total:,} pages in {seconds:.2f} s (generation {generation:.2f} s)")
        else:
            names = ", ".join(self.rendered[:4]) + (", …" if len(self.rendered) > 4 else "")
            log.info(
                f"Rebuilt {len(self.rendered)} of {total:,} pages in {seconds:.2f} s "
                f"(generation {generation:.2f} s): {names}"
            )
        return None

    def _load_config(self) -> Any:
        self.config = load_config(config_file=str(self.config_file), site_dir=str(self.site_dir))
        self.config.site_url = self.server.url
        if not self._started:  # as `mkdocs serve` does, once: such plugins last the session
            self.config.plugins.on_startup(command="serve", dirty=False)
            self._started = True
        return self.config

    def _custom_dir(self) -> Path | None:
        custom = self.config.theme.custom_dir if self.config is not None else None
        return Path(custom) if custom else None

    def _generate(self, config: Any) -> BuildResult:
        out = Path(config.docs_dir)
        # As `python -m generator build` does: a build that read older content must not
        # overwrite the output of one that read newer content.
        with build_lock(out, on_wait=lambda: log.info(WAITING_MESSAGE)):
            result = generate(
                self.root / "content",
                out,
                pages_dir=self.root / "pages",
                edit_base=edit_base_from_settings(config.repo_url, config.extra),
            )
        if result.report is not None:
            for problem in result.diagnostics:
                log.warning(problem.format_text())
            for line in [
                *foreign_file_warnings(out, result.report),
                *edited_file_warnings(out, result.report),
            ]:
                log.warning(line)
        return result

    def _build(self, config: Any, storylines: list[str], memory: _Memory | None) -> _PreviewPlugin:
        plugin = _PreviewPlugin(storylines, memory)
        config.plugins[PREVIEW_PLUGIN] = plugin
        build(config, serve_url=self.server.url, dirty=memory is not None)
        return plugin


# --- what a dirty build leaves out --------------------------------------------------------------


def _remember(
    plugin: _PreviewPlugin,
    settings: dict[str, tuple[int, int]],
    previous: _Memory | None,
    site_dir: Path,
) -> _Memory:
    """Complete what a dirty build left out, and keep what the next one will need."""
    pages = [file.page for file in plugin.files.documentation_pages()]
    outputs = {file.abs_dest_path for file in plugin.files}
    if previous is not None:
        _remove(previous.outputs - outputs, site_dir)
    search = _merge_search_index(
        site_dir / SEARCH_INDEX,
        [page.url for page in pages],
        {page.url for page in plugin.rendered},
        previous.search if previous is not None else None,
    )
    return _Memory(
        settings,
        {page.file.src_uri: (page.title, page.meta) for page in pages},
        _signature(plugin.nav.items),
        search,
        outputs,
    )


def _merge_search_index(
    path: Path, urls: list[str], rendered: set[str], previous: dict[str, list[Any]] | None
) -> dict[str, list[Any]]:
    """Each page's search entries: this build's for the pages it rendered, the last build's
    for the others. The search plugin wrote only the rendered pages' (a full build: all)."""
    if not path.is_file():
        return {}  # no search plugin
    index = json.loads(path.read_text(encoding="utf-8"))
    fresh: dict[str, list[Any]] = {}
    for entry in index["docs"]:
        fresh.setdefault(entry["location"].partition("#")[0], []).append(entry)
    if previous is None:
        return fresh
    merged = {url: (fresh if url in rendered else previous).get(url, []) for url in urls}
    index["docs"] = [entry for url in urls for entry in merged[url]]
    path.write_text(json.dumps(index, separators=(",", ":"), default=str), encoding="utf-8")
    return merged


def _remove(outputs: Iterable[str], site_dir: Path) -> None:
    """The files of pages that are gone, and the folders they leave empty."""
    for output in outputs:
        path = Path(output)
        path.unlink(missing_ok=True)
        for folder in path.parents:
            if folder == site_dir or not folder.is_relative_to(site_dir) or any(folder.iterdir()):
                break
            folder.rmdir()


def _signature(items: Iterable[Any]) -> list[Any]:
    """The navigation as every page shows it: titles and addresses, in order."""
    return [
        (item.title, getattr(item, "url", None), _signature(item.children or [])) for item in items
    ]


def _stamps(paths: Iterable[Path | None]) -> dict[str, tuple[int, int]]:
    """The modification time and size of each file at or under `paths`."""
    stamps = {}
    for path in paths:
        for file in (sorted(path.rglob("*")) if path.is_dir() else [path]) if path else []:
            if file.is_file():
                stat = file.stat()
                stamps[file.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return stamps


# --- problems -----------------------------------------------------------------------------------


def _located(problem: Diagnostic) -> tuple[str, str]:
    where = f"{diagnostics.printable(problem.path)}:{problem.line}:{problem.column}"
    what = f"{problem.severity.value}: {diagnostics.printable(problem.message)} [{problem.code}]"
    return where, what


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _errors_logged_by_mkdocs() -> Iterator[list[str]]:
    """MkDocs logs a build's errors (a bad setting, a page it cannot read), then raises."""
    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


ERROR_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview paused: {heading}</title>
<style>
body {{ margin: 0; font: 1rem/1.5 system-ui, sans-serif; color: #1c1b1a; background: #fff; }}
main {{ max-width: 56rem; margin: 0 auto; padding: 1.5rem 1rem; }}
h1 {{ margin: 0 0 .5rem; font-size: 1.5rem; line-height: 1.25; color: #8c1d18; }}
ol {{ margin: 1rem 0; padding: 0; list-style: none; }}
li {{ margin: .5rem 0; padding: .5rem .75rem; border-left: .25rem solid #b3261e;
  background: #fcefee; overflow-wrap: anywhere; }}
li.warning {{ border-color: #8a6100; background: #fdf6e3; }}
code {{ display: block; font: 600 .9rem/1.4 ui-monospace, monospace; }}
@media (prefers-color-scheme: dark) {{
  body {{ color: #eceae6; background: #1d1b1a; }} h1 {{ color: #ffb4ab; }}
  li {{ background: #3b1f1d; }} li.warning {{ background: #3a3220; }}
}}
</style>
</head>
<body>
<main>
<h1>{heading}</h1>
<p>The preview is paused: the last save could not be built. Fix these problems and save
again; this page reloads by itself. The terminal lists them too.</p>
<ol>
{items}
</ol>
</main>
</body>
</html>
"""


def error_page(failure: Failure) -> bytes:
    items = "\n".join(
        f'<li class="{"warning" if what.startswith("warning:") else "error"}">'
        + (f"<code>{html.escape(where)}</code>" if where else "")
        + f"{html.escape(what)}</li>"
        for where, what in failure.problems
    )
    return ERROR_PAGE.format(heading=html.escape(failure.heading), items=items).encode()


# --- the command ------------------------------------------------------------------------------


def run_serve_command(args: argparse.Namespace) -> int:
    config_file: Path = args.config_file
    if not config_file.is_file():
        return _usage_error(f"{config_file.as_posix()} not found; run it in the project's folder")
    _log_to_terminal()
    try:
        config = load_config(config_file=str(config_file))
    except Exception as problem:  # MkDocs has logged what is wrong with the settings
        print(f"{PROG}: error: {config_file.as_posix()}: {problem}", file=sys.stderr)
        return EXIT_CONTENT
    address = args.dev_addr or f"{config.dev_addr.host}:{config.dev_addr.port}"
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        return _usage_error(f"-a {address}: give a host and a port, such as 127.0.0.1:8000")
    mount_path = urlsplit(config.site_url or "/").path
    preview = Preview(config_file, host.strip("[]"), int(port), mount_path)
    try:
        preview.listen()
    except OSError as problem:
        preview.close()
        return _usage_error(_listen_error(host, int(port), problem))
    try:
        preview.serve()
    except KeyboardInterrupt:
        log.info("Stopped")
    finally:
        preview.close()
    return EXIT_OK


def _usage_error(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _listen_error(host: str, port: int, problem: OSError) -> str:
    if problem.errno == errno.EADDRINUSE:
        return f"port {port} is in use; try -a {host}:{free_port(host, port + 1)}"
    return f"cannot listen on {host}:{port}: {problem.strerror or problem}"


def free_port(host: str, first: int) -> int:
    """The first port from `first` on that nothing listens on, to suggest."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for port in range(first, min(first + 100, 65536)):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host.strip("[]"), port))
            except OSError:
                continue
            return port
    return first


def _log_to_terminal() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    for name, level in (("generator.serve", logging.INFO), ("mkdocs", logging.WARNING)):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(level)
    # "Serving on …", "Detected file changes", "Reloading browsers".
    logging.getLogger("mkdocs.livereload").setLevel(logging.INFO)
    # Each rebuild is dirty on purpose, and made whole again here: MkDocs' warning is noise.
    logging.getLogger("mkdocs.commands.build").addFilter(
        lambda record: not record.getMessage().startswith("A 'dirty' build")
    )
