"""Pieces several pages share: source footnotes, review markers, badges, reported figures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from generator import countries
from generator import markdown as md
from generator.dates import PartialDate
from generator.model import FactBase
from generator.render import links
from generator.schema import (
    ClaimStatus,
    Figure,
    FigureQualifier,
    Location,
    Source,
    StatementKind,
)

STATEMENT_LABELS: dict[StatementKind, str] = {
    StatementKind.CLAIM: "Claim",
    StatementKind.OFFICIAL_STATEMENT: "Official statement",
    StatementKind.REPORT: "Report",
    StatementKind.ASSESSMENT: "Assessment",
}

STATUS_LABELS: dict[ClaimStatus, str] = {
    ClaimStatus.CLAIMED: "Claimed",
    ClaimStatus.CONFIRMED: "Confirmed",
    ClaimStatus.DISPUTED: "Disputed",
    ClaimStatus.DENIED: "Denied",
    ClaimStatus.UNVERIFIED: "Unverified",
}

QUALIFIER_WORDS: dict[FigureQualifier, str] = {
    FigureQualifier.EXACTLY: "",
    FigureQualifier.AT_LEAST: "at least ",
    FigureQualifier.MORE_THAN: "more than ",
    FigureQualifier.ABOUT: "about ",
    FigureQualifier.UP_TO: "up to ",
}


def statement_badge(kind: StatementKind) -> str:
    """The statement kind as a labelled badge, so a claim never reads like a report."""
    return f'<span class="sahel-badge sahel-badge--{kind.value}">{STATEMENT_LABELS[kind]}</span>'


def status_badge(status: ClaimStatus) -> str:
    return f'<span class="sahel-status sahel-status--{status.value}">{STATUS_LABELS[status]}</span>'


def kind_words(value: str) -> str:
    return value.replace("_", " ")


def human(date: PartialDate | None) -> str:
    return date.human() if date is not None else "—"


# --- sources as footnotes -------------------------------------------------------------------


def footnote_label(source_id: str) -> str:
    return f"src-{source_id}"


def footnote_refs(source_ids: Iterable[str]) -> str:
    # A comma between the superscript numbers, or "1, 2" would read as "12".
    return "<sup>,</sup>".join(f"[^{footnote_label(s)}]" for s in dict.fromkeys(source_ids))


def publisher(source: Source) -> str:
    """'The Daily Star (via AFP)': who published it, and the agency it came from."""
    name = md.text(source.publisher)
    return name + (f" (via {md.text(source.agency)})" if source.agency else "")


def source_citation(source: Source, from_page: str) -> str:
    """One line naming a source: publisher (via agency), title, date, link, bibliography entry."""
    parts = [publisher(source)]
    if source.title:
        parts.append(f"“{md.external_link(source.title, source.url)}”")
    elif source.url and md.safe_href(source.url):
        parts.append(md.external_link("online", source.url))
    if source.published:
        parts.append(source.published.human())
    entry = links.relative(from_page, links.source_entry(source.id, source.publisher))
    return ", ".join(parts) + f". [Bibliography entry]({entry})"


def footnotes(facts: FactBase, source_ids: Iterable[str], from_page: str) -> str:
    """Footnote definitions for every source cited on the page, in order of first citation."""
    lines = [
        f"[^{footnote_label(s)}]: {source_citation(facts.sources[s], from_page)}"
        for s in dict.fromkeys(source_ids)
    ]
    return "\n".join(lines) + "\n" if lines else ""


# --- review markers -------------------------------------------------------------------------


REVIEW_LIST = "under-review"


def review_marker(note: str) -> str:
    """A small 'Under review' marker to put beside the item a note is about, the note behind it.

    A <details> element: a keyboard and a finger open it without script, and its summary stays
    visible, so readers always see that the item is under review.
    """
    return (
        '<details class="sahel-review"><summary>Under review</summary>'
        f'<span class="sahel-review__note">{md.text(note)} '
        f'<a href="#{REVIEW_LIST}">All review notes</a></span></details>'
    )


def with_review_marker(text: str, note: str | None) -> str:
    """The text, followed by the review marker of `note` if it has one."""
    return f"{text} {review_marker(note)}" if note else text


def review_admonition(notes: Sequence[tuple[str, str]]) -> str:
    """A visible 'Needs review' block listing what editors flagged, and why."""
    if not notes:
        return ""
    items = "\n".join(f"    - **{md.text(part)}:** {md.text(note)}" for part, note in notes)
    return f'!!! warning "Needs review"\n\n    Editors flagged parts of this page:\n\n{items}\n\n'


# --- values ---------------------------------------------------------------------------------


def party_note(according_to: str, party: str) -> str:
    """' (a party: JNIM)' after who gave a figure, or ' (a party)' where they are named."""
    return " (a party)" if party.casefold() in according_to.casefold() else f" (a party: {party})"


def figure_value(figure: Figure) -> str:
    """'at least 70', 'about 20–30', or '—' when only the source's words are known."""
    words = QUALIFIER_WORDS[figure.qualifier]
    if figure.value is not None:
        return f"{words}{figure.value:,}"
    if figure.min is not None and figure.max is not None:
        return f"{words}{figure.min:,}–{figure.max:,}"
    if figure.min is not None:
        return f"{words or 'at least '}{figure.min:,}"
    if figure.max is not None:
        return f"{words or 'up to '}{figure.max:,}"
    return "—"


def place(location: Location) -> str:
    where = md.text(location.place)
    country = countries.name(location.country) if location.country else None
    # A place that is its country reads "Mali", not "Mali, Mali".
    if country and country.casefold() != location.place.casefold():
        where += f", {md.text(country)}"
    return where + f" ({location.precision.value} precision)"


def edit_link(facts: FactBase, kind: str, entity_id: str, edit_base: str | None) -> str:
    """A link that opens the entity's YAML file for editing, when mkdocs.yml names the repo."""
    if edit_base is None:
        return ""
    path = facts.file_of(kind, entity_id)
    return f"[Edit the source file ({md.text(path)})](<{edit_base}{path}>){{ .sahel-edit }}\n"


def stacked_table(rows: list[str], kind: str = "") -> str:
    """A Markdown table that becomes one card per row on a phone (site.css, .sahel-stack);
    a `kind`'s cards name their fields there (.sahel-stack--<kind>).

    Statement tables are the heart of the site; squeezed into six columns at 390 px, the
    statement itself ended up behind a sideways scroll.
    """
    classes = f"sahel-stack sahel-stack--{kind}" if kind else "sahel-stack"
    return f'<div class="{classes}" markdown>\n\n' + "\n".join(rows) + "\n\n</div>\n"


def counted(count: int, noun: str) -> str:
    """'1 event', '3 events'."""
    return f"{count} {noun}{'s' * (count != 1)}"
