"""Data for readers: the fact base as JSON, CSV per kind, and the JSON Schemas."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import compress, repeat
from operator import attrgetter, is_not
from typing import Any, cast

from generator.model import FactBase
from generator.render import links
from generator.schema import MODELS, Entity, Event, FileKind, json_schema

DATA_DIR = "data"
# The event parts that are lists of records get their own CSV, one row per record.
NESTED_EVENT_PARTS = ("claims", "figures", "milestones", "participants")


def _dump(entity: Entity) -> dict[str, Any]:
    return entity.model_dump(mode="json", by_alias=True, exclude_none=True)


def _entities(facts: FactBase, kind: FileKind) -> list[Entity]:
    # One read of the whole collection (a look-up by id would be a read of each entity).
    collection: dict[str, Entity] = dict(getattr(facts, kind).items())
    return list(map(collection.__getitem__, sorted(collection)))


# Each kind's entities in id order, as the data files hold them, and each one's piece.
# Two lists rather than pairs: the files are made from whole columns, at C speed.
Records = dict[FileKind, tuple[list[Entity], list["Exported"]]]


def _records(facts: FactBase) -> Records:
    return {
        kind: (entities, [exported(item, kind) for item in entities])
        for kind in sorted(MODELS)
        for entities in [_entities(facts, kind)]
    }


def _json(data: Any) -> str:
    # Compact: the C encoder (indentation needs the pure-Python one) writes it faster, smaller.
    return json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Exported:
    """One entity as the data files hold it (a piece: see generator/render/pieces.py).

    In UTF-8 already: the files are joined from 17,500 of these in one pass over bytes,
    where joining text, then encoding it, would copy the 10 MB of the files four times.
    """

    json: bytes  # its record in factbase.json
    row: bytes  # its line in <kind>.csv
    # For an event, the fields used by its records of each of NESTED_EVENT_PARTS, in that
    # order; None for a part it has no records of.
    part_fields: tuple[frozenset[str] | None, ...]


def exported(entity: Entity, kind: FileKind) -> Exported:
    data = _dump(entity)
    if kind == "events":
        row = _csv_line(_columns(kind), _event_row(data))
        fields = tuple(
            frozenset(key for record in data[part] for key in record) if data.get(part) else None
            for part in NESTED_EVENT_PARTS
        )
    else:
        row, fields = _csv_line(_columns(kind), data), ()
    return Exported(_json(data).encode("utf-8"), row.encode("utf-8"), fields)


def factbase_json(facts: FactBase) -> bytes:
    """Every entity by kind, in id order: what json.dumps of the whole gives, built by parts."""
    return _factbase_json(_records(facts))


def _factbase_json(records: Records) -> bytes:
    parts = [b"{"]
    for number, kind in enumerate(sorted(records)):
        if number:
            parts.append(b",")
        parts.append(_json(kind).encode("utf-8") + b":[")
        parts.extend(_separated(b",", list(map(_JSON_OF, records[kind][1]))))
        parts.append(b"]")
    parts.append(b"}\n")
    return b"".join(parts)


_JSON_OF = attrgetter("json")
_ROW_OF = attrgetter("row")
_PART_FIELDS_OF = attrgetter("part_fields")


def _separated(separator: bytes, items: list[bytes]) -> list[bytes]:
    """The items with the separator between each two: for one join of a whole file."""
    if not items:
        return []
    out = [separator] * (2 * len(items) - 1)
    out[::2] = items
    return out


# A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(...)`,
# `@SUM(...)`, `+cmd|...`); OWASP's advice is a leading apostrophe, which shows the text as
# it is. Numbers are written as numbers (a longitude of -8.0 is not a formula).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe before a formula character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> str:
    """A flat CSV value: lists of ids joined with '; ', records as JSON; text formula-safe."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return spreadsheet_safe("; ".join(value))
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return spreadsheet_safe(str(value))


def _csv_values(values: Sequence[str]) -> str:
    """One CSV line, newline included."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def _csv_line(header: Sequence[str], row: dict[str, Any]) -> str:
    """The row's CSV line, with the columns of `header`."""
    return _csv_values([_cell(row.get(column)) for column in header])


def _csv(header: Sequence[str], lines: list[bytes]) -> bytes:
    return b"".join([_csv_values(header).encode("utf-8"), *lines])


@cache
def _columns(kind: FileKind) -> tuple[str, ...]:
    fields = MODELS[kind].model_fields
    columns = [info.alias or name for name, info in fields.items()]
    if kind == "events":
        columns = [c for c in columns if c not in NESTED_EVENT_PARTS and c != "location"]
        columns[5:5] = ["place", "country", "lat", "lon", "location_precision"]
    return tuple(columns)


def _event_row(event: dict[str, Any]) -> dict[str, Any]:
    location = event.get("location", {})
    return {
        **event,
        "place": location.get("place"),
        "country": location.get("country"),
        "lat": location.get("lat"),
        "lon": location.get("lon"),
        "location_precision": location.get("precision"),
    }


def part_lines(event: Event, part: str, header: tuple[str, ...]) -> bytes:
    """The CSV lines of one of an event's nested parts, one per record, under `header`."""
    records = getattr(event, part)
    text = "".join(
        _csv_line(
            header,
            {
                "event": event.id,
                "position": index,
                **record.model_dump(mode="json", by_alias=True, exclude_none=True),
            },
        )
        for index, record in enumerate(records, 1)
    )
    return text.encode("utf-8")


def csv_files(facts: FactBase) -> dict[str, bytes]:
    return _csv_files(_records(facts))


def _csv_files(records: Records) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for kind in MODELS:
        rows = list(map(_ROW_OF, records[kind][1]))
        files[f"{DATA_DIR}/{kind}.csv"] = _csv(_columns(kind), rows)
    events, pieces = records["events"]
    # Each part's column of fields: one tuple per part, an item per event.
    columns = list(zip(*map(_PART_FIELDS_OF, pieces), strict=True)) or [()] * len(
        NESTED_EVENT_PARTS
    )
    for part, found in zip(NESTED_EVENT_PARTS, columns, strict=True):
        having = cast(list[Event], list(compress(events, map(is_not, found, repeat(None)))))
        # Most events use the same few sets of fields: each distinct set is joined once.
        used: set[str] = set().union(*(f for f in set(found) if f is not None))
        header = ("event", "position", *sorted(used - {"event", "position"}))
        lines = [part_lines(item, part, header) for item in having]
        files[f"{DATA_DIR}/event-{part}.csv"] = _csv(header, lines)
    return files


def schema_files() -> dict[str, bytes]:
    return dict(_schema_files())


@cache
def _schema_files() -> tuple[tuple[str, bytes], ...]:
    # The same for every build of one process: they follow from the code alone.
    return tuple(
        (
            f"{DATA_DIR}/schemas/{kind}.schema.json",
            (
                json.dumps(json_schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
            ).encode("utf-8"),
        )
        for kind in MODELS
    )


def data_files(facts: FactBase) -> dict[str, bytes]:
    records = _records(facts)
    return {
        f"{DATA_DIR}/factbase.json": _factbase_json(records),
        **_csv_files(records),
        **schema_files(),
    }


def data_page(files: Iterable[str]) -> str:
    page = links.DATA_PAGE
    names = sorted(files)
    tables = [n for n in names if n.endswith(".csv")]
    schemas = [n for n in names if n.endswith(".schema.json")]

    def item(name: str) -> str:
        return f"- [`{name.rsplit('/', 1)[-1]}`]({links.relative(page, name)})"

    return (
        "# Data\n\n"
        "The whole fact base behind this site, free to reuse with attribution to the sources "
        "each fact cites.\n\n"
        "## JSON\n\n"
        f"- [`factbase.json`]({links.relative(page, DATA_DIR + '/factbase.json')}): every "
        "actor, event, relationship, source and storyline, as the editors wrote them.\n\n"
        "## CSV\n\n"
        "One file per kind; lists of ids are joined with `; `, nested records are JSON. The "
        "parts of events that are lists (claims, figures, milestones, participants) have "
        "their own files, one row per record.\n\n"
        + "\n".join(item(n) for n in tables)
        + "\n\n## JSON Schemas\n\n"
        "The schema of each kind of content file, for checking the data or editing it.\n\n"
        + "\n".join(item(n) for n in schemas)
        + "\n"
    )
