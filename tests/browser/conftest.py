"""The built site on a local server, and Debian's Chromium driven by Playwright.

The site must be built first (`nox -s browser` does it). Every request a page makes is
recorded; one to any host but the test server is blocked and makes the test fail.

A second site, built here by MkDocs from a synthetic fact base (benchmarks/synthetic.py) of
WEBGL_EVENTS events, has timelines drawn with WebGL (scattergl, the gl plotly.js bundle),
which the real content is too small for: `webgl_site`, served by `webgl_base_url`, opened
with `open_webgl_tab`.

Two more, built here by MkDocs from the hostile fact base (each payload of
tests/fixtures/hostile/site-payloads.yaml in every text field) and from its benign twin:
`hostile_base_urls`, opened with `open_hostile_site_tab`.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from browsing import (
    AXE,
    AXE_URL_PATH,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    HOST,
    SITE,
    SITE_URL,
    Tab,
    Traffic,
)
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    Request,
    Response,
    Route,
    WebSocket,
    sync_playwright,
)

from benchmarks.synthetic import write_corpus
from generator.render.figures_common import WEBGL_THRESHOLD
from tests.fixtures.hostile_site import benign_corpus, build_site, hostile_corpus
from tests.test_build_mkdocs import built_project

# Events in the synthetic fact base: each is in one storyline, so the site timeline has this
# many points, one more than WebGL takes over at.
WEBGL_EVENTS = WEBGL_THRESHOLD + 1


def served_sitemap(base: str, site: Path = SITE) -> bytes:
    """site/sitemap.xml (of `site`) as it reads when the site is served at `base`.

    The site is built for its site_url, and Material's instant navigation intercepts a link
    only if the sitemap lists it with the page's protocol, host name and port (it adopts the
    first two from the page, not the port). Served from an OS-chosen port, the sitemap's
    site_url prefix (its shortest address: the home page) is replaced by the server's, as it
    is when the site is deployed at its site_url. Every other file is served unchanged.
    """
    text = (site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", text)
    if not locations:  # built without SITE_URL: the instant navigation test says so
        return text.encode("utf-8")
    prefix = min(locations, key=len)
    return text.replace(f"<loc>{prefix}", f"<loc>{base}/").encode("utf-8")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves site/, and axe-core (from tests/browser/node_modules) at AXE_URL_PATH."""

    sitemap = b""

    def translate_path(self, path: str) -> str:
        if path.split("?", 1)[0] == AXE_URL_PATH:
            return str(AXE)
        return super().translate_path(path)

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] != "/sitemap.xml":
            super().do_GET()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(self.sitemap)))
        self.end_headers()
        self.wfile.write(self.sitemap)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the browser side records every request


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    if not (SITE / "index.html").is_file():
        pytest.fail(
            f"{SITE / 'index.html'} is missing: run `python -m generator build && "
            f"SITE_URL={SITE_URL} mkdocs build --strict` first, or `nox -s browser`",
            pytrace=False,
        )
    if not AXE.is_file():
        pytest.fail(
            f"{AXE} is missing: run `npm ci` in tests/browser (`nox -s browser` does)",
            pytrace=False,
        )
    with _serving(SITE, "site-server") as base:
        yield base


@contextmanager
def _serving(site: Path, name: str) -> Iterator[str]:
    """A built site/ on a local server of its own, for as long as the block runs."""
    # A handler class per site: each has its own sitemap.
    handler_class = type(f"{SiteHandler.__name__}_{name}", (SiteHandler,), {})
    handler = functools.partial(handler_class, directory=str(site))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    server.daemon_threads = True
    base = f"http://{HOST}:{server.server_address[1]}"
    handler_class.sitemap = served_sitemap(base, site)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` "
            "(Debian; `bash .ci/run` does this). Playwright cannot download its own browser here.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _record(context: BrowserContext, traffic: Traffic) -> None:
    def route(route: Route) -> None:
        if traffic.is_local(route.request.url):
            route.fallback()
        else:
            route.abort("blockedbyclient")  # nothing leaves the machine

    def failed(request: Request) -> None:
        traffic.failed.append(f"{request.url}: {request.failure}")

    def response(response: Response) -> None:
        if response.status >= 400:
            traffic.failed.append(f"{response.url}: HTTP {response.status}")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            traffic.errors.append(f"{message.text} ({message.location})")

    def page_error(error: Error) -> None:
        traffic.errors.append(f"uncaught: {error}")

    def websocket(socket: WebSocket) -> None:
        traffic.saw_request(socket.url)

    def new_page(page: Page) -> None:
        page.on("pageerror", page_error)
        page.on("websocket", websocket)

    context.route("**/*", route)
    context.on("request", lambda request: traffic.saw_request(request.url))
    context.on("requestfailed", failed)
    context.on("response", response)
    context.on("console", console)
    context.on("page", new_page)


@contextmanager
def _tab_opener(browser: Browser, base_url: str) -> Iterator[Callable[..., Tab]]:
    """Opens pages of the site at base_url, each in a new context (desktop size unless
    told), recording its traffic; closes them all at the end."""
    contexts: list[BrowserContext] = []

    def open_tab(**options: Any) -> Tab:
        context = browser.new_context(**(options or DESKTOP))
        context.set_default_timeout(15_000)
        contexts.append(context)
        traffic = Traffic(base_url)
        _record(context, traffic)
        return Tab(context.new_page(), traffic, base_url)

    try:
        yield open_tab
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def open_tab(browser: Browser, base_url: str) -> Iterator[Callable[..., Tab]]:
    """Opens a page of the real site in a new context, recording its traffic."""
    with _tab_opener(browser, base_url) as opener:
        yield opener


@pytest.fixture
def tab(open_tab: Callable[..., Tab]) -> Tab:
    return open_tab()


# --- the synthetic site whose timelines are drawn with WebGL ----------------------------------


@pytest.fixture(scope="session")
def webgl_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project built by MkDocs (with SITE_URL) from a synthetic fact base of WEBGL_EVENTS
    events: its content/ and its site/."""
    root = tmp_path_factory.mktemp("webgl-site")
    write_corpus(root / "corpus", WEBGL_EVENTS)
    return built_project(root, root / "corpus", SITE_URL)


@pytest.fixture(scope="session")
def webgl_base_url(webgl_site: Path) -> Iterator[str]:
    """The synthetic site on a local server of its own (as base_url serves site/)."""
    with _serving(webgl_site / "site", "webgl-site-server") as base:
        yield base


@pytest.fixture
def open_webgl_tab(browser: Browser, webgl_base_url: str) -> Iterator[Callable[..., Tab]]:
    """As open_tab, on the synthetic site."""
    with _tab_opener(browser, webgl_base_url) as opener:
        yield opener


# --- the hostile site and its benign twin (tests/fixtures/hostile_site.py) ---------------------


@pytest.fixture(scope="session")
def hostile_base_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The sites MkDocs builds (with SITE_URL) from the hostile fact base and its benign twin,
    each on a server of its own: their addresses, by "hostile" and "benign"."""
    sites = {"hostile": hostile_corpus(), "benign": benign_corpus()}
    with ExitStack() as stack:
        urls = {}
        for name, entities in sites.items():
            project = build_site(tmp_path_factory.mktemp(f"{name}-site"), entities)
            urls[name] = stack.enter_context(_serving(project / "site", f"{name}-site-server"))
        yield urls


@pytest.fixture
def open_hostile_site_tab(
    browser: Browser, hostile_base_urls: dict[str, str]
) -> Iterator[Callable[..., Tab]]:
    """As open_tab, on the hostile site (`open_hostile_site_tab("hostile")`) or its benign
    twin ("benign")."""
    with ExitStack() as stack:

        def open_tab(site: str, **options: Any) -> Tab:
            opener = stack.enter_context(_tab_opener(browser, hostile_base_urls[site]))
            return opener(**options)

        yield open_tab
