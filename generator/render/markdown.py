"""Escaping: the one place where text an editor wrote becomes Markdown, HTML or hover text.

Plain-text fields (titles, names, aliases, claims, quotes, source titles, place names) are
shown as text, never as markup: `text()` escapes HTML and every character Markdown (with our
extensions) gives a meaning to. Markdown fields (summaries, descriptions, introductions)
stay Markdown, but `markdown_field()` removes what could run script, load a third-party
resource or break the page around them: raw HTML, non-http(s) links, remote images,
attribute lists and top-level headings.
"""

from __future__ import annotations

import html
import re

# Characters Python-Markdown, attr_list, footnotes and tables give a meaning to anywhere in a
# line; all are in Markdown's ESCAPED_CHARS (a backslash before any other shows literally).
# `&`, `<` and `>` are handled by html.escape first.
_INLINE_SIGNIFICANT = re.compile(r"([\\`*_{}\[\]()|])")
# Characters that only mean something at the start of a line (headings, lists, quotes).
_LEADING_SIGNIFICANT = re.compile(r"^(\s*)([#+\-!]|\d+\.)")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def one_line(value: str) -> str:
    """Whitespace (newlines included) collapsed, so a value cannot break a list or a table."""
    return " ".join(value.split())


def text(value: str) -> str:
    """A plain-text field as Markdown that renders to exactly that text."""
    escaped = html.escape(one_line(value), quote=False)
    escaped = _INLINE_SIGNIFICANT.sub(r"\\\1", escaped)
    return _LEADING_SIGNIFICANT.sub(_escape_leading, escaped)


def _escape_leading(match: re.Match[str]) -> str:
    marker = match.group(2)
    if marker[0].isdigit():
        return match.group(1) + marker[:-1] + "\\."
    return match.group(1) + "\\" + marker


def cell(value: str) -> str:
    """A table cell: as `text()`, which escapes `|` too; an empty value shows as a dash."""
    return text(value) if value.strip() else "—"


def attribute(value: str) -> str:
    """A value inside a double-quoted HTML attribute."""
    return html.escape(one_line(value), quote=True)


def hover(value: str) -> str:
    """Text for a Plotly hover label or annotation, which renders a subset of HTML."""
    return html.escape(one_line(value), quote=False)


def is_safe_url(url: str) -> bool:
    return bool(_SAFE_URL.match(url))


def external_link(label: str, url: str | None) -> str:
    """A link only for an http(s) address; otherwise the label alone, as text."""
    if url is None or not is_safe_url(url):
        return text(label)
    return f"[{text(label)}](<{url}>)"


def page_link(label: str, target: str) -> str:
    """A link to another generated page; `target` is a relative .md path we made ourselves."""
    return f"[{text(label)}]({target})"


# --- Markdown fields --------------------------------------------------------------------

# Fenced blocks and inline code are kept verbatim: Markdown escapes HTML inside them itself.
_CODE = re.compile(r"(^```.*?^```[ \t]*$|^~~~.*?^~~~[ \t]*$|`+[^`\n]*`+)", re.DOTALL | re.MULTILINE)
_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_INLINE_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[([^\]]+)\]:\s*(\S+).*$", re.MULTILINE)
_HEADING = re.compile(r"^(#{1,6})(?=\s)", re.MULTILINE)


def markdown_field(value: str) -> str:
    """An editor's Markdown, with what is unsafe for a page removed or escaped."""
    parts = _CODE.split(value.strip())
    # split() with one group alternates prose (even indices) and code (odd indices).
    return "".join(part if index % 2 else _clean_prose(part) for index, part in enumerate(parts))


def _clean_prose(prose: str) -> str:
    prose = _HTML_START.sub("&lt;", prose)
    prose = _IMAGE.sub(lambda m: m.group(1), prose)
    prose = _INLINE_LINK.sub(_keep_safe_link, prose)
    prose = _REFERENCE_DEFINITION.sub(_keep_safe_definition, prose)
    # `{` opens an attribute list, which could add event handlers to an element.
    prose = prose.replace("{", "\\{")
    # A heading inside a summary sits below the page's own headings (h1 title, h2 sections).
    return _HEADING.sub(lambda m: "##" + m.group(1) if len(m.group(1)) < 5 else "######", prose)


def _keep_safe_link(match: re.Match[str]) -> str:
    label, url = match.group(1), match.group(2)
    return f"[{label}](<{url}>)" if is_safe_url(url) else label


def _keep_safe_definition(match: re.Match[str]) -> str:
    return match.group(0) if is_safe_url(match.group(2)) else ""
