"""Event pages: events/<id>.md."""

from __future__ import annotations

from generator import markdown as md
from generator.dates import human_span
from generator.model import FactBase, claim_anchor, figure_anchor
from generator.render import links, parts
from generator.render.pages_disputes import disputes_section
from generator.schema import Event


def event_pages(facts: FactBase, edit_base: str | None) -> dict[str, str]:
    return {
        links.event_page(event.id): event_page(facts, event, edit_base)
        for event in facts.events_in_order
    }


def event_page(facts: FactBase, event: Event, edit_base: str | None) -> str:
    page = links.event_page(event.id)
    sections = [
        f"# {md.text(event.title)}\n",
        _facts_list(facts, event, page),
        parts.review_admonition(review_notes(event)),
        f"## What happened\n\n{md.markdown_field(event.summary)} "
        f"{parts.footnote_refs(event.sources)}\n",
        disputes_section(facts, event, page),
        _milestones(event),
        _participants(facts, event, page),
        _claims(facts, event, page),
        _figures(facts, event),
        _related(facts, event, page),
        parts.edit_link(facts, "events", event.id, edit_base),
        parts.footnotes(facts, cited_sources(event), page),
    ]
    return "\n".join(s for s in sections if s)


def review_notes(event: Event) -> list[tuple[str, str]]:
    """Every review note on the event or inside it, named by the part it is on."""
    notes: list[tuple[str, str]] = []
    if event.needs_review:
        notes.append(("Event", event.needs_review))
    if event.location and event.location.needs_review:
        notes.append(("Location", event.location.needs_review))
    notes += [
        (f"Milestone “{m.label}”", m.needs_review) for m in event.milestones if m.needs_review
    ]
    notes += [
        (f"Claim {i}", c.needs_review) for i, c in enumerate(event.claims, 1) if c.needs_review
    ]
    notes += [(f"Figure “{f.measure}”", f.needs_review) for f in event.figures if f.needs_review]
    return notes


def cited_sources(event: Event) -> list[str]:
    """Sources in order of first citation on the page: summary, milestones, claims, figures."""
    ids = list(event.sources)
    for milestone in event.milestones:
        ids += milestone.sources
    for claim in event.claims:
        ids += claim.sources
    for figure in event.figures:
        ids += figure.sources
    return list(dict.fromkeys(ids))


def _facts_list(facts: FactBase, event: Event, page: str) -> str:
    lines = [
        f"- **When:** {md.text(human_span(event.date, event.end))}",
        f"- **Kind:** {parts.kind_words(event.kind.value)}",
    ]
    if event.location is not None:
        lines.append(f"- **Where:** {parts.place(event.location)}")
    topics = [facts.topics[t] for t in event.topics if t in facts.topics]
    if topics:
        topic_links = ", ".join(
            md.page_link(t.title, links.relative(page, links.topic_page(t.id))) for t in topics
        )
        lines.append(f"- **Storylines:** {topic_links}")
    return "\n".join(lines) + "\n"


def _milestones(event: Event) -> str:
    if not event.milestones:
        return ""
    rows = ["| Date | Step | Sources |", "| --- | --- | --- |"]
    for milestone in sorted(event.milestones, key=lambda m: m.date):
        rows.append(
            f"| {milestone.date.human()} | {md.cell(milestone.label)} | "
            f"{parts.footnote_refs(milestone.sources) or '—'} |"
        )
    return "## Milestones\n\n" + "\n".join(rows) + "\n"


def _participants(facts: FactBase, event: Event, page: str) -> str:
    if not event.participants:
        return ""
    rows = ["| Actor | Role |", "| --- | --- |"]
    for participant in event.participants:
        actor = facts.actors[participant.actor]
        link = md.page_link(actor.name, links.relative(page, links.actor_page(actor.id)))
        rows.append(f"| {link} | {md.cell(participant.role)} |")
    return "## Participants\n\n" + "\n".join(rows) + "\n"


def _claims(facts: FactBase, event: Event, page: str) -> str:
    if not event.claims:
        return ""
    rows = [
        "| # | Who | Kind | Statement | Status | Reported by |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for number, claim in enumerate(event.claims, 1):
        claimant = facts.actors[claim.claimant]
        # The short label ("JNIM") keeps the column narrow; the actor page has the full name.
        who = md.page_link(
            facts.label(claimant.id), links.relative(page, links.actor_page(claimant.id))
        )
        statement = md.text(claim.statement)
        if claim.quote:
            statement += f" <q>{md.text(claim.quote)}</q>"
        if claim.date:
            statement += f" ({claim.date.human()})"
        rows.append(
            f'| <span id="{claim_anchor(claim)}"></span>{number} | {who} | '
            f"{parts.statement_badge(claim.kind)} | {statement} | "
            f"{parts.status_badge(claim.status)} | {parts.footnote_refs(claim.sources)} |"
        )
    intro = (
        "Who says what about this event. Each statement is attributed; none is presented "
        "here as established fact unless its status says it was confirmed.\n"
    )
    return "## Claims\n\n" + intro + "\n" + parts.stacked_table(rows)


def _figures(facts: FactBase, event: Event) -> str:
    groups = facts.figures_of(event)
    if not groups:
        return ""
    out = [
        "## Reported figures\n",
        "Each source's number is shown as it gave it, side by side; they are not averaged.\n",
    ]
    for measure, figures in groups.items():
        rows = [
            "| Figure | As reported | According to | Source |",
            "| --- | --- | --- | --- |",
        ]
        for figure in figures:
            according = md.text(figure.according_to)
            if figure.claimant and figure.claimant in facts.actors:
                according += f" (a party: {md.text(facts.actors[figure.claimant].name)})"
            rows.append(
                f'| <span id="{figure_anchor(figure)}"></span>{parts.figure_value(figure)} | '
                f"{md.cell(figure.as_reported or '')} | "
                f"{according} | {parts.footnote_refs(figure.sources)} |"
            )
        # Upper-case the first letter only: str.capitalize() would turn "JNIM" into "Jnim".
        heading = measure[:1].upper() + measure[1:]
        out.append(f"### {md.text(heading)}\n\n" + "\n".join(rows) + "\n")
    return "\n".join(out)


def _related(facts: FactBase, event: Event, page: str) -> str:
    related = facts.related_events(event.id)
    if not related:
        return ""
    items = [
        f"- {md.text(human_span(other.date, other.end))}: "
        f"{md.page_link(other.title, links.relative(page, links.event_page(other.id)))}"
        for other in related
    ]
    return "## Related events\n\n" + "\n".join(items) + "\n"
