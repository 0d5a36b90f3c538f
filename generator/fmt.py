"""`python -m generator fmt [--check] [paths…]`: lay content files out one way, keeping comments.

What it changes:
- key order: the schema's field order (nested mappings too); unknown keys keep their relative
  order after the known ones;
- quoting: a string is written plain unless it must be quoted, and then ruamel.yaml's
  choice of quotes is used;
- dates: ISO (`2021-5-24` → `2021-05-24`; a quoted `'2021'` → `2021`);
- indentation: 2 spaces, list dashes indented by 2 under their key;
- white space: a tab between a key and its value (YAML allows it) becomes a space.

What it keeps: comments (a full-line comment moves with the key below it), blank lines,
block scalars (`|`, `>`), and what the file says: before writing, the new text is read back with
the checker's own loader (libyaml, YAML 1.1), and a file whose data would change is left alone.
The file is read with the checker's loader first, so a file that `check` cannot read is
reported with the very diagnostic `check` gives, and left alone; and every file `check` reads,
fmt reads too. Files are replaced through a temporary file and os.replace, so no crash leaves
half a file.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml as pyyaml
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    PlainScalarString,
    ScalarString,
    SingleQuotedScalarString,
)

from generator import diagnostics, load, schema, slips
from generator.diagnostics import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, Diagnostic
from generator.guide import FieldDoc, fields_of

MAPPING_INDENT = 2
SEQUENCE_INDENT = 4
SEQUENCE_DASH_OFFSET = 2
# Wide enough that ruamel never folds an editor's long line of text onto several lines.
LINE_WIDTH = 1_000_000

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_STR_TAG = "tag:yaml.org,2002:str"


class FormatRefused(Exception):
    """The file cannot be formatted safely; the diagnostic says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format_text())
        self.diagnostic = diagnostic


# --- the command ---------------------------------------------------------------------------


def run_fmt_command(args: argparse.Namespace) -> int:
    paths: list[Path] = args.paths
    content: Path = args.content
    check_only: bool = args.check
    missing = [p for p in paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"error: {path.as_posix()}: no such file or folder", file=sys.stderr)
        return EXIT_USAGE
    files = list(_files_to_format(paths, content))
    changed: list[str] = []
    refused: list[Diagnostic] = []
    for path in files:
        shown = path.as_posix()
        try:
            original, formatted = format_file(path, shown)
        except FormatRefused as refusal:
            refused.append(refusal.diagnostic)
            continue
        if formatted == original:
            continue
        changed.append(shown)
        if check_only:
            print(f"would reformat {shown}")
        else:
            replace_file(path, formatted)
            print(f"reformatted {shown}")
    if refused:
        print(diagnostics.format_all(refused, "text"))
    print(_summary(len(files), len(changed), len(refused), check_only), file=sys.stderr)
    return EXIT_CONTENT if refused or (check_only and changed) else EXIT_OK


def _files_to_format(paths: Sequence[Path], content: Path) -> Iterator[Path]:
    if not paths:
        yield from load.iter_content_files(content, list(schema.MODELS))
        return
    for path in paths:
        if path.is_dir():
            yield from sorted(path.rglob("*.yaml"))
        else:
            yield path


def _summary(total: int, changed: int, refused: int, check_only: bool) -> str:
    verb = "would be reformatted" if check_only else "reformatted"
    text = f"fmt: {_files(changed)} {verb}, {_files(total - changed - refused)} unchanged"
    if refused:
        text += f", {_files(refused)} not formatted (errors above)"
    return text


def _files(count: int) -> str:
    return f"{count} file{'s' * (count != 1)}"


def format_file(path: Path, shown: str) -> tuple[str, str]:
    """The file's text as it is and as fmt would write it; FormatRefused if it cannot."""
    model = _model_for(path, shown)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FormatRefused(
            diagnostics.error(shown, 1, 1, "unreadable", f"cannot read file: {exc.strerror}")
        ) from None
    document = load.load_bytes(raw, shown)
    if document.problems:
        raise FormatRefused(document.problems[0])
    text = raw.decode("utf-8")
    return text, _format_loaded(text.removeprefix("\ufeff"), document, model, shown)


def _model_for(path: Path, shown: str) -> type[BaseModel]:
    # The folder a file is in says its kind, as it does for the checker.
    kind = path.resolve().parent.name
    if kind not in schema.MODELS:
        raise FormatRefused(
            diagnostics.error(
                shown,
                1,
                1,
                "unknown-kind",
                f"not in one of content/{{{','.join(schema.MODELS)}}}/, so its fields are "
                "unknown; it was not formatted",
            )
        )
    return schema.MODELS[kind]


def replace_file(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new, never half."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        with contextlib.suppress(OSError):
            temporary.chmod(path.stat().st_mode & 0o7777)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# --- formatting text ---------------------------------------------------------------------------


def format_text(text: str, model: type[BaseModel], shown: str = "<text>") -> str:
    """`text` laid out the fmt way; FormatRefused if it cannot be, or the data would change.

    The checker's loader reads the file first, so fmt refuses exactly the files `check`
    refuses, with the same diagnostic.
    """
    document = load.load_text(text, shown)
    if document.problems:
        raise FormatRefused(document.problems[0])
    return _format_loaded(text, document, model, shown)


def _format_loaded(text: str, document: load.Document, model: type[BaseModel], shown: str) -> str:
    tree = _parse(_readable_by_ruamel(text), shown)
    if not isinstance(tree, CommentedMap):
        raise FormatRefused(
            diagnostics.error(shown, 1, 1, "not-a-mapping", "the file must be a mapping of fields")
        )
    _normalise_mapping(tree, model)
    lines = _dump(tree).split("\n")
    _order_keys(lines, _parse(("\n".join(lines)), shown), model)
    # Blank lines are moved with the keys they follow; one left by an empty block scalar
    # (`summary: |` then a blank line) can end up first, and would move again next time.
    formatted = "\n".join(lines).strip("\n") + "\n"
    _check_same_data(document, formatted, model, shown)
    return formatted


def _yaml() -> YAML:
    rt = YAML(typ="rt")
    rt.Constructor = _Constructor
    rt.Representer = _Representer
    rt.preserve_quotes = True
    rt.indent(mapping=MAPPING_INDENT, sequence=SEQUENCE_INDENT, offset=SEQUENCE_DASH_OFFSET)
    rt.width = LINE_WIDTH
    rt.allow_unicode = True
    return rt


def _parse(text: str, shown: str) -> Any:
    """The round-trip tree of a file the checker's loader has read without a problem.

    Should ruamel.yaml still refuse it, the two parsers disagree about the file: that is a
    bug of fmt, not a mistake of the editor, and it is reported as one.
    """
    try:
        return _yaml().load(text)
    # ruamel.yaml raises NotImplementedError on some comment placements libyaml reads fine.
    except (YAMLError, ValueError, NotImplementedError) as exc:
        mark = exc.problem_mark if isinstance(exc, MarkedYAMLError) else None
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem if isinstance(exc, MarkedYAMLError) else None) or str(exc)
        message = (
            f"the checker reads this file, but the formatter cannot ({problem}), so it was left "
            "as it is; please report this file to the developers"
        )
        raise FormatRefused(diagnostics.error(shown, line, column, "fmt-unsafe", message)) from None


def _readable_by_ruamel(text: str) -> str:
    """`text` as ruamel.yaml can read it, saying to the checker's loader what it said.

    libyaml, like the YAML specification, takes a tab as white space after a colon or a dash,
    before a comment or inside a plain value; ruamel.yaml refuses a tab anywhere outside
    quotes and block scalars. So a tab between tokens becomes a space, and a plain value that
    holds a tab is written in double quotes, where a tab is allowed. (fmt writes a value plain
    again wherever it can, so the quotes added here do not show in what it writes.)
    """
    if "\t" not in text and "#" not in text:
        return text
    pieces: list[str] = []
    done = 0
    previous: pyyaml.Token | None = None
    for token in slips.tokens(text):
        start, end = token.start_mark.index, token.end_mark.index
        if start < done:
            continue  # a token of no width, such as the start of a mapping
        between = text[done:start]
        pieces.append(_spaces_for_tabs(between))
        # ruamel.yaml stops with NotImplementedError on `key: # comment`, then the value on
        # the next line, then a blank line; it reads the same value in quotes.
        value_after_comment = isinstance(previous, pyyaml.ValueToken) and "#" in between
        pieces.append(_token_for_ruamel(token, text[start:end], value_after_comment))
        done = end
        previous = token
    pieces.append(_spaces_for_tabs(text[done:]))
    return "".join(pieces)


def _token_for_ruamel(token: pyyaml.Token, written: str, after_comment: bool) -> str:
    if not isinstance(token, pyyaml.ScalarToken):
        return written
    header, newline, body = written.partition("\n")
    if token.plain and ("\t" in written or after_comment):
        return json.dumps(token.value, ensure_ascii=False)
    if token.style == ">" and "\t" in body:
        # ruamel.yaml folds a line that starts with a tab into the line above; YAML does not.
        # A block scalar runs to the start of the next line that holds something: keep its
        # line breaks, so the lines below stay where they were.
        return json.dumps(token.value, ensure_ascii=False) + "\n" * written.count("\n")
    if token.style in ("|", ">") and "\t" in header:
        # A tab after `|` or `>-` and before the line break; the text below is kept as it is.
        return _spaces_for_tabs(header) + newline + body
    return written


def _spaces_for_tabs(between_tokens: str) -> str:
    """White space and comments between tokens: tabs become spaces, except inside comments."""
    lines = between_tokens.split("\n")
    for number, line in enumerate(lines):
        comment = line.find("#")
        code, rest = (line, "") if comment < 0 else (line[:comment], line[comment:])
        lines[number] = code.replace("\t", " ") + rest
    return "\n".join(lines)


def _dump(tree: CommentedMap) -> str:
    stream = io.StringIO()
    _yaml().dump(tree, stream)
    return stream.getvalue()


class _DateText(ScalarString):
    """A date written plain in the file (`2021-05-24`), kept as the text it is.

    ruamel.yaml would make it a datetime.date and fail on `2021-02-30`; the checker reads dates
    as text too, and says what is wrong with an impossible one. (A ScalarString, because
    ruamel.yaml gives a plain str assigned over a quoted one the old one's quotes.)
    """

    __slots__ = ()


class _Constructor(RoundTripConstructor):
    def construct_date_text(self, node: ScalarNode) -> _DateText:
        return cast(_DateText, _DateText(node.value))


class _Representer(RoundTripRepresenter):
    def represent_date_text(self, data: _DateText) -> Any:
        return self.represent_scalar(_TIMESTAMP_TAG, str(data))


_Constructor.add_constructor(_TIMESTAMP_TAG, _Constructor.construct_date_text)
_Representer.add_representer(_DateText, _Representer.represent_date_text)


# --- values ------------------------------------------------------------------------------------


def _normalise_mapping(mapping: CommentedMap, model: type[BaseModel] | None) -> None:
    known = {field.name: field for field in fields_of(model)} if model else {}
    for key in list(mapping):
        field = known.get(str(key))
        value = mapping[key]
        if field is not None and field.is_date:
            value = _date_in_file(value)
        mapping[key] = _normalise_value(value, field.nested if field else None)


def _normalise_value(value: Any, model: type[BaseModel] | None) -> Any:
    if isinstance(value, CommentedMap):
        _normalise_mapping(value, model)
    elif isinstance(value, CommentedSeq):
        for index, item in enumerate(value):
            value[index] = _normalise_value(item, model)
    elif isinstance(value, str):
        return _quoting(value)
    return value


def _quoting(value: str) -> str:
    """Plain unless quotes are needed; ruamel.yaml adds them where YAML 1.2 needs them."""
    if type(value) is str or isinstance(value, _DateText):
        # Written plain: whatever it means to the checker's loader, it keeps meaning.
        return value
    if not isinstance(value, (SingleQuotedScalarString, DoubleQuotedScalarString)):
        return value  # a block scalar (| or >): kept as written
    if _plain_means_other_than_text(str(value)):
        # `'yes'` or `'1:20'` is text in YAML 1.2 but not to the checker's YAML 1.1 loader.
        return cast(str, SingleQuotedScalarString(str(value)))
    # Plain where YAML allows it; ruamel.yaml quotes it where it must.
    return cast(str, PlainScalarString(str(value)))


# The tag libyaml's YAML 1.1 resolver gives a plain scalar: how the checker's loader reads it.
_resolve_yaml_1_1 = cast(Callable[..., str], pyyaml.resolver.Resolver().resolve)


def _plain_means_other_than_text(text: str) -> bool:
    return _resolve_yaml_1_1(pyyaml.nodes.ScalarNode, text, (True, False)) != _STR_TAG


_YEAR = re.compile(r"^[0-9]{4}$")
_YEAR_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
_DAY = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")


def iso_date(value: object) -> object:
    """A date value as ISO text (or a year number), or the value unchanged if it is not one."""
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    if _YEAR.match(value):
        return int(value)
    if match := _YEAR_MONTH.match(value):
        year, month = (int(part) for part in match.groups())
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else value
    if match := _DAY.match(value):
        try:
            return dt.date(*(int(part) for part in match.groups())).isoformat()
        except ValueError:
            return value  # an impossible date: the checker says what is wrong with it
    return value


def _date_in_file(value: Any) -> Any:
    iso = iso_date(value)
    if iso is value or not isinstance(iso, str):
        return iso
    if _DAY.match(iso):
        # A full date written plain is read as a timestamp, and the checker takes it as text.
        return _DateText(iso)
    return PlainScalarString(iso)


# --- key order ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mapping:
    """A block mapping as it stands in the text: its keys and the line and column of each."""

    keys: list[tuple[str, int]]  # key, 0-based line
    column: int
    rank: dict[str, int]
    depth: int


def _order_keys(lines: list[str], tree: CommentedMap, model: type[BaseModel]) -> None:
    """Move each key's lines (and the comments just above it) into the schema's order.

    Inner mappings go first: moving lines inside one never moves the lines of its parent's keys.
    """
    mappings = list(_block_mappings(tree, model, 0))
    for mapping in sorted(mappings, key=lambda m: -m.depth):
        _reorder(lines, mapping)


def _block_mappings(node: Any, model: type[BaseModel] | None, depth: int) -> Iterator[_Mapping]:
    if isinstance(node, CommentedSeq):
        for item in node:
            yield from _block_mappings(item, model, depth + 1)
        return
    if not isinstance(node, CommentedMap) or node.fa.flow_style() or not node:
        return
    fields = fields_of(model) if model else ()
    rank = {field.name: index for index, field in enumerate(fields)}
    keys = [(str(key), node.lc.key(key)[0]) for key in node]
    yield _Mapping(keys, node.lc.key(next(iter(node)))[1], rank, depth)
    nested = {field.name: field.nested for field in fields}
    for key, value in node.items():
        yield from _block_mappings(value, nested.get(str(key)), depth + 1)


def _reorder(lines: list[str], mapping: _Mapping) -> None:
    keys, column = mapping.keys, mapping.column
    known = len(mapping.rank)
    order = sorted(range(len(keys)), key=lambda i: (mapping.rank.get(keys[i][0], known + i), i))
    if order == list(range(len(keys))):
        return
    starts = [keys[0][1]] + [
        _block_start(lines, keys[i][1], keys[i - 1][1], column) for i in range(1, len(keys))
    ]
    end = _mapping_end(lines, keys[-1][1], column)
    blocks = [lines[start:stop] for start, stop in zip(starts, [*starts[1:], end], strict=True)]
    key_offsets = [line - start for (_, line), start in zip(keys, starts, strict=True)]
    dash = column >= 2 and lines[keys[0][1]][column - 2 : column] == "- "
    if dash:
        # A list item: its dash stands on its first key's line, whichever key comes first.
        blocks[0][0] = _set_prefix(blocks[0][0], column, "  ")
    reordered = [blocks[i] for i in order]
    if dash:
        first, offset = reordered[0], key_offsets[order[0]]
        first[offset] = _set_prefix(first[offset], column, "- ")
    lines[starts[0] : end] = [line for block in reordered for line in block]


def _block_start(lines: list[str], key_line: int, previous_key_line: int, column: int) -> int:
    """Where a key's lines begin: the blank lines and comments just above it go with it."""
    start = key_line
    while start - 1 > previous_key_line and _is_leading(lines[start - 1], column):
        start -= 1
    return start


def _is_leading(line: str, column: int) -> bool:
    stripped = line.lstrip()
    # A comment indented deeper than the key belongs to the value above it.
    return not stripped or (stripped.startswith("#") and len(line) - len(stripped) <= column)


def _mapping_end(lines: list[str], last_key_line: int, column: int) -> int:
    """The line after the last key's value, and the comments indented under it."""
    end = last_key_line + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > column):
        end += 1
    while end - 1 > last_key_line and not lines[end - 1].strip():
        end -= 1
    return end


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _set_prefix(line: str, column: int, prefix: str) -> str:
    return line[: column - 2] + prefix + line[column:]


# --- the safety net ------------------------------------------------------------------------------


def _check_same_data(old: load.Document, after: str, model: type[BaseModel], shown: str) -> None:
    new = load.load_text(after, shown)
    if new.problems or _with_iso_dates(old.data, model) != new.data:
        raise FormatRefused(
            diagnostics.error(
                shown,
                1,
                1,
                "fmt-unsafe",
                "formatting would change what this file says, so it was left as it is; "
                "please report this file to the developers",
            )
        )


def _with_iso_dates(data: Any, model: type[BaseModel] | None) -> Any:
    """The data as fmt means to leave it: the same, with dates in ISO form."""
    if isinstance(data, list):
        return [_with_iso_dates(item, model) for item in data]
    if not isinstance(data, dict) or model is None:
        return data
    fields: dict[str, FieldDoc] = {field.name: field for field in fields_of(model)}
    result = {}
    for key, value in data.items():
        field = fields.get(key)
        if field is None:
            result[key] = value
        elif field.is_date:
            result[key] = iso_date(value)
        else:
            result[key] = _with_iso_dates(value, field.nested)
    return result
