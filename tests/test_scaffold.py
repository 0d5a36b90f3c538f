"""`python -m generator new <kind> <id>`: templates derived from the schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import diagnostics, fmt, scaffold, schema
from generator.cli import main
from generator.corpus import load_corpus
from generator.guide import fields_of

VALID = Path(__file__).parent / "fixtures" / "valid" / "content"
KINDS = sorted(scaffold.FOLDERS)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(VALID, folder)
    return folder


def _errors_for(content: Path, name: str) -> list[str]:
    result = load_corpus(content)
    return [d.format_text() for d in result.diagnostics if d.path.endswith(name)]


def test_new_writes_the_template_and_prints_its_path(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "event", "niger-coup-2023", "--content", str(content)]) == 0
    target = content / "events" / "niger-coup-2023.yaml"
    assert capsys.readouterr() == (f"{target.as_posix()}\n", "")
    assert target.read_text(encoding="utf-8") == scaffold.template("events", "niger-coup-2023")


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_of_the_schema_is_in_the_template(kind: str) -> None:
    text = scaffold.template(scaffold.FOLDERS[kind], "x")

    def keys(model: type) -> list[str]:
        names = []
        for field in fields_of(model):
            names.append(field.name)
            if field.nested is not None:
                names.extend(keys(field.nested))
        return names

    lines = [line.lstrip("# -") for line in text.splitlines()]
    for name in keys(schema.MODELS[scaffold.FOLDERS[kind]]):
        assert any(line.startswith(f"{name}:") for line in lines), name
        assert any(line.startswith(f"{name} (") for line in lines), name


def test_the_event_template_starts_with_its_id_and_required_fields() -> None:
    text = scaffold.template("events", "niger-coup-2023")
    code = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert code == [
        "id: niger-coup-2023",
        "title:",
        "kind: ''",
        "date: ''",
        "summary:",
        "sources: []",
    ]


def test_optional_fields_are_commented_out_under_their_description() -> None:
    text = scaffold.template("relationships", "mali-member-of-aes")
    assert (
        "# end (optional): date. YYYY, YYYY-MM or YYYY-MM-DD: write only as much as is known; "
        "if unsure,\n#   2015-05~ (about) or ../2017-03 (by then). When it ended; leave out if it "
        "holds.\n# end: ''\n"
    ) in text


def test_a_fresh_event_template_fails_the_check_on_each_placeholder(content: Path) -> None:
    assert main(["new", "event", "niger-coup-2023", "--content", str(content)]) == 0
    path = "content/events/niger-coup-2023.yaml"
    kinds = ", ".join(kind.value for kind in schema.EventKind)
    assert _errors_for(content, "niger-coup-2023.yaml") == [
        f"{path}:11:7: error: 'title' should be text, not an empty value [wrong-type]",
        f"{path}:16:7: error: '' is not a valid kind; expected one of: {kinds} [invalid-choice]",
        f"{path}:20:7: error: '' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (for example"
        " 2021, 2021-05 or 2021-05-24) [invalid-date]",
        f"{path}:80:9: error: 'summary' should be text, not an empty value [wrong-type]",
        f"{path}:87:10: error: no source given; cite at least one source id under 'sources'"
        " [no-source]",
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_a_fresh_template_reports_every_required_field(kind: str, content: Path) -> None:
    folder = scaffold.FOLDERS[kind]
    assert main(["new", kind, "new-one", "--content", str(content)]) == 0
    errors = _errors_for(content, "new-one.yaml")
    text = (content / folder / "new-one.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    reported_lines = sorted(int(error.split(":")[1]) for error in errors)
    required = [f.name for f in fields_of(schema.MODELS[folder]) if f.required and f.name != "id"]
    assert [lines[n - 1].split(":")[0] for n in reported_lines] == required


@pytest.mark.parametrize("kind", KINDS)
def test_a_fresh_template_is_already_formatted(kind: str) -> None:
    folder = scaffold.FOLDERS[kind]
    text = scaffold.template(folder, "new-one")
    assert fmt.format_text(text, schema.MODELS[folder]) == text


UNSAFE = (
    "is not a safe id: use lower-case ASCII letters, digits and single hyphens, such as "
    "'mali-coup-2021'"
)


@pytest.mark.parametrize(
    ("entity_id", "message"),
    [
        ("Niger_Coup", f"'Niger_Coup' {UNSAFE} (did you mean 'niger-coup'?)"),
        ("Niger-Coup-2023", f"'Niger-Coup-2023' {UNSAFE} (did you mean 'niger-coup-2023'?)"),
        ("Coup d'État 2023", f"'Coup d'État 2023' {UNSAFE} (did you mean 'coup-d-etat-2023'?)"),
        ("../escape", f"'../escape' {UNSAFE} (did you mean 'escape'?)"),
        ("@@", f"'@@' {UNSAFE}"),
        # 'con' is what 'CON' would become, and it is reserved too: no suggestion.
        ("CON", f"'CON' {UNSAFE}"),
        ("con", "'con' is a reserved file name on Windows; choose another id"),
        ("a" * 81, f"id is longer than 80 characters (did you mean '{'a' * 80}'?)"),
    ],
)
def test_unsafe_ids_are_refused_with_a_safe_suggestion(
    entity_id: str, message: str, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.as_posix() for p in content.rglob("*"))
    assert main(["new", "event", entity_id, "--content", str(content)]) == 2
    assert capsys.readouterr() == ("", f"error: {message}\n")
    assert sorted(p.as_posix() for p in content.rglob("*")) == before


@given(st.text())
def test_a_suggested_id_is_always_a_safe_id(wanted: str) -> None:
    suggestion = scaffold.suggested_id(wanted)
    assert suggestion is None or scaffold.id_problem(suggestion) is None
    assert suggestion != wanted


def test_new_typed_inside_a_kind_folder_writes_into_the_projects_content(
    content: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # It once wrote content/events/content/events/niger-coup-2023.yaml.
    monkeypatch.chdir(content / "events")
    assert main(["new", "event", "niger-coup-2023"]) == 0
    assert capsys.readouterr() == ("../../content/events/niger-coup-2023.yaml\n", "")
    assert (content / "events" / "niger-coup-2023.yaml").is_file()
    assert not (content / "events" / "content").exists()


def test_an_existing_file_is_never_overwritten(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = content / "actors" / "jnim.yaml"
    before = existing.read_text(encoding="utf-8")
    assert main(["new", "actor", "jnim", "--content", str(content)]) == 1
    assert capsys.readouterr() == (
        "",
        f"error: {existing.as_posix()} already exists; edit it, or choose another id\n",
    )
    assert existing.read_text(encoding="utf-8") == before


def test_the_kind_folder_is_created_when_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "topic", "the-coups", "--content", str(tmp_path / "content")]) == 0
    assert (tmp_path / "content" / "topics" / "the-coups.yaml").is_file()
    capsys.readouterr()


def test_template_errors_are_errors_not_warnings(content: Path) -> None:
    assert main(["new", "source", "afp-new", "--content", str(content)]) == 0
    result = load_corpus(content)
    assert not result.ok
    problems = [d for d in result.diagnostics if d.path.endswith("afp-new.yaml")]
    assert {d.severity for d in problems} == {diagnostics.Severity.ERROR}
