"""What every figure shares: the JSON form, colours, the WebGL switch and the page embed."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence, Sized
from typing import Any

from generator import markdown as md

Figure = dict[str, Any]

# Above this many points a trace is drawn with WebGL (scattergl): SVG slows down past a few
# thousand markers, while a WebGL context is a scarce resource (browsers allow ~16 a page).
WEBGL_THRESHOLD = 1000

# Okabe–Ito, readable by colour-blind readers, then Tableau's muted tones for the rest.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#8C6D31",
    "#7F7F7F",
    "#B279A2",
    "#4E79A7",
    "#F28E2B",
    "#59A14F",
)

# Which vendored plotly.js bundle a figure needs (see generator/assets/vendor/README.md).
# A "charts" figure with a scattergl trace (above WEBGL_THRESHOLD points) is drawn with the
# "gl" bundle instead: the loader picks it once it has read the figure (see bundle_for).
CHARTS_BUNDLE = "charts"
GL_BUNDLE = "gl"
GEO_BUNDLE = "geo"


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


# What is not a storyline (a country's lane, events of no storyline) is drawn in this grey,
# which no storyline has: each storyline keeps its own colour in every figure.
NEUTRAL = "#7F7F7F"
_STORYLINE_PALETTE = tuple(c for c in PALETTE if c != NEUTRAL)


def storyline_colours(topic_ids: Sequence[str]) -> dict[str, str]:
    """Each storyline's colour, from its place among all storylines (not among those a
    figure happens to show), so that it is the same in every figure."""
    count = len(_STORYLINE_PALETTE)
    return {topic_id: _STORYLINE_PALETTE[i % count] for i, topic_id in enumerate(topic_ids)}


def scatter_type(points: int) -> str:
    return "scattergl" if points > WEBGL_THRESHOLD else "scatter"


def bundle_for(figure: Figure, bundle: str = CHARTS_BUNDLE) -> str:
    """The bundle that draws `figure`: as assets/figures/loader.js chooses it."""
    if bundle == CHARTS_BUNDLE and any(t.get("type") == "scattergl" for t in figure["data"]):
        return GL_BUNDLE
    return bundle


def timeline_bundle(lanes_items: Iterable[Sized]) -> str:
    """The bundle that draws a timeline whose lanes hold these items, as bundle_for finds it
    in the drawn figure. The page names it, so the browser fetches it with the page."""
    points = sum(len(items) for items in lanes_items)
    return GL_BUNDLE if scatter_type(points) == "scattergl" else CHARTS_BUNDLE


def figure_json(figure: Figure) -> bytes:
    """Compact and deterministic: keys sorted (Plotly ignores their order), no whitespace."""
    text = json.dumps(figure, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def figure_path(name: str) -> str:
    return f"figures/{name}.json"


def embed(name: str, bundle: str, label: str, alternative: str, summary: str) -> str:
    """The figure's placeholder, filled by assets/figures/loader.js, and its text alternative.

    The alternative is a collapsible block (a plain <details> element, so it works without
    JavaScript) holding the same data as Markdown. The placeholder is a labelled figure, not
    an image: the chart inside it has controls a keyboard reaches (an image's content is
    presentational, so they would be hidden from assistive technology).
    """
    indented = "\n".join(f"    {line}" if line else "" for line in alternative.splitlines())
    return (
        f'<div class="sahel-figure" data-figure="{md.attribute(figure_path(name))}" '
        f'data-bundle="{bundle}" role="figure" aria-label="{md.attribute(label)}">'
        f'<p class="sahel-figure__fallback">{md.attribute(label)}: the chart needs '
        f"JavaScript; the same data is listed below.</p></div>\n\n"
        f'??? info "{md.attribute(summary)}"\n\n{indented}\n'
    )
