"""Event pages: events/<id>.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator import markdown as md
from generator.dates import Precision, human_span
from generator.model import (
    FactBase,
    claim_anchor,
    figure_anchor,
    figures_by_measure,
    relationship_holds_on,
)
from generator.render import links, parts
from generator.render.figures_common import CHARTS_BUNDLE, figure_path
from generator.render.figures_counts import counts_figure_names
from generator.render.pages_changes import PageRecord, about_this_page
from generator.render.pages_disputes import disputes_section
from generator.schema import (
    Actor,
    ActorKind,
    Claim,
    Event,
    Figure,
    Relationship,
    RelationshipKind,
)


def event_page(
    facts: FactBase, event: Event, edit_base: str | None, record: PageRecord | None = None
) -> str:
    page = links.event_page(event.id)
    sections = [
        f"# {md.text(event.title)}\n",
        _lead(facts, event, page),
        _narrative(event),
        disputes_section(facts, event, page),
        _milestones(event),
        _claims(facts, event, page),
        _figures(facts, event),
        _participants(facts, event, page),
        _related(facts, event, page),
        _review_list(event),
        about_this_page(record),
        parts.edit_link(facts, "events", event.id, edit_base),
        parts.footnotes(facts, cited_sources(event), page),
    ]
    return "\n".join(s for s in sections if s)


@dataclass(frozen=True)
class ReviewNote:
    part: str  # what the note is about, as a reader would name it
    note: str
    anchor: str | None  # where that part is on the page


def review_notes(event: Event) -> list[ReviewNote]:
    """Every review note on the event or inside it, named by the part it is on."""
    notes: list[ReviewNote] = []
    if event.needs_review:
        notes.append(ReviewNote("The event", event.needs_review, None))
    if event.location and event.location.needs_review:
        notes.append(ReviewNote("Where it happened", event.location.needs_review, None))
    notes += [
        ReviewNote(f"Milestone “{m.label}”", m.needs_review, None)
        for m in event.milestones
        if m.needs_review
    ]
    notes += [
        ReviewNote(f"Statement: {_short(c.statement)}", c.needs_review, claim_anchor(c))
        for c in event.claims
        if c.needs_review
    ]
    notes += [
        ReviewNote(f"Figure “{f.measure}”, {f.according_to}", f.needs_review, figure_anchor(f))
        for f in event.figures
        if f.needs_review
    ]
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


def _lead(facts: FactBase, event: Event, page: str) -> str:
    """When, where, what kind and which storylines: the first thing a reader sees."""
    lines = [f"- **When:** {md.text(human_span(event.date, event.end))}{_precision(event)}"]
    if event.location is not None:
        where = parts.with_review_marker(parts.place(event.location), event.location.needs_review)
        lines.append(f"- **Where:** {where}")
    topics = [facts.topics[t] for t in event.topics if t in facts.topics]
    if topics:
        topic_links = ", ".join(
            md.page_link(t.title, links.relative(page, links.topic_page(t.id))) for t in topics
        )
        lines.append(f"- **Storylines:** {topic_links}")
    lines.append(f"- **Kind:** {parts.kind_words(event.kind.value)}")
    if event.needs_review:
        lines.append(f"- **The event:** {parts.review_marker(event.needs_review)}")
    return "\n".join(lines) + "\n"


def _precision(event: Event) -> str:
    """What a date without its day leaves open: '2021' could be any day of that year."""
    known = [event.date, *([event.end] if event.end else [])]
    if all(date.precision is Precision.DAY for date in known):
        return ""
    if any(date.precision is Precision.YEAR for date in known):
        return " (known to the year)"
    return " (known to the month)"


def _narrative(event: Event) -> str:
    # The sources support the summary as a whole (the model has no finer link): named before
    # it, so that a reader knows what the account rests on before reading it.
    cites = parts.footnote_refs(event.sources)
    return (
        f'## What happened\n\n<p class="sahel-cites" markdown="span">Sources of this account: '
        f"{cites}</p>\n\n{md.markdown_field(event.summary)}\n"
    )


def _milestones(event: Event) -> str:
    if not event.milestones:
        return ""
    rows = ["| Date | Step | Sources |", "| --- | --- | --- |"]
    for milestone in sorted(event.milestones, key=lambda m: m.date):
        step = parts.with_review_marker(md.cell(milestone.label), milestone.needs_review)
        rows.append(
            f"| {milestone.date.human()} | {step} | "
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
    intro = (
        "Each statement is attributed to whoever made it; none is presented here as "
        "established fact unless its status says it was confirmed, and by whom.\n"
    )
    cards = [statement_card(facts, event, claim, page) for claim in event.claims]
    return "## Who says what\n\n" + intro + "\n" + "\n".join(cards)


def statement_card(facts: FactBase, event: Event, claim: Claim, page: str) -> str:
    """One statement: who (and their part in the event), what kind, what, when, its status
    and on whose word, and its sources as footnotes."""
    claimant = facts.actors[claim.claimant]
    who = md.page_link(claimant.name, links.relative(page, links.actor_page(claimant.id)))
    when = claim.date.human() if claim.date else "date not given"
    said = md.text(claim.statement)
    if claim.quote:
        quote = f"As quoted: <q>{md.text(claim.quote)}</q>"
        said += f' <span class="sahel-claim__quote">{quote}</span>'
    lines = [
        f'<div class="sahel-claim" id="{claim_anchor(claim)}" markdown>',
        f'<div class="sahel-claim__who" markdown="span">**{who}** '
        f'<span class="sahel-claim__role">{md.text(_role(facts, event, claim, claimant))}'
        "</span></div>",
        f'<div class="sahel-claim__meta" markdown="span">{parts.statement_badge(claim.kind)} '
        f'<span class="sahel-claim__date">{md.text(when)}</span></div>',
        f'<p class="sahel-claim__said" markdown="span">{said}</p>',
        f'<div class="sahel-claim__status" markdown="span">{parts.status_badge(claim.status)} '
        f"{_on_whose_word(facts, claim)}: {parts.footnote_refs(claim.sources)}</div>",
    ]
    if claim.needs_review:
        lines.append(
            f'<div class="sahel-claim__review" markdown="span">'
            f"{parts.review_marker(claim.needs_review)}</div>"
        )
    return "\n".join([*lines, "</div>"]) + "\n"


def _role(facts: FactBase, event: Event, claim: Claim, actor: Actor) -> str:
    """The actor's part in this event when it took part; for a person who did not, what
    their relationships made them that day ("member of Tech Against Terrorism"); else what
    kind of actor it is."""
    roles = [p.role for p in event.participants if p.actor == actor.id]
    if not roles and actor.kind is ActorKind.PERSON:
        # The actor's own relationships, not all those of the day: each event page would
        # otherwise read, and the preview check again on each save, every relationship.
        day = _said_on(facts, claim, event)
        held = [
            relation
            for relation in facts.relationships_of(actor.id)
            if relationship_holds_on(relation, day, facts.both_exist_from(relation))
        ]
        roles = [s for s in (_standing(facts, r, actor.id) for r in held) if s]
    return ", ".join(dict.fromkeys(roles)) if roles else parts.kind_words(actor.kind.value)


def _said_on(facts: FactBase, claim: Claim, event: Event) -> dt.date:
    """When the statement was made: its date, else when its first source published it,
    else the event's day."""
    if claim.date is not None:
        return claim.date.last_day
    published = [facts.sources[s].published for s in claim.sources]
    days = [date.last_day for date in published if date is not None]
    return min(days) if days else event.date.last_day


_BELONGS = (RelationshipKind.MEMBER_OF, RelationshipKind.PART_OF, RelationshipKind.AFFILIATED_WITH)


def _standing(facts: FactBase, relation: Relationship, actor_id: str) -> str:
    if relation.from_ == actor_id and relation.kind in _BELONGS:
        return f"{relation.kind.value.replace('_', ' ')} {facts.label(relation.to)}"
    if relation.to == actor_id and relation.kind is RelationshipKind.LED_BY:
        return f"leader of {facts.label(relation.from_)}"
    return ""


def _on_whose_word(facts: FactBase, claim: Claim) -> str:
    """Who the status rests on: the publishers of the claim's own sources, nothing more."""
    publishers = [parts.publisher(facts.sources[s]) for s in dict.fromkeys(claim.sources)]
    return "according to " + ", ".join(dict.fromkeys(publishers))


def _figures(facts: FactBase, event: Event) -> str:
    groups = figures_by_measure(event)
    if not groups:
        return ""
    charts = counts_figure_names(event)
    out = [
        "## Reported figures\n",
        "Each source's number is shown as it gave it, side by side; they are not averaged.\n",
    ]
    for measure, figures in groups.items():
        # Upper-case the first letter only: str.capitalize() would turn "JNIM" into "Jnim".
        heading = measure[:1].upper() + measure[1:]
        out.append(f"### {md.text(heading)}\n")
        if measure in charts:
            out.append(_chart(charts[measure], measure, len(figures)))
        out.append(_figure_table(facts, figures))
    return "\n".join(out)


def _chart(name: str, measure: str, count: int) -> str:
    label = f"The {count} figures reported for “{measure}”, each as its source gave it"
    return (
        f'<div class="sahel-figure sahel-counts" data-figure="{md.attribute(figure_path(name))}" '
        f'data-bundle="{CHARTS_BUNDLE}" role="figure" aria-label="{md.attribute(label)}">'
        f'<p class="sahel-figure__fallback">{md.attribute(label)}: the chart needs '
        "JavaScript; the table below lists the same figures.</p></div>\n\n"
        f"{COUNTS_KEY}\n"
    )


COUNTS_KEY = (
    '<p class="sahel-counts__key">● exactly · ●- - ▶ at least · ○- - ▶ more than '
    "(no upper end given) · - - | up to · ▬ a range · ░ about (the band's width is "
    "this site's drawing, not the source's)</p>"
)


def _figure_table(facts: FactBase, figures: list[Figure]) -> str:
    rows = [
        "| Figure | As reported | According to | Source |",
        "| --- | --- | --- | --- |",
    ]
    for figure in figures:
        according = md.text(figure.according_to)
        if figure.claimant and figure.claimant in facts.actors:
            party = md.text(facts.actors[figure.claimant].name)
            according += parts.party_note(figure.according_to, party)
        value = parts.figure_value(figure)
        value = parts.with_review_marker(value, figure.needs_review)
        rows.append(
            f'| <span id="{figure_anchor(figure)}"></span>{value} | '
            f"{md.cell(figure.as_reported or '')} | "
            f"{according} | {parts.footnote_refs(figure.sources)} |"
        )
    return parts.stacked_table(rows, "figures")


def _review_list(event: Event) -> str:
    """Every review note of the page in one place; each item also carries its own marker."""
    notes = review_notes(event)
    if not notes:
        return ""
    items = [
        f"- **{md.page_link(n.part, '#' + n.anchor) if n.anchor else md.text(n.part)}:** "
        f"{md.text(n.note)}"
        for n in notes
    ]
    return (
        f"## Under review {{ #{parts.REVIEW_LIST} }}\n\n"
        "Editors flagged these parts of the page for checking; each is also marked where it "
        "appears.\n\n" + "\n".join(items) + "\n"
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


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
