"""Data for readers: the fact base as JSON, CSV per kind, and the JSON Schemas."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
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
    collection: dict[str, Any] = getattr(facts, kind)
    return [collection[key] for key in sorted(collection)]


Dumps = dict[FileKind, list[dict[str, Any]]]


def _dumps(facts: FactBase) -> Dumps:
    """Every entity as JSON data, by kind, in id order: dumped once for the JSON and the CSVs."""
    return {kind: [_dump(e) for e in _entities(facts, kind)] for kind in MODELS}


def factbase_json(facts: FactBase, dumps: Dumps | None = None) -> bytes:
    data = _dumps(facts) if dumps is None else dumps
    # Compact: the C encoder (indentation needs the pure-Python one) writes it faster, smaller.
    text = json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


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


def _csv(header: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in header])
    return buffer.getvalue().encode("utf-8")


def _columns(kind: FileKind) -> list[str]:
    fields = MODELS[kind].model_fields
    columns = [info.alias or name for name, info in fields.items()]
    if kind == "events":
        columns = [c for c in columns if c not in NESTED_EVENT_PARTS and c != "location"]
        columns[5:5] = ["place", "country", "lat", "lon", "location_precision"]
    return columns


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


def csv_files(facts: FactBase, dumps: Dumps | None = None) -> dict[str, bytes]:
    data = _dumps(facts) if dumps is None else dumps
    files: dict[str, bytes] = {}
    for kind in MODELS:
        rows = data[kind]
        if kind == "events":
            rows = [_event_row(r) for r in rows]
        files[f"{DATA_DIR}/{kind}.csv"] = _csv(_columns(kind), rows)
    events = data["events"]
    for part in NESTED_EVENT_PARTS:
        records = [
            {"event": event["id"], "position": index, **record}
            for event in events
            for index, record in enumerate(event.get(part, []), 1)
        ]
        header = [
            "event",
            "position",
            *sorted({k for r in records for k in r} - {"event", "position"}),
        ]
        files[f"{DATA_DIR}/event-{part}.csv"] = _csv(header, records)
    return files


def schema_files() -> dict[str, bytes]:
    return {
        f"{DATA_DIR}/schemas/{kind}.schema.json": (
            json.dumps(json_schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        ).encode("utf-8")
        for kind in MODELS
    }


def data_files(facts: FactBase) -> dict[str, bytes]:
    dumps = _dumps(facts)
    return {
        f"{DATA_DIR}/factbase.json": factbase_json(facts, dumps),
        **csv_files(facts, dumps),
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
