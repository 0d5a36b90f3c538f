"""The index pages over every fact: relationships, sources (bibliography) and claims."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Iterator

import pycountry

from generator import markdown as md
from generator.dates import SortKey
from generator.model import AttributedClaim, Citation, FactBase, claims_of
from generator.render import links, parts
from generator.render.citations import archived_copy, bibliography_links
from generator.render.pages_actors import relationship_sentence
from generator.schema import ActorKind, ClaimStatus, RelationshipKind, Source

RELATIONSHIP_HEADINGS: dict[RelationshipKind, str] = {
    RelationshipKind.MEMBER_OF: "Membership",
    RelationshipKind.LED_BY: "Leadership",
    RelationshipKind.ALLIED_WITH: "Alliance",
    RelationshipKind.OPPOSED_TO: "Opposition",
    RelationshipKind.AFFILIATED_WITH: "Affiliation",
    RelationshipKind.PART_OF: "Part of",
    RelationshipKind.SANCTIONED: "Sanctions",
    RelationshipKind.DEPLOYED_IN: "Deployments",
}


def relationships_page(facts: FactBase) -> str:
    """The relationships' index: how many of each kind, each kind on a page of its own."""
    page = links.RELATIONSHIPS_INDEX
    return (
        "# Relationships\n\n"
        f"{len(facts.relationships)} relationships between actors, with when they began and "
        "ended, one page per kind. See them drawn on the "
        f"[network]({links.relative(page, links.NETWORK)}).\n\n"
        + relationship_kinds_list(facts, page)
    )


def relationship_kinds_list(facts: FactBase, page: str) -> str:
    """A link to the page of each kind of relationship, with how many there are."""
    counts = dict.fromkeys(RelationshipKind, 0)
    for relation in facts.relationships.values():
        counts[relation.kind] += 1
    items = [
        f"- [{RELATIONSHIP_HEADINGS[kind]}]({links.relative(page, links.relationships_part(kind))})"
        f": {parts.counted(count, 'relationship')}"
        for kind, count in counts.items()
        if count
    ]
    return "\n".join(items) + "\n"


def relationships_of_kind_page(facts: FactBase, kind: RelationshipKind) -> str:
    page = links.relationships_part(kind)
    relations = [r for r in facts.relationships_in_order if r.kind is kind]
    rows = ["| Relationship | Since | Until | Sources |", "| --- | --- | --- | --- |"]
    for relation in relations:
        anchor = f'<span id="{relation.id}"></span>'
        review = " (needs review)" if relation.needs_review else ""
        rows.append(
            f"| {anchor}{relationship_sentence(facts, relation, page, '')}{review} | "
            f"{parts.human(relation.start)} | "
            f"{relation.end.human() if relation.end else 'still holds'} | "
            f"{source_links(facts, relation.sources, page)} |"
        )
    back = links.relative(page, links.RELATIONSHIPS_INDEX)
    return (
        f"# {RELATIONSHIP_HEADINGS[kind]}\n\n"
        f"{parts.counted(len(relations), 'relationship')} of this kind, in order "
        f"of when they began. [All relationships]({back}).\n\n" + "\n".join(rows) + "\n"
    )


def relationship_target(facts: FactBase, relationship_id: str) -> str:
    """Where a relationship is listed, by its anchor."""
    kind = facts.relationships[relationship_id].kind
    return f"{links.relationships_part(kind)}#{relationship_id}"


def source_links(facts: FactBase, source_ids: list[str], page: str) -> str:
    return ", ".join(
        md.page_link(
            source_label(facts.sources[s]),
            links.relative(page, links.source_entry(s, facts.sources[s].publisher)),
        )
        for s in source_ids
    )


def source_label(source: Source) -> str:
    """How a link names a source: its publisher, then its headline, or else its date."""
    publisher = source.publisher
    if source.agency:
        publisher += f" ({source.agency})"
    if source.title:
        return f"{publisher}: “{source.title}”"
    if source.published:
        return f"{publisher}, {source.published.human()}"
    return publisher


# --- bibliography ---------------------------------------------------------------------------


def sources_page(facts: FactBase) -> str:
    """The bibliography's index: each publisher, A to Z, with a page of its sources."""
    page = links.SOURCES_INDEX
    groups = _by_publisher(facts.sources.values())
    items = [
        f"- [{md.text(publisher)}]({links.relative(page, links.publisher_page(publisher))}): "
        f"{parts.counted(len(sources), 'source')}"
        for publisher, sources in groups
    ]
    return (
        "# Sources\n\n"
        f"{len(facts.sources)} sources from {len(groups)} publishers, A to Z. Each publisher's "
        "page lists its sources by date of publication, each with the headline as published "
        "(linked to the page where its address is known), the date, the language and the "
        "facts that cite it.\n\n" + bibliography_links(page) + "\n" + "\n".join(items) + "\n"
    )


def publisher_pages(facts: FactBase) -> list[str]:
    """The bibliography's pages, one per publisher (see links.publisher_page)."""
    return sorted({links.publisher_page(s.publisher) for s in facts.sources.values()})


def publisher_page(facts: FactBase, path: str) -> str:
    """The sources of the publishers whose page this is, by date of publication."""
    mine = [s for s in facts.sources.values() if links.publisher_page(s.publisher) == path]
    out: list[str] = []
    for publisher, sources in _by_publisher(mine):
        if not out:
            back = links.relative(path, links.SOURCES_INDEX)
            out.append(f"# {md.text(publisher)}\n\n[All sources]({back}).\n")
        else:
            out.append(f"## {md.text(publisher)}\n")
        out.extend(
            _bibliography_entry(facts, s, _cited_by_source(facts, s.id), path) for s in sources
        )
    return "\n".join(out)


def _by_publisher(sources: Iterable[Source]) -> list[tuple[str, list[Source]]]:
    """Sources grouped by publisher (spelt as its first source spells it), each group sorted
    by date, undated ones last; publishers are compared without case, so none repeats."""
    groups: dict[str, list[Source]] = {}
    for source in sorted(sources, key=lambda s: s.id):
        groups.setdefault(source.publisher.casefold(), []).append(source)
    ordered = sorted(groups.items(), key=lambda group: (_sort_name(group[0]), group[0]))
    return [(members[0].publisher, sorted(members, key=_in_date_order)) for _, members in ordered]


def _sort_name(publisher: str) -> str:
    # "The Daily Star" is filed under D, as bibliographies do.
    name = publisher.casefold()
    return name.removeprefix("the ") if name.startswith("the ") else name


def _in_date_order(source: Source) -> tuple[bool, SortKey, str]:
    undated = source.published is None
    key = source.published.sort_key() if source.published is not None else (0, 0, 0, 0)
    return (undated, key, source.id)


def _bibliography_entry(
    facts: FactBase, source: Source, citations: list[Citation], page: str
) -> str:
    body = [f"{_headline(source)}{archived_copy(source)}<br>\n{_facts_line(source)}"]
    if source.notes:
        body.append(md.markdown_field(source.notes))
    if source.needs_review:
        body.append(f"**Needs review:** {md.text(source.needs_review)}")
    body.append(_cited_by(facts, citations, page))
    inner = "\n\n".join(body)
    opening = f'<div class="sahel-source" id="{md.attribute(source.id)}" markdown>'
    return f"{opening}\n\n{inner}\n\n</div>\n"


def _headline(source: Source) -> str:
    """The headline, linked to the page; without one, the page's site, or a plain note."""
    if source.title:
        return f"**{md.external_link(f'“{source.title}”', source.url)}**"
    href = md.safe_href(source.url) if source.url else None
    if href is not None:
        host = href.split("://", 1)[1].split("/", 1)[0].removeprefix("www.")
        return f"**[Page at {md.text(host)}](<{href}>)** (headline not recorded)"
    return "*No address or headline known*"


def _facts_line(source: Source) -> str:
    publisher = md.text(source.publisher)
    if source.agency:
        publisher += f", carrying {md.text(source.agency)}"
    facts = [publisher]
    facts.append(source.published.human() if source.published else "date not known")
    if source.language:
        facts.append(language_name(source.language))
    facts.append(parts.kind_words(source.kind.value))
    if source.accessed:
        facts.append(f"read {source.accessed.human()}")
    return " · ".join(facts)


def language_name(code: str) -> str:
    language = pycountry.languages.get(alpha_2=code) or pycountry.languages.get(alpha_3=code)
    return md.text(str(language.name)) if language is not None else md.text(code)


def _cited_by_source(facts: FactBase, source_id: str) -> list[Citation]:
    """What cites the source: the fact base's citations, then the storylines'."""
    cited = list(facts.citations_of(source_id))
    for topic in facts.topics_in_order:
        if source_id in topic.sources:
            cited.append(Citation("topics", topic.id, topic.title, "introduction"))
    return cited


def _cited_by(facts: FactBase, citations: list[Citation], page: str) -> str:
    if not citations:
        return "Not cited by any fact yet."
    # One line per fact, with the parts of it the source backs.
    by_fact: dict[tuple[str, str], list[Citation]] = {}
    for citation in citations:
        by_fact.setdefault((citation.kind, citation.entity_id), []).append(citation)
    listed = "\n".join(
        f"- {_citation(facts, cited[0], page)} ({_parts_cited(facts, cited, page)})"
        for cited in by_fact.values()
    )
    count = len(by_fact)
    return f"Cited by {count} {'fact' if count == 1 else 'facts'}:\n\n{listed}"


def _parts_cited(facts: FactBase, cited: list[Citation], page: str) -> str:
    """'event; claims 1, 2; figures: killed, wounded' from the parts of one fact, each claim
    linked to its anchor on the fact's page."""
    plain: list[str] = []
    numbered: dict[str, list[str]] = {}
    for part, anchor in dict.fromkeys((c.part, c.anchor) for c in cited):
        noun, sep, rest = part.partition(": ") if ": " in part else part.partition(" ")
        if sep and (noun in ("claim", "figure", "milestone")):
            label = md.text(rest)
            if anchor:
                target = f"{_citation_target(facts, cited[0])}#{anchor}"
                label = md.page_link(rest, links.relative(page, target))
            numbered.setdefault(noun, []).append(label)
        else:
            plain.append(md.text(part))
    for noun, items in numbered.items():
        label = noun if len(items) == 1 else f"{noun}s"
        joiner = ": " if noun != "claim" else " "
        plain.append(f"{label}{joiner}{', '.join(items)}")
    return "; ".join(plain)


def _citation(facts: FactBase, citation: Citation, page: str) -> str:
    target = _citation_target(facts, citation)
    return md.page_link(citation.title, links.relative(page, target))


def _citation_target(facts: FactBase, citation: Citation) -> str:
    if citation.kind == "relationships":
        target = relationship_target(facts, citation.entity_id)
    elif citation.kind == "actors":
        target = links.actor_page(citation.entity_id)
    elif citation.kind == "topics":
        target = links.topic_page(citation.entity_id)
    else:
        target = links.event_page(citation.entity_id)
    return target


# --- the claims ledger ----------------------------------------------------------------------


def claims_page(facts: FactBase) -> str:
    """The claims ledger's index: how many claims of each status, each status a page."""
    page = links.CLAIMS_INDEX
    counts = dict.fromkeys(ClaimStatus, 0)
    for item in facts.all_claims:
        counts[item.claim.status] += 1
    items = [
        f"- [{parts.STATUS_LABELS[status]}]({links.relative(page, links.claims_part(status))})"
        f": {parts.counted(count, 'statement')}"
        for status, count in counts.items()
    ]
    return (
        "# Claims\n\n"
        "Every attributed statement in the fact base: who made it, what kind of statement it "
        "is (a party's claim, an official statement, a news report or an analyst's "
        "assessment) and its status. One page per status.\n\n" + "\n".join(items) + "\n"
    )


# A status with more statements than this gets a page per year of the events they are about,
# as the timeline does, so that no page of the ledger grows with the fact base.
LEDGER_PAGE_LIMIT = 250


def claims_parts(facts: FactBase) -> Iterator[tuple[ClaimStatus, int | None]]:
    """Each page of the ledger: (status, None) for a status, and (status, year) for each
    year of a status with more than LEDGER_PAGE_LIMIT statements."""
    for status in ClaimStatus:
        yield status, None
        items = _of_status(facts.all_claims, status)
        if len(items) > LEDGER_PAGE_LIMIT:
            yield from ((status, year) for year in _years_of(items))


def _of_status(items: Iterable[AttributedClaim], status: ClaimStatus) -> list[AttributedClaim]:
    return [item for item in items if item.claim.status is status]


def _years_of(items: Iterable[AttributedClaim]) -> dict[int, int]:
    """How many of the statements are about events of each year, in year order."""
    years = Counter(item.event.date.year for item in items)
    return dict(sorted(years.items()))


def claims_of_status_page(facts: FactBase, status: ClaimStatus, year: int | None = None) -> str:
    """A status's statements; if there are too many for one page, the years they are
    about, each a page (`year`) of its own."""
    page = links.claims_part(status, year)
    label = parts.STATUS_LABELS[status].lower()
    back = links.relative(page, links.CLAIMS_INDEX)
    if year is None:
        items = _of_status(facts.all_claims, status)
        counted = (
            f"{parts.counted(len(items), 'statement')} of this status, by the date of the "
            "event they are about."
            if items
            else f"No statement in the fact base is {label}."
        )
        out = [f"# Claims: {label}\n", f"{counted} [The whole ledger]({back}).\n"]
    else:
        # Read through the year's events, so that an edit elsewhere leaves the page alone.
        events = facts.events_in_year(year)
        items = _of_status((item for event in events for item in claims_of(event)), status)
        up = links.relative(page, links.claims_part(status))
        out = [
            f"# Claims: {label}, {year}\n",
            f"{parts.counted(len(items), 'statement')} of this status about events of {year}, "
            f"by their date. [All years]({up}) · [the whole ledger]({back}).\n",
        ]
    out.append(_status_links(status, page))
    if year is None and len(items) > LEDGER_PAGE_LIMIT:
        out.append(_years_list(_years_of(items), status, page))
        return "\n".join(out)
    if not items:
        return "\n".join(out)
    out.append(_ledger_filter(facts, items))
    rows = ["| Event | Who | Kind | Statement | Sources |", "| --- | --- | --- | --- | --- |"]
    for item in items:
        target = links.relative(page, links.event_page(item.event.id)) + f"#{item.anchor}"
        claimant = facts.actors[item.claim.claimant]
        # The short label ("JNIM") keeps the column narrow, so the statement gets the width.
        who = md.page_link(
            facts.label(claimant.id), links.relative(page, links.actor_page(claimant.id))
        )
        statement = md.text(item.claim.statement)
        if item.claim.date:
            statement += f" ({item.claim.date.human()})"
        rows.append(
            f"| {_row_marker(facts, item)}{md.page_link(item.event.title, target)} | {who}<br>"
            f"<small>{parts.kind_words(claimant.kind.value)}</small> | "
            f"{parts.statement_badge(item.claim.kind)} | {statement} | "
            f"{source_links(facts, item.claim.sources, page)} |"
        )
    ledger = parts.stacked_table(rows)
    out.append(f'<div class="sahel-ledger" markdown>\n\n{ledger}\n</div>\n')
    return "\n".join(out)


def _years_list(years: dict[int, int], status: ClaimStatus, page: str) -> str:
    items = [
        f"- [{year}]({links.relative(page, links.claims_part(status, year))}): "
        f"{parts.counted(count, 'statement')}"
        for year, count in years.items()
    ]
    return "## By the year of the event\n\n" + "\n".join(items) + "\n"


# The ledger is split by status, one page each (and a large status by year), so that a page
# stays small at 10,000 events: status is chosen by these links, which work without
# JavaScript; kind of speaker and storyline by the filter (assets/ledger.js), which hides
# rows of the page in the browser.
def _status_links(current: ClaimStatus, page: str) -> str:
    choices = [
        f"**{parts.STATUS_LABELS[status]}**"
        if status is current
        else f"[{parts.STATUS_LABELS[status]}]({links.relative(page, links.claims_part(status))})"
        for status in ClaimStatus
    ]
    return f"Status: {' · '.join(choices)}\n{{ .sahel-status-filter }}\n"


NO_STORYLINE = "none"


def _row_marker(facts: FactBase, item: AttributedClaim) -> str:
    """What the filter reads off a row: the speaker's kind and the event's storylines."""
    speaker = facts.actors[item.claim.claimant].kind.value
    storylines = " ".join(t for t in item.event.topics if t in facts.topics) or NO_STORYLINE
    return (
        f'<span data-sahel-claim data-speaker="{md.attribute(speaker)}" '
        f'data-storylines="{md.attribute(storylines)}"></span>'
    )


def _ledger_filter(facts: FactBase, items: list[AttributedClaim]) -> str:
    """Checkboxes for the speakers' kinds and the storylines on the page; hidden until the
    script shows them, so a reader without JavaScript sees every row and no dead controls."""
    kinds = {facts.actors[i.claim.claimant].kind for i in items}
    speakers = [(k.value, parts.kind_words(k.value)) for k in ActorKind if k in kinds]
    topic_ids = {t for i in items for t in i.event.topics if t in facts.topics}
    storylines = [(t.id, t.title) for t in facts.topics_in_order if t.id in topic_ids]
    if any(not any(t in facts.topics for t in i.event.topics) for i in items):
        storylines.append((NO_STORYLINE, "No storyline"))
    return (
        '<div class="sahel-ledger-filter" role="group" aria-label="Filter the statements" '
        "hidden>\n"
        + _checkboxes("speaker", "Kind of speaker", speakers)
        + _checkboxes("storyline", "Storyline", storylines)
        + '<p class="sahel-ledger-filter__count" aria-live="polite"></p>\n</div>\n'
    )


def _checkboxes(name: str, legend: str, choices: list[tuple[str, str]]) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" name="{name}" value="{md.attribute(value)}" checked> '
        f"{html.escape(label)}</label>\n"
        for value, label in choices
    )
    return f"<fieldset><legend>{legend}</legend>\n{boxes}</fieldset>\n"
