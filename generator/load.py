"""Load: YAML text → plain data, with the line and column of every key and value.

libyaml (through PyYAML's C parser, which MkDocs already depends on) composes the node
tree, keeping positions, faster than ruamel.yaml (docs/design.md, "Libraries, and why"). We
build plain values from the nodes ourselves, so nothing is ever constructed from a tag:
Python tags, unknown tags, anchors, aliases and merge keys are refused with a diagnostic.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from generator.diagnostics import Diagnostic, error
from generator.slips import YamlLoader as _Loader
from generator.slips import known_slip, position

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


def _first_too_deep(
    text: str, path: str, loader: type[yaml.SafeLoader | yaml.CSafeLoader]
) -> Diagnostic | None:
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return _too_deep(path, *position(event.start_mark))
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
            return position(event.start_mark)
    return 1, 1  # pragma: no cover - only called once the composer has met an alias


def _empty_file(path: str) -> Diagnostic:
    return error(path, 1, 1, "empty-file", "file is empty; it should hold one entity")


def _failed(diagnostic: Diagnostic) -> Document:
    return Document(diagnostic.path, None, "", (diagnostic,))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return position(node.start_mark)


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
    slip = known_slip(exc, text)
    if slip is not None:
        line, column, message = slip
        return error(path, line, column, "yaml-syntax", f"YAML syntax error: {message}")
    line, column = position(exc.problem_mark or exc.context_mark)
    problem = exc.problem or "invalid YAML"
    context = f" ({exc.context})" if exc.context and exc.context not in problem else ""
    hint = _syntax_hint(problem)
    return error(path, line, column, "yaml-syntax", f"YAML syntax error: {problem}{context}{hint}")


def _syntax_hint(problem: str) -> str:
    if "another document" in problem:
        return "; a file holds one entity: remove the '---' separator and what follows"
    if "undefined alias" in problem:
        return "; aliases (*name) are not allowed"
    return ""


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
