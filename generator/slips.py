"""YAML syntax errors reported where the editor must act.

libyaml reports where it gave up, which is often lines below the slip: a missing space after
a colon shows on the next key (past any comments), an unclosed quote at the end of the file or
at the next quote. Each common slip is recognised from the error and the tokens before it,
and reported at the line to edit, with the fix.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Protocol

import yaml

# libyaml's C loader where PyYAML was built with it.
try:
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]
YamlLoader = _YamlLoader


class _Mark(Protocol):
    # PyYAML has a Python and a C mark class; both carry these.
    line: int
    column: int


def position(mark: _Mark | None) -> tuple[int, int]:
    """libyaml counts from 0; editors and GitHub count from 1."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None or mark.index >= len(text):
        return ""
    return text[mark.index]


def tokens(text: str) -> Iterator[yaml.Token]:
    """libyaml's tokens of `text`, each with its start and end; stops at a syntax error."""
    with contextlib.suppress(yaml.YAMLError):
        yield from yaml.scan(text, Loader=YamlLoader)


# (line, column, message), 1-based.
_Slip = tuple[int, int, str]
# `kind:summit`: a colon with no space after it, in a word that was meant as `key: value`.
_GLUED_COLON = re.compile(r"^([A-Za-z_][\w-]*):([^\s/].*)$")
_CLOSING = {"[": "]", "{": "}"}
# The line breaks libyaml counts lines by (YAML 1.1), so that line numbers agree with its marks.
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def known_slip(exc: yaml.MarkedYAMLError, text: str) -> _Slip | None:
    problem, context = exc.problem or "", exc.context or ""
    at = exc.problem_mark
    if at is None:
        return None
    lines = _LINE_BREAK.split(text)
    if _char_at(text, at) == "\t":
        line, column = position(at)
        return line, column, "a tab here; YAML indents with spaces, not tabs"
    if "end of stream" in problem and "quoted scalar" in context and exc.context_mark:
        line, column = position(exc.context_mark)
        quote = _char_at(text, exc.context_mark)
        return line, column, f"the quote that opens this value is never closed; end it with {quote}"
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        return _line_without_colon(lines, *position(exc.context_mark))
    if context.startswith("while parsing a flow") and exc.context_mark is not None:
        opened = exc.context_mark
        if opened.line < at.line:
            bracket = _char_at(text, opened)
            closing = _CLOSING.get(bracket, "]")
            line, column = position(opened)
            return line, column, f"the '{bracket}' here is never closed; end it with '{closing}'"
    scalar = _last_scalar_before(text, at.index)
    after_quote = _after_quoted_value(scalar, at, lines) if scalar is not None else None
    if after_quote is not None:
        return after_quote
    if "mapping values are not allowed" in problem:
        return _colon_in_value(scalar, at, lines)
    if "block sequence entries are not allowed" in problem:
        line, column = position(at)
        return (
            line,
            column,
            "a value that starts with '- ' is read as a list, which cannot start on its "
            "field's line; put the value in quotes, or start the list on the next line",
        )
    if problem.startswith("did not find expected") and _at_indentation(lines, at):
        return _bad_indentation(lines, at)
    return None


def _line_without_colon(lines: list[str], line: int, column: int) -> _Slip:
    """A line that libyaml read as a key and found no ': ' after: `kind:summit`, `kind summit`."""
    glued = _glued_colon(_line(lines, line - 1), column, line)
    if glued is not None:
        return glued
    return (
        line,
        column,
        "this line is neither a field nor part of the value above it; write a field as "
        "'name: value', and indent the continuation of a value under its name",
    )


def _glued_colon(line_text: str, column: int, line: int) -> _Slip | None:
    words = line_text[column - 1 :].split(" #", 1)[0].rstrip()
    match = _GLUED_COLON.match(words)
    if match is None:
        return None
    key, value = match.groups()
    colon = column + len(key)
    return (
        line,
        colon,
        f"no space after the colon in '{_shorten(words)}'; write '{_shorten(f'{key}: {value}')}'",
    )


def _colon_in_value(scalar: yaml.ScalarToken | None, at: yaml.Mark, lines: list[str]) -> _Slip:
    """`title: Coup: soldiers seize power`, `id:x` on the line above, or a key indented deeper
    than the one above it: each time libyaml finds a colon where no key can start."""
    line, column = position(at)
    line_text = _line(lines, at.line)
    if scalar is not None and scalar.start_mark.line < at.line:
        first_line, first_column = position(scalar.start_mark)
        glued = _glued_colon(_line(lines, first_line - 1), first_column, first_line)
        if glued is not None:
            return glued
    elif scalar is not None and scalar.start_mark.column > _indent_of(line_text):
        return line, column, _quote_the_value(line_text, scalar.start_mark.column)
    return _deeper_than_the_line_above(lines, at)


def _quote_the_value(line_text: str, start: int) -> str:
    value = line_text[start:].split(" #", 1)[0].rstrip()
    before = line_text[:start].strip()
    message = "a value that contains ': ' must be put in quotes"
    for quote in ('"', "'"):
        if quote not in value and "\\" not in value:
            return f"{message}: write '{_shorten(f'{before} {quote}{value}{quote}'.strip())}'"
    return message


def _deeper_than_the_line_above(lines: list[str], at: yaml.Mark) -> _Slip:
    indent = _indent_of(_line(lines, at.line))
    above = _previous_content_line(lines, at.line)
    where = (
        ""
        if above is None
        else f", deeper than line {above + 1} ({_spaces(_key_indent(_line(lines, above)))})"
    )
    return (
        at.line + 1,
        indent + 1,
        f"this line is indented by {_spaces(indent)}{where}, so it is read as part of the value "
        "above it: indent a field like the other fields of its mapping, and put a value that "
        "contains ': ' in quotes",
    )


def _previous_content_line(lines: list[str], index: int, item: bool = False) -> int | None:
    """The nearest content line above `index`; with `item`, the nearest list item."""
    return next(
        (
            number
            for number in range(index - 1, -1, -1)
            if _is_content(_line(lines, number))
            and (not item or _is_list_item(_line(lines, number)))
        ),
        None,
    )


def _bad_indentation(lines: list[str], at: yaml.Mark) -> _Slip | None:
    indent = at.column
    # A list item lines up by its dash with the items above it, a field by its key.
    item = _is_list_item(_line(lines, at.line))
    previous = _previous_content_line(lines, at.line, item)
    if previous is None:
        return None
    above = _dash_indent(_line(lines, previous)) if item else _key_indent(_line(lines, previous))
    if above == indent:
        return None
    return (
        at.line + 1,
        at.column + 1,
        f"this line is indented by {_spaces(indent)}, which lines up with no "
        f"{'item' if item else 'field'} above it; indent it like the "
        f"{'items' if item else 'fields'} it belongs with "
        f"(line {previous + 1}: {_spaces(above)})",
    )


def _after_quoted_value(scalar: yaml.ScalarToken, at: yaml.Mark, lines: list[str]) -> _Slip | None:
    """A quote closed too late (by the next quote in the file) or too early (`'JNIM's'`)."""
    quote = scalar.style
    if quote not in ("'", '"'):
        return None
    opened = scalar.start_mark
    if opened.line < scalar.end_mark.line and scalar.end_mark.line == at.line:
        # The quote was closed by the next quote character in the file, lines below.
        line, column = position(opened)
        return (
            line,
            column,
            f"the quote that opens this value is closed only on line {scalar.end_mark.line + 1}; "
            f"end the value with {quote} on this line",
        )
    if (
        scalar.end_mark.line == at.line
        and not _line(lines, at.line)[scalar.end_mark.column : at.column].strip()
    ):
        line, column = scalar.end_mark.line + 1, scalar.end_mark.column
        inside = (
            "write a ' inside '...' twice ('')" if quote == "'" else 'write a " inside "..." as \\"'
        )
        return line, column, f"the value ends at this quote, and more text follows it; {inside}"
    return None


def _last_scalar_before(text: str, index: int) -> yaml.ScalarToken | None:
    """The last scalar that starts before `index`; only called once a file has failed."""
    last = None
    for token in tokens(text):
        if token.start_mark.index >= index:
            break
        if isinstance(token, yaml.ScalarToken):
            last = token
    return last


def _line(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


def _at_indentation(lines: list[str], at: yaml.Mark) -> bool:
    return at.line < len(lines) and _indent_of(_line(lines, at.line)) == at.column


def _is_content(line_text: str) -> bool:
    stripped = line_text.strip()
    return bool(stripped) and not stripped.startswith("#")


def _indent_of(line_text: str) -> int:
    return len(line_text) - len(line_text.lstrip(" "))


def _key_indent(line_text: str) -> int:
    """Where the line's key starts: a list item's `- ` counts as indentation."""
    stripped = line_text.lstrip(" -")
    return len(line_text) - len(stripped)


def _is_list_item(line_text: str) -> bool:
    return line_text.lstrip(" ").startswith("- ")


def _dash_indent(line_text: str) -> int:
    return len(line_text) - len(line_text.lstrip(" "))


def _spaces(count: int) -> str:
    return f"{count} space{'s' * (count != 1)}"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
