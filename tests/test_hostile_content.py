"""Hostile text in every field an editor controls: shown as text, never run as markup.

Each payload of tests/fixtures/hostile/payloads.yaml goes through the whole pipeline (YAML
file → loader → validation → pages, figures, data files), and each page is rendered with
MkDocs' own Markdown configuration. In plain-text fields a payload must leave the page's
structure exactly as with placeholder text; in Markdown fields it may only bring elements
a Markdown field is allowed to have. Nowhere may it add script, event handlers, or links
to anything but http(s).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mkdocs.utils import meta

from generator import markdown as md
from generator.build import generate
from generator.render.data_export import FORMULA_STARTS, spreadsheet_safe
from tests.test_security_corpus import (
    EDIT_BASE,
    MARKDOWN_FIELDS,
    PAYLOADS,
    REFUSED_PAYLOADS,
    SHOWN_PAYLOADS,
    TEXT_FIELDS,
    Texts,
    corpus,
    expected_text,
    h1_texts,
    one_publisher_page,
    placeholder,
    structure,
    to_html,
    unsafe_parts,
    write_corpus,
)


def build(tmp_path: Path, texts: Texts, name: str) -> dict[str, bytes]:
    """The site's files, built by the generator from YAML files holding `texts`."""
    project = tmp_path / name
    write_corpus(project / "content", corpus(texts))
    result = generate(project / "content", project / "site_src", edit_base=EDIT_BASE)
    assert result.ok, [d.format_text() for d in result.diagnostics]
    out = project / "site_src"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def pages_html(files: dict[str, bytes]) -> dict[str, str]:
    return one_publisher_page(
        {path: to_html(data.decode()) for path, data in files.items() if path.endswith(".md")}
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every page rendered with placeholder text (rich Markdown in Markdown fields)."""
    return pages_html(build(tmp_path_factory.mktemp("reference"), placeholder, "reference"))


def plain_only(payload: str) -> Texts:
    return lambda field: placeholder(field) if field in MARKDOWN_FIELDS else payload


def markdown_only(payload: str) -> Texts:
    return lambda field: payload if field in MARKDOWN_FIELDS else placeholder(field)


def test_the_payload_list_covers_both_refused_and_shown_text() -> None:
    assert len(REFUSED_PAYLOADS) >= 2
    assert len(SHOWN_PAYLOADS) + len(REFUSED_PAYLOADS) == len(PAYLOADS)


@pytest.mark.parametrize("payload", REFUSED_PAYLOADS)
def test_blank_or_invisible_text_is_refused_in_every_text_field(
    tmp_path: Path, payload: str
) -> None:
    project = tmp_path / "site"
    write_corpus(project / "content", corpus(lambda field: payload))
    result = generate(project / "content", project / "site_src", edit_base=EDIT_BASE)
    assert not result.ok
    refused = {d.code for d in result.diagnostics}
    assert refused == {"invalid-text"}
    # Every text field of every kind is refused: none lets the payload through to a page.
    named = {(d.path.split("/")[1], d.message.split("'")[1]) for d in result.diagnostics}
    assert named == {(f.split(".")[0], f.split(".")[-1]) for f in TEXT_FIELDS}
    assert not (project / "site_src").exists()


@pytest.mark.parametrize("payload", SHOWN_PAYLOADS)
def test_a_payload_in_plain_text_fields_is_shown_as_text(
    tmp_path: Path, reference: dict[str, str], payload: str
) -> None:
    pages = pages_html(build(tmp_path, plain_only(payload), "site"))
    assert set(pages) == set(reference)
    for path, html_text in pages.items():
        assert unsafe_parts(html_text) == [], path
        # The same elements with the same attributes, in the same order: no structure added.
        assert structure(html_text) == structure(reference[path]), path
    # Titles and names appear literally as the pages' headings.
    shown = expected_text(payload)
    assert h1_texts(pages["events/incident.md"]) == [shown]
    assert h1_texts(pages["actors/alpha.md"]) == [shown]
    assert h1_texts(pages["topics/storyline.md"]) == [shown]


@pytest.mark.parametrize("payload", SHOWN_PAYLOADS)
def test_a_payload_in_markdown_fields_brings_only_allowed_markup(
    tmp_path: Path, reference: dict[str, str], payload: str
) -> None:
    pages = pages_html(build(tmp_path, markdown_only(payload), "site"))
    for path, html_text in pages.items():
        assert unsafe_parts(html_text) == [], path
        # Nothing a Markdown field cannot bring: compare with the rich-Markdown reference.
        assert set(structure(html_text)) <= set(structure(reference[path])), path


@pytest.mark.parametrize(
    "payload",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"],
)
def test_a_script_title_appears_literally_in_the_page_source(tmp_path: Path, payload: str) -> None:
    files = build(tmp_path, lambda field: payload, "site")
    page = files["events/incident.md"].decode("utf-8")
    html_text = to_html(page)
    assert html_text.startswith(f'<h1 id="{_slug(html_text)}">{_escaped(payload)}<a ')
    assert "<script" not in html_text and "<img" not in html_text


def _escaped(payload: str) -> str:
    return payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slug(html_text: str) -> str:
    match = re.match(r'<h1 id="([^"]*)">', html_text)
    assert match is not None
    return match.group(1)


# --- figures ---------------------------------------------------------------------------------

# The markup the figure code itself puts into Plotly's text: bold, line breaks, <extra>.
_OWN_PLOTLY_MARKUP = re.compile(r"</?b>|<br>|<extra></extra>")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


@pytest.mark.parametrize("payload", SHOWN_PAYLOADS)
def test_figure_text_is_escaped_for_plotly_and_figures_are_never_inlined(
    tmp_path: Path, payload: str
) -> None:
    files = build(tmp_path, lambda field: payload, "site")
    figures = {p: d for p, d in files.items() if p.startswith("figures/")}
    assert set(figures) == {
        "figures/map.json",
        "figures/network.json",
        "figures/timeline-topic.json",
        "figures/timeline-country.json",
        "figures/topic-storyline.json",
        "figures/actor-alpha.json",
        "figures/actor-beta.json",
    }
    for path, data in figures.items():
        for value in _strings(json.loads(data)):
            assert "<" not in _OWN_PLOTLY_MARKUP.sub("", value), (path, value)
    for path, data in files.items():
        if path.endswith(".md"):
            # Figures are separate JSON files loaded by the figure script, never page text.
            # (The front matter holds the page's summary as plain text, which the theme
            # escapes: tests/test_hostile_site.py reads it back from the built <head>.)
            page, front_matter = meta.get_data(data.decode("utf-8"))
            assert set(front_matter) <= {"description", "figure_bundles", "tags"}, path
            assert "<script" not in page.lower(), path
            for target in re.findall(r'data-figure="([^"]*)"', page):
                assert target in figures, (path, target)


def test_the_hover_label_holds_the_payload_as_escaped_text(tmp_path: Path) -> None:
    payload = '<br><b>bold</b><a href="javascript:alert(1)">x</a> & co'
    files = build(tmp_path, lambda field: payload, "site")
    timeline = json.loads(files["figures/timeline-topic.json"])
    markers = [t for t in timeline["data"] if t["mode"] == "markers"]
    assert markers[0]["text"][0] == (
        '<b>&lt;br&gt;&lt;b&gt;bold&lt;/b&gt;&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt; '
        "&amp; co</b><br>September 2024<br>click, or tap again, to open"
    )


# --- CSV exports ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload", [p for p in PAYLOADS if p.startswith(FORMULA_STARTS)] + ["=1+1", "@x", "+x", "-x"]
)
def test_csv_cells_never_start_a_formula(tmp_path: Path, payload: str) -> None:
    files = build(tmp_path, lambda field: payload, "site")
    protected = 0
    for path, data in files.items():
        if not path.endswith(".csv"):
            continue
        for row in csv.reader(io.StringIO(data.decode("utf-8"))):
            for value in row:
                if value == "'" + payload:
                    protected += 1
                assert not value.startswith(FORMULA_STARTS) or _is_number(value), (path, value)
    assert protected > 10


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_spreadsheet_safe_follows_owasp(value: str, cell: str) -> None:
    assert spreadsheet_safe(value) == cell


def test_numbers_in_csv_stay_numbers(tmp_path: Path) -> None:
    files = build(tmp_path, placeholder, "site")
    rows = list(csv.DictReader(io.StringIO(files["data/events.csv"].decode("utf-8"))))
    incident = next(r for r in rows if r["id"] == "incident")
    assert incident["lon"] == "-8.0"
    assert incident["lat"] == "12.64"


# --- what the checker can tell editors ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        ("Plain *Markdown* with [a link](https://example.org/).", []),
        (
            "<b>bold</b>",
            ["raw HTML is shown as text; use Markdown instead"],
        ),
        (
            "[x](javascript:alert(1))",
            ["link to 'javascript:alert(1)' removed: only http(s) links are allowed"],
        ),
        ("![p](https://t.example/p.gif)", ["images are not shown; link to the picture instead"]),
        (
            "[x][r]\n\n[r]: https://example.org/",
            [
                "reference-style links, images and footnotes are shown as text; "
                "write links as [text](https://...)"
            ],
        ),
    ],
)
def test_markdown_problems_name_what_is_removed(value: str, problems: list[str]) -> None:
    assert md.markdown_problems(value) == problems
