"""The phone benchmark: how long a reader on a phone on a slow network waits for a figure.

`python -m benchmarks --phone` (or `nox -s bench -- --phone`) opens a page of the built
site/ (build it first: `python -m generator build && mkdocs build`) in Debian's Chromium
(/usr/bin/chromium, driven by Playwright as tests/browser drives it), at 390 × 844 CSS
pixels, with the network and the processor slowed down through the DevTools protocol as
Lighthouse's mobile profile does ("slow 4G": 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s
up; the processor 4 × slower). Every run starts with an empty cache.

The site is served from this process, compressed with gzip as a static host serves it
(GitHub Pages does; Python's http.server does not, and the plotly.js bundle alone is
1.2 MB uncompressed, 0.4 MB compressed).

It reports, as medians of `--repeat` runs, from the start of navigation:
- **drawn**: the page's first figure rendered (the figure module marks it `sahel-figure--rendered`
  once Plotly has drawn it and its labels are placed);
- when the plotly.js bundle and the figure's JSON were requested, and when each had arrived,
  so that whether they load in parallel can be read off;
- the bytes that crossed the network.

`--requests` also prints every request of each site's median run (when it started and
arrived, and its compressed size): what shares the slow link with the plotly.js bundle.
Results are printed and written to `.bench/phone-results.json`.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import statistics
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, ClassVar

from benchmarks.run import BENCH_DIR, REPO

SITE = REPO / "site"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# Lighthouse's mobile throttling (its "slow 4G" profile), in DevTools' units: bytes per second.
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
CPU_SLOWDOWN = 4
COMPRESSED = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt")
TIMEOUT_MS = 120_000

# Set before the page's own scripts run: the time at which the first figure is drawn.
WATCH_FIGURE = """
new MutationObserver((changes, observer) => {
  if (document.querySelector('.sahel-figure--rendered')) {
    window.__figureDrawn = performance.now();
    observer.disconnect();
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['class'] });
"""


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves site/ as a static host does: text compressed when the browser accepts gzip."""

    compressed: ClassVar[dict[Path, bytes]] = {}

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        if path not in self.compressed:
            self.compressed[path] = gzip.compress(path.read_bytes(), 6)
        body = self.compressed[path]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Body:
    """What send_head returns for copyfile: a readable body."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


@contextmanager
def serving(site: Path) -> Iterator[str]:
    handler = functools.partial(_GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def one_run(browser: Any, url: str) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """The run's timings and bytes, and each request the page made."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.add_init_script(WATCH_FIGURE)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function("window.__figureDrawn !== undefined", timeout=TIMEOUT_MS)
        run = page.evaluate(
            r"""() => {
              const find = (pattern) => performance.getEntriesByType('resource')
                .find((r) => pattern.test(new URL(r.name).pathname));
              const at = (entry, key) => entry ? entry[key] : NaN;
              const bundle = find(/^\/assets\/vendor\/plotly-[a-z]+\.min\.js$/);
              const figure = find(/^\/figures\/[^/]+\.json$/);
              const bytes = performance.getEntriesByType('resource')
                .reduce((n, r) => n + r.transferSize, 0);
              const nav = performance.getEntriesByType('navigation')[0];
              const requests = performance.getEntriesByType('resource').map((r) => ({
                path: new URL(r.name).pathname,
                requested: r.startTime,
                arrived: r.responseEnd,
                kilobytes: r.transferSize / 1024,
              }));
              return {
                requests,
                drawn: window.__figureDrawn,
                bundle_requested: at(bundle, 'startTime'),
                bundle_arrived: at(bundle, 'responseEnd'),
                figure_requested: at(figure, 'startTime'),
                figure_arrived: at(figure, 'responseEnd'),
                kilobytes: (bytes + nav.transferSize) / 1024,
              };
            }"""
        )
        return run, run.pop("requests")
    finally:
        context.close()


def measure(path: str, repeat: int, sites: Sequence[Path]) -> list[dict[str, Any]]:
    """Each site's runs, taken in turn (site 1, site 2, site 1, ...), so that a machine whose
    load changes during the benchmark weighs on every site alike."""
    from playwright.sync_api import sync_playwright

    runs: list[list[dict[str, float]]] = [[] for _ in sites]
    requests: list[list[list[dict[str, Any]]]] = [[] for _ in sites]
    with ExitStack() as stack, sync_playwright() as driver:
        bases = [stack.enter_context(serving(site)) for site in sites]
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for index in range(repeat):
                for site, base, site_runs, site_requests in zip(
                    sites, bases, runs, requests, strict=True
                ):
                    run, made = one_run(browser, base + path)
                    site_requests.append(made)
                    rounded = json.dumps({k: round(v) for k, v in run.items()})
                    print(f"{site} run {index + 1}: {rounded}", flush=True)
                    site_runs.append(run)
        finally:
            browser.close()
    return [
        {
            "site": str(site),
            "page": path,
            "repeat": repeat,
            "runs": site_runs,
            "median": {key: statistics.median(r[key] for r in site_runs) for key in site_runs[0]},
            "median_run_requests": site_requests[_median_index(site_runs)],
            "requests": site_requests,
        }
        for site, site_runs, site_requests in zip(sites, runs, requests, strict=True)
    ]


def _median_index(runs: Sequence[dict[str, float]]) -> int:
    """The run whose drawn time is the median (the lower one of an even count)."""
    order = sorted(range(len(runs)), key=lambda index: runs[index]["drawn"])
    return order[(len(order) - 1) // 2]


def print_requests(result: dict[str, Any]) -> None:
    print(f"\nrequests of {result['site']}'s median run (ms, kB as transferred):")
    for request in sorted(result["median_run_requests"], key=lambda r: r["requested"]):
        print(
            f"  {request['requested']:7.0f} {request['arrived']:7.0f} "
            f"{request['kilobytes']:8.1f}  {request['path']}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks --phone", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--page", default="/timeline/", help="the page to open (/timeline/)")
    parser.add_argument("--repeat", type=int, default=5, help="runs (5)")
    parser.add_argument(
        "--requests", action="store_true", help="print every request of each site's median run"
    )
    parser.add_argument(
        "--site",
        type=Path,
        action="append",
        help="a built site (default: site/); give it twice to compare two builds",
    )
    args = parser.parse_args(argv)
    sites = args.site or [SITE]
    for site in sites:
        if not (site / "index.html").is_file():
            parser.error(f"{site} holds no site: run `python -m generator build && mkdocs build`")
    if not CHROMIUM.exists():
        parser.error(f"no Chromium at {CHROMIUM}: install it with `apt-get install chromium`")
    results = measure(args.page, args.repeat, sites)
    BENCH_DIR.mkdir(exist_ok=True)
    target = BENCH_DIR / "phone-results.json"
    target.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"\n{args.page} at 390 px, slow 4G, CPU ×{CPU_SLOWDOWN}, medians of {args.repeat} (ms):")
    keys = list(results[0]["median"])
    print(f"  {'site':40} " + " ".join(f"{key:>16}" for key in keys))
    for result in results:
        values = " ".join(f"{result['median'][key]:16.0f}" for key in keys)
        print(f"  {result['site'][-40:]:40} {values}")
    if args.requests:
        for result in results:
            print_requests(result)
    print(f"wrote {target}")
    return 0
