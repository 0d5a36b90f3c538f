"""`python -m generator new <kind> <id>`: a commented template for a new file.

The template is written from the schema's models through guide.py, so its fields, their order
and every comment follow schema.py and cannot drift from what the checker accepts.

Design: a fresh template is deliberately *incomplete*. Required fields are present with an
empty placeholder, and `python -m generator check` reports each one until an editor fills it in;
the placeholder of each field is the one whose message says best what is wanted:
- text, ids and numbers are left empty (`title:`): "'title' should be text, not an empty value";
- choices and dates get `''`, so the message lists the choices or the date format;
- lists get `[]`: "no source given; cite at least one source id under 'sources'".
Optional fields are commented out (`# end: ''`), with their description above them; an editor
removes the `# ` to use one. The template is laid out as `python -m generator fmt` would
lay it out, so formatting a fresh template changes nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
import unicodedata
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticCustomError

from generator import schema
from generator.diagnostics import EXIT_CONTENT, EXIT_OK, EXIT_USAGE
from generator.guide import FieldDoc, date_help, fields_of

COMMENT_WIDTH = 100
INDENT = "  "

_NOT_IN_AN_ID = re.compile(r"[^a-z0-9]+")

# The command takes the singular ('new event'); the folder under content/ is plural.
FOLDERS: dict[str, schema.FileKind] = {
    "actor": "actors",
    "event": "events",
    "relationship": "relationships",
    "source": "sources",
    "topic": "topics",
}


def run_new_command(args: argparse.Namespace) -> int:
    kind: str = args.kind
    entity_id: str = args.id
    content: Path = args.content
    problem = id_problem(entity_id)
    if problem is not None:
        suggestion = suggested_id(entity_id)
        hint = f" (did you mean '{suggestion}'?)" if suggestion is not None else ""
        print(f"error: {problem}{hint}", file=sys.stderr)
        return EXIT_USAGE
    folder = FOLDERS[kind]
    target = content / folder / f"{entity_id}.yaml"
    try:
        write_new_file(target, template(folder, entity_id))
    except FileExistsError:
        print(
            f"error: {target.as_posix()} already exists; edit it, or choose another id",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    print(target.as_posix())
    return EXIT_OK


def suggested_id(wanted: str) -> str | None:
    """A safe id close to what the editor typed ('Niger-Coup' → 'niger-coup'), if there is one."""
    ascii_text = unicodedata.normalize("NFKD", wanted).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_IN_AN_ID.sub("-", ascii_text.lower()).strip("-")
    slug = slug[: schema.ID_MAX_LENGTH].rstrip("-")
    if not slug or slug == wanted or id_problem(slug) is not None:
        return None
    return slug


def id_problem(entity_id: str) -> str | None:
    """Why `entity_id` cannot name a file, in the checker's own words; None if it can."""
    try:
        schema.check_id(entity_id)
    except PydanticCustomError as error:
        return error.message()
    return None


def write_new_file(target: Path, text: str) -> None:
    """Create `target` with `text`; raise FileExistsError rather than overwrite anything."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # Mode 'x' creates the file or fails, in one step: there is no moment between a check
    # and the write in which another process could create the file.
    with target.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


# --- the template ----------------------------------------------------------------------------


def template(folder: schema.FileKind, entity_id: str) -> str:
    noun = next(singular for singular, plural in FOLDERS.items() if plural == folder)
    lines = _header(noun)
    for field in fields_of(schema.MODELS[folder]):
        lines.append("")
        if field.name == "id":
            lines.extend([*_description_lines(field, ""), f"id: {entity_id}"])
        else:
            lines.extend(_field_lines(field, ""))
    return "\n".join(lines) + "\n"


def _header(noun: str) -> list[str]:
    return [
        f"# A new {noun}. Fill in every field that is not commented out, then run",
        "# `python -m generator check`: it reports each required field still empty.",
        "# Optional fields are commented out: remove the '# ' in front of one to use it, and",
        "# delete the ones you do not need. Every field is described in the field reference",
        "# (About > Field reference on the site).",
    ]


def _field_lines(field: FieldDoc, indent: str) -> list[str]:
    """The description of one field, then the field itself (commented out if optional)."""
    lines = _description_lines(field, indent)
    value_lines = _value_lines(field, indent)
    if not field.required:
        value_lines = [_comment_out(line, indent) for line in value_lines]
    return lines + value_lines


def _description_lines(field: FieldDoc, indent: str) -> list[str]:
    need = "required" if field.required else "optional"
    if field.default is not None:
        need += f", default {field.default}"
    text = f"{field.name} ({need}): {field.value_type}."
    if field.is_date:
        # The uncertain forms too: an editor who knows only "about May 2015" must not guess a day.
        text += f" {date_help()}; if unsure, 2015-05~ (about) or ../2017-03 (by then)."
    if field.description:
        text += f" {field.description}"
    if field.choices:
        text += f" One of: {', '.join(field.choices)}."
    return textwrap.wrap(
        text,
        width=COMMENT_WIDTH,
        initial_indent=f"{indent}# ",
        subsequent_indent=f"{indent}#   ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _value_lines(field: FieldDoc, indent: str) -> list[str]:
    if field.nested is None:
        return [f"{indent}{field.name}: {_placeholder(field)}".rstrip()]
    if not field.is_list:
        return [f"{indent}{field.name}:", *_model_lines(field.nested, indent + INDENT)]
    # One example item: the dash stands at the item's first key, as fmt lays lists out.
    item = _model_lines(field.nested, indent + INDENT * 2)
    first_key = next(i for i, line in enumerate(item) if not line.lstrip().startswith("#"))
    dash_column = len(indent) + len(INDENT)
    item[first_key] = item[first_key][:dash_column] + "- " + item[first_key][dash_column + 2 :]
    return [f"{indent}{field.name}:", *item]


def _model_lines(model: type[BaseModel], indent: str) -> list[str]:
    lines: list[str] = []
    for field in fields_of(model):
        lines.extend(_field_lines(field, indent))
    return lines


def _placeholder(field: FieldDoc) -> str:
    if field.default is not None:
        return field.default
    if field.is_list:
        return "[]"
    if field.choices or field.is_date:
        return "''"
    return ""


def _comment_out(line: str, indent: str) -> str:
    """'# ' at the field's own indentation, so removing those two characters restores it."""
    return f"{indent}# {line[len(indent) :]}"
