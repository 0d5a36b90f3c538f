"""The whole site in memory: every page, figure and data file, by its path under site_src/."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.model import FactBase
from generator.render import links
from generator.render.assets import static_files
from generator.render.data_export import data_files, data_page
from generator.render.figures_common import Figure, figure_json, figure_path
from generator.render.figures_map import map_figure
from generator.render.figures_network import network_figure
from generator.render.figures_timeline import timeline_figure
from generator.render.pages_actors import actor_figure_name, actor_lanes, actor_pages
from generator.render.pages_events import event_pages
from generator.render.pages_index import (
    MAP_FIGURE,
    NETWORK_FIGURE,
    TIMELINE_BY_COUNTRY,
    TIMELINE_BY_TOPIC,
    country_timeline_lanes,
    home_page,
    map_page,
    network_page,
    timeline_page,
    topic_timeline_lanes,
)
from generator.render.pages_ledgers import claims_page, relationships_page, sources_page
from generator.render.pages_topics import topic_figure_name, topic_lanes, topic_pages


@dataclass(frozen=True)
class RenderOptions:
    # Where content files are edited online (see links.edit_base); None: no edit links.
    edit_base: str | None = None
    # Hand-written pages (pages/ and the editors' guide), copied as they are.
    extra_pages: Mapping[str, str] = field(default_factory=dict)


def render_pages(facts: FactBase, options: RenderOptions) -> dict[str, str]:
    pages = {
        links.HOME: home_page(facts),
        links.TIMELINE: timeline_page(facts),
        links.NETWORK: network_page(facts),
        links.MAP: map_page(facts),
        links.RELATIONSHIPS_INDEX: relationships_page(facts),
        links.SOURCES_INDEX: sources_page(facts),
        links.CLAIMS_INDEX: claims_page(facts),
        **topic_pages(facts),
        **event_pages(facts, options.edit_base),
        **actor_pages(facts, options.edit_base),
    }
    return pages


def render_figures(facts: FactBase) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    if facts.events:
        figures[TIMELINE_BY_TOPIC] = timeline_figure(topic_timeline_lanes(facts))
        figures[TIMELINE_BY_COUNTRY] = timeline_figure(country_timeline_lanes(facts))
    if facts.relationships:
        figures[NETWORK_FIGURE] = network_figure(facts)
    figures[MAP_FIGURE] = map_figure(facts)
    for topic in facts.topics_in_order:
        if facts.events_of_topic(topic.id):
            figures[topic_figure_name(topic.id)] = timeline_figure(topic_lanes(facts, topic))
    for actor_id in sorted(facts.actors):
        actor = facts.actors[actor_id]
        if facts.events_of_actor(actor_id):
            figures[actor_figure_name(actor_id)] = timeline_figure(actor_lanes(facts, actor))
    return figures


class PageConflict(ValueError):
    """A hand-written page has the path of a generated one."""


def render_site(facts: FactBase, options: RenderOptions) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    files.update(static_files())
    files.update(data_files(facts))
    for name, figure in render_figures(facts).items():
        files[figure_path(name)] = figure_json(figure)
    pages = render_pages(facts, options)
    pages[links.DATA_PAGE] = data_page(files)
    clashes = sorted(set(pages) & set(options.extra_pages))
    if clashes:
        raise PageConflict(", ".join(clashes))
    for path, text in pages.items():
        files[path] = _normalised(text).encode("utf-8")
    for path, text in options.extra_pages.items():
        files[path] = text.encode("utf-8")
    return dict(sorted(files.items()))


def _normalised(text: str) -> str:
    """One trailing newline and no runs of blank lines, so the output is stable to diff."""
    lines = text.rstrip("\n").split("\n")
    out: list[str] = []
    for line in lines:
        if line.strip() == "" and out and out[-1].strip() == "":
            continue
        out.append(line.rstrip() if line.strip() else "")
    return "\n".join(out) + "\n"
