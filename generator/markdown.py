"""Escaping: the one place where text an editor wrote becomes Markdown, HTML or hover text.

Plain-text fields (titles, names, aliases, claims, quotes, source titles, place names) are
shown as text, never as markup: `text()` escapes HTML and every character Markdown (with our
extensions) gives a meaning to. Markdown fields (summaries, descriptions, introductions)
stay Markdown, but `markdown_field()` keeps only an allowlist: paragraphs, emphasis, lists,
quotes, tables, code, headings (demoted below the page's own) and links to http(s)
addresses. Raw HTML is shown as text; every other bracket construct (images, reference
links, footnotes, `[TOC]`), attribute lists and the admonition/tab/details blocks are
escaped. `markdown_problems()` names what was removed, for the checker.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

# The Markdown configuration MkDocs renders pages with (mkdocs.yml `markdown_extensions`;
# a test keeps the two equal). Used to check fields whose code spans we keep verbatim.
PAGE_EXTENSIONS: tuple[str, ...] = (
    "admonition",
    "attr_list",
    "md_in_html",
    "footnotes",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
)
PAGE_EXTENSION_CONFIGS: dict[str, dict[str, object]] = {
    "toc": {"permalink": True},
    "pymdownx.tabbed": {"alternate_style": True},
}

# Characters Python-Markdown, attr_list, footnotes and tables give a meaning to anywhere in a
# line; all are in Markdown's ESCAPED_CHARS (a backslash before any other shows literally).
# `#` too: trailing hashes close an ATX heading, so "C#" in a title would lose its "#".
# `&`, `<` and `>` are handled by html.escape first.
_INLINE_SIGNIFICANT = re.compile(r"([\\`*_{}\[\]()|#])")
# Characters that only mean something at the start of a line (lists, admonitions).
_LEADING_SIGNIFICANT = re.compile(r"^(\s*)([+\-!]|\d+\.)")
# Block openers of pymdownx (tabs `===`, details `???`) and fences (`~~~`): `=`, `?` and `~`
# cannot be backslash-escaped, so the first one becomes a character reference.
_LEADING_ENTITY = {"=": "&#61;", "?": "&#63;", "~": "&#126;"}
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$", re.IGNORECASE)
# C0 controls (but tab and line ends, which are whitespace) and DEL: not text, and NUL is a
# parse error in HTML. Python-Markdown also uses STX/ETX as its own placeholders.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
REPLACEMENT = "\ufffd"


@lru_cache(maxsize=1 << 16)
def one_line(value: str) -> str:
    """Whitespace (newlines included) collapsed, so a value cannot break a list or a table."""
    return " ".join(_CONTROL.sub(REPLACEMENT, value).split())


BLANK = "—"


# Pure functions of a string, called half a million times at 10,000 events, mostly on the
# same names and titles: a bounded cache.
@lru_cache(maxsize=1 << 16)
def text(value: str) -> str:
    """A plain-text field as Markdown that renders to exactly that text.

    A blank value shows as a dash: an empty string would let the Markdown around it run
    together (`**{name}**` would become `****`).
    """
    collapsed = one_line(value)
    if not collapsed:
        return BLANK
    escaped = html.escape(collapsed, quote=False)
    escaped = _INLINE_SIGNIFICANT.sub(r"\\\1", escaped)
    # Python-Markdown takes a line that starts `[...]:` for a reference definition, and its
    # pattern reads `\]` as a closing bracket: a link whose label holds "]:" at the start of
    # a list item would vanish. A colon cannot be escaped, so it becomes a reference.
    escaped = escaped.replace("\\]:", "\\]&#58;")
    escaped = _LEADING_SIGNIFICANT.sub(_escape_leading, escaped)
    if escaped[:1] in _LEADING_ENTITY:
        escaped = _LEADING_ENTITY[escaped[0]] + escaped[1:]
    return escaped


def _escape_leading(match: re.Match[str]) -> str:
    marker = match.group(2)
    if marker[0].isdigit():
        return match.group(1) + marker[:-1] + "\\."
    return match.group(1) + "\\" + marker


def cell(value: str) -> str:
    """A table cell: as `text()`, which escapes `|` too; an empty value shows as a dash."""
    return text(value)


def attribute(value: str) -> str:
    """A value inside a double-quoted HTML attribute."""
    return html.escape(one_line(value), quote=True)


def hover(value: str) -> str:
    """Text for a Plotly hover label or annotation, which renders a subset of HTML."""
    return html.escape(one_line(value), quote=False)


def is_safe_url(url: str) -> bool:
    return bool(_SAFE_URL.match(url))


# Characters an address may not hold even encoded: they could close the link or the
# attribute it is written into, so an address with one is not linked at all.
_UNSAFE_IN_URL = re.compile(r"[\s\"<>`\\]")


@lru_cache(maxsize=1 << 12)
def safe_href(url: str) -> str | None:
    """The address as an href that every Markdown and HTML context takes, or None when it is
    not an http(s) address that is safe to link.

    Addresses are kept as their pages give them, and some hold an apostrophe or accents
    (`.../2020_Malian_coup_d'état`), which `is_safe_url` refuses: those are percent-encoded
    (`d%27%C3%A9tat`), which browsers read as the same address, and a host in another script
    is written in its ASCII (IDNA) form. Parentheses need nothing: the link is written
    `[label](<address>)`.
    """
    if not url.isprintable() or _UNSAFE_IN_URL.search(url) or not re.match(r"(?i)https?://", url):
        return None
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    try:
        host = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    encoded_path = "".join(quote(c) if c == "'" or not c.isascii() else c for c in path)
    encoded = f"{scheme}://{host}{slash}{encoded_path}"
    return encoded if is_safe_url(encoded) else None


def external_link(label: str, url: str | None) -> str:
    """A link only for an http(s) address; otherwise the label alone, as text."""
    href = safe_href(url) if url is not None else None
    if href is None:
        return text(label)
    return f"[{text(label)}](<{href}>)"


def page_link(label: str, target: str) -> str:
    """A link to another generated page; `target` is a relative .md path we made ourselves."""
    return f"[{text(label)}]({target})"


# --- Markdown fields --------------------------------------------------------------------

# Code is kept verbatim: Markdown escapes HTML inside it itself. Code spans follow
# Python-Markdown's rule (equal backtick runs, not escaped, within one paragraph); where
# this and Markdown still disagree, the rendering check below catches it.
_CODE = re.compile(
    r"(^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\2[ \t]*$"
    r"|(?<![\\`])(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\3(?!`))",
    re.DOTALL | re.MULTILINE,
)
# The tokens of prose, tried left to right at each position.
_PROSE_TOKEN = re.compile(
    # An editor's backslash escape of a character Markdown can escape: kept as it is.
    r"(?P<escape>\\[\\`*_{}\[\]()>#+\-.!|])"
    r"|(?P<image>!\[(?P<alt>[^\[\]\n]*)\]\([^()\n]*\))"
    r"|(?P<link>\[(?P<label>[^\[\]\n]*)\]\([ \t]*"
    r"(?:<(?P<angle_url>[^<>\n]*)>|(?P<url>(?:[^\s()<>]|\([^\s()<>]*\))*))"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?[ \t]*\))"
    r"|(?P<autolink><(?P<auto_url>https?://[^\s<>]+)>)"
    r"|(?P<html><(?=[A-Za-z/!?]))"
    r"|(?P<special>[\[\]<{}])"
    # An ampersand that begins no complete character reference: Python-Markdown's HTML parser
    # takes a lone "&#" for the start of one and stops reading HTML blocks after it.
    r"|(?P<amp>&(?!#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;))"
)
# What may stand before a block at the start of a line: indentation, quote and list markers.
_LINE_PREFIX = r"((?:[ \t]*(?:>|[*+\-][ \t]|\d+\.[ \t]))*[ \t]*)"
_HEADING = re.compile("^" + _LINE_PREFIX + r"(#{1,6})(?=[^#]|$)", re.MULTILINE)
_BLOCK_OPENER = re.compile("^" + _LINE_PREFIX + r"(!!!|\?\?\?|===)", re.MULTILINE)
_SETEXT_UNDERLINE = re.compile(r"(?<=\S)([ \t]*\n)([ \t]{0,3}(?:=+|-+)[ \t]*)$", re.MULTILINE)
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:|\[\^|\]\[", re.MULTILINE)


def _line_breaks_as_markdown_reads_them(value: str) -> str:
    # Python-Markdown turns every CR into a line break before parsing; the line-start rules
    # below (headings, blocks) must see the same lines, or "x\r# y" becomes a live heading.
    return value.replace("\r\n", "\n").replace("\r", "\n")


# A summary is cleaned for its page's narrative and again for its description.
@lru_cache(maxsize=1 << 12)
def markdown_field(value: str) -> str:
    """An editor's Markdown, with what is unsafe for a page removed or escaped."""
    value = _line_breaks_as_markdown_reads_them(value)
    cleaned = _clean(value, [])
    if _CODE.search(value) and not renders_safely(cleaned):
        return plain_paragraphs(value)
    return cleaned


def markdown_problems(value: str) -> list[str]:
    """What `markdown_field()` removes or shows as text, for the checker to report."""
    value = _line_breaks_as_markdown_reads_them(value)
    notes: list[str] = []
    cleaned = _clean(value, notes)
    if _REFERENCE.search(_CODE.sub("", value)):
        notes.append(
            "reference-style links, images and footnotes are shown as text; "
            "write links as [text](https://...)"
        )
    if _CODE.search(value) and not renders_safely(cleaned):
        notes.append("the code in this text could not be checked as safe; it is shown as text")
    return list(dict.fromkeys(notes))


def plain_paragraphs(value: str) -> str:
    """The fallback: every paragraph shown as plain text."""
    paragraphs = re.split(r"\n[ \t]*\n", value.strip())
    return "\n\n".join(text(p) for p in paragraphs if p.strip())


def _clean(value: str, notes: list[str]) -> str:
    parts = _CODE.split(_CONTROL.sub(REPLACEMENT, value.strip()))
    # split() with three groups gives prose, the code, then the two fence/backtick groups.
    out: list[str] = []
    for index in range(0, len(parts), 4):
        out.append(_clean_prose(parts[index], notes))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)


def _clean_prose(prose: str, notes: list[str]) -> str:
    prose = _PROSE_TOKEN.sub(lambda m: _token(m, notes), prose)
    prose = _BLOCK_OPENER.sub(_escape_block_opener, prose)
    # `Title\n===` would be an <h1>: a blank line makes the underline a rule or plain text.
    prose = _SETEXT_UNDERLINE.sub(lambda m: "\n" + m.group(1) + _no_setext(m.group(2)), prose)
    # A heading inside a field sits below the page's own headings (h1 title, h2 sections).
    return _HEADING.sub(_demote, prose)


def _token(match: re.Match[str], notes: list[str]) -> str:
    kind = match.lastgroup
    if kind == "escape":
        return match.group(0)
    if kind == "image":
        notes.append("images are not shown; link to the picture instead")
        return _clean_prose(match.group("alt"), notes)
    if kind == "link":
        label = _clean_prose(match.group("label"), notes)
        url = match.group("angle_url") if match.group("angle_url") is not None else match["url"]
        href = safe_href(url)
        if href is not None:
            return f"[{label}](<{href}>)"
        notes.append(f"link to '{url}' removed: only http(s) links are allowed")
        return label
    if kind == "autolink":
        url = match.group("auto_url")
        href = safe_href(url)
        return f"[{text(url)}](<{href}>)" if href is not None else "&lt;" + text(url) + "&gt;"
    if kind == "html":
        notes.append("raw HTML is shown as text; use Markdown instead")
        return "&lt;"
    if kind == "amp":
        return "&amp;"
    char = match.group(0)
    return "&lt;" if char == "<" else "\\" + char


def _escape_block_opener(match: re.Match[str]) -> str:
    opener = match.group(2)
    escaped = {"!!!": "\\!!!", "???": "&#63;??", "===": "&#61;=="}[opener]
    return match.group(1) + escaped


def _no_setext(underline: str) -> str:
    stripped = underline.lstrip()
    return underline if stripped.startswith("-") else underline.replace("=", "&#61;", 1)


def _demote(match: re.Match[str]) -> str:
    level = len(match.group(2))
    return match.group(1) + ("#" * (level + 2) if level < 5 else "######")


# --- checking rendered HTML ------------------------------------------------------------------

# What a Markdown field may render to (highlighted code adds spans and a div).
FIELD_TAGS = frozenset(
    {"p", "a", "em", "strong", "code", "pre", "span", "div", "ul", "ol", "li", "blockquote"}
    | {"h3", "h4", "h5", "h6", "hr", "br", "table", "thead", "tbody", "tr", "th", "td"}
)
FIELD_ATTRIBUTES = frozenset({"href", "id", "class", "title", "style"})


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


def html_elements(rendered: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every start tag of an HTML fragment, with its attributes."""
    collector = _Collector()
    collector.feed(rendered)
    collector.close()
    return collector.elements


def is_allowed_element(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    if tag not in FIELD_TAGS:
        return False
    for name, attr_value in attrs:
        if name not in FIELD_ATTRIBUTES:
            return False
        if name == "href" and not (is_safe_url(attr_value or "") or _is_fragment(attr_value)):
            return False
    return True


def _is_fragment(value: str | None) -> bool:
    return value is not None and re.fullmatch(r"#[\w\-]*", value) is not None


def render_page_markdown(source: str) -> str:
    """Markdown → HTML as MkDocs renders a page (its extensions; no theme, no plugins)."""
    return str(_page_renderer().reset().convert(source))


# One renderer per thread, reset between texts: building one takes milliseconds, which every
# field with code and every index page's summary would each pay; a renderer is not safe to
# share between threads (the preview server's builds load content outside the build lock).
_RENDERERS = threading.local()


def _page_renderer() -> Any:
    renderer = getattr(_RENDERERS, "renderer", None)
    if renderer is None:
        # The library (this module shares its name), imported late: only fields with code
        # and summaries with markup need it.
        import markdown as python_markdown  # type: ignore[import-untyped]

        renderer = _RENDERERS.renderer = python_markdown.Markdown(
            extensions=list(PAGE_EXTENSIONS), extension_configs=PAGE_EXTENSION_CONFIGS
        )
    return renderer


def renders_safely(source: str, render: Callable[[str], str] = render_page_markdown) -> bool:
    return all(is_allowed_element(tag, attrs) for tag, attrs in html_elements(render(source)))
