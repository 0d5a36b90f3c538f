"""The index pages over every fact: relationships, sources (bibliography) and claims."""

from __future__ import annotations

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
                f"{_source_links(relation.sources, page)} |"
            )
        out.append(f"## {RELATIONSHIP_HEADINGS[kind]}\n\n" + "\n".join(rows) + "\n")
    return "\n".join(out)


def _source_links(source_ids: list[str], page: str) -> str:
    return ", ".join(
        f"[{md.text(s)}]({links.relative(page, links.SOURCES_INDEX)}#{s})" for s in source_ids
    )


# --- bibliography ---------------------------------------------------------------------------


def sources_page(facts: FactBase) -> str:
    page = links.SOURCES_INDEX
    out = [
        "# Sources\n",
        f"{len(facts.sources)} sources, by publisher, each with the facts that cite it.\n",
    ]
    ordered = sorted(facts.sources.values(), key=lambda s: (s.publisher.casefold(), s.id))
    out.extend(
        f"{_source_details(source)}\n{_cited_by(facts.citations_of(source.id), page)}"
        for source in ordered
    )
    return "\n".join(out)


def _cited_by(citations: tuple[Citation, ...], page: str) -> str:
    if not citations:
        return "Not cited by any fact yet.\n"
    listed = "\n".join(f"- {_citation(c, page)}" for c in citations)
    return f"Cited by {len(citations)}:\n\n{listed}\n"


def _source_details(source: Source) -> str:
    heading = md.text(source.title or source.publisher)
    lines = [f"## {heading} {{ #{source.id} }}\n"]
    details = [f"- **Publisher:** {md.text(source.publisher)}"]
    if source.agency:
        details.append(f"- **Agency:** {md.text(source.agency)}")
    details.append(f"- **Kind:** {parts.kind_words(source.kind.value)}")
    if source.published:
        details.append(f"- **Published:** {source.published.human()}")
    if source.language:
        details.append(f"- **Language:** {md.text(source.language)}")
    if source.url:
        details.append(f"- **Address:** {md.external_link(source.url, source.url)}")
    if source.accessed:
        details.append(f"- **Accessed:** {source.accessed.human()}")
    if source.needs_review:
        details.append(f"- **Needs review:** {md.text(source.needs_review)}")
    details.append(f"- **Id:** `{source.id}`")
    lines.append("\n".join(details) + "\n")
    if source.notes:
        lines.append(md.markdown_field(source.notes) + "\n")
    return "\n".join(lines)


def _citation(citation: Citation, page: str) -> str:
    if citation.kind == "relationships":
        target = f"{links.RELATIONSHIPS_INDEX}#{citation.entity_id}"
    elif citation.kind == "actors":
        target = links.actor_page(citation.entity_id)
    else:
        target = links.event_page(citation.entity_id)
    label = md.page_link(citation.title, links.relative(page, target))
    return f"{label} ({md.text(citation.part)})"


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
