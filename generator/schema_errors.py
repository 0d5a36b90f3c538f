"""Schema errors as diagnostics: pydantic's errors for one file, each turned into one
`path:line:column` message that names the field and says how to fix it."""

from __future__ import annotations

import enum
import typing
from typing import Any

import pydantic
from pydantic_core import ErrorDetails

from generator.diagnostics import Diagnostic, closest, did_you_mean, error
from generator.load import Document, Loc
from generator.schema import bare_type


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


def field_name(loc: Loc) -> str:
    names = [str(part) for part in loc if isinstance(part, str)]
    return names[-1] if names else "value"


def schema_diagnostic(
    model: type[pydantic.BaseModel], document: Document, details: ErrorDetails
) -> Diagnostic:
    loc: Loc = tuple(details["loc"])
    kind = details["type"]
    value = details.get("input")
    positions = document.positions
    line, column = positions.of_value(loc)
    field = field_name(loc)
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


def without_misspelt_missing(
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
