"""Data for readers: the fact base as JSON, CSV per kind, and the JSON Schemas."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from generator.model import FactBase
from generator.render import links
from generator.render.pieces import pieces_of
from generator.schema import MODELS, Entity, Event, FileKind, json_schema

DATA_DIR = "data"
# The event parts that are lists of records get their own CSV, one row per record.
NESTED_EVENT_PARTS = ("claims", "figures", "milestones", "participants")


def _dump(entity: Entity) -> dict[str, Any]:
    return entity.model_dump(mode="json", by_alias=True, exclude_none=True)


def _entities(facts: FactBase, kind: FileKind) -> list[Entity]:
    collection: dict[str, Any] = getattr(facts, kind)
    return [entity for _, entity in sorted(collection.items())]


# Each kind's entities in id order, as the data files hold them.
Records = dict[FileKind, list[tuple[Entity, "Exported"]]]


def _records(facts: FactBase) -> Records:
    return {
        kind: list(zip(entities, pieces_of(exported, entities, kind), strict=True))
        for kind in sorted(MODELS)
        for entities in [_entities(facts, kind)]
    }


def _json(data: Any) -> str:
    # Compact: the C encoder (indentation needs the pure-Python one) writes it faster, smaller.
    return json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Exported:
    """One entity as the data files hold it (a piece: see generator/render/pieces.py)."""

    json: str  # its record in factbase.json
    row: str  # its line in <kind>.csv
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
    return Exported(_json(data), row, fields)


def factbase_json(facts: FactBase) -> bytes:
    """Every entity by kind, in id order: what json.dumps of the whole gives, built by parts."""
    return _factbase_json(_records(facts))


def _factbase_json(records: Records) -> bytes:
    kinds = [
        f"{_json(kind)}:[" + ",".join(r.json for _, r in records[kind]) + "]"
        for kind in sorted(records)
    ]
    return ("{" + ",".join(kinds) + "}\n").encode("utf-8")


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


def _csv(header: Sequence[str], lines: Iterable[str]) -> bytes:
    return (_csv_values(header) + "".join(lines)).encode("utf-8")


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


def part_lines(event: Event, part: str, header: tuple[str, ...]) -> str:
    """The CSV lines of one of an event's nested parts, one per record, under `header`."""
    records = getattr(event, part)
    return "".join(
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


def csv_files(facts: FactBase) -> dict[str, bytes]:
    return _csv_files(_records(facts))


def _csv_files(records: Records) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for kind in MODELS:
        rows = [r.row for _, r in records[kind]]
        files[f"{DATA_DIR}/{kind}.csv"] = _csv(_columns(kind), rows)
    pairs = [(e, r.part_fields) for e, r in records["events"] if isinstance(e, Event)]
    for index, part in enumerate(NESTED_EVENT_PARTS):
        found = [fields[index] for _, fields in pairs]
        having = [
            event for (event, _), of_event in zip(pairs, found, strict=True) if of_event is not None
        ]
        # Most events use the same few sets of fields: each distinct set is joined once.
        used: set[str] = set().union(*(f for f in set(found) if f is not None))
        header = ("event", "position", *sorted(used - {"event", "position"}))
        lines = pieces_of(part_lines, having, part, header)
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
