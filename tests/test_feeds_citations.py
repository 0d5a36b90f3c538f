"""The Atom feed, the calendar, the citations and the archive command.

The feed and calendar are parsed back (Atom with lxml, feedgen's own XML library; the
calendar with icalendar) and checked for the standards' required fields; citations are
compared with golden files and parsed back with bibtexparser.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import icalendar
import pytest
from bibtexparser import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares import LatexDecodingMiddleware
from bibtexparser.model import Entry, Field
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from generator import cli
from generator.corpus import load_corpus
from generator.dates import PartialDate
from generator.history import NO_HISTORY
from generator.model import FactBase
from generator.render import citations
from generator.render.citations import Citable, SiteInfo, bibliography_files, citation_files
from generator.render.feeds import FOLD_OCTETS, _folded, _text, atom_feed, calendar
from generator.render.pages_ledgers import publisher_page

FIXTURE = Path(__file__).parent / "fixtures" / "site_small" / "content"
GOLDEN = Path(__file__).parent / "golden" / "citations"
SITE = SiteInfo(url="https://example.org/sahel/")
ATOM = "{http://www.w3.org/2005/Atom}"


def facts_of(content: Path) -> FactBase:
    result = load_corpus(content)
    assert result.facts is not None, result.diagnostics
    return result.facts


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The small fact base, with the Niger coup known only to the month."""
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE, folder)
    event = folder / "events" / "niger-coup-2023.yaml"
    text = event.read_text(encoding="utf-8")
    assert "date: '2023-07-26'\n" in text
    event.write_text(text.replace("date: '2023-07-26'\n", "date: '2023-07'\n", 1))
    return folder


def test_the_atom_feed_has_the_required_elements(content: Path) -> None:
    facts = facts_of(content)
    feed = etree.fromstring(atom_feed(facts, NO_HISTORY, SITE))
    assert feed.tag == f"{ATOM}feed"
    for element in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{element}").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(facts.events)
    for entry in entries:
        for element in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{element}").text, element
        dt.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
    first = entries[0]
    assert first.find(f"{ATOM}title").text == "JNIM attack on Bamako"
    assert first.find(f"{ATOM}id").text == "https://example.org/sahel/events/bamako-attack-2024/"
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == "https://example.org/sahel/feed.xml"


def test_the_calendar_keeps_each_event_as_precise_as_it_is_known(content: Path) -> None:
    facts = facts_of(content)
    parsed = icalendar.Calendar.from_ical(calendar(facts, NO_HISTORY, SITE))
    events = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    assert len(events) == len(facts.events)
    for event in events.values():
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert required in event
    coup = events["niger-coup-2023@example.org"]
    start, end = coup.decoded("DTSTART"), coup.decoded("DTEND")
    # The whole of July 2023, never a one-day entry on the 1st.
    assert (start, end) == (dt.date(2023, 7, 1), dt.date(2023, 8, 1))
    assert str(coup["SUMMARY"]).endswith("(date known to the month)")
    bamako = events["bamako-attack-2024@example.org"]
    assert (bamako.decoded("DTSTART"), bamako.decoded("DTEND")) == (
        dt.date(2024, 9, 17),
        dt.date(2024, 9, 18),
    )
    assert str(bamako["SUMMARY"]) == "JNIM attack on Bamako"
    assert str(bamako["URL"]) == "https://example.org/sahel/events/bamako-attack-2024/"


def test_every_line_of_the_calendar_is_at_most_75_octets(content: Path) -> None:
    written = calendar(facts_of(content), NO_HISTORY, SITE)
    assert written.endswith(b"END:VCALENDAR\r\n")
    lines = written.split(b"\r\n")[:-1]
    assert all(len(line) <= FOLD_OCTETS for line in lines)
    assert b"\n" not in b"".join(lines)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_reads_back_from_the_calendar_as_written(text: str) -> None:
    """Escaping and folding, the two things the calendar writes by hand, checked with the
    icalendar library over any text: emoji, accents, backslashes, commas and line breaks."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//EN",
        "BEGIN:VEVENT",
        "UID:x@example.org",
        "DTSTAMP:20240101T000000Z",
        "DTSTART;VALUE=DATE:20240101",
        f"SUMMARY:{_text(text)}",
        f"DESCRIPTION:{_text('A, b; ' + text)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    written = "".join(_folded(line) + "\r\n" for line in lines).encode("utf-8")
    assert all(len(line) <= FOLD_OCTETS for line in written.split(b"\r\n"))
    event = next(iter(icalendar.Calendar.from_ical(written).walk("VEVENT")))
    as_read = text.replace("\r\n", "\n").replace("\r", "\n")
    assert str(event["SUMMARY"]) == as_read
    assert str(event["DESCRIPTION"]) == "A, b; " + as_read


def golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert data.decode("utf-8") == path.read_text(encoding="utf-8"), (
        f"{name} differs; UPDATE_GOLDEN=1 regenerates"
    )


def test_a_page_citation_matches_its_golden_files() -> None:
    page = Citable("events/bamako-attack-2024.md", "JNIM attack on Bamako", PartialDate(2026, 3, 2))
    for path, data in citation_files(page, SITE).items():
        golden(path.replace("/", "-"), data)


def test_the_bibliography_matches_its_golden_files() -> None:
    files = bibliography_files(facts_of(FIXTURE))
    golden("sources.bib", files["sources.bib"])
    golden("sources.csl.json", files["sources.csl.json"])
    items = json.loads(files["sources.csl.json"])
    assert len(items) == len(facts_of(FIXTURE).sources)


@pytest.mark.parametrize(
    "title",
    ["Bamako {attack", "50 % & $x$ \\end{document} }", "Ségou — « Mali »", "a_b#c~d"],
)
def test_bibtex_keeps_any_title_as_written(title: str) -> None:
    page = Citable("actors/jnim.md", title, None)
    files = citation_files(page, SITE)
    library = parse_string(
        files["actors/jnim.bib"].decode(), append_middleware=[LatexDecodingMiddleware()]
    )
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.fields_dict["title"].value == title
    assert entry.fields_dict["url"].value == "https://example.org/sahel/actors/jnim/"
    assert json.loads(files["actors/jnim.csl.json"])[0]["title"] == title


# Text the quick path of citations._latex takes, and text that looks like it but is not.
_LATEX_ALPHABET = "".join(map(chr, range(32, 127))) + "éà«»—’"
_LATEX_PIECES = ["www", "http", "https://a.b/c", "www.x.y", "--", "...", "''", "`"]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(st.text(_LATEX_ALPHABET, max_size=8), st.sampled_from(_LATEX_PIECES)),
        max_size=6,
    ).map("".join)
)
def test_latex_encoding_is_the_middlewares_own(text: str) -> None:
    encoded = citations._ENCODE.transform_entry(
        Entry("online", "", [Field("text", text)]), Library()
    )
    assert citations._latex.__wrapped__(text) == encoded["text"]


def test_sources_missing_archive_lists_addressed_sources_without_a_copy(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archived = content / "sources" / "bbc-bamako-attack-2024-09-17.yaml"
    text = archived.read_text(encoding="utf-8")
    archived.write_text(
        text + "archive_url: https://web.archive.org/web/2024/https://www.bbc.com/x\n"
        "archived: '2024-09-18'\n"
    )
    status = cli.main(["sources", "--missing-archive", "--content", str(content), "--no-cache"])
    out, err = capsys.readouterr()
    assert status == 0
    lines = out.splitlines()
    assert lines[:3] == [
        "content/sources/7info-goita-promotion.yaml: "
        "https://7info.ci/mali-assimi-goita-desormais-general-darmee",
        "content/sources/aljazeera-goita-mandate.yaml: https://www.aljazeera.com/news/2025/7/4/"
        "mali-military-chief-granted-renewable-five-year-presidential-term",
        "content/sources/allafrica-202501290308.yaml: https://allafrica.com/stories/202501290308",
    ]
    assert len(lines) == 33
    assert not any("bbc-bamako-attack" in line for line in lines)
    assert err == "33 of 34 sources with an address have no archived copy\n"
    # The source's page links to the live page and to the archived copy.
    page = publisher_page(facts_of(content), "sources/bbc-news.md")
    entry = page[page.index('id="bbc-bamako-attack-2024-09-17"') :]
    assert entry.split("<br>")[0] == (
        'id="bbc-bamako-attack-2024-09-17" markdown>\n\n'
        "**[Page at feeds.bbci.co.uk](<https://feeds.bbci.co.uk/news/articles/ce8d996x1r0o>)** "
        "(headline not recorded) · [archived copy, 18 September 2024]"
        "(<https://web.archive.org/web/2024/https://www.bbc.com/x>)"
    )


def test_an_archive_needs_its_date(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = content / "sources" / "bbc-bamako-attack-2024-09-17.yaml"
    source.write_text(
        source.read_text(encoding="utf-8") + "archive_url: https://web.archive.org/web/2024/x\n"
    )
    assert cli.main(["check", "--content", str(content), "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert "give 'archive_url' and 'archived' (the capture's date) together" in out
