"""Disputes: the page listing every dispute by storyline, and each event page's own block.

Both show a dispute the same way (`_dispute_item`), behind the same flag, so that a reader
who has seen it on one recognises it on the other.
"""

from __future__ import annotations

from generator import markdown as md
from generator.dates import human_span
from generator.disputes import (
    ABOUT_PERCENT,
    DateDispute,
    Dispute,
    FigureDispute,
    StatementDispute,
    disputes_by_storyline,
    disputes_of,
)
from generator.model import FactBase, claim_anchor, figure_anchor
from generator.render import links, parts
from generator.render.pages_ledgers import source_links
from generator.schema import Claim, Event, Figure

FLAG = '<span class="sahel-dispute-flag">Sources disagree</span>'


def disputes_page(facts: FactBase) -> str:
    page = links.DISPUTES
    groups = disputes_by_storyline(facts)
    out = [
        "# Disputes\n",
        "Where the sources of an event cannot all be right: reported figures on the same "
        "measure that have no number in common, statements an editor marked as contradicting "
        "each other, and dates that sources give differently. The build finds them; nothing "
        "here is averaged or settled.\n",
        f"A figure counts as what its words allow: “at least 70” agrees with 77, while “about "
        f"100” allows {100 - ABOUT_PERCENT} to {100 + ABOUT_PERCENT} and so disagrees with it. "
        "An early toll and a later, higher one show as a dispute too: each figure gives its "
        "date where the source does.\n",
    ]
    if not groups:
        out.append("No disputes in the fact base.\n")
    for topic_id, found in groups.items():
        title = facts.topics[topic_id].title if topic_id is not None else "Under no storyline"
        out.append(f"## {md.text(title)}\n")
        out.extend(_event_disputes(facts, event, items, page) for event, items in _by_event(found))
    return "\n".join(out)


def _by_event(found: list[Dispute]) -> list[tuple[Event, list[Dispute]]]:
    groups: dict[str, tuple[Event, list[Dispute]]] = {}
    for dispute in found:
        groups.setdefault(dispute.event.id, (dispute.event, []))[1].append(dispute)
    return list(groups.values())


def _event_disputes(facts: FactBase, event: Event, found: list[Dispute], page: str) -> str:
    link = md.page_link(event.title, links.relative(page, links.event_page(event.id)))
    when = md.text(human_span(event.date, event.end))
    return f"### {link}\n\n{when}\n\n{_items(facts, found, page)}"


def disputes_section(facts: FactBase, event: Event, page: str) -> str:
    """The event's disputes, for the top of its page; empty when its sources agree."""
    found = disputes_of(event)
    if not found:
        return ""
    everything = links.relative(page, links.DISPUTES)
    return (
        "## Where sources disagree\n\n"
        f"{_items(facts, found, page)}\n"
        f"[Every dispute in the fact base]({everything}).\n"
    )


def _items(facts: FactBase, found: list[Dispute], page: str) -> str:
    items = [f"- {FLAG} {_dispute_item(facts, d, page)}" for d in found]
    return '<div class="sahel-disputes" markdown>\n\n' + "\n".join(items) + "\n\n</div>\n"


def _dispute_item(facts: FactBase, dispute: Dispute, page: str) -> str:
    if isinstance(dispute, FigureDispute):
        return _figure_item(dispute, page)
    if isinstance(dispute, StatementDispute):
        return _statement_item(facts, dispute, page)
    return _date_item(facts, dispute, page)


def _figure_item(dispute: FigureDispute, page: str) -> str:
    event = dispute.event
    low = "; ".join(_figure_words(event, f, page) for f in dispute.low)
    high = "; ".join(_figure_words(event, f, page) for f in dispute.high)
    span = f"{parts.figure_value(dispute.low[0])} against {parts.figure_value(dispute.high[0])}"
    every = _on_event_page(event, figure_anchor(dispute.figures[0]), page)
    return (
        f"**{md.text(_capitalised(dispute.measure))}, {md.text(span)}:** the figures cannot "
        f"all be true. Low end: {low}. High end: {high}. "
        f"[All {parts.counted(len(dispute.figures), 'figure')}]({every})."
    )


def _figure_words(event: Event, figure: Figure, page: str) -> str:
    target = _on_event_page(event, figure_anchor(figure), page)
    value = md.page_link(parts.figure_value(figure), target)
    # "(19 September 2024)" only where the source's words do not already give the date.
    said = figure.date.human() if figure.date else ""
    when = f" ({said})" if said and said not in figure.according_to else ""
    words = f"{value} according to {md.text(figure.according_to)}{when}"
    if figure.needs_review:
        # The dispute may rest on how the figure was read: say so, and link to the note.
        words += f" ([⚑ under review]({_on_event_page(event, parts.REVIEW_LIST, page)}))"
    return words


def _statement_item(facts: FactBase, dispute: StatementDispute, page: str) -> str:
    first = _claim_words(facts, dispute.event, dispute.claim, page)
    second = _claim_words(facts, dispute.event, dispute.contradicted, page)
    return f"**Statements:** {first} contradicts {second}"


def _claim_words(facts: FactBase, event: Event, claim: Claim, page: str) -> str:
    target = _on_event_page(event, claim_anchor(claim), page)
    whose = f"{facts.label(claim.claimant)}’s {parts.STATEMENT_LABELS[claim.kind].lower()}"
    return f"{md.page_link(whose, target)} “{md.text(claim.statement)}”"


def _date_item(facts: FactBase, dispute: DateDispute, page: str) -> str:
    others = [
        f"{md.text(alternative.date.human())} ({source_links(facts, alternative.sources, page)})"
        + (f", {md.text(alternative.note)}" if alternative.note else "")
        for alternative in dispute.alternatives
    ]
    return (
        f"**Date:** this page dates the event {md.text(dispute.event.date.human())}; "
        f"sources also give {'; '.join(others)}."
    )


def _on_event_page(event: Event, anchor: str, page: str) -> str:
    """A link to a part of the event's page; on that page itself, to the anchor alone."""
    if page == links.event_page(event.id):
        return f"#{anchor}"
    return f"{links.relative(page, links.event_page(event.id))}#{anchor}"


def _capitalised(text: str) -> str:
    # str.capitalize() would turn "JNIM fighters" into "Jnim fighters".
    return text[:1].upper() + text[1:]
