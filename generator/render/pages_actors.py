"""Actor pages (actors/<id>.md) and the actors index (actors/index.md)."""

from __future__ import annotations

from generator import countries
from generator import markdown as md
from generator.dates import human_span
from generator.model import FactBase, Record
from generator.render import links, parts
from generator.render.figures_common import embed, timeline_bundle
from generator.render.figures_timeline import Lane, lanes_by_topic, timeline_table
from generator.render.pages_changes import PageRecord, about_this_page
from generator.schema import Actor, ActorKind, Event, Relationship

# An actor timeline figure stays under 50 kB: past this many events it shows the latest
# ones, and the table below it still lists them all.
ACTOR_TIMELINE_LIMIT = 150

KIND_HEADINGS: dict[ActorKind, str] = {
    ActorKind.STATE: "States",
    ActorKind.INTERGOVERNMENTAL_ORGANISATION: "Intergovernmental organisations",
    ActorKind.JUNTA: "Juntas",
    ActorKind.ARMED_GROUP: "Armed groups",
    ActorKind.PERSON: "People",
    ActorKind.PRIVATE_MILITARY_COMPANY: "Private military companies",
    ActorKind.MILITARY_OPERATION: "Military operations",
    ActorKind.MEDIA: "Media",
    ActorKind.RESEARCH_ORGANISATION: "Research organisations",
}


def actor_figure_name(actor_id: str) -> str:
    return f"actor-{actor_id}"


def actor_timeline_events(facts: FactBase, actor: Actor) -> list[Event]:
    return facts.events_of_actor(actor.id)[-ACTOR_TIMELINE_LIMIT:]


def actor_lanes(facts: FactBase, actor: Actor) -> list[Lane]:
    return lanes_by_topic(facts, actor_timeline_events(facts, actor))


def actor_page(
    facts: FactBase, actor: Actor, edit_base: str | None, record: PageRecord | None = None
) -> str:
    page = links.actor_page(actor.id)
    notes = [("Actor", actor.needs_review)] if actor.needs_review else []
    sections = [
        f"# {md.text(actor.name)}\n",
        _facts_list(facts, actor, page),
        _aliases(actor),
        parts.review_admonition(notes),
        f"## Who this is\n\n{md.markdown_field(actor.description)} "
        f"{parts.footnote_refs(actor.sources)}\n",
        _relationships(facts, actor, page),
        _events(facts, actor, page),
        _claims(facts, actor, page),
        _neighbours(facts, actor, page),
        about_this_page(record),
        parts.edit_link(facts, "actors", actor.id, edit_base),
        parts.footnotes(facts, cited_sources(facts, actor), page),
    ]
    return "\n".join(s for s in sections if s)


def cited_sources(facts: FactBase, actor: Actor) -> list[str]:
    ids = list(actor.sources)
    for relation in facts.relationships_of(actor.id):
        ids += relation.sources
    for item in facts.claims_by(actor.id):
        ids += item.claim.sources
    return list(dict.fromkeys(ids))


def _facts_list(facts: FactBase, actor: Actor, page: str) -> str:
    lines = [f"- **Kind:** {parts.kind_words(actor.kind.value)}"]
    if actor.short_name:
        lines.append(f"- **Short name:** {md.text(actor.short_name)}")
    if actor.country:
        lines.append(f"- **Country:** {md.text(countries.name(actor.country))}")
    if actor.founded:
        lines.append(f"- **Founded:** {actor.founded.human()}")
    elif (record := facts.first_record(actor.id)) is not None:
        # With no founding date, the network shows the actor from here (FactBase.known_from).
        lines.append(
            f"- **Earliest record:** {record.date.human()}, {_record_link(facts, record, page)}"
        )
    if actor.dissolved:
        lines.append(f"- **Dissolved:** {actor.dissolved.human()}")
    return "\n".join(lines) + "\n"


def _record_link(facts: FactBase, record: Record, page: str) -> str:
    what = record.what
    if isinstance(what, Event):
        target = links.relative(page, links.event_page(what.id))
        return md.page_link(what.title, f"{target}#{record.anchor}" if record.anchor else target)
    target = links.relative(page, links.relationships_part(what.kind.value))
    return md.page_link(facts.describe_relationship(what), f"{target}#{what.id}")


def _aliases(actor: Actor) -> str:
    """The other names. The heading names the actor by its short name, as readers search for
    it ("JNIM"): site search ranks a page by its section titles, and the page's own title is
    the full name."""
    if not actor.aliases:
        return ""
    heading = "Also known as"
    if actor.short_name and actor.short_name.casefold() != actor.name.casefold():
        heading = f"{md.text(actor.short_name)}, also known as"
    rows = ["| Name | Language | Note |", "| --- | --- | --- |"]
    for alias in actor.aliases:
        rows.append(
            f"| {md.cell(alias.name)} | {md.cell(alias.lang or '')} | {md.cell(alias.note or '')} |"
        )
    return f"## {heading}\n\n" + "\n".join(rows) + "\n"


def relationship_sentence(facts: FactBase, relation: Relationship, page: str, own: str) -> str:
    """'Mali member of **ECOWAS**': the other actor linked, the page's own actor in bold."""

    def name(actor_id: str) -> str:
        label = facts.actors[actor_id].name
        if actor_id == own:
            return f"**{md.text(label)}**"
        return md.page_link(label, links.relative(page, links.actor_page(actor_id)))

    return f"{name(relation.from_)} {parts.kind_words(relation.kind.value)} {name(relation.to)}"


def _relationships(facts: FactBase, actor: Actor, page: str) -> str:
    relations = facts.relationships_of(actor.id)
    if not relations:
        return ""
    rows = ["| Relationship | Since | Until | Sources |", "| --- | --- | --- | --- |"]
    for relation in relations:
        until = relation.end.human() if relation.end else "still holds"
        rows.append(
            f"| {relationship_sentence(facts, relation, page, actor.id)} | "
            f"{parts.human(relation.start)} | {until} | {parts.footnote_refs(relation.sources)} |"
        )
    return "## Relationships\n\n" + "\n".join(rows) + "\n"


def _events(facts: FactBase, actor: Actor, page: str) -> str:
    events = facts.events_of_actor(actor.id)
    if not events:
        return ""
    shown = actor_timeline_events(facts, actor)
    note = (
        f"The chart shows the latest {len(shown)} of {len(events)} events.\n\n"
        if len(shown) < len(events)
        else ""
    )
    lanes = actor_lanes(facts, actor)
    figure = embed(
        actor_figure_name(actor.id),
        timeline_bundle(lane.items for lane in lanes),
        f"Timeline of the events {actor.name} took part in",
        timeline_table(lanes, page),
        "The chart's data as a table",
    )
    rows = ["| Date | Event | Role |", "| --- | --- | --- |"]
    for event in events:
        roles = ", ".join(md.text(p.role) for p in event.participants if p.actor == actor.id)
        link = md.page_link(event.title, links.relative(page, links.event_page(event.id)))
        rows.append(f"| {md.text(_when(event))} | {link} | {roles} |")
    return f"## Events ({len(events)})\n\n{note}{figure}\n" + "\n".join(rows) + "\n"


def _when(event: Event) -> str:
    return human_span(event.date, event.end)


def _claims(facts: FactBase, actor: Actor, page: str) -> str:
    claims = facts.claims_by(actor.id)
    if not claims:
        return ""
    rows = [
        "| Event | Kind | Statement | Status | Sources |",
        "| --- | --- | --- | --- | --- |",
    ]
    for item in claims:
        # The link lands on the statement itself, by its id, not at the top of the event page.
        target = links.relative(page, links.event_page(item.event.id)) + f"#{item.anchor}"
        rows.append(
            f"| {md.page_link(item.event.title, target)} | "
            f"{parts.statement_badge(item.claim.kind)} "
            f"| {md.text(item.claim.statement)} | {parts.status_badge(item.claim.status)} "
            f"| {parts.footnote_refs(item.claim.sources)} |"
        )
    return "## Statements it made\n\n" + parts.stacked_table(rows)


def _neighbours(facts: FactBase, actor: Actor, page: str) -> str:
    neighbours = facts.neighbours(actor.id)
    if not neighbours:
        return ""
    items = [
        f"- {md.page_link(n.name, links.relative(page, links.actor_page(n.id)))} "
        f"({parts.kind_words(n.kind.value)})"
        for n in neighbours
    ]
    network = links.relative(page, links.NETWORK)
    return f"## Neighbours in the [network]({network})\n\n" + "\n".join(items) + "\n"


def actors_index(facts: FactBase) -> str:
    page = links.ACTORS_INDEX
    out = [
        "# Actors\n",
        f"{len(facts.actors)} actors: states, organisations, armed groups, people and others, "
        "grouped by kind.\n",
    ]
    for kind, actors in facts.actors_by_kind.items():
        rows = ["| Actor | Country | Events | Relationships |", "| --- | --- | --- | --- |"]
        for actor in actors:
            link = md.page_link(actor.name, links.relative(page, links.actor_page(actor.id)))
            country = md.text(countries.name(actor.country)) if actor.country else "—"
            rows.append(
                f"| {link} | {country} | {len(facts.events_of_actor(actor.id))} | "
                f"{len(facts.relationships_of(actor.id))} |"
            )
        out.append(f"## {KIND_HEADINGS[kind]} ({len(actors)})\n\n" + "\n".join(rows) + "\n")
    return "\n".join(out)
