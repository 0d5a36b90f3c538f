"""Load: YAML text → plain data, with the line and column of every key and value.

libyaml (through PyYAML's C parser, which MkDocs already depends on) composes the node
tree: it keeps positions and is about five times faster than ruamel.yaml's C composer on
our files. We then build plain values ourselves from the nodes, so that nothing is
ever constructed from a tag: Python tags, unknown tags, anchors, aliases and merge keys are
refused with a diagnostic instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import yaml

from generator.diagnostics import Diagnostic, error

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32
_BRACKETS_BEFORE_SCAN = 256

# A path to a value inside a document: keys and list indices, as pydantic's `loc`.
Loc = tuple[str | int, ...]

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_constructor = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class Positions:
    """Where each value and each key of a document stands (1-based line and column)."""

    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def of_value(self, loc: Loc) -> tuple[int, int]:
        """The value at `loc`, or the nearest enclosing one that exists in the file."""
        while loc not in self.values and loc:
            loc = loc[:-1]
        return self.values.get(loc, (1, 1))

    def of_key(self, loc: Loc) -> tuple[int, int]:
        return self.keys[loc] if loc in self.keys else self.of_value(loc)


@dataclass(frozen=True)
class Document:
    """One loaded file: its data (None if it could not be read) and where each part stands.

    Positions are only needed to report a problem, which is rare, so they are found on
    first use by composing the file's text once more, rather than recorded for every node
    of every file.
    """

    path: str
    data: dict[str, Any] | None
    text: str = ""
    problems: tuple[Diagnostic, ...] = ()

    @cached_property
    def positions(self) -> Positions:
        positions = Positions()
        # Data is only set when the text composed cleanly, so composing it again succeeds.
        node = yaml.compose(self.text, Loader=_Loader) if self.data is not None else None
        if node is not None:
            _build(node, (), positions, self.path, set(), 0)
        return positions


class _AliasFound(Exception):
    """An alias was met; its own position is looked up from the events (a rare path)."""


class _Refused(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def load_file(path: Path, display_path: str | None = None) -> Document:
    shown = display_path or path.as_posix()
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return _failed(error(shown, 1, 1, "unreadable", f"cannot read file: {exc.strerror}"))
    if len(raw) > MAX_FILE_BYTES:
        return _failed(
            error(
                shown,
                1,
                1,
                "file-too-large",
                f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB; a content file holds "
                "one entity and should be a few kB — split it or remove pasted material",
            ),
        )
    return load_bytes(raw, shown)


def load_bytes(raw: bytes, path: str) -> Document:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position_of_offset(raw, exc.start)
        return _failed(
            error(
                path,
                line,
                column,
                "encoding",
                f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            ),
        )
    return load_text(text.removeprefix("\ufeff"), path)


def load_text(text: str, path: str) -> Document:
    if not text.strip():
        return _failed(_empty_file(path))
    too_deep = _flow_nesting_too_deep(text, path)
    if too_deep is not None:
        return _failed(too_deep)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        if _libyaml_depth_limit(exc):
            found = _first_too_deep(text, path, yaml.SafeLoader)
            return _failed(found or _syntax_diagnostic(path, exc, text))
        return _failed(_syntax_diagnostic(path, exc, text))
    except yaml.reader.ReaderError as exc:
        return _failed(_reader_diagnostic(path, exc, text))
    except RecursionError:
        return _failed(_too_deep(path, 1, 1))
    if node is None:
        return _failed(_empty_file(path))
    try:
        data = _build(node, (), None, path, set(), 0)
    except _Refused as refused:
        return _failed(refused.diagnostic)
    except _AliasFound:
        line, column = _first_alias_position(text)
        return _failed(
            error(
                path,
                line,
                column,
                "yaml-alias",
                "aliases (*name) are not allowed; write the value out",
            ),
        )
    if not isinstance(data, dict):
        line, column = _mark(node)
        return _failed(
            error(
                path,
                line,
                column,
                "not-a-mapping",
                "the file must be a mapping of fields (`id: ...`, `title: ...`), "
                f"not a {_kind_name(node)}",
            ),
        )
    return Document(path, data, text)


def _flow_nesting_too_deep(text: str, path: str) -> Diagnostic | None:
    """Refuse deep `[[[[...` before libyaml's composer, whose C recursion has no bound.

    Tens of thousands of nested brackets crash the process; the event parser is iterative,
    so counting depth from its events is safe. Block nesting cannot get that deep within
    MAX_FILE_BYTES, and ordinary files hold a handful of brackets, so they skip the scan.
    """
    if text.count("[") + text.count("{") <= _BRACKETS_BEFORE_SCAN:
        return None
    return _first_too_deep(text, path, _Loader)


def tokens(text: str) -> Iterator[yaml.Token]:
    """libyaml's tokens of `text`, each with its start and end; stops at a syntax error."""
    with contextlib.suppress(yaml.YAMLError):
        yield from yaml.scan(text, Loader=_Loader)


def _first_too_deep(
    text: str, path: str, loader: type[yaml.SafeLoader | yaml.CSafeLoader]
) -> Diagnostic | None:
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return _too_deep(path, *_position(event.start_mark))
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # the composer reports syntax errors with their position
    return None


def _libyaml_depth_limit(exc: yaml.MarkedYAMLError) -> bool:
    """libyaml 0.2.6 (in PyYAML 6.0.4 wheels) stops at 1,000 levels with a scanner error.

    That error points at the 1,001st level, not the 33rd, so the file is scanned again by
    the pure-Python parser, which has no such limit and is iterative as well.
    """
    return "exceeded maximum nesting depth" in (exc.problem or "")


def _first_alias_position(text: str) -> tuple[int, int]:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            return _position(event.start_mark)
    return 1, 1  # pragma: no cover - only called once the composer has met an alias


def _empty_file(path: str) -> Diagnostic:
    return error(path, 1, 1, "empty-file", "file is empty; it should hold one entity")


def _failed(diagnostic: Diagnostic) -> Document:
    return Document(diagnostic.path, None, "", (diagnostic,))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return _position(node.start_mark)


class _Mark(Protocol):
    # PyYAML has a Python and a C mark class; both carry these.
    line: int
    column: int


def _position(mark: _Mark | None) -> tuple[int, int]:
    """libyaml counts from 0; editors and GitHub count from 1."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _kind_name(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    return "single value"


def _build(
    node: yaml.Node,
    loc: Loc,
    positions: Positions | None,
    path: str,
    seen: set[int],
    depth: int,
) -> Any:
    """Plain values from a node tree; with `positions`, also record where each part stands."""
    if id(node) in seen:
        # libyaml hands back the anchored node itself for each alias: meeting a node twice
        # is how an alias shows, and stopping here is what keeps "billion laughs" cheap.
        raise _AliasFound
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise _Refused(_too_deep(path, *_mark(node)))
    if positions is not None:
        positions.values[loc] = _mark(node)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, path)
    if isinstance(node, yaml.SequenceNode):
        _check_tag(node, _SEQ_TAG, path)
        return [
            _build(item, (*loc, index), positions, path, seen, depth + 1)
            for index, item in enumerate(node.value)
        ]
    assert isinstance(node, yaml.MappingNode)
    _check_tag(node, _MAP_TAG, path)
    mapping: dict[str, Any] = {}
    key_nodes: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = _key(key_node, path)
        if key in key_nodes:
            first_line, _ = _mark(key_nodes[key])
            raise _Refused(
                error(
                    path,
                    *_mark(key_node),
                    "duplicate-key",
                    f"duplicate key '{key}' (first given on line {first_line}); keep one",
                )
            )
        key_nodes[key] = key_node
        if positions is not None:
            positions.keys[(*loc, key)] = _mark(key_node)
        mapping[key] = _build(value_node, (*loc, key), positions, path, seen, depth + 1)
    return mapping


def _key(node: yaml.Node, path: str) -> str:
    if node.tag == "tag:yaml.org,2002:str" and isinstance(node, yaml.ScalarNode):
        return str(node.value)
    line, column = _mark(node)
    if node.tag == "tag:yaml.org,2002:merge":
        raise _Refused(
            error(
                path,
                line,
                column,
                "yaml-merge",
                "merge keys (<<) are not allowed; write the fields out",
            )
        )
    if not isinstance(node, yaml.ScalarNode):
        raise _Refused(error(path, line, column, "bad-key", "a key must be a plain name"))
    value = _scalar(node, path)
    if isinstance(value, bool) or value is None:
        # `yes:` or `null:` as a key is a YAML trap; the editor meant the word.
        return str(node.value)
    return str(value)


def _scalar(node: yaml.ScalarNode, path: str) -> Any:
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    _check_tag(node, None, path)
    if node.tag == "tag:yaml.org,2002:timestamp":
        # Dates stay text: the schema reads them as partial dates, never as datetimes.
        return node.value
    try:
        value = _constructor.construct_object(node)
    except (yaml.constructor.ConstructorError, ValueError, OverflowError):
        line, column = _mark(node)
        raise _Refused(
            error(path, line, column, "yaml-value", f"cannot read the value {node.value!r}")
        ) from None
    finally:
        # The constructor keeps each node it made a value of, with its marks: a process
        # that loads again and again (`mkdocs serve`) would keep every number it ever read.
        _constructor.constructed_objects.clear()
        _constructor.recursive_objects.clear()  # left holding the node when it raised
    if isinstance(value, dt.date):  # pragma: no cover - timestamps are returned above
        return node.value
    return value


def _check_tag(node: yaml.Node, expected: str | None, path: str) -> None:
    allowed = _SCALAR_TAGS if expected is None else {expected}
    if node.tag in allowed:
        return
    line, column = _mark(node)
    tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
    raise _Refused(
        error(
            path,
            line,
            column,
            "yaml-tag",
            f"the tag '{tag}' is not allowed; content files hold plain text, numbers, "
            "lists and mappings only",
        )
    )


def _too_deep(path: str, line: int, column: int) -> Diagnostic:
    return error(path, line, column, "too-deep", f"nesting deeper than {MAX_DEPTH} levels")


def _reader_diagnostic(path: str, exc: yaml.reader.ReaderError, text: str) -> Diagnostic:
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return error(
        path,
        line,
        column,
        "yaml-syntax",
        f"control character U+{code:04X} is not allowed; delete it (it is often invisible)",
    )


def _syntax_diagnostic(path: str, exc: yaml.MarkedYAMLError, text: str) -> Diagnostic:
    slip = _known_slip(exc, text)
    if slip is not None:
        line, column, message = slip
        return error(path, line, column, "yaml-syntax", f"YAML syntax error: {message}")
    line, column = _position(exc.problem_mark or exc.context_mark)
    problem = exc.problem or "invalid YAML"
    context = f" ({exc.context})" if exc.context and exc.context not in problem else ""
    hint = _syntax_hint(problem)
    return error(path, line, column, "yaml-syntax", f"YAML syntax error: {problem}{context}{hint}")


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None or mark.index >= len(text):
        return ""
    return text[mark.index]


def _syntax_hint(problem: str) -> str:
    if "another document" in problem:
        return "; a file holds one entity: remove the '---' separator and what follows"
    if "undefined alias" in problem:
        return "; aliases (*name) are not allowed"
    return ""


# --- syntax errors: where the editor must act --------------------------------------------------
#
# libyaml reports where it gave up, which is often lines below the slip: a missing space after
# a colon shows on the next key (past any comments), an unclosed quote at the end of the file or
# at the next quote. Each common slip is recognised from the error and the tokens before it,
# and reported at the line to edit, with the fix.

# (line, column, message), 1-based.
_Slip = tuple[int, int, str]
# `kind:summit`: a colon with no space after it, in a word that was meant as `key: value`.
_GLUED_COLON = re.compile(r"^([A-Za-z_][\w-]*):([^\s/].*)$")
_CLOSING = {"[": "]", "{": "}"}
# The line breaks libyaml counts lines by (YAML 1.1), so that line numbers agree with its marks.
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _known_slip(exc: yaml.MarkedYAMLError, text: str) -> _Slip | None:
    problem, context = exc.problem or "", exc.context or ""
    at = exc.problem_mark
    if at is None:
        return None
    lines = _LINE_BREAK.split(text)
    if _char_at(text, at) == "\t":
        line, column = _position(at)
        return line, column, "a tab here; YAML indents with spaces, not tabs"
    if "end of stream" in problem and "quoted scalar" in context and exc.context_mark:
        line, column = _position(exc.context_mark)
        quote = _char_at(text, exc.context_mark)
        return line, column, f"the quote that opens this value is never closed; end it with {quote}"
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        return _line_without_colon(lines, *_position(exc.context_mark))
    if context.startswith("while parsing a flow") and exc.context_mark is not None:
        opened = exc.context_mark
        if opened.line < at.line:
            bracket = _char_at(text, opened)
            closing = _CLOSING.get(bracket, "]")
            line, column = _position(opened)
            return line, column, f"the '{bracket}' here is never closed; end it with '{closing}'"
    scalar = _last_scalar_before(text, at.index)
    after_quote = _after_quoted_value(scalar, at, lines) if scalar is not None else None
    if after_quote is not None:
        return after_quote
    if "mapping values are not allowed" in problem:
        return _colon_in_value(scalar, at, lines)
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
    line, column = _position(at)
    line_text = _line(lines, at.line)
    if scalar is not None and scalar.start_mark.line < at.line:
        first_line, first_column = _position(scalar.start_mark)
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


def _previous_content_line(lines: list[str], index: int) -> int | None:
    return next(
        (number for number in range(index - 1, -1, -1) if _is_content(_line(lines, number))), None
    )


def _bad_indentation(lines: list[str], at: yaml.Mark) -> _Slip | None:
    indent = at.column
    previous = _previous_content_line(lines, at.line)
    if previous is None:
        return None
    above = _key_indent(_line(lines, previous))
    if above == indent:
        return None
    return (
        at.line + 1,
        at.column + 1,
        f"this line is indented by {_spaces(indent)}, which lines up with no field above it; "
        f"indent it like the fields it belongs with (line {previous + 1}: {_spaces(above)})",
    )


def _after_quoted_value(scalar: yaml.ScalarToken, at: yaml.Mark, lines: list[str]) -> _Slip | None:
    """A quote closed too late (by the next quote in the file) or too early (`'JNIM's'`)."""
    quote = scalar.style
    if quote not in ("'", '"'):
        return None
    opened = scalar.start_mark
    if opened.line < scalar.end_mark.line and scalar.end_mark.line == at.line:
        # The quote was closed by the next quote character in the file, lines below.
        line, column = _position(opened)
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


def _spaces(count: int) -> str:
    return f"{count} space{'s' * (count != 1)}"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _position_of_offset(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return line, column


def iter_content_files(content_dir: Path, kinds: Iterator[str] | list[str]) -> Iterator[Path]:
    for kind in kinds:
        folder = content_dir / kind
        with contextlib.suppress(FileNotFoundError):
            yield from sorted(folder.glob("*.yaml"))
