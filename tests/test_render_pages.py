"""Every page kind, rendered from the small fixture corpus (real facts, trimmed)."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import markdown as md
from generator.corpus import load_corpus
from generator.dates import PartialDate
from generator.model import FactBase
from generator.render import links, pages_events, pages_ledgers
from generator.render.data_export import csv_files, data_files, factbase_json
from generator.render.pages_actors import actor_page, actors_index
from generator.render.pages_events import event_page
from generator.render.pages_index import (
    home_page,
    map_page,
    network_page,
    timeline_page,
    timeline_part_page,
)
from generator.render.pages_ledgers import (
    claims_of_status_page,
    claims_page,
    publisher_page,
    relationships_of_kind_page,
    relationships_page,
    sources_page,
)
from generator.render.pages_topics import topic_page
from generator.render.site import RenderOptions, render_pages, render_site
from generator.schema import ClaimStatus, RelationshipKind

CONTENT = Path(__file__).parent / "fixtures" / "site_small" / "content"
EDIT = "https://github.com/example/sahel/edit/main/"


@pytest.fixture(scope="module")
def facts() -> FactBase:
    result = load_corpus(CONTENT)
    assert result.facts is not None, result.diagnostics
    return result.facts


def test_an_event_known_to_the_month_shows_the_month_never_a_day(facts: FactBase) -> None:
    page = event_page(facts, facts.events["wagner-deploys-in-mali-2021"], None)
    assert "- **When:** December 2021 (known to the month)\n" in page
    assert "2021-12" not in page
    assert "1 December 2021" not in page
    # A place that is its country is named once.
    assert "- **Where:** Mali (country precision)\n" in page


def test_an_event_page_lists_place_participants_and_milestones(facts: FactBase) -> None:
    page = event_page(facts, facts.events["aes-ecowas-exit"], None)
    assert page.startswith("# Mali, Burkina Faso and Niger leave ECOWAS\n")
    assert "| [Mali](../actors/mali.md) | departing state |" in page
    assert "| 29 January 2025 | Exit takes effect | " in page
    assert "## Related events\n\n- 16 September 2023: [Liptako-Gourma Charter" in page
    bamako = event_page(facts, facts.events["bamako-attack-2024"], None)
    assert "- **Where:** Bamako, Mali (city precision)" in bamako


def test_a_statement_is_an_attributed_card_anchored_by_its_id(facts: FactBase) -> None:
    page = event_page(facts, facts.events["bamako-attack-2024"], None)
    start = page.index('<div class="sahel-claim" id="claim-jnim-claimed-responsibility-attack"')
    card = page[start : page.index("</div>\n", page.index('sahel-claim__status"', start)) + 7]
    assert card == (
        '<div class="sahel-claim" id="claim-jnim-claimed-responsibility-attack" markdown>\n'
        '<div class="sahel-claim__who" markdown="span">'
        "**[Jama'at Nusrat al-Islam wal-Muslimin](../actors/jnim.md)** "
        '<span class="sahel-claim__role">attacker</span></div>\n'
        '<div class="sahel-claim__meta" markdown="span">'
        '<span class="sahel-badge sahel-badge--claim">Claim</span> '
        '<span class="sahel-claim__date">17 September 2024</span></div>\n'
        '<p class="sahel-claim__said" markdown="span">'
        "JNIM claimed responsibility for the attack.</p>\n"
        '<div class="sahel-claim__status" markdown="span">'
        '<span class="sahel-status sahel-status--claimed">Claimed</span> '
        "according to AFP, The Daily Star (via AFP): "
        "[^src-afp-2024-09-18-bamako-attack]<sup>,</sup>"
        "[^src-dailystar-afp-bamako-attack-2024-09-18]</div>\n"
    )
    event = facts.events["bamako-attack-2024"]
    for claim in event.claims:
        assert page.count(f'id="claim-{claim.id}"') == 1
    for figure in event.figures:
        assert page.count(f'<span id="figure-{figure.id}"></span>') == 1


def test_a_claimant_outside_the_event_is_named_by_its_kind(facts: FactBase) -> None:
    page = event_page(facts, facts.events["bamako-attack-2024"], None)
    afp = page.split('id="claim-afp-unable-verify-claims"', 1)[1].split("</div>\n</div>", 1)[0]
    assert '<span class="sahel-claim__role">media</span>' in afp
    assert '<span class="sahel-claim__date">date not given</span>' in afp
    assert "sahel-badge--report" in afp
    # "Confirmed" says on whose word: the publisher of the claim's one source.
    assert 'sahel-status--confirmed">Confirmed</span> according to AFP: [^src-' in afp


def test_a_person_outside_the_event_is_named_by_what_they_were_that_day(
    real_facts: FactBase,
) -> None:
    page = event_page(real_facts, real_facts.events["bamako-attack-2024"], None)
    roles = re.findall(
        r'\*\*\[([^]]+)\]\([^)]*\)\*\* <span class="sahel-claim__role">([^<]*)<', page
    )
    # Lucas Webber: his relationship holds by 18 September, the day AFP quoted him.
    assert ("Lucas Webber", "member of Tech Against Terrorism") in roles
    # Goïta led Mali, and the AES from 6 July 2024.
    assert ("Assimi Goïta", "leader of Mali, leader of AES") in roles
    # A person who took part keeps their part in the event.
    assert ("Oumar Diarra", "army chief of staff") in roles


def test_figures_are_grouped_by_measure_and_attributed(facts: FactBase) -> None:
    event = facts.events["bamako-attack-2024"]
    page = event_page(facts, event, None)
    killed = [f for f in event.figures if f.measure == "killed"]
    assert len(killed) > 1
    section = page.split("### Killed\n", 1)[1].split("###", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == len(killed) + 1  # the header and one row per source's figure
    for figure in killed:
        assert figure.according_to.split()[0] in section
    # The chart comes first, the table beneath it.
    chart = f'data-figure="figures/counts-bamako-attack-2024-{killed[0].id}.json"'
    assert section.index(chart) < section.index("| Figure | As reported |")


def test_a_review_note_is_a_marker_beside_its_item_and_in_the_list_at_the_bottom(
    facts: FactBase,
) -> None:
    event = facts.events["bamako-attack-2024"]
    notes = pages_events.review_notes(event)
    assert notes, "the fixture event has review notes on its claims and figures"
    page = event_page(facts, event, None)
    assert "!!! warning" not in page
    for claim in (c for c in event.claims if c.needs_review):
        card = page.split(f'id="claim-{claim.id}"', 1)[1].split("\n</div>\n", 1)[0]
        assert card.endswith(
            '<div class="sahel-claim__review" markdown="span">'
            '<details class="sahel-review"><summary>Under review</summary>'
            f'<span class="sahel-review__note">{md.text(claim.needs_review)} '
            '<a href="#under-review">All review notes</a></span></details></div>'
        )
    for figure in (f for f in event.figures if f.needs_review):
        row = next(line for line in page.splitlines() if f'id="figure-{figure.id}"' in line)
        assert '<details class="sahel-review"><summary>Under review</summary>' in row
    bottom = page.split("## Under review { #under-review }\n", 1)[1]
    items = [line for line in bottom.splitlines() if line.startswith("- **")]
    assert len(items) == len(notes)
    assert page.index("## Under review") > page.index("## Who says what")
    first_claim = next(c for c in event.claims if c.needs_review)
    assert any(f"](#claim-{first_claim.id}):**" in item for item in items)
    quiet = event_page(facts, facts.events["niger-coup-2023"], None)
    assert "Under review" not in quiet


def test_the_event_leads_with_when_where_storyline_then_the_summary(facts: FactBase) -> None:
    page = event_page(facts, facts.events["bamako-attack-2024"], None)
    head = page.split("## What happened\n", 1)[0]
    assert head.splitlines()[2:5] == [
        "- **When:** 17 September 2024",
        "- **Where:** Bamako, Mali (city precision)",
        "- **Storylines:** [The Bamako attack of 17 September 2024](../topics/bamako-attack.md)",
    ]
    after = page.split("## What happened\n\n", 1)[1]
    assert after.startswith(
        '<p class="sahel-cites" markdown="span">Sources of this account: [^src-'
    )
    assert page.index("## What happened") < page.index("## Who says what")


def test_sources_become_footnotes_defined_once(facts: FactBase) -> None:
    page = event_page(facts, facts.events["aes-ecowas-exit"], None)
    definitions = [line for line in page.splitlines() if line.startswith("[^src-")]
    labels = [line.split("]:")[0] for line in definitions]
    assert (
        len(labels)
        == len(set(labels))
        == len(pages_events.cited_sources(facts.events["aes-ecowas-exit"]))
    )
    assert (
        "[^src-allafrica-202501290308]: AllAfrica, [online](<https://allafrica.com/stories/202501290308>)."
        in page
    )


def test_edit_link_only_when_the_repository_is_configured(facts: FactBase) -> None:
    event = facts.events["niger-coup-2023"]
    assert "Edit the source file" not in event_page(facts, event, None)
    assert (
        "[Edit the source file (content/events/niger-coup-2023.yaml)]"
        f"(<{EDIT}content/events/niger-coup-2023.yaml>)" in event_page(facts, event, EDIT)
    )


def test_an_actor_page_has_relationships_past_and_present_events_claims_neighbours(
    facts: FactBase,
) -> None:
    page = actor_page(facts, facts.actors["mali"], None)
    assert "- **Kind:** state\n" in page
    assert "| République du Mali | fr | — |" in page
    assert (
        "| **Mali** member of [Economic Community of West African States](ecowas.md) "
        "| — | 29 January 2025 |" in page
    )
    assert (
        "| **Mali** member of [Alliance of Sahel States](aes.md) "
        "| 16 September 2023 | still holds |" in page
    )
    assert 'data-figure="figures/actor-mali.json"' in page
    assert "## Events (4)" in page
    assert "## Statements it made" in page
    assert "- [Alliance of Sahel States](aes.md) (intergovernmental organisation)" in page


def test_an_actor_with_no_founding_date_says_where_it_is_first_recorded(
    facts: FactBase,
) -> None:
    # The network shows such an actor from that record on (FactBase.known_from).
    wagner = actor_page(facts, facts.actors["wagner"], None)
    assert (
        "- **Earliest record:** December 2021, [Wagner Group personnel deploy to Mali]"
        "(../events/wagner-deploys-in-mali-2021.md)\n" in wagner
    )
    assert "**Founded:**" not in wagner
    # A relationship can be the first record: it links to its row in the ledger.
    assert (
        "- **Earliest record:** 28 May 2021, [Mali led by Assimi Goïta]"
        "(../relationships/led-by.md#mali-led-by-assimi-goita)\n"
        in actor_page(facts, facts.actors["assimi-goita"], None)
    )
    aes = actor_page(facts, facts.actors["aes"], None)
    assert "- **Founded:** 16 September 2023\n" in aes
    assert "Earliest record" not in aes


def test_the_actors_index_groups_by_kind(facts: FactBase) -> None:
    page = actors_index(facts)
    assert page.index("## States") < page.index("## Intergovernmental organisations")
    assert (
        "| [Mali](../actors/mali.md) | Mali | 4 | " in page
        or "| [Mali](mali.md) | Mali | 4 |" in page
    )


def test_topic_page_has_introduction_timeline_and_events_in_order(facts: FactBase) -> None:
    topic = facts.topics["aes-formation"]
    page = topic_page(facts, topic)
    assert page.startswith(f"# {topic.title}\n")
    assert 'data-figure="figures/topic-aes-formation.json"' in page
    events = page.split("## Events", 1)[1]
    assert events.index("December 2021") < events.index("16 September 2023")


def test_home_page_has_counts_storylines_timeline_and_latest(facts: FactBase) -> None:
    page = home_page(facts)
    assert f"**{len(facts.events)}** events · **{len(facts.actors)}** actors" in page
    for topic in facts.topics.values():
        assert f"../topics/{topic.id}.md" not in page and f"topics/{topic.id}.md" in page
    assert 'data-figure="figures/timeline-topic.json"' in page
    latest = page.split("## Latest events\n\n", 1)[1].splitlines()
    assert (
        latest[0]
        == "- **17 September 2024**: [JNIM attack on Bamako](events/bamako-attack-2024.md)"
    )


def test_figure_pages_embed_their_figures_and_text_alternatives(facts: FactBase) -> None:
    timeline = timeline_page(facts)
    assert '=== "By storyline"' in timeline and '=== "By country"' in timeline
    assert 'data-figure="figures/timeline-country.json"' in timeline
    # The charts' data is a table a year a page, linked from the timeline page.
    assert '??? info "The chart&#x27;s data, year by year"' in timeline
    assert timeline.endswith(
        "## Year by year\n\n- [2021](timeline/2021.md): 1 event\n"
        "- [2023](timeline/2023.md): 2 events\n- [2024](timeline/2024.md): 2 events\n"
    )
    year = timeline_part_page(facts, 2024)
    assert year.startswith("# 2024\n\n2 events that began in 2024, in date order.")
    assert (
        "| 17 September 2024 | [JNIM attack on Bamako](../events/bamako-attack-2024.md) "
        "| [The Bamako attack of 17 September 2024](../topics/bamako-attack.md) | Bamako, Mali |"
        in year
    )
    assert 'data-figure="figures/network.json"' in network_page(facts)
    assert (
        "an actor is faded before it was founded or, where its founding date is not known, "
        "before its earliest record: the first event, dated statement or relationship the "
        "site has for it (its page names it)" in network_page(facts)
    )
    # The network's data: the relationships, a kind a page.
    assert "    - [Membership](relationships/member-of.md): " in network_page(facts)
    map_text = map_page(facts)
    assert 'data-bundle="geo"' in map_text
    assert (
        "    - Bamako (12.6400, -8.0000, from the event's sources): [2 events](map/bamako.md)"
        in map_text
    )


def test_relationships_sources_and_claims_ledgers(facts: FactBase) -> None:
    # Each ledger is an index of small pages: a kind, a publisher or a status a page.
    assert "- [Membership](relationships/member-of.md): " in relationships_page(facts)
    relations = relationships_of_kind_page(facts, RelationshipKind.MEMBER_OF)
    assert (
        '| <span id="mali-member-of-aes"></span>[Mali](../actors/mali.md) member of '
        "[Alliance of Sahel States](../actors/aes.md) | 16 September 2023 | still holds |"
        in relations
    )
    assert "- [AFP](sources/afp.md): " in sources_page(facts)
    sources = publisher_page(facts, "sources/afp.md")
    assert '<div class="sahel-source" id="afp-2024-09-18-bamako-attack" markdown>' in sources
    assert "- [Mali](../actors/mali.md) (description)" in sources
    # Each claim number links to the claim's own anchor (issue 22).
    cited = (
        "[JNIM attack on Bamako](../events/bamako-attack-2024.md) (event; claims "
        "[1](../events/bamako-attack-2024.md#claim-jnim-claimed-responsibility-attack), "
        "[2](../events/bamako-attack-2024.md#claim-jnim-few-dozen-fighters), "
        "[3](../events/bamako-attack-2024.md#claim-jnim-destroyed-six-military), "
        "[6](../events/bamako-attack-2024.md#claim-malian-armed-forces-late-17-september),"
    )
    assert cited in sources
    claims = claims_page(facts)
    for status in ClaimStatus:
        assert f"](claims/{status}.md): " in claims
    ledger = "".join(claims_of_status_page(facts, status) for status in ClaimStatus)
    assert ledger.count("sahel-badge--") == len(facts.all_claims)


def test_a_status_with_too_many_statements_has_a_page_per_year(
    facts: FactBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fixture's statements: 11 unverified and 5 confirmed about events of 2024, one
    # claimed (2024) and one disputed (2021).
    monkeypatch.setattr(pages_ledgers, "LEDGER_PAGE_LIMIT", 4)
    pages = render_pages(facts, RenderOptions())
    assert sorted(path for path in pages if path.startswith("claims/")) == [
        "claims/claimed.md",
        "claims/confirmed.md",
        "claims/confirmed/2024.md",
        "claims/denied.md",
        "claims/disputed.md",
        "claims/unverified.md",
        "claims/unverified/2024.md",
    ]
    confirmed = pages["claims/confirmed.md"]
    assert "## By the year of the event\n\n- [2024](confirmed/2024.md): 5 statements\n" in (
        confirmed
    )
    assert "sahel-badge--" not in confirmed
    year = pages["claims/confirmed/2024.md"]
    assert (
        "\n# Claims: confirmed, 2024\n\n5 statements of this status about events of 2024, by "
        "their date. [All years](../confirmed.md) · [the whole ledger](../../claims.md).\n"
    ) in year
    assert "[Disputed](../disputed.md)" in year
    assert "(../../events/bamako-attack-2024.md#claim-" in year
    # Every statement is on exactly one page of the ledger, with its badge.
    ledger = "".join(text for path, text in pages.items() if path.startswith("claims/"))
    assert ledger.count("sahel-badge--") == len(facts.all_claims)


def test_data_exports(facts: FactBase) -> None:
    files = data_files(facts)
    assert set(files) >= {
        "data/factbase.json",
        "data/events.csv",
        "data/actors.csv",
        "data/relationships.csv",
        "data/sources.csv",
        "data/topics.csv",
        "data/event-claims.csv",
        "data/schemas/events.schema.json",
    }
    events_csv = csv_files(facts)["data/events.csv"].decode()
    header = events_csv.splitlines()[0]
    assert (
        header == "id,title,kind,date,end,place,country,lat,lon,location_precision,"
        "date_alternatives,summary,topics,sources,related,needs_review"
    )
    assert (
        "\nwagner-deploys-in-mali-2021,Wagner Group personnel deploy to Mali,deployment,2021-12,"
        in events_csv
    )
    factbase = factbase_json(facts)
    assert b'"from":"mali"' in factbase
    assert files["data/factbase.json"] == factbase  # one dump per entity, the same bytes
    assert files["data/events.csv"] == csv_files(facts)["data/events.csv"]
    relationships = json.loads(factbase)["relationships"]
    assert {r["id"] for r in relationships} == set(facts.relationships)


def test_escaping_applies_to_every_editor_field(facts: FactBase) -> None:
    hostile = "<img src=x onerror=alert(1)> | [x](javascript:y)"
    event = facts.events["niger-coup-2023"].model_copy(update={"title": hostile})
    page = event_page(facts, event, None)
    assert "<img" not in page
    assert page.startswith(
        "# &lt;img src=x onerror=alert\\(1\\)&gt; \\| \\[x\\]\\(javascript:y\\)\n"
    )


def test_render_site_is_deterministic_and_keeps_hand_written_pages_verbatim(
    facts: FactBase,
) -> None:
    options = RenderOptions(extra_pages={"about/index.md": "# About\n\n*as   written*  \n"})
    first = render_site(facts, options)
    assert first == render_site(facts, options)
    assert first["about/index.md"] == b"# About\n\n*as   written*  \n"
    assert list(first) == sorted(first)
    assert set(render_pages(facts, options)) <= set(first)


def test_partial_date_helper_sanity() -> None:
    # The pages rely on human(): a month is never padded to a day.
    assert PartialDate.parse("2023-07").human() == "July 2023"


@pytest.mark.parametrize(
    ("from_page", "to_page"),
    [
        ("index.md", "events/x.md"),
        ("index.md", "timeline.md#top"),
        ("events/x.md", "events/y.md"),
        ("events/x.md", "actors/jnim.md#claims"),
        ("events/x.md", "index.md"),
        ("about/fields.md", "about/sub/page.md"),
        ("a/b/c.md", "a/d.md"),
    ],
)
def test_relative_links_match_posixpath(from_page: str, to_page: str) -> None:
    path, _, anchor = to_page.partition("#")
    expected = posixpath.relpath(path, posixpath.dirname(from_page) or ".")
    assert links.relative(from_page, to_page) == (f"{expected}#{anchor}" if anchor else expected)


_SEGMENT = st.sampled_from(["a", "b", "events", "actors", "about", "x-y"])
_PAGE = st.builds(
    lambda folders, name: "/".join([*folders, name + ".md"]),
    st.lists(_SEGMENT, max_size=4),
    _SEGMENT,
)


@given(from_page=_PAGE, to_page=_PAGE)
def test_relative_links_match_posixpath_for_any_two_pages(from_page: str, to_page: str) -> None:
    """links.relative works on strings for speed; posixpath.relpath is the reference."""
    expected = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    assert links.relative(from_page, to_page) == expected


def test_figure_headings_keep_acronyms_as_written() -> None:
    facts = load_corpus(Path(__file__).parent.parent / "content").facts
    assert facts is not None
    page = event_page(facts, facts.events["bamako-attack-2024"], None)
    assert "\n### JNIM fighters taking part\n" in page
    assert "\n### Killed\n" in page


def _normalised_line_by_line(text: str) -> str:
    """The page normalisation as first written, one line at a time: the oracle."""
    out: list[str] = []
    for line in text.rstrip("\n").split("\n"):
        if line.strip() == "" and out and out[-1].strip() == "":
            continue
        out.append(line.rstrip() if line.strip() else "")
    return "\n".join(out) + "\n"


@given(
    st.lists(
        st.sampled_from(["", " ", "\t", "\u00a0", "\u2003", "\r", "a", "| b |", " c ", "\n"]),
        max_size=30,
    ).map("".join)
    | st.text()
)
def test_pages_are_normalised_as_line_by_line(text: str) -> None:
    from generator.render.site import _normalised

    assert _normalised(text) == _normalised_line_by_line(text)


def test_a_storyline_of_many_events_lists_them_a_year_a_page(tmp_path: Path) -> None:
    from benchmarks.synthetic import write_corpus
    from generator.render.pages_topics import (
        TOPIC_PAGE_LIMIT,
        topic_page,
        topic_year_page,
        topic_years,
    )

    write_corpus(tmp_path / "content", 1200)
    result = load_corpus(tmp_path / "content")
    assert result.facts is not None
    big = result.facts
    topic = max(big.topics.values(), key=lambda t: len(big.events_of_topic(t.id)))
    events = big.events_of_topic(topic.id)
    assert len(events) > TOPIC_PAGE_LIMIT
    page = topic_page(big, topic)
    assert "](../events/" not in page  # no event listed on the storyline's own page
    years = topic_years(big, topic)
    assert years == sorted({e.date.year for e in events})
    listed = []
    for year in years:
        assert f"- [{year}]({topic.id}/{year}.md): " in page
        listed += re.findall(
            r"\]\(\.\./\.\./events/([^)]+)\.md\)", topic_year_page(big, topic.id, year)
        )
    assert listed == [e.id for e in events]


def test_pages_named_from_an_editor_s_text_keep_short_file_names() -> None:
    # A 5,000-character place or publisher must not name a file no file system takes.
    long_name = "Sahel <script>alert(1)</script> " * 160
    assert links.publisher_page(long_name) == f"sources/{links.slug(long_name)}.md"
    assert len(links.slug(long_name)) <= links.SLUG_LENGTH
    assert links.slug(long_name) == "sahel-script-alert-1-script-sahel-script-alert-1-script-sahe"
    assert links.publisher_page("«»") == "sources/publisher.md"
