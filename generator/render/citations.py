"""Citations: "cite this page" for event and actor pages, and the sources as a bibliography.

Each citable page has two downloads beside it, `<page>.bib` (BibTeX, written by bibtexparser,
with editors' text LaTeX-encoded by its own middleware so that no brace or backslash can
break an entry) and `<page>.csl.json` (CSL-JSON, the format Zotero and citeproc read). The
sources page offers the whole bibliography in both formats.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.middlewares import LatexEncodingMiddleware, default_unparse_stack
from bibtexparser.model import Entry, Field

from generator import markdown as md
from generator.dates import PartialDate
from generator.model import FactBase
from generator.render import links
from generator.schema import Source, SourceKind

BIBLIOGRAPHY_BIBTEX = "sources.bib"
BIBLIOGRAPHY_CSL = "sources.csl.json"


@dataclass(frozen=True)
class SiteInfo:
    """What a citation says of the site: its name, and its address once published."""

    name: str = "The Sahel crisis"
    url: str | None = None  # mkdocs.yml's site_url; None in a local build
    repo_url: str | None = None  # where commits are linked; None: no links

    def address(self, page: str) -> str | None:
        """The page's full address, when the site's is known."""
        if self.url is None or not md.is_safe_url(self.url):
            return None
        path = links.site_url(page) if page.endswith(".md") else page
        return self.url.rstrip("/") + "/" + path


@dataclass(frozen=True)
class Citable:
    page: str  # the page's path under site_src/, such as events/bamako-attack.md
    title: str
    last_changed: PartialDate | None  # from the history; None without one


def citation_files(item: Citable, site: SiteInfo) -> dict[str, bytes]:
    """The page's BibTeX and CSL-JSON downloads."""
    stem = item.page.removesuffix(".md")
    key = stem.rsplit("/", 1)[-1]
    return {
        f"{stem}.bib": _bibtex([_page_entry(key, item, site)]),
        f"{stem}.csl.json": _csl_json([_page_csl(stem, item, site)]),
    }


def cite_block(item: Citable, site: SiteInfo) -> str:
    """The "Cite this page" section: a ready citation and the two downloads."""
    stem = item.page.removesuffix(".md").rsplit("/", 1)[-1]
    words = [f"“{md.text(item.title)}”.", f"*{md.text(site.name)}*."]
    if item.last_changed is not None:
        words.append(f"Last changed {item.last_changed.human()}.")
    address = site.address(item.page)
    if address is not None:
        words.append(f"<{address}>")
    return (
        "## Cite this page\n\n"
        f'<div class="sahel-cite" markdown>\n\n{" ".join(words)}\n\n</div>\n\n'
        f"Download the citation: [BibTeX]({stem}.bib) · [CSL-JSON]({stem}.csl.json).\n"
    )


def archived_copy(source: Source) -> str:
    """The link to a source's archived copy, after its live link; empty without one."""
    if source.archive_url is None or source.archived is None:
        return ""
    href = md.safe_href(source.archive_url)
    captured = f"archived copy, {source.archived.human()}"
    return f" · [{captured}](<{href}>)" if href is not None else f" · {captured}"


def bibliography_links(page: str) -> str:
    bibtex = links.relative(page, BIBLIOGRAPHY_BIBTEX)
    csl = links.relative(page, BIBLIOGRAPHY_CSL)
    return f"Download the whole bibliography: [BibTeX]({bibtex}) · [CSL-JSON]({csl}).\n"


def bibliography_files(facts: FactBase) -> dict[str, bytes]:
    """Every source, as BibTeX and as CSL-JSON."""
    sources = sorted(facts.sources.values(), key=lambda s: s.id)
    return {
        BIBLIOGRAPHY_BIBTEX: _bibtex(_source_entry(s) for s in sources),
        BIBLIOGRAPHY_CSL: _csl_json(_source_csl(s) for s in sources),
    }


# --- BibTeX (biblatex's @online, which Zotero, JabRef and biber read) ------------------------

_ENCODE = LatexEncodingMiddleware(keep_math=False, allow_inplace_modification=True)


def _page_entry(key: str, item: Citable, site: SiteInfo) -> Entry:
    text = {"title": item.title, "organization": site.name}
    verbatim = {"date": item.last_changed.isoformat() if item.last_changed else None}
    verbatim["url"] = site.address(item.page)
    return _entry(key, text, verbatim)


def _source_entry(source: Source) -> Entry:
    text = {"title": source.title, "organization": source.publisher}
    verbatim = {
        "date": source.published.isoformat() if source.published else None,
        "url": md.safe_href(source.url) if source.url else None,
        "urldate": source.accessed.isoformat() if source.accessed else None,
    }
    return _entry(source.id, text, verbatim)


def _entry(key: str, text: Mapping[str, str | None], verbatim: Mapping[str, str | None]) -> Entry:
    """An @online entry; `text` is LaTeX-encoded, `verbatim` (dates, addresses) is not."""
    entry = Entry("online", key, [Field(k, _latex(v)) for k, v in text.items() if v is not None])
    for name, value in verbatim.items():
        if value is not None:
            # Braces would end the field: an address keeps its meaning percent-encoded.
            entry.set_field(Field(name, value.replace("{", "%7B").replace("}", "%7D")))
    return entry


# The characters the middleware writes as they are. Its other rules are one character
# each, besides two that enclose an address (`http…`, `www…`) in \url{}. The encoder reads
# text a character at a time in Python: most titles need none of it.
_WRITTEN_AS_IS = re.compile(r"[ !'()*+,\-./0-9:;=?@A-Z\[\]`a-z|]*")


# The site's name and each publisher's recur in thousands of entries.
@functools.lru_cache(maxsize=1024)
def _latex(text: str) -> str:
    """`text` as bibtexparser's LaTeX-encoding middleware writes it in a field."""
    if _WRITTEN_AS_IS.fullmatch(text) and "http" not in text and "www" not in text:
        return text
    encoded = _ENCODE.transform_entry(Entry("online", "", [Field("text", text)]), Library())
    assert isinstance(encoded, Entry)
    return str(encoded["text"])


# The library written is made for the write alone: its middleware may change it in place
# rather than deep-copy it first (by default, most of what writing a page's file costs).
_UNPARSE = default_unparse_stack(allow_inplace_modification=True)


def _bibtex(entries: Iterable[Entry]) -> bytes:
    text: str = write_string(Library(list(entries)), unparse_stack=_UNPARSE)
    return text.encode("utf-8")


# --- CSL-JSON --------------------------------------------------------------------------------

_CSL_TYPES = {
    SourceKind.NEWS_AGENCY_REPORT: "article-newspaper",
    SourceKind.NEWS_REPORT: "article-newspaper",
    SourceKind.RESEARCH: "report",
    SourceKind.REFERENCE: "entry-encyclopedia",
}


def _page_csl(key: str, item: Citable, site: SiteInfo) -> dict[str, object]:
    found: dict[str, object] = {
        "id": key,
        "type": "webpage",
        "title": item.title,
        "container-title": site.name,
    }
    if item.last_changed is not None:
        found["issued"] = _date_parts(item.last_changed)
    address = site.address(item.page)
    if address is not None:
        found["URL"] = address
    return found


def _source_csl(source: Source) -> dict[str, object]:
    found: dict[str, object] = {
        "id": source.id,
        "type": _CSL_TYPES.get(source.kind, "document"),
        "publisher": source.publisher,
    }
    if source.title:
        found["title"] = source.title
    if source.published:
        found["issued"] = _date_parts(source.published)
    if source.url:
        found["URL"] = source.url
    if source.accessed:
        found["accessed"] = _date_parts(source.accessed)
    if source.language:
        found["language"] = source.language
    return found


def _date_parts(date: PartialDate) -> dict[str, list[list[int]]]:
    """As precisely as the date is known: [[2024]], [[2024, 9]] or [[2024, 9, 17]]."""
    parts = [date.year, date.month, date.day]
    return {"date-parts": [[p for p in parts if p is not None]]}


def _csl_json(items: Iterable[dict[str, object]]) -> bytes:
    return (json.dumps(list(items), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
