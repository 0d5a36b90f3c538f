"""A complete corpus with every editor-controlled text field, and ways to inspect its pages.

Shared by the hostile-payload tests (tests/test_hostile_content.py) and the property tests
(tests/test_security_properties.py). The tests here keep the list of text fields in step
with the schema, so a new field is covered by the hostile tests the day it is added.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pydantic
import yaml
from mkdocs.utils import meta
from pydantic.fields import FieldInfo

from generator import markdown as md
from generator.build import _TolerantLoader
from generator.corpus import load_corpus
from generator.model import FactBase
from generator.schema import (
    INVISIBLE_CHARACTERS,
    MODELS,
    Actor,
    Event,
    Relationship,
    Source,
    Topic,
    check_text,
)

REPO = Path(__file__).parent.parent
PAYLOADS: list[str] = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "hostile" / "payloads.yaml").read_text("utf-8")
)
# The checker refuses blank text and invisible characters (control characters, bidi
# overrides) in every text field; every other payload must reach the pages as text.
REFUSED_PAYLOADS = [p for p in PAYLOADS if not p.strip() or INVISIBLE_CHARACTERS.search(p)]
SHOWN_PAYLOADS = [p for p in PAYLOADS if p not in REFUSED_PAYLOADS]
EDIT_BASE = "https://github.com/owner/repo/edit/main/"

# Every field an editor fills with free text, as "kind.field" ("kind.part.field" inside a
# list or a mapping). Markdown fields keep (safe) Markdown; the others are plain text.
TEXT_FIELDS: tuple[str, ...] = (
    "actors.name",
    "actors.short_name",
    "actors.aliases.name",
    "actors.aliases.note",
    "actors.description",
    "actors.needs_review",
    "events.title",
    "events.milestones.label",
    "events.milestones.needs_review",
    "events.location.place",
    "events.location.needs_review",
    "events.date_alternatives.note",
    "events.participants.role",
    "events.summary",
    "events.claims.statement",
    "events.claims.quote",
    "events.claims.needs_review",
    "events.figures.measure",
    "events.figures.as_reported",
    "events.figures.according_to",
    "events.figures.needs_review",
    "events.needs_review",
    "relationships.description",
    "relationships.needs_review",
    "sources.publisher",
    "sources.agency",
    "sources.title",
    "sources.notes",
    "sources.needs_review",
    "topics.title",
    "topics.introduction",
    "topics.needs_review",
)
MARKDOWN_FIELDS = frozenset(
    {
        "actors.description",
        "events.summary",
        "relationships.description",
        "sources.notes",
        "topics.introduction",
    }
)
PLAIN_FIELDS = tuple(f for f in TEXT_FIELDS if f not in MARKDOWN_FIELDS)

# What a Markdown field may legitimately hold, so that the reference pages contain every
# element and attribute a Markdown field can bring.
RICH_MARKDOWN = (
    "Placeholder *em* **strong** `code` [a link](https://example.org/a).  \n"
    "After a line break.\n\n# H1\n\n## H2\n\n### H3\n\n#### H4\n\n- item\n\nBetween.\n\n1. item\n\n"
    "> quote\n\n| a | b |\n| :-- | --: |\n| c | d |\n\n| e | f |\n| --- | --- |\n| g | h |\n\n"
    "```python\nx = 1\n```\n\n---\n\nEnd."
)

Texts = Callable[[str], str]


def placeholder(field: str) -> str:
    return RICH_MARKDOWN if field in MARKDOWN_FIELDS else "Placeholder"


def corpus(texts: Texts) -> dict[tuple[str, str], dict[str, Any]]:
    """Two actors, a source, a storyline, two events and a relationship; every text field set.

    `texts("events.title")` gives the value of that field (the same for each entity).
    """

    def actor(actor_id: str, kind: str) -> dict[str, Any]:
        return {
            "id": actor_id,
            "name": texts("actors.name"),
            "short_name": texts("actors.short_name"),
            "kind": kind,
            "aliases": [
                {"name": texts("actors.aliases.name"), "lang": "fr"},
                {"name": texts("actors.aliases.name"), "note": texts("actors.aliases.note")},
            ],
            "country": "ML",
            "description": texts("actors.description"),
            "founded": "2000",
            "sources": ["source-one"],
            "needs_review": texts("actors.needs_review"),
        }

    cite = ["source-one"]
    event = {
        "id": "incident",
        "title": texts("events.title"),
        "kind": "attack",
        "date": "2024-09-17",
        "date_alternatives": [
            {"date": "2024-09-18", "sources": cite, "note": texts("events.date_alternatives.note")}
        ],
        "milestones": [
            {
                "date": "2024-09-17",
                "label": texts("events.milestones.label"),
                "sources": cite,
                "needs_review": texts("events.milestones.needs_review"),
            }
        ],
        "location": {
            "place": texts("events.location.place"),
            "country": "ML",
            "lat": 12.64,
            "lon": -8.0,
            "precision": "city",
            "needs_review": texts("events.location.needs_review"),
        },
        "participants": [
            {"actor": "alpha", "role": texts("events.participants.role")},
            {"actor": "beta", "role": texts("events.participants.role")},
        ],
        "summary": texts("events.summary"),
        "topics": ["storyline"],
        "sources": cite,
        "claims": [
            {
                "id": "beta-claims",
                "claimant": "beta",
                "kind": "claim",
                "statement": texts("events.claims.statement"),
                "quote": texts("events.claims.quote"),
                "status": "claimed",
                "date": "2024-09-18",
                "sources": cite,
                "needs_review": texts("events.claims.needs_review"),
            }
        ],
        "figures": [
            {
                "id": "beta-counts",
                "measure": texts("events.figures.measure"),
                "value": 3,
                "qualifier": "at_least",
                "as_reported": texts("events.figures.as_reported"),
                "according_to": texts("events.figures.according_to"),
                "claimant": "beta",
                "sources": cite,
                "needs_review": texts("events.figures.needs_review"),
            }
        ],
        "needs_review": texts("events.needs_review"),
    }
    aftermath = {
        "id": "aftermath",
        "title": texts("events.title"),
        "kind": "statement",
        "date": "2024-09",
        "summary": texts("events.summary"),
        "topics": ["storyline"],
        "sources": cite,
        "related": ["incident"],
        "participants": [{"actor": "alpha", "role": texts("events.participants.role")}],
    }
    return {
        ("actors", "alpha"): actor("alpha", "state"),
        ("actors", "beta"): actor("beta", "armed_group"),
        ("sources", "source-one"): {
            "id": "source-one",
            "kind": "news_agency_report",
            "publisher": texts("sources.publisher"),
            "agency": texts("sources.agency"),
            "title": texts("sources.title"),
            "url": "https://example.org/report",
            "published": "2024-09-18",
            "language": "en",
            "accessed": "2024-09-20",
            "notes": texts("sources.notes"),
            "needs_review": texts("sources.needs_review"),
        },
        ("topics", "storyline"): {
            "id": "storyline",
            "title": texts("topics.title"),
            "order": 1,
            "introduction": texts("topics.introduction"),
            "needs_review": texts("topics.needs_review"),
        },
        ("events", "incident"): event,
        ("events", "aftermath"): aftermath,
        ("relationships", "beta-opposed-to-alpha"): {
            "id": "beta-opposed-to-alpha",
            "from": "beta",
            "to": "alpha",
            "kind": "opposed_to",
            "start": "2012",
            "description": texts("relationships.description"),
            "sources": cite,
            "needs_review": texts("relationships.needs_review"),
        },
    }


class _NoAliases(yaml.SafeDumper):
    """Write shared values out each time: content files may hold no anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_corpus(content: Path, entities: Mapping[tuple[str, str], dict[str, Any]]) -> None:
    for (kind, entity_id), data in entities.items():
        path = content / kind / f"{entity_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        # Escaped output: control characters and line separators stay visible as escapes.
        path.write_text(
            yaml.dump(data, Dumper=_NoAliases, sort_keys=False, width=1000), encoding="utf-8"
        )


def fact_base(entities: Mapping[tuple[str, str], dict[str, Any]]) -> FactBase:
    """The fact base straight from the data, for text YAML could not carry."""
    built: dict[str, dict[str, Any]] = {kind: {} for kind in MODELS}
    for (kind, entity_id), data in entities.items():
        built[kind][entity_id] = MODELS[kind].model_validate(data)  # type: ignore[index]
    files = {(kind, i): f"content/{kind}/{i}.yaml" for kind, i in entities}
    return FactBase(
        actors=typing.cast(dict[str, Actor], built["actors"]),
        events=typing.cast(dict[str, Event], built["events"]),
        relationships=typing.cast(dict[str, Relationship], built["relationships"]),
        sources=typing.cast(dict[str, Source], built["sources"]),
        topics=typing.cast(dict[str, Topic], built["topics"]),
        files=files,
    )


# --- MkDocs' Markdown, and what the HTML holds ----------------------------------------------


def mkdocs_markdown_settings() -> tuple[list[str], dict[str, dict[str, Any]]]:
    """mkdocs.yml's `markdown_extensions`, as Markdown(extensions=, extension_configs=)."""
    settings = yaml.load((REPO / "mkdocs.yml").read_text("utf-8"), Loader=_TolerantLoader)
    names: list[str] = []
    configs: dict[str, dict[str, Any]] = {}
    for item in settings["markdown_extensions"]:
        if isinstance(item, dict):
            ((name, config),) = item.items()
            names.append(name)
            configs[name] = config or {}
        else:
            names.append(item)
    return names, configs


def to_html(markdown_text: str) -> str:
    """The page as MkDocs renders it: its front matter read off first (what the theme makes
    of it is tested in tests/test_page_meta.py and tests/test_hostile_site.py)."""
    body, _front_matter = meta.get_data(markdown_text)
    return md.render_page_markdown(body)


Element = tuple[str, tuple[str, ...]]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.h1: list[str] = []
        self._in_h1 = False
        self._in_permalink = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))
        if tag == "h1":
            self._in_h1 = True
            self.h1.append("")
        if tag == "a" and ("class", "headerlink") in attrs:
            self._in_permalink = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False
        if tag == "a":
            self._in_permalink = False

    def handle_data(self, data: str) -> None:
        if self._in_h1 and not self._in_permalink:
            self.h1[-1] += data


def parse(html_text: str) -> _Elements:
    parser = _Elements()
    parser.feed(html_text)
    parser.close()
    return parser


def structure(html_text: str) -> list[Element]:
    """The page's elements in order, each with its attribute names (not their values)."""
    return [(tag, tuple(sorted(n for n, _ in attrs))) for tag, attrs in parse(html_text).elements]


def h1_texts(html_text: str) -> list[str]:
    return parse(html_text).h1


FORBIDDEN_TAGS = frozenset(
    {"script", "style", "iframe", "object", "embed", "img", "svg", "math", "link", "meta"}
    | {"base", "form", "frame", "frameset", "template", "audio", "video", "source"}
)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster"})
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def is_safe_href(value: str) -> bool:
    """An http(s) address, a fragment, or a relative path to one of our own pages."""
    if re.match(r"^https?://", value, re.IGNORECASE):
        return True
    cleaned = re.sub(r"[\x00-\x20]", "", value)  # browsers drop these inside URLs
    return _SCHEME.match(cleaned) is None and not cleaned.startswith(("//", "\\"))


def unsafe_parts(html_text: str) -> list[str]:
    """Everything in the HTML that could run script or load from elsewhere."""
    found = []
    for tag, attrs in parse(html_text).elements:
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"srcdoc", "formaction"}:
                found.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and not is_safe_href(value or ""):
                found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and re.search(r"url\(|expression|@import", value or "", re.I):
                found.append(f"<{tag} style={value!r}>")
    return found


def expected_text(value: str) -> str:
    """A plain-text value as a reader sees it: whitespace collapsed, controls replaced."""
    return md.one_line(value) or md.BLANK


# --- the tests of this module -------------------------------------------------------------


def _free_text_paths(annotation: Any, metadata: list[Any], key: str) -> set[str]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _free_text_paths(base, metadata + extra, key)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return set().union(*(_free_text_paths(a, metadata, key) for a in options))
    if origin is list:
        return _free_text_paths(typing.get_args(annotation)[0], [], key)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return schema_text_fields(annotation, key + ".")
    expanded = [*metadata, *(m for f in metadata if isinstance(f, FieldInfo) for m in f.metadata)]
    # Ids, URLs, countries and languages are constrained; free text only passes check_text.
    constrained = any(
        (isinstance(m, pydantic.AfterValidator) and m.func is not check_text)
        or getattr(m, "pattern", None)
        for m in expanded
    )
    return {key} if annotation is str and not constrained else set()


def schema_text_fields(model: type[pydantic.BaseModel], prefix: str) -> set[str]:
    """Every string field of the model that is not an id, a URL, a code or a language."""
    found: set[str] = set()
    for name, info in model.model_fields.items():
        found |= _free_text_paths(
            info.annotation, list(info.metadata), prefix + (info.alias or name)
        )
    return found


def test_the_list_of_text_fields_is_every_free_text_field_of_the_schema() -> None:
    from_schema = {
        f for kind, model in MODELS.items() for f in schema_text_fields(model, kind + ".")
    }
    assert set(TEXT_FIELDS) == from_schema
    assert len(TEXT_FIELDS) == len(set(TEXT_FIELDS))


def test_the_corpus_fills_every_text_field_and_checks_clean(tmp_path: Path) -> None:
    asked: set[str] = set()

    def texts(field: str) -> str:
        asked.add(field)
        return "Placeholder"

    write_corpus(tmp_path / "content", corpus(texts))
    result = load_corpus(tmp_path / "content")
    assert asked == set(TEXT_FIELDS)
    assert [d.format_text() for d in result.diagnostics] == []
    assert result.facts is not None and len(result.facts.events) == 2


def test_the_page_renderer_has_mkdocs_yml_s_markdown_configuration() -> None:
    names, configs = mkdocs_markdown_settings()
    assert tuple(names) == md.PAGE_EXTENSIONS
    assert {k: v for k, v in configs.items() if v} == md.PAGE_EXTENSION_CONFIGS


def test_the_payload_list_is_readable_and_has_no_duplicates() -> None:
    assert len(PAYLOADS) == len(set(PAYLOADS)) > 50
    assert all(isinstance(p, str) and p for p in PAYLOADS)


def one_publisher_page(pages: dict[str, str]) -> dict[str, str]:
    """`pages`, with the publisher's bibliography page (its address is made from the
    publisher's name) under one name whatever the name."""
    (publisher,) = [path for path in pages if path.startswith("sources/")]
    return {("sources/<the publisher>.md" if p == publisher else p): t for p, t in pages.items()}
