"""Data for readers: the fact base as JSON, CSV per kind, and the JSON Schemas."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from generator.model import FactBase
from generator.render import links
from generator.schema import MODELS, Entity, FileKind, json_schema

DATA_DIR = "data"
# The event parts that are lists of records get their own CSV, one row per record.
NESTED_EVENT_PARTS = ("claims", "figures", "milestones", "participants")


def _dump(entity: Entity) -> dict[str, Any]:
    return entity.model_dump(mode="json", by_alias=True, exclude_none=True)


def _entities(facts: FactBase, kind: FileKind) -> list[Entity]:
    entities: dict[str, Entity] = getattr(facts, kind)
    return [entities[entity_id] for entity_id in sorted(entities)]


def _dumped(facts: FactBase) -> dict[FileKind, list[dict[str, Any]]]:
    """Each kind's entities as the data files hold them, in id order."""
    return {kind: [_dump(entity) for entity in _entities(facts, kind)] for kind in sorted(MODELS)}


def _json(data: Any) -> str:
    # Compact: the C encoder (indentation needs the pure-Python one) writes it faster, smaller.
    return json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def factbase_json(facts: FactBase) -> bytes:
    """Every entity by kind, in id order."""
    return _factbase_json(_dumped(facts))


def _factbase_json(dumped: dict[FileKind, list[dict[str, Any]]]) -> bytes:
    return (_json(dumped) + "\n").encode("utf-8")


# A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(...)`,
# `@SUM(...)`, `+cmd|...`); OWASP's advice is a leading apostrophe, which shows the text as
# it is. Numbers are written as numbers (a longitude of -8.0 is not a formula).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe before a formula character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> str:
    """A flat CSV value: lists of ids joined with '; ', records as JSON; text formula-safe."""
    if type(value) is str:  # most cells: first
        return spreadsheet_safe(value)
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return spreadsheet_safe("; ".join(value))
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return spreadsheet_safe(str(value))


def _csv(header: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    """The rows as CSV, with the columns of `header`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(row.get(column)) for column in header] for row in rows)
    return buffer.getvalue().encode("utf-8")


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


def csv_files(facts: FactBase) -> dict[str, bytes]:
    return _csv_files(_dumped(facts))


def _csv_files(dumped: dict[FileKind, list[dict[str, Any]]]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for kind in MODELS:
        rows = [_event_row(row) for row in dumped[kind]] if kind == "events" else dumped[kind]
        files[f"{DATA_DIR}/{kind}.csv"] = _csv(_columns(kind), rows)
    for part in NESTED_EVENT_PARTS:
        records = [
            {"event": event["id"], "position": index, **record}
            for event in dumped["events"]
            for index, record in enumerate(event.get(part, ()), 1)
        ]
        used: set[str] = set().union(*records)
        header = ("event", "position", *sorted(used - {"event", "position"}))
        files[f"{DATA_DIR}/event-{part}.csv"] = _csv(header, records)
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
    dumped = _dumped(facts)
    return {
        f"{DATA_DIR}/factbase.json": _factbase_json(dumped),
        **_csv_files(dumped),
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
