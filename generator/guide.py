"""What the schema says, in editors' words: every field of every model in schema.py.

One walk over the pydantic models serves three readers, so none of them can drift from the
schema: the field reference page (`reference_pages`), the templates that
`python -m generator new` writes (scaffold.py) and the key order of `python -m generator fmt`
(fmt.py).
"""

from __future__ import annotations

import enum
import functools
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator import countries, schema
from generator.dates import PartialDate

# How each file kind is introduced on the reference page, in the order editors meet them.
KIND_TITLES: dict[schema.FileKind, str] = {
    "events": "Events",
    "actors": "Actors",
    "relationships": "Relationships",
    "sources": "Sources",
    "topics": "Topics",
}

REFERENCE_PAGE = "about/fields.md"


@dataclass(frozen=True)
class FieldDoc:
    """One field of a model, as an editor writes it in YAML."""

    name: str  # the key in the file: the alias where there is one ('from', not 'from_')
    required: bool
    value_type: str  # such as 'id', 'date', 'list of ids', 'claim'
    description: str
    choices: tuple[str, ...]  # the allowed values, when the field is an enumeration
    default: str | None  # the value used when the field is left out, if it is worth showing
    nested: type[BaseModel] | None  # the model of a nested mapping (or of each list item)
    is_list: bool
    is_date: bool


@functools.cache
def fields_of(model: type[BaseModel]) -> tuple[FieldDoc, ...]:
    """The fields of `model` in declaration order, which is also the order files keep."""
    properties = model.model_json_schema(by_alias=True, mode="validation")["properties"]
    return tuple(
        _field_doc(field.alias or name, field, properties[field.alias or name])
        for name, field in model.model_fields.items()
    )


def _field_doc(name: str, field: FieldInfo, json_schema: dict[str, Any]) -> FieldDoc:
    classes = list(_classes_in(field.annotation))
    nested = next((c for c in classes if issubclass(c, BaseModel)), None)
    choice_enum = next((c for c in classes if issubclass(c, enum.Enum)), None)
    choices = tuple(str(member.value) for member in choice_enum) if choice_enum else ()
    is_list = typing.get_origin(schema.bare_type(field.annotation)) is list
    return FieldDoc(
        name=name,
        required=field.is_required(),
        value_type=_value_type(json_schema, nested, choice_enum, is_list),
        description=field.description or "",
        choices=choices,
        default=_shown_default(field),
        nested=nested,
        is_list=is_list,
        is_date=PartialDate in classes,
    )


def _classes_in(annotation: Any) -> Iterator[type]:
    """Every class named in an annotation, looking through Annotated, unions and lists."""
    if isinstance(annotation, type) and typing.get_origin(annotation) is None:
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _classes_in(argument)


def _inherited_doc(cls: type) -> bool:
    """True when a class has no docstring of its own (pydantic supplies one)."""
    return cls.__dict__.get("__doc__") is None or cls.__doc__ == BaseModel.__doc__


def _shown_default(field: FieldInfo) -> str | None:
    default = field.get_default(call_default_factory=True)
    if default is None or default == [] or field.is_required():
        return None
    if isinstance(default, enum.Enum):
        return str(default.value)
    return str(default)


def _value_type(
    json_schema: dict[str, Any],
    nested: type[BaseModel] | None,
    choice_enum: type[enum.Enum] | None,
    is_list: bool,
) -> str:
    if nested is not None:
        noun = model_noun(nested)
        return f"list of {_plural(noun)}" if is_list else noun
    if choice_enum is not None:
        return "choice"
    if _is_date_schema(json_schema):
        return "date"
    value = _without_null(json_schema)
    if is_list:
        return f"list of {_plural(_scalar_type(_without_null(value.get('items', {}))))}"
    return _scalar_type(value)


def _without_null(json_schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of the value itself, looking through 'or null'."""
    options = [o for o in json_schema.get("anyOf", []) if o.get("type") != "null"]
    return options[0] if len(options) == 1 else json_schema


def _scalar_type(json_schema: dict[str, Any]) -> str:
    kind = json_schema.get("type")
    if kind == "string":
        return _string_type(json_schema)
    if kind == "integer":
        return "whole number"
    if kind == "number":
        low, high = json_schema.get("minimum"), json_schema.get("maximum")
        return f"number from {low:g} to {high:g}" if low is not None else "number"
    if kind == "boolean":
        return "true or false"
    return "value"


def _is_date_schema(json_schema: dict[str, Any]) -> bool:
    return any(
        option.get("pattern") == schema.DATE_PATTERN or _is_date_schema(option)
        for option in json_schema.get("anyOf", [])
    )


def _string_type(json_schema: dict[str, Any]) -> str:
    pattern = json_schema.get("pattern")
    if pattern == schema.ID_PATTERN:
        return "id"
    if pattern == schema.LANGUAGE_PATTERN:
        return "language code"
    if pattern == schema.URL_PATTERN:
        return "web address"
    if json_schema.get("enum") == list(countries.CODES):
        return "country code"
    if "maxLength" in json_schema:
        return f"text, at most {json_schema['maxLength']} characters"
    return "text"


def model_noun(model: type[BaseModel]) -> str:
    """'claim' for Claim, 'date alternative' for DateAlternative: how the guide and the
    templates name one nested item."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", model.__name__).lower()


def _plural(noun: str) -> str:
    return f"{noun}es" if noun.endswith("s") else f"{noun}s"


def date_help() -> str:
    return "YYYY, YYYY-MM or YYYY-MM-DD: write only as much as is known"


# --- the reference page ------------------------------------------------------------------------


def reference_pages() -> dict[str, str]:
    """The generated pages of the editors' guide, by their path under site_src/."""
    return {REFERENCE_PAGE: _fields_page()}


def _fields_page() -> str:
    parts = [
        "# Field reference\n",
        "Every file under `content/` holds one YAML mapping, whose fields are listed here "
        "for each kind of file. This page is generated from the schema the checker uses "
        "(`generator/schema.py`), so it always says what `python -m generator check` "
        "accepts. How to write each kind of file is in the "
        "[editors' guide](editors-guide.md).\n",
        "**Required** fields must be given. The others may be left out; a default, where "
        f"there is one, is shown. Dates are written {date_help()} "
        "(`2023`, `2023-07`, `2023-07-26`). Ids are lower-case ASCII letters, digits and "
        "single hyphens, such as `niger-coup-2023`; a file's id is its file name without "
        "`.yaml`.\n",
        _fuzzy_dates_section(),
    ]
    described: set[type[BaseModel]] = set()
    for kind, title in KIND_TITLES.items():
        model = schema.MODELS[kind]
        parts.append(f"## {title}\n")
        parts.append(f"One file per {kind[:-1]}: `content/{kind}/<id>.yaml`.\n")
        parts.append(_field_table(model))
        for nested in _nested_models(model):
            if nested in described:
                continue
            described.add(nested)
            parts.append(f"### {nested.__name__}\n")
            parts.append(_nested_introduction(model, nested))
            parts.append(_field_table(nested))
    return "\n".join(parts)


QUOTE = "'"
# Each form of EDTF date the checker accepts, by what the editor knows.
FUZZY_DATE_EXAMPLES = (
    ("about a month", "2015-05~"),
    ("perhaps a day", "2015-05-13?"),
    ("one of two days", "'[2015-05-13,2015-05-14]'"),
    ("from one day to another", "2015-05-13/2015-05-14"),
    ("by a month, start unknown", "../2017-03"),
    ("from a year, end unknown", "2017/.."),
)


def _fuzzy_dates_section() -> str:
    rows = "".join(
        f"| {known} | `{text}` | {PartialDate.parse(text.strip(QUOTE)).human()} |\n"
        for known, text in FUZZY_DATE_EXAMPLES
    )
    return (
        "A date not known that exactly is written in the Library of Congress's Extended "
        "Date/Time Format (EDTF). `~` means about, "
        "`?` perhaps, `%` both; a set in square brackets, which YAML needs in quotes, one of "
        "its dates; `/` a span, and `..` an end that is not known.\n\n"
        "| known | write | shown as |\n| --- | --- | --- |\n" + rows + "\n"
        "In lists a fuzzy date sorts by its earliest known date: a span "
        "or a set at its first date, 'about' and 'perhaps' just after the dates known for sure "
        "at the same place. 'By March 2017' sorts just before March 2017, and a relationship "
        "that started then is taken to hold from March 2017: it held by then at the latest, "
        "and when it began nobody recorded.\n"
    )


def _nested_models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for field in fields_of(model):
        if field.nested is not None:
            yield field.nested
            yield from _nested_models(field.nested)


def _nested_introduction(parent: type[BaseModel], nested: type[BaseModel]) -> str:
    holders = [field for field in _fields_anywhere(parent) if field.nested is nested]
    doc = "" if _inherited_doc(nested) else " ".join((nested.__doc__ or "").split())
    places = [
        f"each item of `{field.name}`" if field.is_list else f"the value of `{field.name}`"
        for field in holders
    ]
    where = f"Written as {' and '.join(places)}." if places else ""
    return f"{doc} {where}".strip() + "\n"


def _fields_anywhere(model: type[BaseModel]) -> Iterator[FieldDoc]:
    for field in fields_of(model):
        yield field
        if field.nested is not None:
            yield from _fields_anywhere(field.nested)


def _field_table(model: type[BaseModel]) -> str:
    rows = [
        "| Field | Type | Required | Description | Allowed values |",
        "| --- | --- | --- | --- | --- |",
    ]
    rows.extend(_field_row(field) for field in fields_of(model))
    return "\n".join(rows) + "\n"


def _field_row(field: FieldDoc) -> str:
    value_type = field.value_type
    if field.nested is not None:
        value_type = f"[{value_type}](#{field.nested.__name__.lower()})"
    required = "yes" if field.required else "no"
    if field.default is not None:
        required += f" (default: `{field.default}`)"
    allowed = ", ".join(f"`{choice}`" for choice in field.choices)
    cells = [f"`{field.name}`", value_type, required, field.description, allowed]
    return "| " + " | ".join(_table_cell(cell) for cell in cells) + " |"


def _table_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
