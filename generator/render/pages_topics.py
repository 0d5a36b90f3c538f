"""Storyline pages: topics/<id>.md, each with its own timeline."""

from __future__ import annotations

from generator import markdown as md
from generator.dates import human_span
from generator.model import FactBase
from generator.render import links, parts
from generator.render.figures_common import CHARTS_BUNDLE, embed
from generator.render.figures_timeline import Lane, single_lane, timeline_table
from generator.schema import Event, Topic


def topic_figure_name(topic_id: str) -> str:
    return f"topic-{topic_id}"


def topic_lanes(facts: FactBase, topic: Topic) -> list[Lane]:
    return single_lane(topic.title, facts.events_of_topic(topic.id))


def topic_pages(facts: FactBase) -> dict[str, str]:
    pages = {links.TOPICS_INDEX: topics_index(facts)}
    pages.update({links.topic_page(t.id): topic_page(facts, t) for t in facts.topics_in_order})
    return pages


def storyline_pages(facts: FactBase) -> list[str]:
    """The topic pages in the storylines' order, for the nav."""
    return [links.topic_page(t.id) for t in facts.topics_in_order]


def topics_index(facts: FactBase) -> str:
    page = links.TOPICS_INDEX
    items = []
    for topic in facts.topics_in_order:
        count = len(facts.events_of_topic(topic.id))
        link = md.page_link(topic.title, links.relative(page, links.topic_page(topic.id)))
        items.append(f"- {link}: {count} event{'s' * (count != 1)}")
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
        out.append(
            "## Timeline\n\n"
            + embed(
                topic_figure_name(topic.id),
                CHARTS_BUNDLE,
                f"Timeline of the storyline {topic.title}",
                timeline_table(topic_lanes(facts, topic), page),
                "The chart's data as a table",
            )
        )
        items = [_event_item(item, page) for item in events]
        out.append(f"## Events ({len(events)})\n\n" + "\n".join(items) + "\n")
    else:
        out.append("No events are filed under this storyline yet.\n")
    out.append(parts.footnotes(facts, topic.sources, page))
    return "\n".join(s for s in out if s)


def _event_item(event: Event, page: str) -> str:
    link = md.page_link(event.title, links.relative(page, links.event_page(event.id)))
    return f"- **{md.text(human_span(event.date, event.end))}**: {link}"
