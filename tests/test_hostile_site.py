"""The hostile site built by MkDocs: every payload is plain text in the page and its <head>.

The fact base (tests/fixtures/hostile_site.py) puts each payload of
tests/fixtures/hostile/site-payloads.yaml into every text field of every entity kind; the
benign one is the same with placeholder text. Both are built by `mkdocs build --strict` with
the project's theme and overrides. What the theme writes into <head> from a page (its
<title>, its <meta> tags) must be the page's text escaped, and each page, its search index
entries included, must hold no element or attribute the benign page lacks. (The same site in
Chromium: tests/browser/test_hostile_site.py.)
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.utils import meta

from generator.render.page_meta import plain_text, shortened
from generator.schema import MODELS
from tests.fixtures.hostile_site import (
    PAYLOADS,
    benign_corpus,
    build_site,
    entity_pages,
    hostile_corpus,
    text_fields,
)
from tests.test_build_mkdocs import REPO
from tests.test_security_corpus import schema_text_fields

SETTINGS = yaml.safe_load(
    "\n".join(  # mkdocs.yml's plain settings; its !ENV tags are not needed here
        line
        for line in (REPO / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
        if "!ENV" not in line
    )
)
SITE_NAME: str = SETTINGS["site_name"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("hostile"), hostile_corpus())


@pytest.fixture(scope="module")
def benign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("benign"), benign_corpus())


def pages(project: Path) -> dict[str, str]:
    site = project / "site"
    found = {
        path.relative_to(site).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(site.rglob("*.html"))
    }
    return {_paired(path, text): text for path, text in found.items()}


# A place's page and a publisher's page are named from the place's or the publisher's name,
# which differ between the hostile site and its twin: each is paired with its twin by the
# ids of the events or the sources it lists, which the two sites share.
_LISTED_IDS = {
    "map": re.compile(r'href="\.\./\.\./events/([a-z0-9-]+)/'),
    "sources": re.compile(r'class="sahel-source" id="([a-z0-9-]+)"'),
}


def _paired(path: str, text: str) -> str:
    folder, *rest = path.split("/")
    if folder not in _LISTED_IDS or len(rest) != 2:
        return path
    ids = sorted(set(_LISTED_IDS[folder].findall(text)))
    assert ids, path
    return f"{folder}/<listing {' '.join(ids)}>/index.html"


class Page(HTMLParser):
    """What a page holds: its elements (tag and attributes), the text of its <title>, its
    <meta> tags, and its <h1> text (without the permalink)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []
        self.head: list[tuple[str, tuple[str, ...]]] = []
        self.titles: list[str] = []
        self.metas: list[dict[str, str | None]] = []
        self.h1 = ""
        self._in: set[str] = set()
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, tuple(attrs)))
        if tag == "body":
            self._in.add("body")
        if "body" not in self._in:
            self.head.append((tag, tuple(name for name, _ in attrs)))
        if tag == "meta":
            self.metas.append(dict(attrs))
        if tag == "title":
            self.titles.append("")
        if tag in ("title", "h1") or (tag == "a" and ("class", "headerlink") in attrs):
            self._in.add(tag if tag != "a" else "permalink")

    def handle_endtag(self, tag: str) -> None:
        self._in.discard("permalink" if tag == "a" else tag)

    def handle_data(self, data: str) -> None:
        if "title" in self._in:
            self.titles[-1] += data
        if "h1" in self._in and "permalink" not in self._in:
            self.h1 += data

    def shapes(self) -> set[tuple[str, tuple[str, ...]]]:
        """Each element as its tag and its attributes' names: what the page is made of."""
        return {(tag, tuple(sorted(name for name, _ in attrs))) for tag, attrs in self.elements}


def test_every_text_field_of_the_schema_holds_every_payload() -> None:
    entities = hostile_corpus()
    wanted = {f for kind, model in MODELS.items() for f in schema_text_fields(model, kind + ".")}
    for name, payload in PAYLOADS.items():
        filled: dict[str, set[str]] = {}
        for (kind, entity_id), data in entities.items():
            if entity_id.startswith(name + "-"):
                for path, text in text_fields(data, kind):
                    filled.setdefault(path, set()).add(text)
        texts = {path: filled.get(path, set()) for path in wanted}
        # The payload, or as much of it as the field takes (a title: 300 characters).
        assert all(t and all(payload.startswith(x) for x in t) for t in texts.values()), name
        assert {p for p, t in texts.items() if payload in t} >= {
            p for p in wanted if p.endswith((".summary", ".description", ".introduction"))
        }


def test_the_payloads_need_no_whitespace_collapsed() -> None:
    # So that a title compares with the page's <title> exactly, as written.
    for payload in PAYLOADS.values():
        assert " ".join(payload[:300].split()) == payload[:300].rstrip()


@pytest.mark.slow
def test_both_sites_have_the_same_pages(hostile: Path, benign: Path) -> None:
    assert set(pages(hostile)) == set(pages(benign))
    assert len(pages(hostile)) > 5 * len(PAYLOADS)


def _expected_title(path: str, page: Page) -> str:
    if path in ("index.html", "404.html"):
        return SITE_NAME
    return f"{' '.join(page.h1.split())} - {SITE_NAME}"


@pytest.mark.slow
def test_each_page_s_title_is_its_heading_as_plain_text(hostile: Path) -> None:
    for path, text in pages(hostile).items():
        page = Page(text)
        assert page.titles == [_expected_title(path, page)], path


@pytest.mark.slow
def test_an_entity_page_s_title_is_exactly_its_yaml_title(hostile: Path) -> None:
    entities = hostile_corpus()
    site = pages(hostile)
    for name in PAYLOADS:
        for role, url in entity_pages(name).items():
            kind, entity_id = url.strip("/").split("/")
            data = entities[(kind, entity_id)]
            written = data["name"] if kind == "actors" else data["title"]
            page = Page(site[url.lstrip("/") + "index.html"])
            assert page.titles == [f"{written} - {SITE_NAME}"], (name, role)
            assert " ".join(page.h1.split()) == written, (name, role)


@pytest.mark.slow
def test_the_reproduction_title_is_text_in_the_head(hostile: Path) -> None:
    text = (hostile / "site" / "events" / "title-script-incident" / "index.html").read_text(
        encoding="utf-8"
    )
    assert (
        "<title>x &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; - The Sahel crisis</title>"
        in text
    )
    legitimate = (hostile / "site" / "topics" / "legitimate-storyline" / "index.html").read_text(
        encoding="utf-8"
    )
    assert Page(legitimate).titles == [f'Mali & ECOWAS: "<draft>" - {SITE_NAME}']


def _meta(page: Page, key: str) -> list[str | None]:
    """The content of each <meta> named (name= or property=) `key`."""
    return [m["content"] for m in page.metas if key in (m.get("name"), m.get("property"))]


def _without_text(metas: list[dict[str, str | None]]) -> list[dict[str, str | None]]:
    # A page's description and title are its own text, which differ between the twins, and
    # so does the address of a page named from an editor's text (a place's, a publisher's).
    own = {"description", "og:description", "og:title", "og:url"}
    return [
        m if own.isdisjoint({m.get("name"), m.get("property")}) else {**m, "content": "…"}
        for m in metas
    ]


@pytest.mark.slow
def test_each_page_s_meta_tags_and_head_are_the_benign_page_s(hostile: Path, benign: Path) -> None:
    reference = pages(benign)
    for path, text in pages(hostile).items():
        page, same = Page(text), Page(reference[path])
        assert _without_text(page.metas) == _without_text(same.metas), path
        assert page.head == same.head, path
        assert len(_meta(page, "description")) == 1, path
        assert _meta(page, "og:description") == _meta(page, "description"), path
        title = page.titles[0].removesuffix(f" - {SITE_NAME}")
        assert _meta(page, "og:title") == [title], path


@pytest.mark.slow
def test_an_entity_page_s_description_is_its_summary_as_plain_text(hostile: Path) -> None:
    # Read back from the attribute: the exact text, whatever the payload, and nothing else.
    entities = hostile_corpus()
    site = pages(hostile)
    summary_field = {"actors": "description", "events": "summary", "topics": "introduction"}
    for name in PAYLOADS:
        for role, url in entity_pages(name).items():
            kind, entity_id = url.strip("/").split("/")
            written = entities[(kind, entity_id)][summary_field[kind]]
            page = Page(site[url.lstrip("/") + "index.html"])
            expected = shortened(plain_text(written))
            assert _meta(page, "description") == [expected], (name, role)
            assert _meta(page, "og:description") == [expected], (name, role)
    legitimate = Page(site["topics/legitimate-storyline/index.html"])
    assert _meta(legitimate, "og:title") == ['Mali & ECOWAS: "<draft>"']


@pytest.mark.slow
def test_no_page_holds_an_element_or_attribute_the_benign_page_lacks(
    hostile: Path, benign: Path
) -> None:
    reference = pages(benign)
    for path, text in pages(hostile).items():
        page = Page(text)
        assert page.shapes() <= Page(reference[path]).shapes(), path
        for tag, attrs in page.elements:
            for name, value in attrs:
                assert not name.startswith("on"), (path, tag, name)
                if name in ("href", "src", "action", "formaction"):
                    assert (
                        not (value or "")
                        .strip()
                        .lower()
                        .startswith(("javascript:", "data:", "vbscript:"))
                    ), (path, tag, value)


def _search_docs(project: Path) -> list[dict[str, Any]]:
    index = json.loads((project / "site" / "search" / "search_index.json").read_text("utf-8"))
    docs: list[dict[str, Any]] = index["docs"]
    return docs


@pytest.mark.slow
def test_the_search_index_holds_only_the_markup_the_benign_one_does(
    hostile: Path, benign: Path
) -> None:
    # Material's search shows titles and texts as HTML: they must hold escaped text.
    def shapes(docs: list[dict[str, Any]]) -> set[tuple[str, tuple[str, ...]]]:
        found: set[tuple[str, tuple[str, ...]]] = set()
        for doc in docs:
            found |= Page(doc["title"]).shapes() | Page(doc["text"]).shapes()
            for tag in doc.get("tags", []):
                found |= Page(tag).shapes()
        return found

    assert shapes(_search_docs(hostile)) <= shapes(_search_docs(benign))
    titles = {doc["location"]: doc["title"] for doc in _search_docs(hostile)}
    assert titles["events/title-script-incident/"] == (
        "x &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    # An actor's names are its page's tags, as escaped text, in every entry of its page.
    entities = hostile_corpus()
    for name in PAYLOADS:
        url = entity_pages(name)["alpha"].lstrip("/")
        actor = entities[("actors", url.strip("/").split("/")[1])]
        tags = [doc.get("tags") for doc in _search_docs(hostile) if doc["location"] == url]
        assert tags and all(
            t and html.unescape(t[0]) == " ".join(actor["name"].split()) for t in tags
        ), name


@pytest.mark.slow
def test_a_generated_page_s_front_matter_is_one_line_of_description_and_its_bundles(
    hostile: Path,
) -> None:
    # Material writes some front matter keys (`title:`) into <head> and the search index as
    # they are. The generator writes three keys only: the description, which
    # overrides/main.html escapes; the figure bundles, which it takes only from a fixed
    # list; and an actor page's names as tags, HTML-escaped (the search shows them as HTML).
    # The page itself starts with its H1.
    for path in (hostile / "site_src").rglob("*.md"):
        if (hostile / "pages" / path.relative_to(hostile / "site_src")).exists():
            continue  # a hand-written page (pages/), copied as its editor wrote it
        text = path.read_text(encoding="utf-8")
        body, data = meta.get_data(text)
        assert set(data) <= {"description", "figure_bundles", "tags"}, path
        assert all(Page(tag).shapes() == set() for tag in data.get("tags", [])), path
        assert isinstance(data["description"], str), path
        assert "\n" not in data["description"], path
        assert set(data.get("figure_bundles", [])) <= {"charts", "gl", "geo"}, path
        assert body.lstrip("\n").startswith("# "), path
