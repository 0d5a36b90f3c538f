"""The field reference page, generated from schema.py's models."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pydantic import BaseModel

from generator import fmt, guide, schema
from generator.corpus import load_corpus
from generator.dates import DateError, PartialDate

PAGE = guide.reference_pages()["about/fields.md"]


def _section(heading: str) -> str:
    """The text under `heading` up to the next heading."""
    start = PAGE.index(f"\n{heading}\n")
    rest = PAGE[start + len(heading) + 2 :]
    following = re.search(r"^#+ ", rest, re.MULTILINE)
    return rest[: following.start()] if following else rest


def _all_models() -> list[tuple[str, type[BaseModel]]]:
    """(heading, model) for every model an editor writes, nested ones included once."""
    found: list[tuple[str, type[BaseModel]]] = []
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> None:
        for field in guide.fields_of(model):
            if field.nested is not None and field.nested not in seen:
                seen.add(field.nested)
                found.append((f"### {field.nested.__name__}", field.nested))
                visit(field.nested)

    for kind, title in guide.KIND_TITLES.items():
        found.append((f"## {title}", schema.MODELS[kind]))
        visit(schema.MODELS[kind])
    return found


def test_the_reference_is_one_page() -> None:
    assert list(guide.reference_pages()) == ["about/fields.md"]


def test_every_kind_of_file_has_a_section() -> None:
    assert sorted(guide.KIND_TITLES) == sorted(schema.MODELS)


@pytest.mark.parametrize(("heading", "model"), _all_models(), ids=lambda v: str(v))
def test_every_schema_field_has_a_row_in_its_section(heading: str, model: type[BaseModel]) -> None:
    section = _section(heading)
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    names = [row.split("`")[1] for row in rows]
    assert names == [field.alias or name for name, field in model.model_fields.items()]


@pytest.mark.parametrize(
    ("heading", "field", "enum"),
    [
        ("## Events", "kind", schema.EventKind),
        ("## Actors", "kind", schema.ActorKind),
        ("## Relationships", "kind", schema.RelationshipKind),
        ("## Sources", "kind", schema.SourceKind),
        ("### Claim", "kind", schema.StatementKind),
        ("### Claim", "status", schema.ClaimStatus),
        ("### Location", "precision", schema.LocationPrecision),
        ("### Figure", "qualifier", schema.FigureQualifier),
    ],
)
def test_every_choice_of_an_enumeration_is_listed(heading: str, field: str, enum: type) -> None:
    row = next(line for line in _section(heading).splitlines() if line.startswith(f"| `{field}`"))
    allowed = row.rstrip(" |").split(" | ")[-1]
    assert allowed == ", ".join(f"`{member.value}`" for member in enum)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("heading", "row"),
    [
        (
            "## Events",
            "| `sources` | list of ids | yes | Ids of the sources (files under content/sources/) "
            "that back this; at least one. |  |",
        ),
        ("## Events", "| `date` | date | yes | When it happened, or began. |  |"),
        (
            "## Events",
            "| `claims` | [list of claims](#claim) | no | Attributed statements about this event. "
            "|  |",
        ),
        (
            "## Relationships",
            "| `from` | id | yes | Id of the actor the relation starts from. |  |",
        ),
        (
            "## Topics",
            "| `order` | whole number | no (default: `100`) | Position among the storylines. |  |",
        ),
        (
            "### Location",
            "| `lat` | number from -90 to 90 | no | Latitude (WGS84). |  |",
        ),
        (
            "## Sources",
            "| `url` | web address | no | The exact address; leave out if unknown. Never guess "
            "one. |  |",
        ),
        ("## Actors", "| `country` | country code | no | ISO 3166-1 alpha-2 code. |  |"),
        (
            "## Sources",
            "| `language` | language code | no | ISO 639-1 code, such as 'en'. |  |",
        ),
    ],
)
def test_rows_say_type_requirement_and_description(heading: str, row: str) -> None:
    assert row in _section(heading).splitlines()


def test_pipes_in_descriptions_cannot_break_a_table() -> None:
    assert guide._table_cell("a | b\nc") == "a \\| b c"


def test_nested_models_say_where_they_are_written() -> None:
    assert _section("### Claim").startswith(
        "\nA statement attributed to whoever made it; never presented as established fact. "
        "Written as each item of `claims`.\n"
    )
    assert _section("### Location").startswith("\nWritten as the value of `location`.\n")


def test_every_link_on_the_page_is_relative_and_resolves() -> None:
    headings = {
        line.lstrip("#").strip().lower() for line in PAGE.splitlines() if line.startswith("#")
    }
    for target in re.findall(r"\]\(([^)]+)\)", PAGE):
        assert "://" not in target
        if target.startswith("#"):
            assert target[1:] in headings, target
        else:
            assert target == "editors-guide.md"


def test_fields_are_in_declaration_order_with_yaml_names() -> None:
    assert [f.name for f in guide.fields_of(schema.Relationship)] == [
        "id",
        "from",
        "to",
        "kind",
        "start",
        "end",
        "description",
        "sources",
        "needs_review",
    ]


# --- the hand-written editors' guide ------------------------------------------------------------

ROOT = Path(__file__).parent.parent
EDITORS_GUIDE = ROOT / "pages" / "about" / "editors-guide.md"
FILE_EXAMPLE = re.compile(r"```yaml\n# (content/([a-z]+)/([a-z0-9-]+)\.yaml)\n(.*?)```", re.DOTALL)


def _file_examples() -> list[tuple[str, str, str]]:
    """(path, kind, text) of every example in the guide that is a whole content file."""
    text = EDITORS_GUIDE.read_text(encoding="utf-8")
    return [(path, kind, f"# {path}\n{body}") for path, kind, _, body in FILE_EXAMPLE.findall(text)]


def test_the_guide_has_a_whole_file_example_of_each_kind_but_topics() -> None:
    assert sorted({kind for _, kind, _ in _file_examples()}) == [
        "actors",
        "events",
        "relationships",
        "sources",
    ]


@pytest.mark.parametrize(("path", "kind", "text"), _file_examples(), ids=lambda v: str(v)[:60])
def test_every_file_example_is_already_formatted(path: str, kind: str, text: str) -> None:
    assert fmt.format_text(text, schema.MODELS[kind]) == text  # type: ignore[index]


def test_every_file_example_passes_the_check_beside_the_real_content(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for path, _, text in _file_examples():
        (tmp_path / path).write_text(text, encoding="utf-8")
    result = load_corpus(content)
    examples = {path for path, _, _ in _file_examples()}
    assert [d.format_text() for d in result.diagnostics if d.path in examples] == []


def test_the_guide_links_only_to_pages_that_exist() -> None:
    text = EDITORS_GUIDE.read_text(encoding="utf-8")
    targets = {t.split("#")[0] for t in re.findall(r"\]\(([^)]+)\)", text) if not t.startswith("#")}
    # The Changes and Corrections pages are generated (generator/render/pages_changes.py).
    assert targets == {"fields.md", "../timeline.md", "changes.md", "corrections.md"}


def test_the_guide_links_to_headings_that_exist() -> None:
    text = EDITORS_GUIDE.read_text(encoding="utf-8")
    slugs = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in text.splitlines()
        if line.startswith("## ")
    }
    for anchor in re.findall(r"\]\(#([^)]+)\)", text):
        assert anchor in slugs
    for anchor in re.findall(r"\]\(fields\.md#([^)]+)\)", text):
        assert f"\n## {anchor.capitalize()}\n" in PAGE


def test_the_guides_date_messages_are_the_checkers() -> None:
    text = EDITORS_GUIDE.read_text(encoding="utf-8")
    quoted = re.findall(r"\| `('[^`]*?' is not a date; [^`]*?) \[invalid-date\]` \|", text)
    assert quoted
    for message in quoted:
        written = message.split("'")[1]
        with pytest.raises(DateError) as raised:
            PartialDate.parse(written)
        assert str(raised.value) == message


def test_the_guides_one_mistake_example_is_what_the_checker_says(tmp_path: Path) -> None:
    text = EDITORS_GUIDE.read_text(encoding="utf-8")
    [example] = re.findall(r"One mistake gives one error.*?```text\n(.*?)```", text, re.DOTALL)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    event = content / "events" / "niger-coup-2023.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("title:", "titel:", 1))
    result = load_corpus(content)
    errors = [d.format_text() for d in result.diagnostics if d.severity == "error"]
    shown = [line for line in example.splitlines() if line.startswith("content/")]
    assert [e.replace(str(tmp_path) + "/", "") for e in errors] == shown
