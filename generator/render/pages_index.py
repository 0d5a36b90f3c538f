"""The home page and the site-wide figure pages: timeline, network and map."""

from __future__ import annotations

from generator.dates import human_span
from generator.model import FactBase
from generator.render import links
from generator.render import markdown as md
from generator.render.figures_common import CHARTS_BUNDLE, GEO_BUNDLE, embed
from generator.render.figures_map import located_count, map_table
from generator.render.figures_network import network_table
from generator.render.figures_timeline import Lane, lanes_by_country, lanes_by_topic, timeline_table

LATEST_EVENTS = 10
TIMELINE_BY_TOPIC = "timeline-topic"
TIMELINE_BY_COUNTRY = "timeline-country"
NETWORK_FIGURE = "network"
MAP_FIGURE = "map"


def topic_timeline_lanes(facts: FactBase) -> list[Lane]:
    return lanes_by_topic(facts, facts.events_in_order)


def country_timeline_lanes(facts: FactBase) -> list[Lane]:
    return lanes_by_country(facts.events_in_order)


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
                CHARTS_BUNDLE,
                "Timeline of every event by storyline",
                timeline_table(topic_timeline_lanes(facts), page),
                "The chart's data as a table",
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
        cards.append(f"-   **{link}**\n\n    {count} event{'s' * (count != 1)}")
    return (
        '## Storylines\n\n<div class="grid cards" markdown>\n\n'
        + "\n\n".join(cards)
        + "\n\n</div>\n"
    )


def _latest(facts: FactBase, page: str) -> str:
    latest = list(reversed(facts.events_in_order[-LATEST_EVENTS:]))
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
        "a date known only to the month or the year, or an event that lasted, is a bar over "
        "the whole span it may mean, with a diamond at its middle. Hover for the title and "
        "date, click to open the event, drag the range slider below the chart to zoom.\n"
    )
    if not facts.events:
        return intro + "\nNo events yet.\n"
    tabs = []
    for title, name, lanes in (
        ("By storyline", TIMELINE_BY_TOPIC, topic_timeline_lanes(facts)),
        ("By country", TIMELINE_BY_COUNTRY, country_timeline_lanes(facts)),
    ):
        block = embed(
            name,
            CHARTS_BUNDLE,
            f"Timeline of every event, {title.lower()}",
            timeline_table(lanes, page),
            "The chart's data as a table",
        )
        indented = "\n".join(f"    {line}" if line else "" for line in block.splitlines())
        tabs.append(f'=== "{title}"\n\n{indented}\n')
    return intro + "\n" + "\n".join(tabs)


def network_page(facts: FactBase) -> str:
    page = links.NETWORK
    out = [
        "# Network\n",
        "Actors, tied by their relationships: membership, leadership, alliance, "
        "opposition and more. Move the slider to see the network as it stood on a date: "
        "actors that did not exist yet are faded, and only the relationships that held on "
        "that day are drawn. Click an actor to open its page.\n",
    ]
    if facts.relationships:
        out.append(
            embed(
                NETWORK_FIGURE,
                CHARTS_BUNDLE,
                "Network of actors and their relationships",
                network_table(facts, page),
                "The relationships as a table",
            )
        )
    else:
        out.append("No relationships yet.\n")
    return "\n".join(out)


def map_page(facts: FactBase) -> str:
    page = links.MAP
    located = located_count(facts.events_in_order)
    missing = len(facts.events) - located
    out = [
        "# Map\n",
        "Where the events took place, coloured by kind of event. A point is a place: the more "
        "events took place there, the larger it is, and a place whose events are of several "
        "kinds is grey. Hover a point to list its events; click it to open the event, or, "
        "for a place with several, their rows in the table below (grouped by place). A point "
        "is only as precise as its source: many mark a city or a region, not the exact "
        "site.\n",
    ]
    if located:
        out.append(
            embed(
                MAP_FIGURE,
                GEO_BUNDLE,
                "Map of event locations in the Sahel",
                map_table(facts, page),
                "The located events as a table",
            )
        )
    if missing:
        out.append(
            f"{missing} event{'s have' if missing != 1 else ' has'} no coordinates and "
            f"{'are' if missing != 1 else 'is'} not on the map; "
            f"see the [timeline]({links.relative(page, links.TIMELINE)}).\n"
        )
    return "\n".join(out)
