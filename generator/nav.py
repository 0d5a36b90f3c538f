"""The navigation sections whose pages come from the content, kept in mkdocs.yml's `nav`.

mkdocs.yml names two sections by their index page: Storylines (topics/index.md), followed by
each storyline's page in the topics' `order`, and About (about/index.md), followed by every
other page under about/ (the editors' guide grows). `python -m generator build` writes those
lists into mkdocs.yml itself, so that site_src/ and mkdocs.yml build as they are, without our
MkDocs hook (by another MkDocs-compatible engine, say). The hook and the preview server still
fill the same lists into the configuration they hold (`fill_nav`), so that a save that adds a
storyline shows in the preview without touching mkdocs.yml.

Only the `nav:` block of mkdocs.yml is rewritten, and only when its lists changed; every other
line stays as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

STORYLINES_TITLE = "Storylines"
ABOUT_TITLE = "About"
STORYLINES_INDEX = "topics/index.md"
ABOUT_INDEX = "about/index.md"
# mkdocs.yml's `nav:` and its indented lines, with the blank lines between them (not those
# after them, nor the comment that opens the next key).
_NAV_BLOCK = re.compile(r"^nav:[ \t]*\n(?:[ \t]+\S.*\n|[ \t]*\n(?=[ \t]+\S))*", re.MULTILINE)
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./_()'-]*")
INDENT = "  "

Sections = dict[str, list[str]]


def content_sections(out: Path, storylines: Sequence[str]) -> Sections:
    """Each content section's pages, its index page first: as the site in `out` has them."""
    about_dir = out / "about"
    about = (
        sorted(
            p.relative_to(out).as_posix() for p in about_dir.rglob("*.md") if p.name != "index.md"
        )
        if about_dir.is_dir()
        else []
    )
    return {
        STORYLINES_TITLE: [STORYLINES_INDEX, *storylines],
        ABOUT_TITLE: [ABOUT_INDEX, *about],
    }


def filled(nav: Any, sections: Sections) -> Any:
    """`nav` (mkdocs.yml's list) with each content section's pages filled in."""
    if not isinstance(nav, list):
        return nav
    out = []
    for item in nav:
        if isinstance(item, dict) and len(item) == 1 and next(iter(item)) in sections:
            title = next(iter(item))
            item = {title: list(sections[title])}
        out.append(item)
    return out


def with_nav(config_text: str, sections: Sections) -> str | None:
    """mkdocs.yml's text with its nav's content sections filled, or None if it has no nav."""
    match = _NAV_BLOCK.search(config_text)
    if match is None:
        return None
    nav = yaml.safe_load(match.group(0)).get("nav")
    if not isinstance(nav, list):
        return None
    block = "nav:\n" + "".join(_lines(filled(nav, sections), 1))
    return config_text[: match.start()] + block + config_text[match.end() :]


def write_nav(config_file: Path, sections: Sections) -> bool:
    """Keep mkdocs.yml's nav in step with the content; True if the file was rewritten."""
    try:
        text = config_file.read_text(encoding="utf-8")
    except OSError:
        return False
    updated = with_nav(text, sections)
    if updated is None or updated == text:
        return False
    # Written beside it, then moved over it: a reader never sees half a mkdocs.yml.
    partial = config_file.with_name(f".{config_file.name}.writing")
    partial.write_text(updated, encoding="utf-8")
    partial.replace(config_file)
    return True


def _lines(items: list[Any], depth: int) -> list[str]:
    pad = INDENT * depth
    out = []
    for item in items:
        if isinstance(item, dict) and len(item) == 1:
            title, value = next(iter(item.items()))
            if isinstance(value, list):
                out.append(f"{pad}- {_scalar(title)}:\n")
                out += _lines(value, depth + 2)
            else:
                out.append(f"{pad}- {_scalar(title)}: {_scalar(value)}\n")
        else:
            out.append(f"{pad}- {_scalar(item)}\n")
    return out


def _scalar(value: Any) -> str:
    text = str(value)
    return text if _PLAIN.fullmatch(text) else json.dumps(text, ensure_ascii=False)
