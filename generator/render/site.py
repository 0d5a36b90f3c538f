"""The whole site in memory: every page, figure and data file, by its path under site_src/.

The site is rendered as *units*: one per page, per figure and one for the data files, each a
function of the fact base. With a `RenderMemo` (generator/cache.py), a unit whose reads of
the fact base all give what they gave last build is not rendered again; without one, every
unit is rendered. Both give the same bytes: `render_pages` and `render_figures`, which
render the site the plain way, are the reference a test compares the units with.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial

from generator.cache import ENTITY_KINDS, Digests, Given, Outputs, RenderMemo
from generator.model import FactBase
from generator.render import links, pieces
from generator.render.assets import static_files
from generator.render.data_export import data_files, data_page
from generator.render.figures_common import Figure, figure_json, figure_path
from generator.render.figures_map import map_figure
from generator.render.figures_network import network_figure
from generator.render.figures_timeline import timeline_figure
from generator.render.pages_actors import (
    actor_figure_name,
    actor_lanes,
    actor_page,
    actor_pages,
    actors_index,
)
from generator.render.pages_events import event_page, event_pages
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
from generator.render.pages_topics import (
    topic_figure_name,
    topic_lanes,
    topic_page,
    topic_pages,
    topics_index,
)
from generator.write import Current, Kept


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


def render_site(
    facts: FactBase,
    options: RenderOptions,
    *,
    memo: RenderMemo | None = None,
    digests: Mapping[tuple[str, str], str] | None = None,
    on_disk: Current | None = None,
) -> dict[str, bytes | Kept]:
    """Every file of site_src/; with `memo` (and the corpus' entity `digests`), incrementally.

    A page the memo reuses is given as `Kept`: `on_disk` has found it in site_src/ as the
    last build wrote it, and write_site keeps it there.
    """
    files: dict[str, bytes | Kept] = {}
    files.update(static_files())
    pages: set[str] = set()
    run: Callable[[Hashable, Callable[[FactBase], Outputs]], Given]
    if memo is not None and digests is not None and on_disk is not None:
        known = Digests(facts, digests)
        store = memo.piece_store(known)
        run = partial(_memoised, memo, known, on_disk)
    else:
        store = pieces.PieceStore(_entity_identities(facts))
        run = partial(_plain, facts)
    with pieces.active(store):
        for key, kind, render in _units(facts, options):
            outputs = run(key, render)
            files.update(outputs)
            if kind == "page":
                pages.update(outputs)
    files[links.DATA_PAGE] = _page_bytes(data_page(files))
    pages.add(links.DATA_PAGE)
    clashes = sorted(pages & set(options.extra_pages))
    if clashes:
        raise PageConflict(", ".join(clashes))
    for path, text in options.extra_pages.items():
        files[path] = text.encode("utf-8")
    return dict(sorted(files.items()))


def _memoised(
    memo: RenderMemo,
    known: Digests,
    on_disk: Current,
    key: Hashable,
    render: Callable[[FactBase], Outputs],
) -> Given:
    return memo.run(key, known, render, on_disk)


def _plain(facts: FactBase, _key: Hashable, render: Callable[[FactBase], Outputs]) -> Outputs:
    return render(facts)


def _entity_identities(facts: FactBase) -> dict[int, str]:
    """For a build without a memo: entities stand for themselves, for this build only."""
    return {
        id(entity): f"object:{id(entity)}"
        for kind in ENTITY_KINDS
        for entity in getattr(facts, kind).values()
    }


Unit = tuple[Hashable, str, Callable[[FactBase], Outputs]]


def _units(facts: FactBase, options: RenderOptions) -> Iterator[Unit]:
    """The site's units, as `render_pages`, `render_figures` and `data_files` make it."""
    yield ("data",), "data", data_files
    if facts.events:
        yield _figure(TIMELINE_BY_TOPIC, _timeline_by_topic)
        yield _figure(TIMELINE_BY_COUNTRY, _timeline_by_country)
    if facts.relationships:
        yield _figure(NETWORK_FIGURE, network_figure)
    yield _figure(MAP_FIGURE, map_figure)
    for topic in facts.topics_in_order:
        if facts.events_of_topic(topic.id):
            yield _figure(topic_figure_name(topic.id), partial(_topic_timeline, topic.id))
    for actor_id in sorted(facts.actors):
        if facts.events_of_actor(actor_id):
            yield _figure(actor_figure_name(actor_id), partial(_actor_timeline, actor_id))

    edit_base = options.edit_base
    yield _page(links.HOME, home_page)
    yield _page(links.TIMELINE, timeline_page)
    yield _page(links.NETWORK, network_page)
    yield _page(links.MAP, map_page)
    yield _page(links.RELATIONSHIPS_INDEX, relationships_page)
    yield _page(links.SOURCES_INDEX, sources_page)
    yield _page(links.CLAIMS_INDEX, claims_page)
    yield _page(links.TOPICS_INDEX, topics_index)
    for topic in facts.topics_in_order:
        yield _page(links.topic_page(topic.id), partial(_topic_page, topic.id))
    for event in facts.events_in_order:
        yield _page(links.event_page(event.id), partial(_event_page, event.id, edit_base))
    yield _page(links.ACTORS_INDEX, actors_index)
    for actor_id in sorted(facts.actors):
        yield _page(links.actor_page(actor_id), partial(_actor_page, actor_id, edit_base))


def _page(path: str, render: Callable[[FactBase], str]) -> Unit:
    return ("page", path), "page", partial(_render_page, path, render)


def _render_page(path: str, render: Callable[[FactBase], str], facts: FactBase) -> Outputs:
    return {path: _page_bytes(render(facts))}


def _figure(name: str, render: Callable[[FactBase], Figure]) -> Unit:
    return ("figure", name), "figure", partial(_render_figure, name, render)


def _render_figure(name: str, render: Callable[[FactBase], Figure], facts: FactBase) -> Outputs:
    return {figure_path(name): figure_json(render(facts))}


# Each unit looks its entity up in the fact base it is given, so that the lookup is recorded.


def _timeline_by_topic(facts: FactBase) -> Figure:
    return timeline_figure(topic_timeline_lanes(facts))


def _timeline_by_country(facts: FactBase) -> Figure:
    return timeline_figure(country_timeline_lanes(facts))


def _topic_timeline(topic_id: str, facts: FactBase) -> Figure:
    return timeline_figure(topic_lanes(facts, facts.topics[topic_id]))


def _actor_timeline(actor_id: str, facts: FactBase) -> Figure:
    return timeline_figure(actor_lanes(facts, facts.actors[actor_id]))


def _topic_page(topic_id: str, facts: FactBase) -> str:
    return topic_page(facts, facts.topics[topic_id])


def _event_page(event_id: str, edit_base: str | None, facts: FactBase) -> str:
    return event_page(facts, facts.events[event_id], edit_base)


def _actor_page(actor_id: str, edit_base: str | None, facts: FactBase) -> str:
    return actor_page(facts, facts.actors[actor_id], edit_base)


def _page_bytes(text: str) -> bytes:
    return _normalised(text).encode("utf-8")


def _normalised(text: str) -> str:
    """One trailing newline, no trailing whitespace and no runs of blank lines, so the
    output is stable to diff."""
    lines = [line.rstrip() for line in text.rstrip("\n").split("\n")]
    # With the trailing newline, in one join: a page of 10,000 rows is not copied again.
    joined = "\n".join([*lines, ""])
    # Two blank lines in a row show as three newlines once the text is framed by two (a
    # newline before it, and the one it now ends with): most pages have none, and are
    # then done in a few C calls.
    if "\n\n\n" not in joined and not joined.startswith("\n\n"):
        return joined
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out) + "\n"
