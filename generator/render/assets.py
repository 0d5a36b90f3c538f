"""The static files every build ships: the page loader and the modules it loads, styles,
plotly.js and map data."""

from __future__ import annotations

from pathlib import Path

import rjsmin

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"

# Source under generator/assets/ → path under site_src/. Listed, not globbed, so a stray
# file (such as the bundle build script) is never published.
STATIC_FILES: dict[str, str] = {
    "loader.js": "assets/figures/loader.js",
    "figures.js": "assets/figures/figures.js",
    "ledger.js": "assets/figures/ledger.js",
    "site.css": "assets/figures/site.css",
    "vendor/plotly-charts.min.js": "assets/vendor/plotly-charts.min.js",
    "vendor/plotly-gl.min.js": "assets/vendor/plotly-gl.min.js",
    "vendor/plotly-geo.min.js": "assets/vendor/plotly-geo.min.js",
    "vendor/LICENSE-plotly.js.txt": "assets/vendor/LICENSE-plotly.js.txt",
    "vendor/africa_50m.json": "assets/topojson/africa_50m.json",
}


def static_files() -> dict[str, bytes]:
    return {target: _shipped(source) for source, target in STATIC_FILES.items()}


def _shipped(source: str) -> bytes:
    """Our own scripts without their comments and indentation (they are read in the source,
    and every page loads the loader, a page with a map the figure module beside a plotly
    bundle of 1.4 MB)."""
    data = (ASSETS_DIR / source).read_bytes()
    if source.endswith(".js") and not source.startswith("vendor/"):
        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8")  # type: ignore[no-any-return]
    return data
