"""The index pages over every fact: relationships, sources (bibliography) and claims."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pycountry

from generator.model import AttributedClaim, Citation, FactBase
from generator.render import links, parts
from generator.render import markdown as md
from generator.render.pages_actors import relationship_sentence
from generator.schema import ClaimStatus, RelationshipKind, Source

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
    page = links.RELATIONSHIPS_INDEX
    out = [
        "# Relationships\n",
        f"{len(facts.relationships)} relationships between actors, with when they began and "
        "ended. See them drawn on the [network](" + links.relative(page, links.NETWORK) + ").\n",
    ]
    for kind in RelationshipKind:
        relations = [r for r in facts.relationships_in_order if r.kind is kind]
        if not relations:
            continue
        rows = ["| Relationship | Since | Until | Sources |", "| --- | --- | --- | --- |"]
        for relation in relations:
            anchor = f'<span id="{relation.id}"></span>'
            review = " (needs review)" if relation.needs_review else ""
            rows.append(
                f"| {anchor}{relationship_sentence(facts, relation, page, '')}{review} | "
                f"{parts.human(relation.start)} | "
                f"{relation.end.human() if relation.end else 'still holds'} | "
                f"{_source_links(facts, relation.sources, page)} |"
            )
        out.append(f"## {RELATIONSHIP_HEADINGS[kind]}\n\n" + "\n".join(rows) + "\n")
    return "\n".join(out)


def _source_links(facts: FactBase, source_ids: list[str], page: str) -> str:
    return ", ".join(
        md.page_link(
            source_label(facts.sources[s]), links.relative(page, f"{links.SOURCES_INDEX}#{s}")
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
    """The bibliography: one heading per publisher, A to Z; under each, its sources by date."""
    page = links.SOURCES_INDEX
    groups = _by_publisher(facts.sources.values())
    out = [
        "# Sources\n",
        f"{len(facts.sources)} sources from {len(groups)} publishers, A to Z, and under each "
        "publisher by date of publication. Each entry gives the headline as published "
        "(linked to the page where its address is known), the date, the language and the "
        "facts that cite it.\n",
    ]
    cited_by = _citations_by_source(facts)
    anchors: set[str] = set()
    for publisher, sources in groups:
        anchor = _unique_anchor("publisher-" + _slug(publisher), anchors)
        out.append(f"## {md.text(publisher)} {{ #{anchor} }}\n")
        out.extend(_bibliography_entry(s, cited_by.get(s.id, []), page) for s in sources)
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


def _in_date_order(source: Source) -> tuple[bool, tuple[int, int, int], str]:
    undated = source.published is None
    key = source.published.sort_key() if source.published is not None else (0, 0, 0)
    return (undated, key, source.id)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "publisher"


def _unique_anchor(anchor: str, taken: set[str]) -> str:
    candidate, n = anchor, 1
    while candidate in taken:
        n += 1
        candidate = f"{anchor}-{n}"
    taken.add(candidate)
    return candidate


def _bibliography_entry(source: Source, citations: list[Citation], page: str) -> str:
    body = [f"{_headline(source)}<br>\n{_facts_line(source)}"]
    if source.notes:
        body.append(md.markdown_field(source.notes))
    if source.needs_review:
        body.append(f"**Needs review:** {md.text(source.needs_review)}")
    body.append(_cited_by(citations, page))
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


def _citations_by_source(facts: FactBase) -> dict[str, list[Citation]]:
    """What cites each source: the fact base's citations, then the storylines'."""
    cited: dict[str, list[Citation]] = {
        source_id: list(facts.citations_of(source_id)) for source_id in facts.sources
    }
    for topic in facts.topics_in_order:
        for source_id in dict.fromkeys(topic.sources):
            cited.setdefault(source_id, []).append(
                Citation("topics", topic.id, topic.title, "introduction")
            )
    return cited


def _cited_by(citations: list[Citation], page: str) -> str:
    if not citations:
        return "Not cited by any fact yet."
    # One line per fact, with the parts of it the source backs.
    by_fact: dict[tuple[str, str], tuple[Citation, list[str]]] = {}
    for citation in citations:
        key = (citation.kind, citation.entity_id)
        by_fact.setdefault(key, (citation, []))[1].append(citation.part)
    listed = "\n".join(
        f"- {_citation(first, page)} ({md.text(_parts_cited(cited_parts))})"
        for first, cited_parts in by_fact.values()
    )
    count = len(by_fact)
    return f"Cited by {count} {'fact' if count == 1 else 'facts'}:\n\n{listed}"


def _parts_cited(cited: list[str]) -> str:
    """'event; claims 1, 2; figures: killed, wounded' from the parts of one fact."""
    plain: list[str] = []
    numbered: dict[str, list[str]] = {}
    for part in dict.fromkeys(cited):
        noun, sep, rest = part.partition(": ") if ": " in part else part.partition(" ")
        if sep and (noun in ("claim", "figure", "milestone")):
            numbered.setdefault(noun, []).append(rest)
        else:
            plain.append(part)
    for noun, items in numbered.items():
        label = noun if len(items) == 1 else f"{noun}s"
        joiner = ": " if noun != "claim" else " "
        plain.append(f"{label}{joiner}{', '.join(items)}")
    return "; ".join(plain)


def _citation(citation: Citation, page: str) -> str:
    if citation.kind == "relationships":
        target = f"{links.RELATIONSHIPS_INDEX}#{citation.entity_id}"
    elif citation.kind == "actors":
        target = links.actor_page(citation.entity_id)
    elif citation.kind == "topics":
        target = links.topic_page(citation.entity_id)
    else:
        target = links.event_page(citation.entity_id)
    return md.page_link(citation.title, links.relative(page, target))


# --- the claims ledger ----------------------------------------------------------------------


def claims_page(facts: FactBase) -> str:
    page = links.CLAIMS_INDEX
    by_status: dict[ClaimStatus, list[AttributedClaim]] = {s: [] for s in ClaimStatus}
    for item in facts.all_claims:
        by_status[item.claim.status].append(item)
    jump = " · ".join(
        f"[{parts.STATUS_LABELS[s]} ({len(items)})](#{s.value})" for s, items in by_status.items()
    )
    out = [
        "# Claims\n",
        "Every attributed statement in the fact base: who made it, what kind of statement it "
        "is (a party's claim, an official statement, a news report or an analyst's "
        "assessment) and its status. One section per status.\n",
        f'<div class="sahel-status-filter" markdown>\n\n{jump}\n\n</div>\n',
    ]
    for status, items in by_status.items():
        out.append(f"## {parts.STATUS_LABELS[status]} {{ #{status.value} }}\n")
        if not items:
            out.append("None.\n")
            continue
        rows = ["| Event | Claimant | Kind | Statement | Date |", "| --- | --- | --- | --- | --- |"]
        for item in items:
            target = links.relative(page, links.event_page(item.event.id)) + f"#{item.anchor}"
            claimant = facts.actors[item.claim.claimant]
            who = md.page_link(claimant.name, links.relative(page, links.actor_page(claimant.id)))
            rows.append(
                f"| {md.page_link(item.event.title, target)} | {who} | "
                f"{parts.statement_badge(item.claim.kind)} | {md.text(item.claim.statement)} | "
                f"{parts.human(item.claim.date)} |"
            )
        out.append(parts.stacked_table(rows))
    return "\n".join(out)
