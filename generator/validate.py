"""Validate: documents → entities, and every problem as a diagnostic.

Two passes, as in FollowTheMoney's loader: each file is checked against its schema on its
own, then the whole corpus is checked for what no single file can show (dangling references,
duplicate ids, dates outside an actor's existence).
"""

from __future__ import annotations

import enum
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic
import yaml
from pydantic_core import ErrorDetails, PydanticCustomError

from generator.dates import PartialDate
from generator.diagnostics import Diagnostic, closest, did_you_mean, error, warning
from generator.load import Document, Loc
from generator.markdown import markdown_problems
from generator.provenance import provenance_warnings
from generator.schema import (
    FORMAT_CHARACTERS,
    MODELS,
    Actor,
    Entity,
    Event,
    FileKind,
    Relationship,
    Topic,
    bare_type,
    character_name,
    check_id,
    invisible_characters,
    markdown_fields,
)


@dataclass(frozen=True)
class Parsed:
    """An entity that passed its schema, with the file it came from."""

    kind: FileKind
    entity: Entity
    document: Document


def validate_document(
    kind: FileKind, document: Document, stem: str
) -> tuple[Parsed | None, list[Diagnostic]]:
    if document.data is None:
        return None, list(document.problems)
    model = MODELS[kind]
    try:
        entity = model.model_validate(document.data)
    except pydantic.ValidationError as exc:
        errors = _without_misspelt_missing(model, exc.errors())
        return None, [_schema_diagnostic(model, document, e) for e in errors]
    problems = [*_markdown_warnings(kind, document), *_invisible_warnings(document)]
    if entity.id != stem:
        line, column = document.positions.of_value(("id",))
        problems.append(
            error(
                document.path,
                line,
                column,
                "id-mismatch",
                f"id '{entity.id}' does not match the file name '{stem}.yaml'; "
                f"rename the file to '{entity.id}.yaml'{_or_change_the_id_to(stem)}",
            )
        )
    return Parsed(kind, entity, document), problems


def _or_change_the_id_to(stem: str) -> str:
    """The other fix of a mismatched id, where the file's name would be a valid id."""
    try:
        check_id(stem)
    except PydanticCustomError:
        return " (the file name is not a valid id)"
    return f" or change the id to '{stem}'"


def _markdown_warnings(kind: FileKind, document: Document) -> Iterator[Diagnostic]:
    """What the page will remove or show as text in a Markdown field, said to the editor."""
    assert document.data is not None
    for field in markdown_fields(kind):
        value = document.data.get(field)
        if not isinstance(value, str):
            continue
        for note in markdown_problems(value):
            line, column = document.positions.of_value((field,))
            yield warning(document.path, line, column, "unsafe-markdown", f"'{field}': {note}")


def _invisible_warnings(document: Document) -> Iterator[Diagnostic]:
    """Each invisible character a text holds that readers may be misled by (the schema's
    FORMAT_CHARACTERS), once per text, where it stands in the file."""
    assert document.data is not None
    if document.text and not _may_hold_invisible(document.text):
        return  # most files: no such character, nor an escape that could write one
    root: list[yaml.Node | None] = []  # the file's nodes, composed again on first need
    # Once the schema has passed, every text value is free text: ids, dates, addresses
    # and codes cannot hold these characters.
    for loc, value in _texts(document.data, ()):
        for index, character in invisible_characters(value):
            if not root:
                root.append(yaml.compose(document.text, Loader=_YAML_LOADER))
            line, column = _character_position(document, root[0], loc, value, index)
            yield warning(
                document.path,
                line,
                column,
                "invisible-character",
                f"'{_field_name(loc)}' contains {character_name(character)}, which readers "
                "cannot see and which can hide text or break search; delete it unless it "
                "is meant to be there",
            )


def _texts(data: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _texts(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _texts(value, (*loc, index))


def _character_position(
    document: Document, root: yaml.Node | None, loc: Loc, value: str, index: int
) -> tuple[int, int]:
    """Where the value's character at `index` stands in the file, when the file holds it as
    itself; where the value starts when it is written as an escape ("\\u200b")."""
    node = _node_at(root, loc)
    if node is None:
        return document.positions.of_value(loc)
    character = value[index]
    span = range(node.start_mark.index, node.end_mark.index)
    written = [i for i in span if document.text[i] == character]
    if len(written) != value.count(character):
        return document.positions.of_value(loc)
    offset = written[value.count(character, 0, index)]
    # Lines counted as editors count them: libyaml also breaks lines at U+2028 and U+2029,
    # the very characters this may be about.
    line_start = document.text.rfind("\n", 0, offset) + 1
    return document.text.count("\n", 0, offset) + 1, offset - line_start + 1


# YAML's escapes that can write such a character: \u, \U, \L (U+2028) and \P (U+2029).
_ESCAPE = re.compile(r"\\[uULP]")


def _may_hold_invisible(text: str) -> bool:
    # Most files are ASCII, which Python knows of a text without reading it, with no
    # backslash: they hold none.
    if "\\" in text and _ESCAPE.search(text):
        return True
    return not text.isascii() and FORMAT_CHARACTERS.search(text) is not None


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _node_at(node: yaml.Node | None, loc: Loc) -> yaml.Node | None:
    """The node of the value at `loc` (the file composed cleanly once, so it does again)."""
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            return None
    return node


# --- schema errors → diagnostics -------------------------------------------------------------

_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping",
    type(None): "nothing",
}


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        return "text" if len(value) > 40 else f"the text '{value}'"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "an empty value"
    return type(value).__name__


def _field_name(loc: Loc) -> str:
    names = [str(part) for part in loc if isinstance(part, str)]
    return names[-1] if names else "value"


def _schema_diagnostic(
    model: type[pydantic.BaseModel], document: Document, details: ErrorDetails
) -> Diagnostic:
    loc: Loc = tuple(details["loc"])
    kind = details["type"]
    value = details.get("input")
    positions = document.positions
    line, column = positions.of_value(loc)
    field = _field_name(loc)
    code = "schema"
    ctx = details.get("ctx") or {}

    if kind == "extra_forbidden":
        line, column = positions.of_key(loc)
        known = _fields_at(model, loc[:-1])
        message = f"unknown field '{loc[-1]}'{did_you_mean(str(loc[-1]), known)}"
        code = "unknown-field"
    elif kind == "missing":
        line, column = positions.of_value(loc[:-1])
        message = _missing_message(field, loc)
        code = "missing-field"
    elif kind in ("enum", "literal_error"):
        choices = _choices_at(model, loc)
        message = (
            f"'{value}' is not a valid {field}; expected one of: {', '.join(choices)}"
            f"{did_you_mean(str(value), choices)}"
        )
        code = "invalid-choice"
    elif kind == "too_short" and field == "sources":
        message = "no source given; cite at least one source id under 'sources'"
        code = "no-source"
    elif kind in (
        "string_type",
        "int_type",
        "int_parsing",
        "float_type",
        "float_parsing",
        "bool_type",
        "list_type",
        "dict_type",
        "model_type",
        "model_attributes_type",
        "int_from_float",
        "bool_parsing",
    ):
        expected = _expected_type(kind)
        message = f"'{field}' should be {expected}, not {_describe(value)}"
        if kind == "list_type" and isinstance(value, str):
            message += f"; write [{value}] or one item per line starting with '- '"
        code = "wrong-type"
    elif kind == "string_too_short":
        message = f"'{field}' is empty; write something or remove the field"
    elif kind == "string_too_long":
        message = f"'{field}' is longer than {ctx.get('max_length')} characters"
    elif kind == "string_pattern_mismatch" and field in ("lang", "language"):
        message = f"'{value}' is not a language code; use an ISO 639-1 code such as 'en' or 'fr'"
    elif kind in ("blank_text", "invisible_character"):
        message = f"'{field}' {details['msg']}"
        code = "invalid-text"
    elif kind in ("unsafe_id",):
        message = details["msg"]
        code = "unsafe-id"
    elif kind in ("date", "date_type"):
        message = details["msg"]
        code = "invalid-date"
    elif kind == "url":
        message = details["msg"]
        code = "invalid-url"
    else:
        # pydantic's own wording, which is clear for bounds ("greater than or equal to -90"),
        # prefixed with the field so the editor knows which value it means.
        message = f"'{field}': {details['msg']}" if loc else details["msg"]
    return error(document.path, line, column, code, message)


def _without_misspelt_missing(
    model: type[pydantic.BaseModel], errors: list[ErrorDetails]
) -> list[ErrorDetails]:
    """Drop "missing 'title'" when the same mapping has 'titel': the suggestion says it all."""
    suggested: set[Loc] = set()
    for details in errors:
        if details["type"] == "extra_forbidden":
            loc = tuple(details["loc"])
            known = _fields_at(model, loc[:-1])
            match = closest(str(loc[-1]), known)
            if match is not None:
                suggested.add((*loc[:-1], match))
    return [d for d in errors if not (d["type"] == "missing" and tuple(d["loc"]) in suggested)]


def _missing_message(field: str, loc: Loc) -> str:
    if field == "claimant":
        return "claim has no claimant; say who made it with 'claimant: <actor-id>'"
    if field == "sources":
        return "no source given; add 'sources: [<source-id>]'"
    return f"missing required field '{field}'"


def _expected_type(kind: str) -> str:
    return {
        "string_type": "text",
        "int_type": "a whole number",
        "int_parsing": "a whole number",
        "int_from_float": "a whole number",
        "float_type": "a number",
        "float_parsing": "a number",
        "bool_type": "true or false",
        "bool_parsing": "true or false",
        "list_type": "a list",
        "dict_type": "a mapping of fields",
        "model_type": "a mapping of fields",
        "model_attributes_type": "a mapping of fields",
    }[kind]


def _annotation_at(model: type[pydantic.BaseModel], loc: Loc) -> Any:
    """The declared type of the value at `loc`, walking models, lists and optionals."""
    current: Any = model
    for part in loc:
        current = bare_type(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else Any
        elif isinstance(current, type) and issubclass(current, pydantic.BaseModel):
            field = _field_by_name(current, part)
            if field is None:
                return Any
            current = field.annotation
        else:
            return Any
    return bare_type(current)


def _field_by_name(model: type[pydantic.BaseModel], name: str) -> Any:
    for field_name, field in model.model_fields.items():
        if (field.alias or field_name) == name:
            return field
    return None


def _fields_at(model: type[pydantic.BaseModel], loc: Loc) -> list[str]:
    target = _annotation_at(model, loc)
    if isinstance(target, type) and issubclass(target, pydantic.BaseModel):
        return [field.alias or name for name, field in target.model_fields.items()]
    return []


def _choices_at(model: type[pydantic.BaseModel], loc: Loc) -> list[str]:
    target = _annotation_at(model, loc)
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return [str(member.value) for member in target]
    return []


# --- corpus checks ------------------------------------------------------------------------------


def check_corpus(
    parsed: Sequence[Parsed], broken: Iterable[tuple[str, str]] = ()
) -> list[Diagnostic]:
    """The problems no single file can show: ids used twice, references to ids that do not
    exist, dates that contradict an actor's, and sources nobody cites.

    `broken` names the files, by kind and id (their file name), that have errors of their
    own: they exist, so a reference to one is not reported as unknown; their own
    diagnostics say what to fix.
    """
    by_kind, problems = _by_id(parsed)
    ids = {kind: set(items) for kind, items in by_kind.items()}
    for kind, entity_id in broken:
        ids[kind].add(entity_id)
    cited: set[str] = set()
    for item in parsed:
        for loc, target_kind, target in _references(item.entity):
            if target_kind == "sources":
                cited.add(target)
            if target not in ids[target_kind]:
                problems.append(_dangling(item, loc, target_kind, target, ids[target_kind]))
        problems.extend(_date_problems(item, by_kind["actors"]))
    return [
        *problems,
        *_unused_sources(by_kind["sources"], cited.__contains__),
        *provenance_warnings(by_kind),
    ]


def _unused_sources(
    sources: Mapping[str, Parsed], is_cited: Callable[[str], bool]
) -> list[Diagnostic]:
    return [
        warning(
            item.document.path,
            1,
            1,
            "unused-source",
            f"source '{source_id}' is not cited by any actor, event, claim, figure, "
            "relationship or storyline; cite it or remove the file",
        )
        for source_id, item in sources.items()
        if not is_cited(source_id)
    ]


def _by_id(parsed: Sequence[Parsed]) -> tuple[dict[str, dict[str, Parsed]], list[Diagnostic]]:
    """Each kind's entities by id, and an error for each id used twice."""
    by_kind: dict[str, dict[str, Parsed]] = {kind: {} for kind in MODELS}
    problems: list[Diagnostic] = []
    for item in parsed:
        seen = by_kind[item.kind].get(item.entity.id)
        if seen is not None:
            line, column = item.document.positions.of_value(("id",))
            problems.append(
                error(
                    item.document.path,
                    line,
                    column,
                    "duplicate-id",
                    f"id '{item.entity.id}' is already used by {seen.document.path}",
                )
            )
            continue
        by_kind[item.kind][item.entity.id] = item
    return by_kind, problems


_NOUNS = {"actors": "actor", "sources": "source", "topics": "topic", "events": "event"}


def _dangling(item: Parsed, loc: Loc, target_kind: str, target: str, known: set[str]) -> Diagnostic:
    line, column = item.document.positions.of_value(loc)
    noun = _NOUNS[target_kind]
    return error(
        item.document.path,
        line,
        column,
        "unknown-reference",
        f"unknown {noun} '{target}'{did_you_mean(target, known)}; "
        f"ids are the file names under content/{target_kind}/",
    )


Reference = tuple[Loc, str, str]


def _references(entity: Entity) -> Iterator[Reference]:
    """Every id an entity points at: where it stands, what kind it names, and the id."""
    yield from _source_refs((), _sources_of(entity))
    if isinstance(entity, Event):
        for i, participant in enumerate(entity.participants):
            yield ("participants", i, "actor"), "actors", participant.actor
        for i, topic in enumerate(entity.topics):
            yield ("topics", i), "topics", topic
        for i, related in enumerate(entity.related):
            yield ("related", i), "events", related
        for i, milestone in enumerate(entity.milestones):
            yield from _source_refs(("milestones", i), milestone.sources)
        for i, claim in enumerate(entity.claims):
            yield ("claims", i, "claimant"), "actors", claim.claimant
            yield from _source_refs(("claims", i), claim.sources)
        for i, figure in enumerate(entity.figures):
            if figure.claimant is not None:
                yield ("figures", i, "claimant"), "actors", figure.claimant
            yield from _source_refs(("figures", i), figure.sources)
    elif isinstance(entity, Relationship):
        yield ("from",), "actors", entity.from_
        yield ("to",), "actors", entity.to


def _sources_of(entity: Entity) -> Iterable[str]:
    if isinstance(entity, (Actor, Event, Relationship, Topic)):
        return entity.sources
    return ()


def _source_refs(loc: Loc, sources: Iterable[str]) -> Iterator[tuple[Loc, str, str]]:
    for i, source in enumerate(sources):
        yield (*loc, "sources", i), "sources", source


def _date_problems(item: Parsed, actors: dict[str, Parsed]) -> Iterator[Diagnostic]:
    entity = item.entity
    if isinstance(entity, Event):
        yield from _order(item, "date", entity.date, "end", entity.end)
    elif isinstance(entity, Actor):
        yield from _order(item, "founded", entity.founded, "dissolved", entity.dissolved)
    elif isinstance(entity, Relationship):
        yield from _order(item, "start", entity.start, "end", entity.end)
        if entity.from_ == entity.to:
            line, column = item.document.positions.of_value(("to",))
            yield error(
                item.document.path,
                line,
                column,
                "self-relationship",
                f"'{entity.from_}' cannot have a relationship with itself",
            )
        for field, actor_id in (("from", entity.from_), ("to", entity.to)):
            actor = actors.get(actor_id)
            if actor is not None:
                yield from _within_existence(item, entity, field, actor)


def _order(
    item: Parsed, first: str, start: PartialDate | None, second: str, end: PartialDate | None
) -> Iterator[Diagnostic]:
    if start is not None and end is not None and end.last_day < start.first_day:
        line, column = item.document.positions.of_value((second,))
        yield error(
            item.document.path,
            line,
            column,
            "end-before-start",
            f"'{second}' ({end}) is before '{first}' ({start})",
        )


def _within_existence(
    item: Parsed, relation: Relationship, field: str, actor_item: Parsed
) -> Iterator[Diagnostic]:
    actor = actor_item.entity
    assert isinstance(actor, Actor)
    founded, dissolved, where = actor.founded, actor.dissolved, actor_item.document.path
    start, end = relation.start, relation.end
    if founded is not None and start is not None and start.last_day < founded.first_day:
        yield _outside(
            item,
            "start",
            f"relationship starts ({start}) before '{actor.id}' was founded ({founded}, {where})",
        )
    # With a start, a start too early is the one mistake, said above.
    elif founded is not None and end is not None and end.last_day < founded.first_day:
        yield _outside(
            item,
            "end",
            f"relationship ends ({end}) before '{actor.id}' was founded ({founded}, {where})",
        )
    if dissolved is not None and end is None:
        yield _outside(
            item,
            field,
            f"'{actor.id}' was dissolved on {dissolved}, but this relationship has no 'end'; "
            "add one",
        )
    elif dissolved is not None and end is not None and end.first_day > dissolved.last_day:
        yield _outside(
            item,
            "end",
            f"relationship ends ({end}) after '{actor.id}' was dissolved ({dissolved}, {where})",
        )


def _outside(item: Parsed, field: str, message: str) -> Diagnostic:
    line, column = item.document.positions.of_value((field,))
    return error(item.document.path, line, column, "outside-existence", message)
