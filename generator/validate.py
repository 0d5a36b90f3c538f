"""Validate: documents → entities, and every problem as a diagnostic.

Two passes, as in FollowTheMoney's loader: each file is checked against its schema on its
own, then the whole corpus is checked for what no single file can show (dangling references,
duplicate ids, dates outside an actor's existence).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import pydantic
import yaml
from pydantic_core import PydanticCustomError

from generator.dates import PartialDate
from generator.diagnostics import Diagnostic, did_you_mean, error, warning
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
    character_name,
    check_id,
    invisible_characters,
    markdown_fields,
)
from generator.schema_errors import field_name, schema_diagnostic, without_misspelt_missing
from generator.slips import YamlLoader
from generator.values import is_safe_id


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
        errors = without_misspelt_missing(model, exc.errors())
        return None, [schema_diagnostic(model, document, e) for e in errors]
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
    if isinstance(entity, Event):
        problems.extend(_repeated_part_ids(entity, document))
        problems.extend(_claim_link_problems(entity, document))
    return Parsed(kind, entity, document), problems


def _repeated_part_ids(event: Event, document: Document) -> Iterator[Diagnostic]:
    """Claims and figures are linked to by id, so two with one id would share an anchor."""
    first: dict[str, str] = {}
    parts = [("claims", "claim", i, c.id) for i, c in enumerate(event.claims)]
    parts += [("figures", "figure", i, f.id) for i, f in enumerate(event.figures)]
    for list_name, noun, index, part_id in parts:
        where = f"{noun} {index + 1}"
        if part_id not in first:
            first[part_id] = where
            continue
        line, column = document.positions.of_value((list_name, index, "id"))
        yield error(
            document.path,
            line,
            column,
            "duplicate-part-id",
            f"id '{part_id}' is already used by {first[part_id]} of this event; "
            "give each claim and figure its own id",
        )


def _claim_link_problems(event: Event, document: Document) -> Iterator[Diagnostic]:
    """`contradicts` and `confirms` name claims of the same event: each id must be one of
    them, and not the claim itself."""
    claim_ids = {claim.id for claim in event.claims}
    figure_ids = {figure.id for figure in event.figures}
    for index, claim in enumerate(event.claims):
        for field in ("contradicts", "confirms"):
            for position, target in enumerate(getattr(claim, field)):
                mistake = _claim_link_mistake(claim.id, target, claim_ids, figure_ids)
                if mistake is None:
                    continue
                code, message = mistake
                line, column = document.positions.of_value(("claims", index, field, position))
                yield error(document.path, line, column, code, f"'{field}': {message}")


def _claim_link_mistake(
    claim_id: str, target: str, claim_ids: set[str], figure_ids: set[str]
) -> tuple[str, str] | None:
    if target == claim_id:
        return "claim-link", f"claim '{claim_id}' names itself; name another claim of this event"
    if target in claim_ids:
        return None
    if target in figure_ids:
        return "claim-link", f"'{target}' is a figure, not a claim; only claims can be linked"
    others = claim_ids - {claim_id}
    return "unknown-claim", (
        f"no claim '{target}' in this event{did_you_mean(target, others)}; "
        "name the id of another claim of the same event"
    )


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
                root.append(yaml.compose(document.text, Loader=YamlLoader))
            line, column = _character_position(document, root[0], loc, value, index)
            yield warning(
                document.path,
                line,
                column,
                "invisible-character",
                f"'{field_name(loc)}' contains {character_name(character)}, which readers "
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


# --- corpus checks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """A file with errors of its own: it exists (by its kind and file name), and what it
    holds as written (`document.data`, None if the YAML itself is broken) still names
    other entities."""

    kind: FileKind
    name: str
    document: Document


def check_corpus(parsed: Sequence[Parsed], broken: Sequence[Broken] = ()) -> list[Diagnostic]:
    """The problems no single file can show: ids used twice, references to ids that do not
    exist, dates that contradict an actor's, and sources nobody cites.

    A `broken` file exists, so a reference to it is not reported as unknown (its own
    diagnostics say what to fix), and its own references are checked all the same, so one
    run reports every problem.
    """
    by_kind, problems = _by_id(parsed)
    ids = {kind: set(items) for kind, items in by_kind.items()}
    for file in broken:
        ids[file.kind].add(file.name)
    cited: set[str] = set()
    named = [(item.document, references(item.kind, item.entity)) for item in parsed]
    named += [(file.document, _safe_references(file)) for file in broken]
    for document, found in named:
        for loc, target_kind, target in found:
            if target_kind == "sources":
                cited.add(target)
            if target not in ids[target_kind]:
                problems.append(_dangling(document, loc, target_kind, target, ids[target_kind]))
    for item in parsed:
        problems.extend(_date_problems(item, by_kind["actors"]))
    return [
        *problems,
        *_unused_sources(by_kind["sources"], cited.__contains__),
        *provenance_warnings(by_kind),
    ]


def _safe_references(file: Broken) -> Iterator[Reference]:
    """What a broken file names, as written, but for ids that are not safe: each has its
    own error in the file (one mistake, one error), and so names nothing."""
    for loc, kind, target in references(file.kind, file.document.data):
        if is_safe_id(target):
            yield loc, kind, target


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


def _dangling(
    document: Document, loc: Loc, target_kind: str, target: str, known: set[str]
) -> Diagnostic:
    line, column = document.positions.of_value(loc)
    noun = _NOUNS[target_kind]
    return error(
        document.path,
        line,
        column,
        "unknown-reference",
        f"unknown {noun} '{target}'{did_you_mean(target, known)}; "
        f"ids are the file names under content/{target_kind}/",
    )


Reference = tuple[Loc, str, str]


# Where each kind of file names other entities: a path of keys as the file writes them, "*"
# for each item of a list, and the kind of entity the id names. Declared once, and walked
# both on a validated entity and on what a file with errors of its own holds as written.
REFERENCES: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "actors": ((("sources", "*"), "sources"),),
    "events": (
        (("participants", "*", "actor"), "actors"),
        (("topics", "*"), "topics"),
        (("sources", "*"), "sources"),
        (("related", "*"), "events"),
        (("milestones", "*", "sources", "*"), "sources"),
        (("date_alternatives", "*", "sources", "*"), "sources"),
        (("claims", "*", "claimant"), "actors"),
        (("claims", "*", "sources", "*"), "sources"),
        (("figures", "*", "claimant"), "actors"),
        (("figures", "*", "sources", "*"), "sources"),
    ),
    "relationships": ((("from",), "actors"), (("to",), "actors"), (("sources", "*"), "sources")),
    "sources": (),
    "topics": ((("sources", "*"), "sources"),),
}


def references(kind: str, value: object) -> Iterator[Reference]:
    """Every id an entity (or a file's data as written) points at: where it stands, what
    kind it names, and the id."""
    for path, target_kind in REFERENCES[kind]:
        for loc, target in _walk(value, path, ()):
            if isinstance(target, str):
                yield loc, target_kind, target


def _walk(value: object, path: tuple[str, ...], loc: Loc) -> Iterator[tuple[Loc, object]]:
    if not path:
        yield loc, value
        return
    key, rest = path[0], path[1:]
    if key == "*":
        if isinstance(value, list | tuple):
            for index, item in enumerate(value):
                yield from _walk(item, rest, (*loc, index))
    elif isinstance(value, pydantic.BaseModel):
        yield from _walk(getattr(value, _attribute(type(value), key), None), rest, (*loc, key))
    elif isinstance(value, Mapping) and key in value:
        yield from _walk(value[key], rest, (*loc, key))


@cache
def _attribute(model: type[pydantic.BaseModel], key: str) -> str:
    """The model's attribute a key of the file names ('from' is `from_`)."""
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return name
    return key


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
