"""The corrections of the second research pass (December 2026), one test each.

Named after the section of the research notes they come from (§1.1 to §1.9, §5). What a test
needs of the notes (addresses, dates) is copied here: tests never read ../shared.
"""

from __future__ import annotations

import re

import pytest

from generator.model import FactBase
from generator.schema import Figure
from tests.test_content import facts, result

__all__ = ["facts", "result"]  # the real fact base, loaded once, as test_content loads it


def _figure(facts: FactBase, event: str, measure: str, value: int) -> Figure:
    [figure] = [f for f in facts.events[event].figures if f.measure == measure and f.value == value]
    return figure


# --- counts ---------------------------------------------------------------------------------


def test_counts_of_sources_with_address_title_and_date(facts: FactBase) -> None:
    sources = facts.sources.values()
    assert sum(s.url is not None for s in sources) >= 55
    # Every source a reader could not find says so, visibly.
    assert all(s.url or s.title or s.needs_review for s in sources)
    assert sum(s.published is not None for s in sources) >= 60


def test_every_source_of_a_dated_figure_or_claim_is_not_older_than_it(facts: FactBase) -> None:
    for event in facts.events.values():
        dated = [(f.date, f.sources) for f in event.figures] + [
            (c.date, c.sources) for c in event.claims
        ]
        for date, cited in dated:
            for source_id in cited:
                published = facts.sources[source_id].published
                if date is not None and published is not None:
                    assert published.last_day >= date.first_day, (event.id, source_id)


def test_every_casualty_figure_with_a_date_cites_dated_sources_on_or_after_it(
    facts: FactBase,
) -> None:
    casualties = [
        f
        for e in facts.events.values()
        for f in e.figures
        if re.search(r"killed|wounded|injured|dead", f.measure) and f.date is not None
    ]
    assert len(casualties) >= 6
    for figure in casualties:
        for source_id in figure.sources:
            published = facts.sources[source_id].published
            # A page that shows no date carries none (the AFP copies of 19 September 2024).
            assert published is None or published.last_day >= figure.date.first_day, source_id


# --- §1.1 the Bamako tolls -----------------------------------------------------------------

AFP_OF_19_SEPTEMBER = {
    "ahram-afp-bamako-toll-2024-09-19": "https://french.ahram.org.eg/News/52908.aspx",
    "afriquecan-afp-bamako-toll-2024-09-19": "https://afriquecan.com/attack-in-mali-killed-over-70/?amp=1",
}


def test_1_1_bamako_tolls_cite_the_afp_dispatch_of_19_september(facts: FactBase) -> None:
    for source_id, url in AFP_OF_19_SEPTEMBER.items():
        assert facts.sources[source_id].url == url
        assert facts.sources[source_id].agency == "AFP"
    tolls = [
        _figure(facts, "bamako-attack-2024", "killed", 70),
        _figure(facts, "bamako-attack-2024", "wounded", 200),
        _figure(facts, "bamako-attack-2024", "killed", 77),
        _figure(facts, "bamako-attack-2024", "wounded", 255),
        _figure(facts, "bamako-attack-2024", "killed", 100),
    ]
    for figure in tolls:
        assert figure.date is not None and figure.date.isoformat() == "2024-09-19"
        assert set(AFP_OF_19_SEPTEMBER) <= set(figure.sources)
        assert "dailystar-afp-bamako-attack-2024-09-18" not in figure.sources
        assert "afp-2024-09-18-bamako-attack" not in figure.sources
        assert "AFP" in figure.according_to
    assert tolls[2].according_to == "one security source, speaking to AFP on condition of anonymity"
    assert tolls[4].according_to == (
        "an authenticated confidential official document, as reported by AFP"
    )
    assert tolls[0].needs_review is None and tolls[2].needs_review is None


# --- §1.2 Mali's CNSP was dissolved in January 2021 ----------------------------------------


def test_1_2_cnsp_mali_ends_in_january_2021(facts: FactBase) -> None:
    cnsp = facts.actors["cnsp-mali"]
    assert cnsp.dissolved is not None and cnsp.dissolved.isoformat() == "2021-01"
    led = facts.relationships["cnsp-mali-led-by-assimi-goita"]
    assert led.end is not None and led.end.isoformat() == "2021-01-18"
    assert "electionnet-goita-cnsp" in led.sources
    for relation in facts.relationships_of("cnsp-mali"):
        assert relation.end is not None, relation.id
    # Sourced only to AFP's report of 2024 on "Mali's junta", not the CNSP: removed.
    assert "jnim-opposed-to-cnsp-mali" not in facts.relationships


# --- §1.3 the MPSR after Damiba ------------------------------------------------------------


def test_1_3_mpsr_led_by_traore_from_30_september_2022(facts: FactBase) -> None:
    relation = facts.relationships["mpsr-led-by-ibrahim-traore"]
    assert (relation.from_, relation.to, relation.kind.value) == (
        "mpsr",
        "ibrahim-traore",
        "led_by",
    )
    assert relation.start is not None and relation.start.isoformat() == "2022-09-30"
    assert relation.end is None
    assert "jeuneafrique-traore-takes-mpsr" in relation.sources
    before = facts.relationships["mpsr-led-by-paul-henri-sandaogo-damiba"]
    assert before.end == relation.start


# --- §1.4 the coups storyline and ECOWAS sanctions ---------------------------------------


def test_1_4_coups_storyline_does_not_say_every_coup_drew_sanctions(facts: FactBase) -> None:
    text = " ".join(facts.topics["coups"].introduction.split())
    assert "Each coup drew ECOWAS sanctions" not in text
    assert "not always with sanctions" in text
    assert "stopped short of new sanctions" in text
    assert "never applied" in text


# --- §1.5 statements attributed to whoever made them -------------------------------------


def test_1_5_western_mali_attacks_are_an_army_statement_and_a_jnim_claim(
    facts: FactBase,
) -> None:
    event = facts.events["jnim-western-mali-attacks-2025"]
    assert not event.summary.startswith("On a single day, JNIM attacked")
    kinds = {(c.claimant, c.kind.value) for c in event.claims}
    assert ("malian-armed-forces", "official_statement") in kinds
    assert ("jnim", "claim") in kinds
    assert {"fratmat-jnim-western-mali", "maliondesmedias-western-mali"} <= set(event.sources)
    [neutralised] = event.figures
    assert neutralised.claimant == "malian-armed-forces"


def test_1_5_the_5000_figure_is_nigers_defence_minister(facts: FactBase) -> None:
    [figure] = facts.events["aes-unified-force-2025"].figures
    assert figure.claimant == "niger"
    assert "Salifou Mody" in figure.according_to


def test_1_5_flexible_is_mahamane_roufais_word(facts: FactBase) -> None:
    [claim] = facts.events["tiani-sworn-in-2025"].claims
    assert claim.quote == "flexible" and "Mahamane Roufai" in claim.statement
    assert "Roufai" in facts.actors["abdourahamane-tiani"].description


def test_1_5_moura_gives_the_armys_version_beside_the_accusation(facts: FactBase) -> None:
    event = facts.events["moura-massacre-2022"]
    army = [c for c in event.claims if c.claimant == "malian-armed-forces"]
    assert army and army[0].kind.value == "official_statement" and "203" in army[0].statement
    assert {p.role for p in event.participants} == {"accused perpetrator"}
    assert "203" in event.summary


def test_1_5_the_strike_of_august_2021_is_flagged_not_stated(facts: FactBase) -> None:
    event = facts.events["al-sahrawi-killed-2021"]
    assert "strike" not in event.summary
    [strike] = [m for m in event.milestones if m.date.isoformat() == "2021-08"]
    assert strike.needs_review is not None and "not in the excerpt" in strike.needs_review


# --- §1.6 the Moura range ------------------------------------------------------------------


def test_1_6_moura_range_is_as_wide_as_its_sources(facts: FactBase) -> None:
    figures = facts.events["moura-massacre-2022"].figures
    by_source = {tuple(f.sources): f for f in figures if f.measure == "killed"}
    telegraph = by_source[("telegraph-moura",)]
    assert (telegraph.min, telegraph.max) == (200, 600)
    mediapart = by_source[("mediapart-moura",)]
    assert (mediapart.min, mediapart.max) == (300, 600)
    un = by_source[("theafricareport-moura-un-report", "jeuneafrique-moura-un-report")]
    assert (un.value, un.qualifier.value) == (500, "at_least")
    assert un.date is not None and un.date.isoformat() == "2023-05"
    # Neither page cited for the range predates the figure it is cited for.
    assert all("telegraph-moura" not in f.sources for f in figures if f.value == 500)
    assert "200 to 600" in " ".join(facts.events["moura-massacre-2022"].summary.split())


# --- §1.7 al-Sahrawi's pledge --------------------------------------------------------------


def test_1_7_al_sahrawi_pledge_is_dated_to_one_of_the_two_days_the_pages_give(
    facts: FactBase,
) -> None:
    # Issue #24: "late Wednesday" 13 May, reported on the 14th; before fuzzy dates, the month.
    event = facts.events["al-sahrawi-pledges-to-islamic-state-2015"]
    assert event.date.isoformat() == "[2015-05-13,2015-05-14]"
    assert event.date.human() == "13 or 14 May 2015"
    assert event.needs_review is not None and "13–14 May 2015" in event.needs_review
    assert {"israelpress-ap-al-sahrawi-pledge", "alwasat-al-sahrawi-pledge"} <= set(event.sources)
    for relation_id in (
        "islamic-state-sahel-province-affiliated-with-islamic-state",
        "islamic-state-sahel-province-led-by-adnan-abu-walid-al-sahrawi",
    ):
        start = facts.relationships[relation_id].start
        assert start is not None and start.isoformat() == "[2015-05-13,2015-05-14]"


# --- §1.8 review notes the pages settle -------------------------------------------------------


def test_1_8_mali_left_the_g5_sahel_on_15_may_2022(facts: FactBase) -> None:
    event = facts.events["mali-leaves-g5-sahel-2022"]
    assert event.date.isoformat() == "2022-05-15" and event.needs_review is None
    assert "newsrim-mali-leaves-g5-sahel" in event.sources
    end = facts.relationships["mali-member-of-g5-sahel"].end
    assert end is not None and end.isoformat() == "2022-05-15"


def test_1_8_the_last_french_troops_left_niger_on_22_december_2023(facts: FactBase) -> None:
    milestones = facts.events["france-leaves-niger-2023"].milestones
    [last] = [m for m in milestones if m.date.isoformat() == "2023-12-22"]
    assert last.needs_review is None and "peoplesdaily-xinhua-france-leaves-niger" in last.sources
    relation = facts.relationships["france-deployed-in-niger"]
    assert relation.end is not None and relation.end.isoformat() == "2023-12-22"
    assert relation.needs_review is None


def test_1_8_diarra_azzallaqa_and_the_army_statement_cite_the_pages_that_carry_them(
    facts: FactBase,
) -> None:
    claims = facts.events["bamako-attack-2024"].claims
    [diarra] = [c for c in claims if c.claimant == "oumar-diarra"]
    assert diarra.sources == ["wtop-ap-bamako-attack-2024-09-17"] and diarra.needs_review is None
    [control] = [c for c in claims if c.quote == "under control"]
    assert control.sources == [
        "dailystar-afp-bamako-attack-2024-09-18",
        "trt-afrika-afp-bamako-attack-2024-09-17",
    ]
    assert control.needs_review is None
    [losses] = [c for c in claims if c.quote == "huge human and material losses"]
    assert losses.needs_review is None
    channel = facts.relationships["az-zallaqa-part-of-jnim"]
    assert channel.needs_review is None
    assert set(channel.sources) == {"wtop-ap-bamako-attack-2024-09-17", "jihadology-jnim-founding"}
    assert facts.relationships["oumar-diarra-member-of-malian-armed-forces"].needs_review is None


def test_1_8_csp_dpa_has_its_english_name_from_wikimili(facts: FactBase) -> None:
    actor = facts.actors["csp-dpa"]
    assert actor.name == "Strategic Framework for the Defense of the People of Azawad"
    assert "CSP-PSD" in {a.name for a in actor.aliases}


def test_1_8_barsalogho_600_is_the_french_assessment_reported_by_cnn(facts: FactBase) -> None:
    figure = _figure(facts, "barsalogho-massacre-2024", "killed", 600)
    assert "French government security assessment" in figure.according_to
    assert figure.sources == ["newindianexpress-barsalogho-toll"]
    assert figure.needs_review is None
    jnim = _figure(facts, "barsalogho-massacre-2024", "killed", 300)
    assert jnim.claimant == "jnim"


def test_1_8_the_wagner_statement_had_sixteen_signatories(facts: FactBase) -> None:
    event = facts.events["wagner-deploys-in-mali-2021"]
    assert "About fifteen Western states" not in event.summary
    assert "sixteen" in event.summary
    assert "ukdefencejournal-wagner-statement" in event.sources


# --- §1.9 form ---------------------------------------------------------------------------------

PAGES_OWN_ADDRESSES = {
    "dw-en-a-68088180": "https://www.dw.com/en/mali-ends-peace-deal-with-separatist-groups/a-68088180",
    "theafricareport-92250": (
        "https://www.theafricareport.com/92250/mali-with-bah-ndaw-resignation-assimi-goita-"
        "becomes-president/"
    ),
    "fides-71517": "http://www.fides.org/en/news/71517",
    "dailystar-afp-bamako-attack-2024-09-18": (
        "https://www.thedailystar.net/news/world/news/jihadist-group-claims-attack-mali-capital-3705411"
    ),
    "dw-fr-a-61206443": (
        "https://www.dw.com/fr/r%C3%A9actions-mali-d%C3%A9c%C3%A8s-boub%C3%A8ye-maiga/a-61206443"
    ),
}


def test_1_9_short_addresses_are_the_pages_own(facts: FactBase) -> None:
    for source_id, url in PAGES_OWN_ADDRESSES.items():
        assert facts.sources[source_id].url == url


def test_1_9_the_2021_coup_cites_dws_report_of_the_day(facts: FactBase) -> None:
    assert "dw-en-a-57649452" in facts.events["mali-coup-2021"].sources
    assert "look back" in (facts.sources["dw-fr-a-61206443"].notes or "")


def test_1_9_goitas_mandate_and_the_aes_force_have_their_milestones(facts: FactBase) -> None:
    mandate = {m.date.isoformat() for m in facts.events["goita-five-year-mandate-2025"].milestones}
    assert mandate == {"2025-07-03", "2025-07-08"}
    force = {m.date.isoformat() for m in facts.events["aes-unified-force-2025"].milestones}
    assert "2024-03-05" in force


def test_1_9_unsourced_names_are_flagged(facts: FactBase) -> None:
    for actor_id in ("mpsr", "jnim", "minusma"):
        assert facts.actors[actor_id].needs_review is not None, actor_id


# --- §5 the missing events ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_id", "date"),
    [
        ("ecowas-suspends-mali-2021", "2021-05-30"),
        ("ecowas-suspends-burkina-faso-2022", "2022-01-28"),
        ("sabre-leaves-burkina-faso-2023", "2023-02-18"),
        ("niger-revokes-us-military-accord-2024", "2024-03-16"),
        ("africa-corps-arrives-in-niger-2024", "2024-04-10"),
        ("damiba-resigns-2022", "2022-10-02"),
        ("traore-sworn-in-2022", "2022-10-21"),
    ],
)
def test_5_missing_events_are_added(facts: FactBase, event_id: str, date: str) -> None:
    event = facts.events[event_id]
    assert event.date.isoformat() == date
    assert all(facts.sources[s].url for s in event.sources)


def test_5_the_founding_of_each_junta_made_by_a_coup_is_dated(facts: FactBase) -> None:
    founded = facts.actors["mpsr"].founded
    assert founded is not None and founded.isoformat() == "2022-01-24"
    ecowas = facts.actors["ecowas"].founded
    assert ecowas is not None and ecowas.isoformat() == "1975"


# --- #24: relationships whose start is known only to be "by" a dated fact ----------------------


@pytest.mark.parametrize(
    ("relation_id", "start"),
    [
        ("csp-dpa-opposed-to-mali", "../2024-07-25"),  # fighting at Tinzaouaten, 25–27 July 2024
        ("csp-dpa-opposed-to-wagner", "../2024-07-25"),
        ("oumar-diarra-member-of-malian-armed-forces", "../2024-09-17"),  # chief of staff then
        ("lucas-webber-member-of-tech-against-terrorism", "../2024-09-18"),  # AFP, 18 Sept 2024
        ("az-zallaqa-part-of-jnim", "../2017-03-27"),  # its video of JNIM's founding, by then
    ],
)
def test_relationships_begun_by_a_dated_fact_start_by_that_date(
    facts: FactBase, relation_id: str, start: str
) -> None:
    relation = facts.relationships[relation_id]
    assert relation.start is not None and relation.start.isoformat() == start


# --- the audit of December 2026: what no page read carries ---------------------------------------


def test_the_5000_force_is_not_called_the_confederations_announcement(facts: FactBase) -> None:
    introduction = facts.topics["aes-formation"].introduction
    assert "Salifou Mody" in introduction
    assert "The confederation announced" not in " ".join(introduction.split())


def test_the_french_toll_of_barsalogho_is_a_governments_statement_in_no_quoted_words(
    facts: FactBase,
) -> None:
    [claim] = [
        c
        for c in facts.events["barsalogho-massacre-2024"].claims
        if c.id == "france-assessment-up-to-600"
    ]
    assert claim.kind == "official_statement"
    assert claim.quote is None  # "nearly doubles earlier death tolls" is CNN's phrase


def test_wagners_departure_is_a_telegram_accounts_word(facts: FactBase) -> None:
    event = facts.events["wagner-leaves-mali-2025"]
    assert "Telegram account" in event.summary
    assert all("Telegram account" in c.statement for c in event.claims)
    assert "Telegram account" in facts.actors["wagner"].description
    assert "Telegram account" in facts.topics["aes-formation"].introduction


def test_mali_is_quoted_in_its_own_word_trainers(facts: FactBase) -> None:
    [claim] = facts.events["wagner-deploys-in-mali-2021"].claims
    assert claim.quote == "Russian trainers"
    assert "france24-afp-mali-denies-wagner" in claim.sources


def test_facts_no_page_read_carries_are_flagged(facts: FactBase) -> None:
    for event_id in (
        "mali-transition-sworn-in-2020",
        "niger-coup-2023",
        "us-forces-leave-niger-2024",
    ):
        assert facts.events[event_id].needs_review is not None, event_id
    for actor_id in ("moctar-ouane", "united-states", "rfi"):
        assert facts.actors[actor_id].needs_review is not None, actor_id
    for relation_id in ("niger-led-by-mohamed-bazoum", "united-states-deployed-in-niger"):
        assert facts.relationships[relation_id].needs_review is not None, relation_id
    [promulgated] = [
        m
        for m in facts.events["mali-constitutional-referendum-2023"].milestones
        if m.date.isoformat() == "2023-07-22"
    ]
    assert promulgated.needs_review is not None
    assert facts.sources["allafrica-fr-rfi-kayes-nioro-blockade"].needs_review is not None


def test_source_notes_claim_no_more_than_the_pages_carry(facts: FactBase) -> None:
    assert "Ouane" not in (facts.sources["tvcnews-mali-transition"].notes or "")
    assert "Choguel" not in (facts.sources["thehindu-goita-sworn-in"].notes or "")
    assert "JNIM" not in (facts.sources["senenews-jnim-western-mali"].notes or "")


def test_claims_and_milestones_cite_the_pages_that_carry_them(facts: FactBase) -> None:
    assert "fratmat-jnim-western-mali" in facts.relationships["jnim-opposed-to-mali"].sources
    exit_steps = {m.date.isoformat(): m.sources for m in facts.events["aes-ecowas-exit"].milestones}
    for day in ("2024-12-15", "2025-01-29"):
        assert "allafrica-ecowas-summit-december-2024" in exit_steps[day], day


def test_names_no_page_read_gives_are_flagged(facts: FactBase) -> None:
    for actor_id in ("islamic-state-sahel-province", "wagner", "aes"):
        assert facts.actors[actor_id].needs_review is not None, actor_id
