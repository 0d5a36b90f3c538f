"""A page's front matter: what the theme writes into its <head> besides the title.

- `description`: the page's summary as plain text (an event's summary, an actor's
  description, a storyline's introduction, else the page's first paragraph), which
  overrides/main.html writes, escaped, as the meta description and the Open Graph
  description. Plain text, not Markdown: a link preview shows no markup.
- `tags`: on an actor page the actor's names, aliases and their spellings without accents,
  and on every page the names its text gives with accents, without them
  (generator/render/spellings.py). Material's search indexes a page's tags in a field of
  their own, which weighs far more than the text: a search for any name of an actor lists
  its page first, where the alias in the page's text ranked it below every page with "Mali"
  in its title. The theme shows these tags nowhere on the page (that needs Material's tags
  plugin, which is off), and site.css hides them in search results.
- `figure_bundles`: the plotly.js bundles the page's figures are drawn with, which
  overrides/main.html preloads from the <head> with the figure module (figures.js), so they
  download while the page and the figure's JSON do, not after them. A page without figures
  has none, and loads neither plotly nor the figure module.

The values are written by yaml.safe_dump on one line each, so an editor's text can be a value
but never a key of its own, nor end the front matter early (tests/test_page_meta.py).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import yaml

from generator import markdown as md
from generator.render.spellings import unaccented_names

# Link previews and search engines show about this much; longer text is cut at a word.
DESCRIPTION_LIMIT = 200
ELLIPSIS = "…"
# Any figure's placeholder: a timeline's (figures_common.embed), or a competing-figures chart's
# with a class of its own besides.
_BUNDLE = re.compile(
    r'<div class="sahel-figure(?: [^"]*)?" data-figure="[^"]*" data-bundle="([a-z]+)"'
)
# A full stop after a word of four letters or more ("Col. Goïta" is not a sentence's end),
# then a capital.
_SENTENCE_END = re.compile(r"[^\s.]{4,}\.(?= [A-Z])")
# Lines that open something other than a paragraph of prose.
_NOT_PROSE = re.compile(r"^(\s|[-*+|!<=?#>\[]|\d+\.|---)")
# What Markdown or HTML could give a meaning to: text without any of these is its own text.
_MARKUP = re.compile(r"[\\`*_\[\]<>&#{}|!=?~]|^\s*(\d+\.|[-+>])")


# libyaml's emitter where PyYAML was built with it (its wheels are): the same YAML as the
# pure-Python one's, written several times faster, for every page of the site.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def front_matter(
    description: str, bundles: Sequence[str] = (), search_terms: Sequence[str] = ()
) -> str:
    """The YAML block MkDocs reads from the start of a page, with its closing line."""
    # On one line: YAML reads a line break (NEL and U+2028 included) inside a value as a space.
    data: dict[str, Any] = {"description": md.one_line(description)}
    if bundles:
        data["figure_bundles"] = list(bundles)
    if search_terms:
        # Material's search shows tags as HTML (innerHTML): each is escaped text.
        data["tags"] = [html.escape(md.one_line(term)) for term in search_terms]
    dumped = yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1 << 30)
    return f"---\n{dumped}---\n\n"


def with_front_matter(
    page: str, description: str | None = None, search_terms: Sequence[str] = ()
) -> str:
    """The page with its front matter; the description is its first paragraph if not given."""
    summary = description if description is not None else first_paragraph(page)
    given = {term.casefold() for term in search_terms}
    named = [name for name in unaccented_names(page) if name.casefold() not in given]
    terms = [*search_terms, *named]
    return front_matter(shortened(plain_text(summary)), figure_bundles(page), terms) + page


def figure_bundles(page: str) -> list[str]:
    """The bundles of the page's figures, in order of first use."""
    return list(dict.fromkeys(_BUNDLE.findall(page)))


def first_paragraph(markdown: str) -> str:
    """The first paragraph of prose below the page's heading, or '' if there is none."""
    for block in re.split(r"\n[ \t]*\n", markdown.strip()):
        if block.startswith("# ") or _NOT_PROSE.match(block):
            continue
        return block
    return ""


def shortened(text: str) -> str:
    """At most DESCRIPTION_LIMIT characters: whole sentences if they fill half of it, else
    cut at a word, with an ellipsis."""
    if len(text) <= DESCRIPTION_LIMIT:
        return text
    head = text[: DESCRIPTION_LIMIT - len(ELLIPSIS) + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(head) if m.end() >= DESCRIPTION_LIMIT // 2]
    if ends:
        return head[: ends[-1]]
    return head.rsplit(" ", 1)[0].rstrip(" ,;:–—-") + ELLIPSIS


@lru_cache(maxsize=1 << 12)
def plain_text(markdown: str) -> str:
    """What a reader sees of a fragment of Markdown (the first paragraph of it), as text."""
    paragraph = re.split(r"\n[ \t]*\n", md.markdown_field(markdown), maxsplit=1)[0]
    if not _MARKUP.search(paragraph):
        return md.one_line(paragraph)
    reader = _Text()
    reader.feed(md.render_page_markdown(paragraph))
    reader.close()
    return md.one_line("".join(reader.parts))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
