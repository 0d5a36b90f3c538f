"""`python -m generator serve`: a live preview that, on each save, rebuilds only what changed.

MkDocs' own live-reload server watches content/, pages/, mkdocs.yml and the theme's
custom_dir (never site_src/, whose writes would set off a second build) and calls
`Preview.rebuild` once per save. It generates site_src/ once, then renders only the pages
whose Markdown changed (generator/preview_build.py). A failed build is served, in place of
every page, as a page listing the problems until a save fixes it. docs/preview.md describes
the mechanism.
"""

from __future__ import annotations

import argparse
import errno
import gc
import html
import logging
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer
from watchdog.events import (
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from generator import diagnostics
from generator.build import (
    BuildResult,
    edit_base_from_settings,
    edited_file_warnings,
    foreign_file_warnings,
    generate,
    site_from_settings,
)
from generator.diagnostics import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, Diagnostic
from generator.lock import WAITING_MESSAGE, build_lock
from generator.preview_build import (
    Built,
    CompiledTemplates,
    NavigationChanged,
    SiteMemory,
    Stamps,
    build_site,
    stamps,
)
from generator.runtime import collector_paused

PROG = "python -m generator serve"
# Long enough for the browser to have reloaded the rebuilt page (see _collect_when_idle).
IDLE_BEFORE_COLLECTING = 2.0
MAX_HELD = 2

log = logging.getLogger("generator.serve")


@dataclass(frozen=True)
class Failure:
    """What the browser shows instead of the site until a save fixes the build."""

    heading: str
    problems: list[tuple[str, str]]  # (path:line:column or "", what is wrong)


# Only changes to files count: the generator reading a content file is not one.
_CHANGES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
]


class _Notifications:
    """LiveReloadServer's observer, told of changes by the operating system (inotify, FSEvents)
    instead of polling: MkDocs' polling observer reads the status of every watched file twice a
    second, which at 10,000 events takes a large share of a core, and of the build's time."""

    def __init__(self) -> None:
        self.observer = Observer()

    def schedule(
        self, handler: FileSystemEventHandler, path: str, *, recursive: bool = False
    ) -> ObservedWatch:
        return self.observer.schedule(handler, path, recursive=recursive, event_filter=_CHANGES)

    def unschedule(self, watch: ObservedWatch) -> None:
        self.observer.unschedule(watch)

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()

    def join(self, timeout: float | None = None) -> None:
        self.observer.join(timeout)


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

    def __init__(
        self, config_file: Path, host: str, port: int, mount_path: str, *, poll: bool = False
    ) -> None:
        self.config_file = config_file
        self.root = config_file.parent
        self.site_dir = Path(tempfile.mkdtemp(prefix="generator-serve-"))
        self.host = host
        self.server = _PreviewServer(self.rebuild, host, port, str(self.site_dir), mount_path)
        if not poll:
            self.server.observer = _Notifications()  # type: ignore[assignment]
        self.memory: SiteMemory | None = None
        self.templates = CompiledTemplates()
        self.config: Any = None  # the last one loaded
        self.rendered: list[str] = []  # the pages the last build rendered, by path in site_src/
        # The last build's start (time.perf_counter) and seconds: "generation" and "total".
        self.timings: dict[str, float] = {}
        self.warnings: list[str] = []  # the generator's, from the last build
        self._started = False
        self._collection: threading.Timer | None = None  # see _collect_when_idle
        self._held = 0  # how many builds in a row have put the collection off

    def listen(self) -> None:
        self.server.listen(self.host)

    def serve(self) -> None:
        """Build, then serve, rebuilding on every change, until interrupted or shut down."""
        log.info(f"Checking {self.root / 'content'}/ and writing the pages…")
        self.rebuild()
        for path in self.watched():
            self.server.watch(str(path))
        self.server.serve()  # type: ignore[no-untyped-call]

    def watched(self) -> list[Path]:
        folders = [self.root / "content", self.root / "pages", self._custom_dir()]
        return [self.config_file, *(folder for folder in folders if folder and folder.is_dir())]

    def close(self) -> None:
        if self._collection is not None:
            self._collection.cancel()
        self.server.shutdown()
        if self._started:
            self.config.plugins.on_shutdown()
        shutil.rmtree(self.site_dir, ignore_errors=True)

    def rebuild(self) -> None:
        """One save: site_src/ generated once, then only its changed pages rendered."""
        self._hold_collection()
        started = time.perf_counter()
        self.timings = {"started": started}
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
        self._collect_when_idle()

    def _rebuild(self, started: float) -> Failure | None:
        config = self._load_config()
        result = self._generate(config)
        if not result.ok:
            problems = sorted(result.diagnostics)
            for problem in problems:
                log.error(problem.format_text())
            heading = f"Content errors ({diagnostics.summary(problems)})"
            return Failure(heading, [_located(problem) for problem in problems])
        generation = self.timings["generation"] = time.perf_counter() - started
        settings = stamps([self.config_file, self.root / "pages", self._custom_dir()])
        previous, self.memory = self.memory, None  # set again once this build is complete
        full = previous is None or previous.settings != settings
        assert result.report is not None
        changed = result.report.written or result.report.removed
        if previous is not None and not full and not changed:
            self.memory, self.rendered = previous, []
            self.timings["total"] = time.perf_counter() - started
            log.info(f"No page changed (generation {generation:.2f} s)")
            return None
        # What MkDocs need not look at: all else is as its last build found it.
        modified = [*result.report.written, *result.report.foreign]
        try:
            built = self._build(
                config, result.storylines, settings, None if full else previous, modified
            )
        except NavigationChanged:
            log.info("The navigation changed, and every page shows it: building them all")
            full = True
            built = self._build(self._load_config(), result.storylines, settings, None)
        self.memory, self.rendered = built.memory, built.rendered
        seconds = self.timings["total"] = time.perf_counter() - started
        log.info(_summary(built, full, seconds, generation))
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
                site=site_from_settings(config.site_name, config.site_url, config.repo_url),
            )
        if result.report is not None:
            warnings = [problem.format_text() for problem in result.diagnostics]
            warnings += foreign_file_warnings(out, result.report)
            warnings += edited_file_warnings(out, result.report)
            if warnings != self.warnings:  # not the same lines again after every save
                for line in warnings:
                    log.warning(line)
            self.warnings = warnings
        return result

    def _build(
        self,
        config: Any,
        storylines: list[str],
        settings: Stamps,
        previous: SiteMemory | None,
        modified: Collection[str] = (),
    ) -> Built:
        if previous is None:
            pages = sum(1 for _ in Path(config.docs_dir).rglob("*.md"))
            log.info(f"Building {pages:,} pages…")
            return build_site(config, storylines, previous, settings, self.templates)
        # A dirty build makes little garbage, but the collector would walk all the preview
        # holds during it every other save or so; it walks it once idle instead (rebuild).
        with collector_paused():
            return build_site(config, storylines, previous, settings, self.templates, modified)

    def _collect_when_idle(self) -> None:
        """One full collection once no build has started for IDLE_BEFORE_COLLECTING seconds:
        what earlier builds left in cycles is freed while the editor reads the page."""
        if self._collection is None or not self._collection.is_alive():
            self._collection = threading.Timer(IDLE_BEFORE_COLLECTING, self._collect)
            self._collection.daemon = True
            self._collection.start()

    def _collect(self) -> None:
        self._held = 0
        gc.collect()

    def _hold_collection(self) -> None:
        """A build starts: the collection due is put off until the preview is idle again, but
        not more than MAX_HELD times in a row, so that saves every second still free memory."""
        if self._collection is not None and self._collection.is_alive() and self._held < MAX_HELD:
            self._collection.cancel()  # a no-op once under way: this build waits for it
            self._held += 1


def _summary(built: Built, full: bool, seconds: float, generation: float) -> str:
    timing = f"in {seconds:.2f} s (generation {generation:.2f} s)"
    if full:
        return f"Built {built.pages:,} pages {timing}"
    names = ", ".join(built.rendered[:4]) + (", …" if len(built.rendered) > 4 else "")
    return f"Rebuilt {len(built.rendered)} of {built.pages:,} pages {timing}: {names}"


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
    preview = Preview(config_file, host.strip("[]"), int(port), mount_path, poll=args.poll)
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
