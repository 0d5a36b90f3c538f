"""The whole site in memory: every page, figure and data file, by its path under site_src/.

The site is rendered as *units*: one per page, per figure and one for the data files, each a
pure function of the fact base. `_units` is the one list of them. The build's incremental
layer may stand in for rendering a unit whose inputs did not change (see `UnitRunner`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol, TypeVar

from generator.history import NO_HISTORY, History
from generator.model import FactBase
from generator.render import links
from generator.render.assets import static_files
from generator.render.citations import SiteInfo, bibliography_files, citation_files
from generator.render.data_export import data_files, data_page
from generator.render.feeds import CALENDAR, FEED, atom_feed, calendar
from generator.render.figures_common import Figure, figure_json, figure_path
from generator.render.figures_counts import counts_figure, counts_figure_names
from generator.render.figures_map import map_figure, place_page, shared_places
from generator.render.figures_network import network_figure
from generator.render.figures_timeline import timeline_figure
from generator.render.page_meta import with_front_matter
from generator.render.pages_actors import (
    actor_figure_name,
    actor_lanes,
    actor_page,
    actors_index,
)
from generator.render.pages_changes import (
    CHANGES_PAGE,
    CORRECTIONS_PAGE,
    PageRecord,
    changes_page,
    corrections_page,
    page_record,
)
from generator.render.pages_disputes import disputes_page
from generator.render.pages_events import event_page
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
    timeline_part_page,
    timeline_parts,
    topic_timeline_lanes,
)
from generator.render.pages_ledgers import (
    claims_of_status_page,
    claims_page,
    claims_parts,
    publisher_page,
    publisher_pages,
    relationships_of_kind_page,
    relationships_page,
    sources_page,
)
from generator.render.pages_topics import (
    topic_figure_name,
    topic_lanes,
    topic_page,
    topic_year_page,
    topic_years,
    topics_index,
)
from generator.render.spellings import unaccented_spellings
from generator.schema import Actor


@dataclass(frozen=True)
class RenderOptions:
    # Where content files are edited online (see links.edit_base); None: no edit links.
    edit_base: str | None = None
    # Hand-written pages (pages/ and the editors' guide), copied as they are.
    extra_pages: Mapping[str, str] = field(default_factory=dict)
    # The site's name and addresses, for citations and feeds; the git history of content/.
    site: SiteInfo = field(default_factory=SiteInfo)
    history: History = NO_HISTORY


def figure_makers(facts: FactBase) -> Iterator[tuple[str, Callable[[FactBase], Figure]]]:
    """Each figure of the site, by name, and the function that draws it from the fact base."""
    if facts.events:
        yield TIMELINE_BY_TOPIC, _timeline_by_topic
        yield TIMELINE_BY_COUNTRY, _timeline_by_country
    if facts.relationships:
        yield NETWORK_FIGURE, network_figure
    yield MAP_FIGURE, map_figure
    for topic in facts.topics_in_order:
        if facts.events_of_topic(topic.id):
            yield topic_figure_name(topic.id), partial(_topic_timeline, topic.id)
    for actor_id in sorted(facts.actors):
        if facts.events_of_actor(actor_id):
            yield actor_figure_name(actor_id), partial(_actor_timeline, actor_id)
    for event in facts.events_in_order:
        for measure, name in counts_figure_names(event).items():
            yield name, partial(_event_counts, event.id, measure)


def render_figures(facts: FactBase) -> dict[str, Figure]:
    """Every figure, as drawn (for tests and tools)."""
    return {name: make(facts) for name, make in figure_makers(facts)}


def render_pages(facts: FactBase, options: RenderOptions) -> dict[str, str]:
    """The generated pages alone, as text, by path (for tests and tools)."""
    return {
        path: data.decode("utf-8")
        for _key, render in _units(facts, options)
        for path, data in render(facts).items()
        if _is_page(path)
    }


class PageConflict(ValueError):
    """A hand-written page has the path of a generated one."""


Outputs = dict[str, bytes]
Render = Callable[[FactBase], Outputs]


# What a unit runner may give for an output instead of its bytes (the build's choice).
Reused = TypeVar("Reused")
Reused_co = TypeVar("Reused_co", covariant=True)


class UnitRunner(Protocol[Reused_co]):
    """Renders one unit of the site, or gives its outputs as an earlier build made them.

    The build's incremental layer passes one; without it, each unit is simply rendered.
    """

    def __call__(self, key: Hashable, render: Render) -> Mapping[str, bytes | Reused_co]: ...


def render_site(
    facts: FactBase, options: RenderOptions, run: UnitRunner[Reused] | None = None
) -> dict[str, bytes | Reused]:
    """Every file of site_src/, by its path there; each unit through `run`, if given."""
    files: dict[str, bytes | Reused] = {}
    files.update(static_files())
    pages: set[str] = set()
    for key, render in _units(facts, options):
        outputs = run(key, render) if run is not None else render(facts)
        files.update(outputs)
        pages.update(filter(_is_page, outputs))
    files[links.DATA_PAGE] = _page_bytes(with_front_matter(data_page(files)))
    pages.add(links.DATA_PAGE)
    clashes = sorted(pages & set(options.extra_pages))
    if clashes:
        raise PageConflict(", ".join(clashes))
    for path, text in options.extra_pages.items():
        files[path] = text.encode("utf-8")
    return dict(sorted(files.items()))


Unit = tuple[Hashable, Render]


def _is_page(path: str) -> bool:
    return path.endswith(".md")


def _units(facts: FactBase, options: RenderOptions) -> Iterator[Unit]:
    """The site's units, as `render_pages`, `render_figures` and `data_files` make it."""
    yield ("data",), data_files
    site, history = options.site, options.history
    yield ("feeds",), partial(_feeds, history, site)
    yield ("bibliography",), bibliography_files
    yield _page(CHANGES_PAGE, partial(changes_page, history=history, site=site))
    yield _page(CORRECTIONS_PAGE, partial(corrections_page, history=history, site=site))
    for name, make in figure_makers(facts):
        yield _figure(name, make)

    yield _page(links.HOME, home_page)
    yield _page(links.TIMELINE, timeline_page)
    for year, month in timeline_parts(facts):
        render = partial(timeline_part_page, year=year, month=month)
        yield _page(links.timeline_part(year, month), render)
    yield _page(links.NETWORK, network_page)
    yield _page(links.MAP, map_page)
    for place in shared_places(facts):
        render = partial(place_page, anchor=place.anchor, lat=place.lat, lon=place.lon)
        yield _page(links.place_page(place.anchor), render)
    yield _page(links.RELATIONSHIPS_INDEX, relationships_page)
    for kind in sorted({r.kind for r in facts.relationships.values()}):
        yield _page(links.relationships_part(kind), partial(relationships_of_kind_page, kind=kind))
    yield _page(links.SOURCES_INDEX, sources_page)
    for path in publisher_pages(facts):
        yield _page(path, partial(publisher_page, path=path))
    yield _page(links.CLAIMS_INDEX, claims_page)
    for status, about in claims_parts(facts):  # the year of the events, if split
        render = partial(claims_of_status_page, status=status, year=about)
        yield _page(links.claims_part(status, about), render)
    yield _page(links.DISPUTES, disputes_page)
    yield _page(links.TOPICS_INDEX, topics_index)
    for topic in facts.topics_in_order:
        render = partial(_topic_page, topic.id)
        yield _page(links.topic_page(topic.id), render, partial(_topic_summary, topic.id))
        for year in topic_years(facts, topic):
            render = partial(topic_year_page, topic_id=topic.id, year=year)
            yield _page(links.topic_year(topic.id, year), render)
    for event in facts.events_in_order:
        yield _cited_page(links.event_page(event.id), partial(_event_page, event.id, options))
    yield _page(links.ACTORS_INDEX, actors_index)
    for actor_id in sorted(facts.actors):
        yield _cited_page(links.actor_page(actor_id), partial(_actor_page, actor_id, options))


Describe = Callable[[FactBase], str]
Terms = Callable[[FactBase], list[str]]


def _page(
    path: str,
    render: Callable[[FactBase], str],
    describe: Describe | None = None,
    terms: Terms | None = None,
) -> Unit:
    """A page unit; `describe` gives its summary (default: the page's first paragraph), and
    `terms` what search should find it by above all."""
    return ("page", path), partial(_render_page, path, render, describe, terms)


def _render_page(
    path: str,
    render: Callable[[FactBase], str],
    describe: Describe | None,
    terms: Terms | None,
    facts: FactBase,
) -> Outputs:
    summary = describe(facts) if describe is not None else None
    search_terms = terms(facts) if terms is not None else []
    return {path: _page_bytes(with_front_matter(render(facts), summary, search_terms))}


# An event's or actor's page, with its summary and search terms, and the files that cite it.
CitedPage = tuple[str, str | None, list[str], Outputs]


def _cited_page(path: str, render: Callable[[FactBase], CitedPage]) -> Unit:
    """One unit for the page and its citation files: they are made from the same reads."""
    return ("page", path), partial(_render_cited_page, path, render)


def _render_cited_page(
    path: str, render: Callable[[FactBase], CitedPage], facts: FactBase
) -> Outputs:
    text, summary, search_terms, citations = render(facts)
    return {path: _page_bytes(with_front_matter(text, summary, search_terms)), **citations}


def _figure(name: str, render: Callable[[FactBase], Figure]) -> Unit:
    return ("figure", name), partial(_render_figure, name, render)


def _render_figure(name: str, render: Callable[[FactBase], Figure], facts: FactBase) -> Outputs:
    return {figure_path(name): figure_json(render(facts))}


# Each unit looks its entity up in the fact base it is given, so that what it reads is
# all in that fact base (the incremental layer records those reads).


def _timeline_by_topic(facts: FactBase) -> Figure:
    return timeline_figure(topic_timeline_lanes(facts))


def _timeline_by_country(facts: FactBase) -> Figure:
    return timeline_figure(country_timeline_lanes(facts))


def _topic_timeline(topic_id: str, facts: FactBase) -> Figure:
    return timeline_figure(topic_lanes(facts, facts.topics[topic_id]))


def _actor_timeline(actor_id: str, facts: FactBase) -> Figure:
    return timeline_figure(actor_lanes(facts, facts.actors[actor_id]))


def _event_counts(event_id: str, measure: str, facts: FactBase) -> Figure:
    return counts_figure(facts, facts.events[event_id], measure)


def _topic_page(topic_id: str, facts: FactBase) -> str:
    return topic_page(facts, facts.topics[topic_id])


def _event_page(event_id: str, options: RenderOptions, facts: FactBase) -> CitedPage:
    event = facts.events[event_id]
    record = _record("events", event_id, options, facts)
    text = event_page(facts, event, options.edit_base, record)
    return text, event.summary, [], citation_files(record.citable, options.site)


def _actor_page(actor_id: str, options: RenderOptions, facts: FactBase) -> CitedPage:
    actor = facts.actors[actor_id]
    record = _record("actors", actor_id, options, facts)
    text = actor_page(facts, actor, options.edit_base, record)
    citations = citation_files(record.citable, options.site)
    return text, actor.description, _actor_names(actor), citations


def _record(kind: str, entity_id: str, options: RenderOptions, facts: FactBase) -> PageRecord:
    title = facts.events[entity_id].title if kind == "events" else facts.actors[entity_id].name
    return page_record(facts, kind, entity_id, title, options.history, options.site)


def _feeds(history: History, site: SiteInfo, facts: FactBase) -> Outputs:
    return {FEED: atom_feed(facts, history, site), CALENDAR: calendar(facts, history, site)}


def _actor_names(actor: Actor) -> list[str]:
    names = [actor.name, *([actor.short_name] if actor.short_name else [])]
    names += [alias.name for alias in actor.aliases]
    names = list(dict.fromkeys(names))
    return names + unaccented_spellings(names)


def _topic_summary(topic_id: str, facts: FactBase) -> str:
    return facts.topics[topic_id].introduction


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
