"""Page weight budgets, measured on the real site built by MkDocs.

- An event or actor page without a figure loads no plotly.js at all.
- A page loads at most 1.5 MB (1,500,000 bytes) of JavaScript, uncompressed, in all: its
  <script src> files, the modules the loader fetches for it (the figure module on a page with
  a figure, the ledger's filter on a page with the filter) and the plotly.js bundles the figure
  module fetches for its figures (the figure's data-bundle, or the gl bundle for a figure with
  a scattergl trace).
- Of the site's own scripts, every page names the loader alone in a <script src>.
- So does a page whose timeline has more than WEBGL_THRESHOLD events, drawn with WebGL: the
  real content has none, so a synthetic fact base of that size is generated (not built by
  MkDocs: the <script src> files every page loads come from the theme and mkdocs.yml, so the
  real site's tell them).
- An actor timeline's figure JSON is at most 50 kB.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

from benchmarks.synthetic import write_corpus
from generator.build import generate
from generator.render.figures_common import (
    CHARTS_BUNDLE,
    GEO_BUNDLE,
    GL_BUNDLE,
    WEBGL_THRESHOLD,
    bundle_for,
)
from tests.test_build_mkdocs import REPO, mkdocs_build, mkdocs_project

JS_BUDGET = 1_500_000
ACTOR_FIGURE_BUDGET = 50_000
FIGURE_MODULE = REPO / "generator" / "assets" / "figures.js"
LOADER = REPO / "generator" / "assets" / "loader.js"
# Where the build puts our scripts (generator/render/assets.py).
OUR_SCRIPTS = "assets/figures/"
LOADER_TARGET = OUR_SCRIPTS + "loader.js"

SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"")
# A figure's placeholder: a timeline's, or a competing-figures chart's (class "sahel-figure
# sahel-counts").
FIGURE = re.compile(r"<div\b[^>]*\bclass=\"sahel-figure(?: [^\"]*)?\"[^>]*>")
LEDGER_FILTER = re.compile(r"<div\b[^>]*\bclass=\"sahel-ledger-filter\"")
BUNDLE = re.compile(r"\bdata-bundle=\"([^\"]+)\"")
FIGURE_SOURCE = re.compile(r"\bdata-figure=\"([^\"]+)\"")
# Enough events for the site timeline to be drawn with WebGL (scattergl).
WEBGL_EVENTS = WEBGL_THRESHOLD + 1


def figure_module_bundles() -> dict[str, str]:
    """The figure module's bundles by name (`charts: { src: 'assets/vendor/...', ... }`)."""
    source = FIGURE_MODULE.read_text(encoding="utf-8")
    found = dict(re.findall(r"(\w+): \{ src: '([^']+)'", source))
    assert found, "cannot find the bundles in figures.js"
    return found


def loader_modules() -> dict[str, str]:
    """The loader's modules: file → the selector of what a page needs it for."""
    source = LOADER.read_text(encoding="utf-8")
    found = dict(re.findall(r"\{ src: '([^']+)', selector: '([^']+)' \}", source))
    assert found, "cannot find the modules in loader.js"
    return found


def fetched_modules(site: Path, text: str) -> dict[str, int]:
    """The modules the loader fetches for a page whose HTML (or Markdown) is `text` → bytes."""
    needed = {"figures.js": FIGURE, "ledger.js": LEDGER_FILTER}
    targets = [OUR_SCRIPTS + name for name, pattern in needed.items() if pattern.search(text)]
    return {target: (site / target).stat().st_size for target in targets}


@dataclass(frozen=True)
class PageWeight:
    page: str
    scripts: dict[str, int]  # file under site/ → bytes
    modules: dict[str, int]  # our modules the loader fetches → bytes
    bundles: dict[str, int]  # plotly.js bundles the figure module fetches → bytes

    @property
    def javascript(self) -> int:
        return sum(self.scripts.values()) + sum(self.modules.values()) + sum(self.bundles.values())

    @property
    def loads_plotly(self) -> bool:
        return bool(self.bundles) or any("plotly" in s for s in self.scripts)


def page_weight(site: Path, html: Path, bundles: dict[str, str]) -> PageWeight:
    text = html.read_text(encoding="utf-8")
    page = html.relative_to(site).as_posix()
    scripts: dict[str, int] = {}
    for src in SCRIPT.findall(text):
        assert "//" not in src, (page, src)
        path = src.split("?")[0]
        # 404.html links from the site root, every other page relatively.
        base = "" if path.startswith("/") else posixpath.dirname(page)
        target = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        scripts[target] = (site / target).stat().st_size
    return PageWeight(
        page, scripts, fetched_modules(site, text), fetched_bundles(site, text, bundles)
    )


def fetched_bundles(site: Path, text: str, bundles: dict[str, str]) -> dict[str, int]:
    """The plotly.js bundles the figure module fetches for the figures in `text` → bytes.

    As figures.js chooses: the figure's data-bundle, but the gl bundle for a "charts" figure
    with a scattergl trace (figures_common.bundle_for). `text` is a page's HTML, or its
    generated Markdown (the same placeholders); `site` holds its figures/ and assets/.
    """
    fetched: dict[str, int] = {}
    for tag in FIGURE.findall(text):
        match = BUNDLE.search(tag)
        name = match.group(1) if match else CHARTS_BUNDLE
        source = FIGURE_SOURCE.search(tag)
        assert source is not None, tag
        figure = json.loads((site / unescape(source.group(1))).read_text(encoding="utf-8"))
        target = bundles.get(bundle_for(figure, name), bundles[CHARTS_BUNDLE])
        fetched[target] = (site / target).stat().st_size
    return fetched


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = mkdocs_project(tmp_path_factory.mktemp("weight"), REPO / "content")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    return project / "site"


@pytest.fixture(scope="module")
def webgl_site_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """site_src/ generated from a synthetic fact base of WEBGL_EVENTS events (no MkDocs)."""
    root = tmp_path_factory.mktemp("webgl")
    write_corpus(root / "content", WEBGL_EVENTS)
    result = generate(root / "content", root / "site_src", pages_dir=REPO / "pages", cache=False)
    assert result.ok, [str(d) for d in result.diagnostics[:5]]
    return root / "site_src"


@pytest.fixture(scope="module")
def weights(site: Path) -> list[PageWeight]:
    bundles = figure_module_bundles()
    return [page_weight(site, html, bundles) for html in sorted(site.rglob("*.html"))]


@pytest.mark.slow
def test_event_and_actor_pages_without_a_figure_load_no_plotly(
    weights: list[PageWeight],
) -> None:
    entity_pages = [
        w for w in weights if re.fullmatch(r"(events|actors)/[^/]+/index\.html", w.page)
    ]
    assert len(entity_pages) > 20
    without_figure = [w for w in entity_pages if not w.bundles]
    assert without_figure, "expected some event pages without a figure"
    assert [w.page for w in without_figure if w.loads_plotly] == []


def test_the_loader_fetches_each_module_for_what_needs_it() -> None:
    """The modules fetched_modules counts are the loader's, for the same placeholders."""
    assert loader_modules() == {
        "figures.js": ".sahel-figure[data-figure]",
        "ledger.js": ".sahel-ledger-filter",
    }


@pytest.mark.slow
def test_every_page_names_the_loader_alone_of_our_scripts(weights: list[PageWeight]) -> None:
    ours = {w.page: sorted(s for s in w.scripts if s.startswith(OUR_SCRIPTS)) for w in weights}
    assert {page: names for page, names in ours.items() if names != [LOADER_TARGET]} == {}


@pytest.mark.slow
def test_only_the_pages_that_use_a_module_fetch_it(weights: list[PageWeight]) -> None:
    by_page = {w.page: w for w in weights}
    assert sorted(by_page["timeline/index.html"].modules) == [OUR_SCRIPTS + "figures.js"]
    assert sorted(by_page["claims/unverified/index.html"].modules) == [OUR_SCRIPTS + "ledger.js"]
    assert by_page["about/index.html"].modules == {}
    assert by_page["sources/index.html"].modules == {}
    # The event page's competing-figures charts are figures too.
    assert by_page["events/bamako-attack-2024/index.html"].bundles


@pytest.mark.slow
def test_figures_are_on_the_pages_that_show_them(weights: list[PageWeight]) -> None:
    by_page = {w.page: w for w in weights}
    assert by_page["map/index.html"].bundles
    assert by_page["timeline/index.html"].bundles
    assert not by_page["sources/index.html"].loads_plotly


@pytest.mark.slow
def test_no_page_loads_more_than_the_javascript_budget(weights: list[PageWeight]) -> None:
    over = {w.page: w.javascript for w in weights if w.javascript > JS_BUDGET}
    assert over == {}


def test_the_figure_module_draws_webgl_figures_with_the_gl_bundle() -> None:
    """Only a figure with scattergl traces loads plotly-gl.min.js (the charts bundle has none)."""
    assert figure_module_bundles() == {
        "charts": "assets/vendor/plotly-charts.min.js",
        "gl": "assets/vendor/plotly-gl.min.js",
        "geo": "assets/vendor/plotly-geo.min.js",
    }
    small = {"data": [{"type": "scatter"}]}
    large = {"data": [{"type": "scattergl"}, {"type": "scatter"}]}
    assert bundle_for(small) == CHARTS_BUNDLE
    assert bundle_for(large) == GL_BUNDLE
    assert bundle_for({"data": [{"type": "scattergeo"}]}, GEO_BUNDLE) == GEO_BUNDLE
    assert "usesWebGL(figure) ? 'gl'" in FIGURE_MODULE.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_page_with_a_webgl_timeline_stays_within_the_javascript_budget(
    site: Path, webgl_site_src: Path
) -> None:
    bundles = figure_module_bundles()
    # The <script src> files are the theme's and mkdocs.yml's, the same on every page.
    scripts = page_weight(site, site / "timeline" / "index.html", bundles).scripts
    assert LOADER_TARGET in scripts, scripts
    weights = []
    for page in sorted(webgl_site_src.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        weights.append(
            PageWeight(
                page.relative_to(webgl_site_src).as_posix(),
                scripts,
                fetched_modules(site, text),
                fetched_bundles(webgl_site_src, text, bundles),
            )
        )
    webgl = [w for w in weights if bundles[GL_BUNDLE] in w.bundles]
    # The site timeline (and the home page's) has every event: drawn with WebGL.
    assert "timeline.md" in {w.page for w in webgl}
    over = {w.page: w.javascript for w in webgl if w.javascript > JS_BUDGET}
    assert over == {}


@pytest.mark.slow
def test_actor_timeline_figures_stay_under_their_budget(site: Path) -> None:
    sizes = {p.name: p.stat().st_size for p in (site / "figures").glob("actor-*.json")}
    assert sizes
    assert {name: size for name, size in sizes.items() if size > ACTOR_FIGURE_BUDGET} == {}
