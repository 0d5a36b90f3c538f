"""The static files every build ships: the figure loader, styles, plotly.js and map data."""

from __future__ import annotations

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"

# Source under generator/assets/ → path under site_src/. Listed, not globbed, so a stray
# file (such as the bundle build script) is never published.
STATIC_FILES: dict[str, str] = {
    "figures.js": "assets/figures/loader.js",
    "ledger.js": "assets/figures/ledger.js",
    "site.css": "assets/figures/site.css",
    "vendor/plotly-charts.min.js": "assets/vendor/plotly-charts.min.js",
    "vendor/plotly-gl.min.js": "assets/vendor/plotly-gl.min.js",
    "vendor/plotly-geo.min.js": "assets/vendor/plotly-geo.min.js",
    "vendor/LICENSE-plotly.js.txt": "assets/vendor/LICENSE-plotly.js.txt",
    "vendor/africa_50m.json": "assets/topojson/africa_50m.json",
}


def static_files() -> dict[str, bytes]:
    return {target: (ASSETS_DIR / source).read_bytes() for source, target in STATIC_FILES.items()}
