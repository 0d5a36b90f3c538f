"""Storyline pages: topics/<id>.md, each with its own timeline."""

from __future__ import annotations

from generator import markdown as md
from generator.dates import human_span
from generator.model import FactBase
from generator.render import links, parts
from generator.render.figures_common import embed, timeline_bundle
from generator.render.figures_timeline import Lane, storyline_lane, timeline_table
from generator.schema import Event, Topic


def topic_figure_name(topic_id: str) -> str:
    return f"topic-{topic_id}"


def topic_lanes(facts: FactBase, topic: Topic) -> list[Lane]:
    return storyline_lane(facts, topic)


def storyline_pages(facts: FactBase) -> list[str]:
    """The topic pages in the storylines' order, for the nav."""
    return [links.topic_page(t.id) for t in facts.topics_in_order]


def topics_index(facts: FactBase) -> str:
    page = links.TOPICS_INDEX
    items = []
    for topic in facts.topics_in_order:
        count = len(facts.events_of_topic(topic.id))
        link = md.page_link(topic.title, links.relative(page, links.topic_page(topic.id)))
        items.append(f"- {link}: {parts.counted(count, 'event')}")
    body = "\n".join(items) if items else "No storylines yet."
    return (
        "# Storylines\n\nThe crisis told as separate threads, each with its own "
        f"introduction and timeline.\n\n{body}\n"
    )


def topic_page(facts: FactBase, topic: Topic) -> str:
    page = links.topic_page(topic.id)
    events = facts.events_of_topic(topic.id)
    notes = [("Storyline", topic.needs_review)] if topic.needs_review else []
    introduction = md.markdown_field(topic.introduction)
    if topic.sources:
        # The sources of the introduction as a whole, cited at its end as events cite theirs.
        introduction += " " + parts.footnote_refs(topic.sources)
    out = [
        f"# {md.text(topic.title)}\n",
        parts.review_admonition(notes),
        introduction + "\n",
    ]
    if events:
        # Too many to list on one page: the events a year a page (topic_year_page).
        by_year = len(events) > TOPIC_PAGE_LIMIT
        years = _years_list(facts, topic, page) if by_year else ""
        out.append(
            "## Timeline\n\n"
            + embed(
                topic_figure_name(topic.id),
                timeline_bundle([events]),
                f"Timeline of the storyline {topic.title}",
                years or timeline_table(topic_lanes(facts, topic), page),
                "The chart's data, year by year" if by_year else "The chart's data as a table",
            )
        )
        if by_year:
            out.append(f"## Events ({len(events)}), year by year\n\n{years}")
        else:
            items = [_event_item(item, page) for item in events]
            out.append(f"## Events ({len(events)})\n\n" + "\n".join(items) + "\n")
    else:
        out.append("No events are filed under this storyline yet.\n")
    out.append(parts.footnotes(facts, topic.sources, page))
    return "\n".join(s for s in out if s)


# A storyline with more events than this lists them a year a page, so that no page grows
# with the fact base.
TOPIC_PAGE_LIMIT = 250


def topic_years(facts: FactBase, topic: Topic) -> list[int]:
    """The years of a storyline's pages of events; none for a storyline listed on its page."""
    events = facts.events_of_topic(topic.id)
    if len(events) <= TOPIC_PAGE_LIMIT:
        return []
    return sorted({event.date.year for event in events})


def _years_list(facts: FactBase, topic: Topic, page: str) -> str:
    counts: dict[int, int] = {}
    for event in facts.events_of_topic(topic.id):
        counts[event.date.year] = counts.get(event.date.year, 0) + 1
    items = [
        f"- [{year}]({links.relative(page, links.topic_year(topic.id, year))}): "
        f"{parts.counted(count, 'event')}"
        for year, count in sorted(counts.items())
    ]
    return "\n".join(items) + "\n"


def topic_year_page(facts: FactBase, topic_id: str, year: int) -> str:
    """The events of a storyline that began in one year."""
    topic = facts.topics[topic_id]
    page = links.topic_year(topic_id, year)
    events = [e for e in facts.events_of_topic(topic_id) if e.date.year == year]
    back = md.page_link(topic.title, links.relative(page, links.topic_page(topic_id)))
    items = [_event_item(event, page) for event in events]
    return (
        f"# {md.text(topic.title)}: {year}\n\n"
        f"{parts.counted(len(events), 'event')} of the storyline {back} that began "
        f"in {year}, in date order.\n\n" + "\n".join(items) + "\n"
    )


def _event_item(event: Event, page: str) -> str:
    link = md.page_link(event.title, links.relative(page, links.event_page(event.id)))
    return f"- **{md.text(human_span(event.date, event.end))}**: {link}"
