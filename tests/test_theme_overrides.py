"""overrides/ (mkdocs.yml theme.custom_dir) is Material's own blocks with every value escaped.

overrides/main.html replaces two blocks of Material's base.html, site_meta and htmltitle,
with copies in which each `{{ ... }}` ends in `| e`, and fills a third, extrahead (empty in
Material's), with the Open Graph tags and the preloads of the page's figure bundles, every
value escaped too. These tests fail when a new Material
changes those blocks (copy them again, then add the escapes), and when a value Material
writes without escaping, from mkdocs.yml, would need it. (What the blocks produce:
tests/test_hostile_site.py; why: docs/security.md.)
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import material
import yaml

from tests.test_build_mkdocs import REPO

OVERRIDES = REPO / "overrides"
MATERIAL_BASE = Path(material.__file__).parent / "templates" / "base.html"
BLOCK = re.compile(r"\{% block (\w+) %\}(.*?)\{% endblock %\}", re.DOTALL)


def _blocks(template: str) -> dict[str, str]:
    return dict(BLOCK.findall(template))


def _lines(body: str) -> list[str]:
    return [line.strip() for line in body.strip().splitlines()]


def _escaped(body: str) -> str:
    """Material's block with `| e` added to every value it writes."""
    return re.sub(r"\{\{\s*(.*?)\s*\}\}", r"{{ \1 | e }}", body, flags=re.DOTALL)


def _settings() -> dict[str, object]:
    lines = (REPO / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    # Its !ENV tags (site_url, repo_url) are not needed here.
    settings: dict[str, object] = yaml.safe_load("\n".join(x for x in lines if "!ENV" not in x))
    return settings


def test_mkdocs_yml_names_the_overrides() -> None:
    theme = _settings()["theme"]
    assert isinstance(theme, dict)
    assert theme["name"] == "material"
    assert theme["custom_dir"] == "overrides"
    assert sorted(p.name for p in OVERRIDES.iterdir()) == ["main.html"]


def test_the_overridden_blocks_are_material_s_with_every_value_escaped() -> None:
    ours = _blocks((OVERRIDES / "main.html").read_text(encoding="utf-8"))
    theirs = _blocks(MATERIAL_BASE.read_text(encoding="utf-8"))
    assert sorted(ours) == ["extrahead", "htmltitle", "site_meta"]
    assert theirs["extrahead"] == "", "Material's extrahead block is no longer empty"
    del ours["extrahead"]
    for name, body in ours.items():
        assert name in theirs, f"Material's base.html has no block {name} any more"
        assert _lines(body) == _lines(_escaped(theirs[name])), (
            f"Material's block {name} changed: copy it again into overrides/main.html "
            "and end each {{ ... }} in it with | e"
        )


def test_every_value_the_overridden_blocks_write_is_escaped() -> None:
    ours = "".join(_blocks((OVERRIDES / "main.html").read_text(encoding="utf-8")).values())
    values = re.findall(r"\{\{(.*?)\}\}", ours, flags=re.DOTALL)
    assert values
    assert [v for v in values if not v.rstrip().endswith("| e")] == []


def test_what_material_writes_unescaped_from_mkdocs_yml_needs_no_escaping() -> None:
    # Material's header, drawer and palette toggle write these as they are, into text and
    # into aria-label and title attributes: they must read the same escaped.
    settings = _settings()
    theme = settings["theme"]
    assert isinstance(theme, dict)
    values = [str(settings["site_name"]), str(settings["site_description"])]
    values += [str(option["toggle"]["name"]) for option in theme["palette"]]

    def nav_titles(items: object) -> list[str]:
        found = []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                for title, sub in item.items():
                    found += [str(title), *nav_titles(sub)]
        return found

    values += nav_titles(settings["nav"])
    assert len(values) > 10
    assert [v for v in values if html.escape(v) != v] == []
