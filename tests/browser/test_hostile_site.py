"""The hostile site in Chromium: no payload runs, and nothing appears that we did not put there.

The site is built by MkDocs from a fact base holding each payload of
tests/fixtures/hostile/site-payloads.yaml in every text field of every entity kind
(tests/fixtures/hostile_site.py), and its benign twin from the same fact base with
placeholder text. Every page of the hostile site is opened with a dialog handler, its
figures drawn and every point of them hovered; the payloads' words are typed into search;
one in-site link and a search result are followed by instant navigation. No dialog may open,
no page error or console error may occur, and no element or attribute may appear that the
benign twin's page of the same kind lacks: a recorder installed before any script runs
notes every element and attribute a page ever holds (hover labels and search results come
and go), with every inline event handler and script: URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from browsing import RENDERED, Tab
from playwright.sync_api import Dialog, Locator, Page, expect

from generator.schema import URL_PATTERN
from tests.fixtures.hostile_site import PAYLOADS, entity_pages
from tests.fixtures.url_samples import ACCEPTED, REFUSED

# Installed before any script of each document runs: records every (element, attribute)
# the document ever holds, and everything that could run script.
RECORDER = """(() => {
  const seen = new Set();
  const problems = [];
  const risky = /^\\s*(javascript|vbscript|data):/i;
  const urlAttributes = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data']);
  const noteAttribute = (element, name) => {
    seen.add(element.localName + ' ' + name);
    const value = element.getAttribute(name) || '';
    if (name.startsWith('on')) problems.push(element.localName + ' has ' + name + '=' + value);
    if (name === 'srcdoc' || (urlAttributes.has(name) && risky.test(value))) {
      problems.push(element.localName + ' has ' + name + '=' + value);
    }
  };
  // A script's text may come after the element (the parser adds it in pieces): each
  // change is looked at, and what scripts a page holds is noted once it has loaded.
  const noteScript = (script) => {
    if (/alert\\(/.test(script.text)) problems.push('script runs ' + script.text.slice(0, 80));
  };
  const noteElement = (element) => {
    seen.add(element.localName);
    element.getAttributeNames().forEach((name) => noteAttribute(element, name));
    if (element.localName === 'script') noteScript(element);
  };
  const noteTree = (node) => {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    noteElement(node);
    node.querySelectorAll('*').forEach(noteElement);
  };
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === 'attributes') noteAttribute(mutation.target, mutation.attributeName);
      mutation.addedNodes.forEach(noteTree);
      const script = mutation.target.closest ? mutation.target : mutation.target.parentElement;
      if (script && script.localName === 'script') noteScript(script);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  // Material's search runs in a worker that answers each message once: counting both ways
  // tells when the results of the last key typed have come back.
  const Worker = window.Worker;
  window.__worker = { posted: 0, answered: 0 };
  window.Worker = class extends Worker {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { window.__worker.answered += 1; });
    }
    postMessage(...args) {
      window.__worker.posted += 1;
      return super.postMessage(...args);
    }
  };
  window.__recorded = () => {
    noteTree(document.documentElement);
    document.querySelectorAll('script').forEach((script) => seen.add('script ' + (script.src
      ? new URL(script.src).pathname.replace(/.*\\//, '') : script.text.trim().slice(0, 60))));
    return { seen: Array.from(seen), problems: problems.slice() };
  };
})();"""

# The search results have settled: the worker has answered every query, and the results
# shown are the same on two polls.
SETTLED = """() => {
  const meta = document.querySelector('.md-search-result__meta').textContent;
  const links = Array.from(document.querySelectorAll('.md-search-result__link'));
  const now = meta + ' ' + links.map((a) => a.href).join(' ');
  const answered = window.__worker.posted === window.__worker.answered;
  const settled = answered && window.__searchResults === now;
  window.__searchResults = answered ? now : null;
  return settled;
}"""

# How many points a figure has (not the range slider's copies), and the centre of one of
# them, scrolled to the middle of the window first (a figure can be taller than it).
POINTS = """(gd) => gd.querySelectorAll('.scatterlayer .point').length"""
POINT = """(gd, index) => {
  const point = Array.from(gd.querySelectorAll('.scatterlayer .point'))
    .filter((p) => !p.closest('.rangeslider-container'))[index];
  if (!point) return null;
  point.scrollIntoView({ block: 'center', inline: 'nearest' });
  const box = point.getBoundingClientRect();
  return [box.x + box.width / 2, box.y + box.height / 2];
}"""


NAMED_FROM_TEXT = {"/map/*/", "/sources/*/"}


def _kind(path: str) -> str:
    """Pages made from the same template: an entity's page stands for all of its kind, and
    one page of a split list (a year, a place, a publisher, a kind, a status) for all."""
    parts = path.strip("/").split("/")
    if len(parts) == 2 and parts[0] in (
        "events",
        "actors",
        "topics",
        "timeline",
        "map",
        "sources",
        "relationships",
        "claims",
    ):
        return f"/{parts[0]}/*/"
    if len(parts) == 3 and parts[0] == "topics":
        return "/topics/*/*/"
    return path


def site_pages(base: str, page: Page) -> list[str]:
    """Every page of the site, from its sitemap (instant navigation's list too)."""
    page.goto(base + "/sitemap.xml")
    locations = re.findall(r"<loc>([^<]+)</loc>", page.content())
    paths = sorted({location.removeprefix(base) for location in locations})
    assert "/" in paths
    return paths


@dataclass
class Reader:
    """Pages of one of the two sites, each opened in a new tab of the same browser context,
    with a dialog handler and the recorder installed in every document."""

    tab: Tab
    dialogs: list[str] = field(default_factory=list)
    seen: dict[str, set[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        context = self.tab.page.context
        context.add_init_script(RECORDER)
        context.on("page", lambda page: page.on("dialog", self._dialog))
        self.tab.page.on("dialog", self._dialog)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {dialog.page.url}")
        dialog.dismiss()

    def record(self, path: str) -> None:
        """What the open document held, noted under its kind of page."""
        found = self.tab.page.evaluate("window.__recorded()")
        self.seen.setdefault(_kind(path), set()).update(found["seen"])
        self.problems += [f"{path}: {problem}" for problem in found["problems"]]

    def read(self, path: str) -> None:
        """Open the page in a new tab, draw its figures, hover every point of them, and
        record it. The last page is closed only then: navigating away from it at once would
        abort what it still fetched (its favicon, the search index)."""
        last = self.tab.page
        page = last.context.new_page()
        self.tab = replace(self.tab, page=page)
        self.tab.goto(path)
        figures = page.locator(".sahel-figure[data-figure]:visible")
        for index in range(figures.count()):
            figure = figures.nth(index)
            figure.scroll_into_view_if_needed()
            expect(figure).to_have_class(RENDERED, timeout=15_000)
            labels = figure.locator(".hoverlayer .hovertext")
            for index in range(figure.evaluate(POINTS)):
                centre = figure.evaluate(POINT, index)
                if centre is None:
                    break  # the range slider's copies are left
                # Away first, so that each point's label is drawn anew, then onto the point.
                page.mouse.move(0, 0)
                expect(labels).to_have_count(0)
                page.mouse.move(*centre)
                expect(labels.first).to_be_attached()
            page.mouse.move(0, 0)
        self.record(path)
        last.close()

    def open_search(self) -> Locator:
        """Click into the search box, as often as it takes to open search: right after an
        instant navigation, search can close again under the first click (Material is still
        swapping the page in after its title has changed)."""
        box = self.tab.page.locator("input.md-search__input")
        opened = self.tab.page.locator("#__search")
        for _ in range(3):
            box.click()
            try:
                expect(opened).to_be_checked(timeout=2_000)
                break
            except AssertionError:
                box.blur()
        expect(opened).to_be_checked()
        return box

    def search(self, words: list[str]) -> set[str]:
        """Type each word into the search box and wait for its results; the words found."""
        page = self.tab.page
        box = self.open_search()
        meta = page.locator(".md-search-result__meta")
        found = set()
        for word in words:
            box.fill("")
            expect(meta).to_have_text(re.compile("Type to start"))
            box.press_sequentially(word, delay=5)
            page.wait_for_function(SETTLED, polling=150)
            if re.search(r"\d+ matching document", meta.inner_text()):
                found.add(word)
        page.keyboard.press("Escape")
        return found


def payload_words() -> list[str]:
    """The words of every payload, as a reader would type them: each once."""
    words = re.findall(r"\w{3,}|[^\w\s]{2,}", " ".join(PAYLOADS.values()))
    return list(dict.fromkeys(words))


def benign_reference(open_site_tab: Callable[..., Tab]) -> dict[str, set[str]]:
    """What each kind of page of the benign twin holds: one page of each kind read with
    every point hovered, and search used on the home page."""
    reader = Reader(open_site_tab("benign"))
    # The first page of each kind, and those of the set with the longest text.
    longest = max(PAYLOADS, key=lambda name: len(PAYLOADS[name]))
    paths = set(entity_pages(longest).values())
    for path in site_pages(reader.tab.base, reader.tab.page):
        # A place's and a publisher's pages are named from their text, so the longest
        # text's page is not known by name: each of them is read.
        if _kind(path) not in {_kind(p) for p in paths} or _kind(path) in NAMED_FROM_TEXT:
            paths.add(path)
    for path in sorted(paths):
        reader.read(path)
    reader.read("/")
    # Found words, and a word found nowhere next to one found (Material strikes it out).
    assert reader.search(["Placeholder", "item", "code", "quote", "link", "Placeholder zzz"])
    reader.record("/")
    assert "del" in reader.seen["/"]  # "Missing: zzz"
    assert reader.dialogs == []
    assert reader.problems == []
    reader.tab.traffic.assert_clean()
    return reader.seen


def test_no_page_runs_a_payload_or_holds_what_we_did_not_put_there(
    open_hostile_site_tab: Callable[..., Tab],
) -> None:
    reference = benign_reference(open_hostile_site_tab)
    reader = Reader(open_hostile_site_tab("hostile"))
    paths = site_pages(reader.tab.base, reader.tab.page)
    assert len(paths) > 5 * len(PAYLOADS)
    for path in paths:
        reader.read(path)
    reader.read("/")
    words = payload_words()
    found = reader.search(words)
    reader.record("/")
    assert {"Sahel", "ECOWAS", "Mali"} <= found, words
    assert reader.dialogs == []
    assert reader.problems == []
    added = {
        kind: sorted(seen - reference.get(kind, set()))
        for kind, seen in reader.seen.items()
        if seen - reference.get(kind, set())
    }
    assert added == {}
    reader.tab.traffic.assert_clean()


def test_instant_navigation_to_the_reproduction_shows_its_title_as_text(
    open_hostile_site_tab: Callable[..., Tab],
) -> None:
    reader = Reader(open_hostile_site_tab("hostile"))
    page = reader.tab.page
    pages = entity_pages("title-script")
    reader.tab.goto(pages["storyline"])
    # A full page load would lose this; Material's instant navigation keeps the window.
    page.evaluate("window.sahelTestMarker = 'first page'")
    incident = pages["incident"].strip("/").split("/")[-1]
    link = page.locator(f'article a[href$="{incident}/"]:visible').first
    expect(link).to_have_text(PAYLOADS["title-script"])
    link.click()
    page.wait_for_url(reader.tab.url(pages["incident"]))
    expect(page).to_have_title(f"{PAYLOADS['title-script']} - The Sahel crisis")
    expect(page.locator("article h1")).to_contain_text(PAYLOADS["title-script"])
    assert page.evaluate("window.sahelTestMarker") == "first page"
    # A search result, followed: the search terms are highlighted on the page it opens.
    reader.open_search().press_sequentially("Sahel", delay=5)
    result = page.locator(".md-search-result__list a.md-search-result__link").first
    expect(result).to_be_visible()
    result.click()
    page.wait_for_url(re.compile(r".*\?h=sahel", re.IGNORECASE))
    expect(page.locator("article mark")).not_to_have_count(0)
    assert page.evaluate("window.sahelTestMarker") == "first page"
    reader.record(page.url.removeprefix(reader.tab.base))
    assert reader.dialogs == []
    assert reader.problems == []
    reader.tab.traffic.assert_clean()


def test_ecmascript_reads_the_url_pattern_of_the_json_schema_as_the_checker_does(
    open_hostile_site_tab: Callable[..., Tab],
) -> None:
    """Editors' tools check the JSON Schemas with ECMAScript regular expressions."""
    tab = open_hostile_site_tab("hostile")
    tab.goto("/")
    samples = [u for u in [*ACCEPTED, *REFUSED] if not re.search("[\U00010000-\U0010ffff]", u)]
    verdicts = tab.page.evaluate(
        """([pattern, samples]) => samples.map((s) =>
             [new RegExp(pattern).test(s), new RegExp(pattern, 'u').test(s)])""",
        [URL_PATTERN, samples],
    )
    assert verdicts == [[u in ACCEPTED, u in ACCEPTED] for u in samples]
    tab.traffic.assert_clean()
