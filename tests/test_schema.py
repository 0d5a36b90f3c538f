"""The JSON Schemas editors' tools use agree with the model that validates content."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator.cli import schema_texts
from generator.load import load_file
from generator.schema import MODELS
from tests.conftest import FIXTURES, REPO, VALID_CONTENT


def schema_for(kind: str) -> dict[str, Any]:
    return json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))


def test_committed_schemas_are_up_to_date() -> None:
    for name, text in schema_texts().items():
        committed = (REPO / "schemas" / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is stale: run `python -m generator schema`"


@pytest.mark.parametrize("kind", list(MODELS))
def test_schema_lists_every_model_field_with_the_same_requiredness(kind: str) -> None:
    model = MODELS[kind]
    schema = schema_for(kind)
    names = {field.alias or name for name, field in model.model_fields.items()}
    required = {
        field.alias or name for name, field in model.model_fields.items() if field.is_required()
    }
    assert set(schema["properties"]) == names
    assert set(schema.get("required", [])) == required
    assert schema["additionalProperties"] is False


def _documents(root: Path) -> list[tuple[str, Path]]:
    return [(p.parent.name, p) for p in sorted(root.rglob("*.yaml"))]


@pytest.mark.parametrize(("kind", "path"), _documents(VALID_CONTENT), ids=lambda v: str(v))
def test_valid_files_pass_both_the_schema_and_the_model(kind: str, path: Path) -> None:
    data = load_file(path).data
    jsonschema.validate(data, schema_for(kind))
    MODELS[kind].model_validate(data)  # type: ignore[index]


@pytest.mark.parametrize(("kind", "path"), _documents(VALID_CONTENT), ids=lambda v: str(v))
def test_an_entity_comes_back_from_a_pickle_as_it_went_in(kind: str, path: Path) -> None:
    # The parse cache keeps entities as pickles.
    entity = MODELS[kind].model_validate(load_file(path).data)  # type: ignore[index]
    back = pickle.loads(pickle.dumps(entity, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(back) is type(entity)
    assert back == entity
    assert back.model_dump() == entity.model_dump()
    assert back.model_fields_set == entity.model_fields_set  # which fields the file gave
    assert back.model_dump(exclude_unset=True) == entity.model_dump(exclude_unset=True)
    assert vars(back) == vars(entity)


# Every broken fixture whose problem lies within one file: the editor's tool must flag it too.
SCHEMA_LEVEL = [
    "unknown-field",
    "wrong-type",
    "invalid-choice",
    "unsafe-id",
    "non-http-url",
    "no-claimant",
    "no-source",
]


@pytest.mark.parametrize("case", SCHEMA_LEVEL)
def test_broken_files_fail_both_the_schema_and_the_model(case: str) -> None:
    for kind, path in _documents(FIXTURES / "broken" / case / "content"):
        data = load_file(path).data
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, schema_for(kind))
        with pytest.raises(ValueError):
            MODELS[kind].model_validate(data)  # type: ignore[index]
