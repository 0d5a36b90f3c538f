"""The home page and the site-wide figure pages: timeline, network and map."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from generator import countries
from generator import markdown as md
from generator.dates import human_span
from generator.model import FactBase
from generator.render import links, parts
from generator.render.figures_common import CHARTS_BUNDLE, GEO_BUNDLE, embed, timeline_bundle
from generator.render.figures_map import any_located, off_map_list, places_list
from generator.render.figures_timeline import (
    Grouping,
    Lane,
    grouping_by_country,
    grouping_by_topic,
    lanes_by_country,
    lanes_by_topic,
)
from generator.render.pages_ledgers import relationship_kinds_list
from generator.schema import Event

LATEST_EVENTS = 10
TIMELINE_BY_TOPIC = "timeline-topic"
TIMELINE_BY_COUNTRY = "timeline-country"
NETWORK_FIGURE = "network"
MAP_FIGURE = "map"


def topic_timeline_lanes(facts: FactBase) -> list[Lane]:
    return lanes_by_topic(facts, facts.events_in_order)


def country_timeline_lanes(facts: FactBase) -> list[Lane]:
    return lanes_by_country(facts, facts.events_in_order)


def _bundle_of(grouping: Grouping) -> str:
    """The bundle a timeline of these lanes needs, counted without making its items."""
    return timeline_bundle(members for _, members in grouping)


def home_page(facts: FactBase) -> str:
    page = links.HOME
    claims = len(facts.all_claims)
    out = [
        "# The crisis in the West African Sahel\n",
        "A sourced timeline of the crisis in Mali, Burkina Faso, Niger and their neighbours: "
        "coups and transitions, the armed groups and the operations against them, foreign "
        "forces arriving and leaving, and the break between the three juntas and ECOWAS "
        "that led to the Alliance of Sahel States (AES). Every fact cites its sources; "
        "every statement says who made it.\n",
        f"**{len(facts.events)}** events · **{len(facts.actors)}** actors · "
        f"**{len(facts.relationships)}** relationships · **{len(facts.sources)}** sources · "
        f"**{claims}** attributed statements\n",
        _storylines(facts, page),
    ]
    if facts.events:
        out.append(
            "## The timeline\n\n"
            + embed(
                TIMELINE_BY_TOPIC,
                _bundle_of(grouping_by_topic(facts, facts.events_in_order)),
                "Timeline of every event by storyline",
                years_list(facts, page),
                "The chart's data, year by year",
            )
            + f"\nSee the [full timeline]({links.relative(page, links.TIMELINE)}), the "
            f"[actor network]({links.relative(page, links.NETWORK)}) and the "
            f"[map]({links.relative(page, links.MAP)}).\n"
        )
        out.append(_latest(facts, page))
    return "\n".join(out)


def _storylines(facts: FactBase, page: str) -> str:
    if not facts.topics:
        return ""
    cards = []
    for topic in facts.topics_in_order:
        count = len(facts.events_of_topic(topic.id))
        link = md.page_link(topic.title, links.relative(page, links.topic_page(topic.id)))
        cards.append(f"-   **{link}**\n\n    {parts.counted(count, 'event')}")
    return (
        '## Storylines\n\n<div class="grid cards" markdown>\n\n'
        + "\n\n".join(cards)
        + "\n\n</div>\n"
    )


def _latest(facts: FactBase, page: str) -> str:
    latest = facts.latest_events(LATEST_EVENTS)
    items = [
        f"- **{md.text(human_span(e.date, e.end))}**: "
        f"{md.page_link(e.title, links.relative(page, links.event_page(e.id)))}"
        for e in latest
    ]
    return "## Latest events\n\n" + "\n".join(items) + "\n"


def timeline_page(facts: FactBase) -> str:
    page = links.TIMELINE
    intro = (
        "# Timeline\n\n"
        "Every event, in lanes by storyline or by country. A date known to the day is a dot; "
        'a date known only to the month or the year, or only roughly ("about May 2015", '
        '"13 or 14 May 2015"), or an event that lasted, is a bar over the whole span it '
        "may mean, with a diamond at its middle. Hover or tap for the title and date, click "
        "or tap again to open the event, drag the range slider below the chart to zoom.\n"
    )
    if not facts.events:
        return intro + "\nNo events yet.\n"
    tabs = []
    years = years_list(facts, page)
    events = facts.events_in_order
    tabs_groupings = (
        ("By storyline", TIMELINE_BY_TOPIC, grouping_by_topic(facts, events)),
        ("By country", TIMELINE_BY_COUNTRY, grouping_by_country(facts, events)),
    )
    for title, name, grouping in tabs_groupings:
        block = embed(
            name,
            _bundle_of(grouping),
            f"Timeline of every event, {title.lower()}",
            years,
            "The chart's data, year by year",
        )
        indented = "\n".join(f"    {line}" if line else "" for line in block.splitlines())
        tabs.append(f'=== "{title}"\n\n{indented}\n')
    return intro + "\n" + "\n".join(tabs) + "\n## Year by year\n\n" + years


def years_list(facts: FactBase, page: str) -> str:
    """A link to each year's list of events, with how many there are."""
    items = [
        f"- [{year}]({links.relative(page, links.timeline_part(year))}): "
        f"{parts.counted(count, 'event')}"
        for year, count in facts.events_per_year().items()
    ]
    return "\n".join(items) + "\n"


# A year with more events than this is listed a month a page, so that no page grows with
# the fact base.
YEAR_PAGE_LIMIT = 250


def timeline_parts(facts: FactBase) -> Iterator[tuple[int, int | None]]:
    """Each page of the timeline's data: (year, None) for a year, (year, month) for a
    month of a year too large for one page."""
    for year, count in facts.events_per_year().items():
        yield year, None
        if count > YEAR_PAGE_LIMIT:
            months = sorted({e.date.month for e in facts.events_in_year(year) if e.date.month})
            yield from ((year, month) for month in months)


def timeline_part_page(facts: FactBase, year: int, month: int | None = None) -> str:
    """The events that began in one year (or one month of it), as a table."""
    page = links.timeline_part(year, month)
    events = facts.events_in_year(year)
    split = len(events) > YEAR_PAGE_LIMIT
    if month is not None:
        events = [e for e in events if e.date.month == month]
        heading = dt.date(year, month, 1).strftime("%B %Y")
        up = f"[{year}]({links.relative(page, links.timeline_part(year))})"
    else:
        heading = str(year)
        up = f"[All years]({links.relative(page, links.TIMELINE)})"
    out = [f"# {heading}\n"]
    if split and month is None:
        known = [e for e in events if e.date.month]
        events = [e for e in events if not e.date.month]
        out.append(f"{len(known) + len(events)} events began in {year}. {up}.\n")
        out.append(_months_list(facts, year, known, page))
        if events:
            out.append(f"## Month not known\n\n{_year_table(facts, events, page)}")
        return "\n".join(out)
    count = len(events)
    out.append(f"{parts.counted(count, 'event')} that began in {heading}, in date order. {up}.\n")
    out.append(_year_table(facts, events, page))
    return "\n".join(out)


def _months_list(facts: FactBase, year: int, events: list[Event], page: str) -> str:
    counts: dict[int, int] = {}
    for event in events:
        assert event.date.month is not None
        counts[event.date.month] = counts.get(event.date.month, 0) + 1
    items = [
        f"- [{dt.date(year, month, 1).strftime('%B')}]"
        f"({links.relative(page, links.timeline_part(year, month))}): "
        f"{parts.counted(count, 'event')}"
        for month, count in sorted(counts.items())
    ]
    return "\n".join(items) + "\n"


def _place(event: Event) -> str:
    location = event.location
    if location is None:
        return ""
    country = countries.name(location.country) if location.country else ""
    if country.casefold() == location.place.casefold():
        return location.place  # the place is the country itself: "Niger", not "Niger, Niger"
    return ", ".join(part for part in (location.place, country) if part)


def _year_table(facts: FactBase, events: list[Event], page: str) -> str:
    rows = ["| Date | Event | Storylines | Place |", "| --- | --- | --- | --- |"]
    for event in events:
        storylines = ", ".join(
            md.page_link(facts.topics[t].title, links.relative(page, links.topic_page(t)))
            for t in event.topics
        )
        rows.append(
            f"| {md.cell(human_span(event.date, event.end))} "
            f"| {md.page_link(event.title, links.relative(page, links.event_page(event.id)))} "
            f"| {storylines} | {md.cell(_place(event))} |"
        )
    return "\n".join(rows) + "\n"


def network_page(facts: FactBase) -> str:
    page = links.NETWORK
    out = [
        "# Network\n",
        "Actors, tied by their relationships: membership, leadership, alliance, "
        "opposition and more. Move the slider to see the network as it stood on a date: "
        "only the relationships that held that day are drawn, and an actor is faded before "
        "it was founded or, where its founding date is not known, before its earliest "
        "record: the first event, dated statement or relationship the site has for it (its "
        "page names it). A relationship whose start is not known is drawn faint, and only "
        "once both its actors are shown. Click an actor to open its page.\n",
    ]
    if facts.relationships:
        out.append(
            embed(
                NETWORK_FIGURE,
                CHARTS_BUNDLE,
                "Network of actors and their relationships",
                relationship_kinds_list(facts, page),
                "The relationships, kind by kind",
            )
        )
    else:
        out.append("No relationships yet.\n")
    return "\n".join(out)


def map_page(facts: FactBase) -> str:
    page = links.MAP
    out = [
        "# Map\n",
        "Where the events took place, coloured by kind of event. A point is a place: the more "
        "events took place there, the larger it is, and a place whose events are of several "
        "kinds is grey. Places too close to tell apart are drawn a little apart, each joined "
        "by a thin line to its true spot. Hover or tap a point to list its events; click it, "
        "or tap it again, to open the event or, for a place with several, the page that lists "
        "them. A point is only as precise as its source: most mark a town, not the exact "
        "site.\n",
    ]
    if any_located(facts.events_in_order):
        out.append(
            embed(
                MAP_FIGURE,
                GEO_BUNDLE,
                "Map of event locations in the Sahel",
                places_list(facts, page),
                "The map's places in words",
            )
        )
    out.append(off_map_list(facts, page))
    return "\n".join(out)
