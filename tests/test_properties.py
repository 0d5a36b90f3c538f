"""Property-based tests at the input boundary: the loader only ever answers with diagnostics."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import Document, load_bytes, load_text
from generator.schema import MODELS
from generator.validate import validate_document

KINDS = list(MODELS)
FIELD_NAMES = sorted(
    {name for model in MODELS.values() for name in model.model_json_schema()["properties"]}
    | {"actor", "role", "claimant", "statement", "status", "measure", "value", "place", "lat"}
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.sampled_from(["2023-02-30", "2021", "2021-05", "javascript:alert(1)", "jnim", "../x"]),
)
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text()), children, max_size=6),
    ),
    max_leaves=25,
)
documents = st.dictionaries(st.sampled_from(FIELD_NAMES), structures, max_size=12)


def _assert_only_diagnostics(document: Document) -> None:
    if document.data is None:
        assert document.problems
        for problem in document.problems:
            assert problem.line >= 1
            assert problem.column >= 1
            assert problem.message


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    _assert_only_diagnostics(load_text(text, "f.yaml"))


@settings(max_examples=300)
@given(st.binary())
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    _assert_only_diagnostics(load_bytes(raw, "f.yaml"))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.sampled_from(KINDS))
def test_arbitrary_yaml_structures_validate_to_entities_or_diagnostics(
    data: dict[str, Any], kind: str
) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    document = load_text(text, "f.yaml")
    _assert_only_diagnostics(document)
    parsed, problems = validate_document(kind, document, "x")  # type: ignore[arg-type]
    assert parsed is not None or problems
    for problem in problems:
        assert problem.path == "f.yaml"
        assert problem.line >= 1 and problem.column >= 1


@settings(max_examples=300, deadline=None)  # correctness, not speed: a busy CI machine
@given(st.text(max_size=80))
def test_every_text_value_round_trips_through_the_loader(value: str) -> None:
    # Escaped output: PyYAML's emitter writes U+0085 raw with allow_unicode, and YAML reads
    # a raw U+0085 as a line break, so that would test the dumper rather than our loader.
    text = yaml.safe_dump({"id": "x", "title": value})
    document = load_text(text, "f.yaml")
    assert document.problems == ()
    assert document.data == {"id": "x", "title": value}
