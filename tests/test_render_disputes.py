"""The Disputes page, each event's dispute block, and the claims ledger's filter, rendered from
the real content (the disputes the research notes support)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.corpus import load_corpus
from generator.model import FactBase
from generator.render import links
from generator.render.pages_disputes import FLAG, disputes_page, disputes_section
from generator.render.pages_events import event_page
from generator.render.pages_ledgers import claims_of_status_page, publisher_page
from generator.render.site import RenderOptions, render_pages
from generator.schema import ClaimStatus, DateAlternative

CONTENT = Path(__file__).parent.parent / "content"


@pytest.fixture(scope="module")
def facts() -> FactBase:
    result = load_corpus(CONTENT)
    assert result.facts is not None, result.diagnostics
    return result.facts


def test_the_disputes_page_lists_the_real_disputes_by_storyline(facts: FactBase) -> None:
    page = disputes_page(facts)
    headings = re.findall(r"^#{2,3} .*$", page, flags=re.MULTILINE)
    assert headings == [
        "## The formation of the Alliance of Sahel States",
        "### [Moura massacre](events/moura-massacre-2022.md)",
        "## The Bamako attack of 17 September 2024",
        "### [Barsalogho massacre](events/barsalogho-massacre-2024.md)",
        "### [JNIM attack on Bamako](events/bamako-attack-2024.md)",
        "### [Coordinated attacks on seven towns in western Mali, claimed by JNIM]"
        "(events/jnim-western-mali-attacks-2025.md)",
    ]
    assert page.count(FLAG) == 6
    assert (
        f"- {FLAG} **Killed, 77 against about 100:** the figures cannot all be true. "
        "Low end: [77](events/bamako-attack-2024.md#figure-killed-security-afp-2) according to "
        "one security source, speaking to AFP on condition of anonymity (19 September 2024). "
        "High end: [about 100](events/bamako-attack-2024.md#figure-killed-authenticated-"
        "confidential) according to an authenticated confidential official document, as "
        "reported by AFP (19 September 2024). "
        "[All 3 figures](events/bamako-attack-2024.md#figure-killed-security-afp).\n"
    ) in page
    assert "**Wounded, 200 against 255:**" in page
    assert "**Killed, up to 300 against at least 500:**" in page
    assert (
        f"- {FLAG} **Statements:** [JNIM’s claim](events/jnim-western-mali-attacks-2025.md"
        "#claim-jnim-claimed-attacks-saying) “JNIM claimed the attacks, saying it had taken "
        "control of three barracks and dozens of military posts.” contradicts [FAMa’s official "
        "statement](events/jnim-western-mali-attacks-2025.md#claim-malian-armed-forces-"
        "repelled-assaults-neutralised) “The authorities said the army had repelled the "
        "assaults and neutralised more than 80 attackers.”\n"
    ) in page


def test_an_event_page_shows_its_disputes_after_the_summary_with_the_same_flag(
    facts: FactBase,
) -> None:
    event = facts.events["bamako-attack-2024"]
    page = event_page(facts, event, None)
    section = disputes_section(facts, event, links.event_page(event.id))
    assert section in page
    assert page.index("## What happened") < page.index("## Where sources disagree")
    assert page.index("## Where sources disagree") < page.index("## Participants")
    assert section.count(FLAG) == 2
    # On its own page, a dispute links to the figures by their anchors alone.
    assert "[77](#figure-killed-security-afp-2)" in section
    assert "[Every dispute in the fact base](../disputes.md)" in section


def test_an_event_whose_sources_agree_has_no_dispute_block(facts: FactBase) -> None:
    event = facts.events["aes-unified-force-2025"]
    assert disputes_section(facts, event, links.event_page(event.id)) == ""
    assert "Where sources disagree" not in event_page(facts, event, None)


def test_the_disputes_page_is_part_of_the_site(facts: FactBase) -> None:
    pages = render_pages(facts, RenderOptions())
    # The site writes the page under its front matter (its description for the <head>).
    assert pages[links.DISPUTES].startswith("---\ndescription: 'Where the sources of an event")
    assert pages[links.DISPUTES].endswith("\n---\n\n" + disputes_page(facts))


def test_ledger_rows_carry_what_the_filter_reads_and_their_sources(facts: FactBase) -> None:
    page = claims_of_status_page(facts, ClaimStatus.UNVERIFIED)
    assert "| Event | Who | Kind | Statement | Sources |" in page
    rows = [line for line in page.splitlines() if "data-sahel-claim" in line]
    assert len(rows) == sum(1 for c in facts.all_claims if c.claim.status is ClaimStatus.UNVERIFIED)
    western = next(r for r in rows if "claim-jnim-claimed-attacks-saying" in r)
    assert western.startswith(
        '| <span data-sahel-claim data-speaker="armed_group" '
        'data-storylines="bamako-attack"></span>'
        "[Coordinated attacks on seven towns in western Mali, claimed by JNIM]"
        "(../events/jnim-western-mali-attacks-2025.md#claim-jnim-claimed-attacks-saying) |"
    )
    assert western.endswith(
        "dozens of military posts. | "
        "[Fraternité Matin: “Mali: les jihadistes du Jnim mènent sept attaques simultanées, à "
        "Kayes, Nioro et "
        "Niono, notamment”](../sources/fraternite-matin.md#fratmat-jnim-western-mali) |"
    )


def test_the_ledger_filter_is_hidden_until_the_script_shows_it(facts: FactBase) -> None:
    page = claims_of_status_page(facts, ClaimStatus.UNVERIFIED)
    assert (
        '<div class="sahel-ledger-filter" role="group" aria-label="Filter the statements" hidden>'
    ) in page
    assert (
        '<label><input type="checkbox" name="speaker" value="armed_group" checked> '
        "armed group</label>"
    ) in page
    assert "Status: [Claimed](claimed.md) · [Confirmed](confirmed.md)" in page
    assert "· **Unverified**" in page


def test_bibliography_claim_numbers_link_to_the_claim(facts: FactBase) -> None:
    page = publisher_page(facts, links.publisher_page("Fraternité Matin"))
    assert (
        "(event; claim [3](../events/jnim-western-mali-attacks-2025.md"
        "#claim-jnim-claimed-attacks-saying))"
    ) in page


def test_a_date_given_otherwise_by_a_source_is_a_dispute_with_its_sources(
    facts: FactBase,
) -> None:
    event = facts.events["jnim-kayes-nioro-blockade-2025"].model_copy(
        update={
            "date_alternatives": [
                DateAlternative.model_validate(
                    {
                        "date": "2025-09-04",
                        "sources": ["allafrica-fr-rfi-kayes-nioro-blockade"],
                        "note": "the day it was reported",
                    }
                )
            ]
        }
    )
    section = disputes_section(facts, event, links.event_page(event.id))
    assert (
        f"- {FLAG} **Date:** this page dates the event 3 September 2025; sources also give "
        "4 September 2025 ([AllAfrica"
    ) in section
    assert "#allafrica-fr-rfi-kayes-nioro-blockade)), the day it was reported.\n" in section


def test_a_figures_date_is_not_repeated_after_words_that_give_it(facts: FactBase) -> None:
    page = disputes_page(facts)
    assert "on Thursday 19 September 2024 (19 September 2024)" not in page
    assert "on Thursday 19 September 2024" in page
    assert "in its report of May 2023 (May 2023)" not in page
    # A date the words do not give is still there.
    assert "speaking to AFP on condition of anonymity (19 September 2024)" in page


def test_a_disputed_figure_under_review_says_so_and_links_to_its_note(facts: FactBase) -> None:
    page = disputes_page(facts)
    [wounded] = [line for line in page.splitlines() if "**Wounded, 200 against 255:**" in line]
    assert (
        "according to security sources speaking to AFP on Thursday 19 September 2024 "
        "([⚑ under review](events/bamako-attack-2024.md#under-review))."
    ) in wounded
    assert wounded.count("under review") == 1  # the other figure is not flagged
