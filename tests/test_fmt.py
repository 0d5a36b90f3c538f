"""`python -m generator fmt`: one layout for content files, comments kept, data never changed."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import fmt, schema
from generator.cli import main
from generator.load import load_text

FIXTURES = Path(__file__).parent / "fixtures" / "fmt"
INPUTS = sorted(FIXTURES.rglob("*.in.yaml"))


def _expected(input_path: Path) -> Path:
    return input_path.with_name(input_path.name.replace(".in.yaml", ".out.yaml"))


def _model(path: Path) -> type[schema.Entity]:
    return schema.MODELS[path.parent.name]  # type: ignore[index]


def _content_file(root: Path, kind: str, name: str, text: str) -> Path:
    path = root / "content" / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_there_are_fixtures_for_every_kind_but_topics() -> None:
    assert sorted({p.parent.name for p in INPUTS}) == [
        "actors",
        "events",
        "relationships",
        "sources",
    ]


@pytest.mark.parametrize("input_path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_formats_to_expected_text(input_path: Path) -> None:
    text = input_path.read_text(encoding="utf-8")
    assert fmt.format_text(text, _model(input_path)) == _expected(input_path).read_text("utf-8")


@pytest.mark.parametrize("input_path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_formatting_twice_is_formatting_once(input_path: Path) -> None:
    once = fmt.format_text(input_path.read_text(encoding="utf-8"), _model(input_path))
    assert fmt.format_text(once, _model(input_path)) == once


def test_keys_follow_the_schema_and_unknown_keys_go_last() -> None:
    text = "to: b\nzzz: 1\nfrom: a\nid: r\naaa: 2\nkind: member_of\nsources: [s]\n"
    assert fmt.format_text(text, schema.Relationship) == (
        "id: r\nfrom: a\nto: b\nkind: member_of\nsources: [s]\nzzz: 1\naaa: 2\n"
    )


def test_a_comment_moves_with_the_key_below_it() -> None:
    text = "id: x\n# the publisher, as printed\npublisher: AFP\n# what it is\nkind: news_report\n"
    assert fmt.format_text(text, schema.Source) == (
        "id: x\n# what it is\nkind: news_report\n# the publisher, as printed\npublisher: AFP\n"
    )


def test_nested_mappings_in_lists_are_reordered_with_their_dash() -> None:
    text = (
        "id: e\nparticipants:\n  - role: attacker  # as claimed\n    actor: jnim\n"
        "  - actor: mali\n    role: target\n"
    )
    assert fmt.format_text(text, schema.Event) == (
        "id: e\nparticipants:\n  - actor: jnim\n    role: attacker  # as claimed\n"
        "  - actor: mali\n    role: target\n"
    )


def test_block_text_is_kept_even_when_a_line_looks_like_a_comment() -> None:
    text = "summary: |\n  First line.\n\n  # not a comment\nid: e\n"
    assert fmt.format_text(text, schema.Event) == (
        "id: e\nsummary: |\n  First line.\n\n  # not a comment\n"
    )


@pytest.mark.parametrize(
    ("written", "formatted"),
    [
        ("'2021-05-24'", "2021-05-24"),
        ('"2021-05"', "2021-05"),
        ("'2021'", "2021"),
        ("2021", "2021"),
        ("2021-5-4", "2021-05-04"),
        ("2021-02-30", "2021-02-30"),  # impossible: kept for the checker to report
        ("'May 2021'", "May 2021"),  # not a date: kept for the checker to report
    ],
)
def test_dates_are_written_as_iso(written: str, formatted: str) -> None:
    text = f"id: e\ndate: {written}\n"
    assert fmt.format_text(text, schema.Event) == f"id: e\ndate: {formatted}\n"


@pytest.mark.parametrize(
    ("written", "formatted"),
    [
        ('"Bamako"', "Bamako"),
        ("'Bamako'", "Bamako"),
        ('"Bamako: the capital"', "'Bamako: the capital'"),
        ("'yes'", "'yes'"),  # plain `yes` is true to the checker's YAML 1.1 loader
        ('"no"', "'no'"),
        ("'1:20'", "'1:20'"),  # a base-60 number in YAML 1.1
        ("'2024-09-17'", "'2024-09-17'"),  # text, outside a date field
        ('"100"', "'100'"),
        ('"it\'s"', "it's"),
        ("''", "''"),
    ],
)
def test_strings_are_plain_unless_they_need_quotes(written: str, formatted: str) -> None:
    text = f"id: e\ntitle: {written}\n"
    assert fmt.format_text(text, schema.Event) == f"id: e\ntitle: {formatted}\n"


def test_plain_values_keep_meaning_what_they_meant() -> None:
    # `yes` is true to the checker's loader; writing it plain keeps it so, so the checker
    # still reports it where it does not belong instead of fmt turning it into text.
    text = "id: e\ntitle: yes\n"
    assert fmt.format_text(text, schema.Event) == text


def test_indentation_is_two_spaces_with_indented_dashes() -> None:
    text = "id: e\nlocation:\n      place: Bamako\n      precision: city\ntopics:\n- a\n- b\n"
    assert fmt.format_text(text, schema.Event) == (
        "id: e\nlocation:\n  place: Bamako\n  precision: city\ntopics:\n  - a\n  - b\n"
    )


# --- never damaging a file -----------------------------------------------------------------


def test_a_file_that_does_not_parse_is_reported_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = "id: e\ntitle: [unclosed\nkind: coup\n"
    path = _content_file(tmp_path, "events", "e.yaml", broken)
    monkeypatch.chdir(tmp_path)
    assert main(["fmt", "content/events/e.yaml"]) == 1
    out, err = capsys.readouterr()
    # The checker's own diagnostic, at the bracket that is never closed.
    assert out == (
        "content/events/e.yaml:2:8: error: YAML syntax error: the '[' here is never closed; end it"
        " with ']' [yaml-syntax]\n"
    )
    assert err == (
        "fmt: 0 files reformatted, 0 files unchanged, 1 file not formatted (errors above)\n"
    )
    assert path.read_text(encoding="utf-8") == broken


def test_a_file_that_is_not_utf8_is_reported_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "content" / "events" / "e.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"id: e\ntitle: Bamako \xe9\n")
    monkeypatch.chdir(tmp_path)
    assert main(["fmt"]) == 1
    out, _ = capsys.readouterr()
    assert out == (
        "content/events/e.yaml:2:15: error: invalid UTF-8 (byte 0xe9); save the file as UTF-8"
        " [encoding]\n"
    )
    assert path.read_bytes() == b"id: e\ntitle: Bamako \xe9\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _content_file(tmp_path, "events", "e.yaml", "title: T\nid: e\n")

    def crash(self: Path, target: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        fmt.replace_file(path, "id: e\ntitle: T\n")
    assert path.read_text(encoding="utf-8") == "title: T\nid: e\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["e.yaml"]


def test_formatting_that_would_change_the_data_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "title: T\nid: e\n"
    path = _content_file(tmp_path, "events", "e.yaml", text)
    # Stand in for a formatter bug: the dumped text says something else.
    monkeypatch.setattr(fmt, "_dump", lambda tree: "id: e\ntitle: Other\n")
    monkeypatch.chdir(tmp_path)
    assert main(["fmt"]) == 1
    out, _ = capsys.readouterr()
    assert out == (
        "content/events/e.yaml:1:1: error: formatting would change what this file says, so it"
        " was left as it is; please report this file to the developers [fmt-unsafe]\n"
    )
    assert path.read_text(encoding="utf-8") == text


# --- the command ---------------------------------------------------------------------------------


def test_fmt_rewrites_every_content_file_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for input_path in INPUTS:
        name = input_path.name.replace(".in.yaml", ".yaml")
        _content_file(tmp_path, input_path.parent.name, name, input_path.read_text("utf-8"))
    monkeypatch.chdir(tmp_path)
    assert main(["fmt"]) == 0
    out, err = capsys.readouterr()
    assert out == (
        "reformatted content/actors/jnim.yaml\n"
        "reformatted content/events/bamako-attack-2024.yaml\n"
        "reformatted content/relationships/mali-member-of-aes.yaml\n"
    )
    assert err == "fmt: 3 files reformatted, 1 file unchanged\n"
    for input_path in INPUTS:
        written = tmp_path / "content" / input_path.parent.name / input_path.name.replace(".in", "")
        assert written.read_text("utf-8") == _expected(input_path).read_text("utf-8")


def test_check_reports_files_that_would_change_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    messy = _content_file(tmp_path, "relationships", "r.yaml", "to: b\nid: r\n")
    tidy = _content_file(tmp_path, "relationships", "s.yaml", "id: s\nto: b\n")
    monkeypatch.chdir(tmp_path)
    assert (
        main(["fmt", "--check", "content/relationships/r.yaml", "content/relationships/s.yaml"])
        == 1
    )
    out, err = capsys.readouterr()
    assert out == "would reformat content/relationships/r.yaml\n"
    assert err == "fmt: 1 file would be reformatted, 1 file unchanged\n"
    assert messy.read_text("utf-8") == "to: b\nid: r\n"
    assert tidy.read_text("utf-8") == "id: s\nto: b\n"


def test_check_passes_on_formatted_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _content_file(tmp_path, "relationships", "s.yaml", "id: s\nto: b\n")
    monkeypatch.chdir(tmp_path)
    assert main(["fmt", "--check"]) == 0
    assert capsys.readouterr() == ("", "fmt: 0 files would be reformatted, 1 file unchanged\n")


def test_a_folder_argument_formats_the_yaml_files_under_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _content_file(tmp_path, "relationships", "r.yaml", "to: b\nid: r\n")
    monkeypatch.chdir(tmp_path)
    assert main(["fmt", "content/relationships"]) == 0
    assert capsys.readouterr().out == "reformatted content/relationships/r.yaml\n"


def test_a_missing_path_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["fmt", "content/events/nothing.yaml"]) == 2
    assert capsys.readouterr().err == "error: content/events/nothing.yaml: no such file or folder\n"


def test_a_file_outside_the_kind_folders_is_not_formatted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes.yaml").write_text("b: 1\na: 2\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["fmt", "notes.yaml"]) == 1
    assert capsys.readouterr().out == (
        "notes.yaml:1:1: error: not in one of content/{actors,events,relationships,sources,"
        "topics}/, so its fields are unknown; it was not formatted [unknown-kind]\n"
    )
    assert (tmp_path / "notes.yaml").read_text("utf-8") == "b: 1\na: 2\n"


def test_the_valid_fixture_corpus_is_already_formatted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "valid" / "content", content)
    assert main(["fmt", "--check", "--content", str(content)]) == 0
    assert capsys.readouterr().out == ""


# --- any document: idempotent, and the data survives ---------------------------------------------

_WORDS = st.text(alphabet=string.ascii_letters + " :'#-,.0123456789", min_size=1, max_size=20)
_TEXT = st.one_of(
    _WORDS,
    st.sampled_from(["yes", "No", "on", "null", "~", "1:20", "0x1F", "2024-09-17", "1e3", "-"]),
)


def _quoted(value: str, style: str) -> str:
    if style == "double":
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "'" + value.replace("'", "''") + "'"


@st.composite
def _event_documents(draw: st.DrawFn) -> str:
    """An event file as an editor might write it: any key order, quoting, indentation."""
    indent = " " * draw(st.sampled_from([2, 4]))
    fields = {
        "id": "'e'",
        "title": _quoted(draw(_TEXT), draw(st.sampled_from(["single", "double"]))),
        "kind": draw(st.sampled_from(["coup", "'attack'", '"summit"'])),
        "date": draw(st.sampled_from(["2023-07-26", "'2023-07'", '"2023"', "2023", "2023-7-6"])),
        "summary": "|\n" + indent + draw(_WORDS).strip().replace("#", "x") + "\n",
        "sources": draw(st.sampled_from(["[a, b]", f"\n{indent}- a\n{indent}- b"])),
        "extra": _quoted(draw(_TEXT), "single"),
        "participants": f"\n- role: {_quoted(draw(_TEXT), 'double')}  # who\n  actor: jnim",
        "location": f"\n{indent}precision: city\n{indent}# the city\n{indent}place: Bamako",
    }
    keys = draw(st.permutations(list(fields)))
    lines = []
    for key in keys:
        if draw(st.booleans()):
            lines.append(f"# about {key}")
        value = fields[key]
        lines.append(f"{key}: {value}".rstrip() if not value.startswith("|") else f"{key}: {value}")
    return "\n".join(line.rstrip("\n") for line in lines) + "\n"


@settings(max_examples=150, deadline=None)
@given(_event_documents())
@example(  # an empty block scalar's blank line once became the first line, then moved again
    text="title: '0'\nkind: coup\ndate: 2023-07-26\nsummary: |\n  \nid: 'e'\n"
    "sources: [a, b]\nextra: '0'\nparticipants: \n- role: \"0\"  # who\n  actor: jnim\n"
    "location: \n  precision: city\n  # the city\n  place: Bamako\n",
)
def test_any_event_document_formats_idempotently_without_changing_its_data(text: str) -> None:
    once = fmt.format_text(text, schema.Event)
    assert fmt.format_text(once, schema.Event) == once
    before = load_text(text, "e.yaml").data
    after = load_text(once, "e.yaml").data
    assert before is not None and after is not None
    assert list(after) == [
        k
        for k in [
            "id",
            "title",
            "kind",
            "date",
            "location",
            "participants",
            "summary",
            "sources",
            "extra",
        ]
        if k in before
    ]
    assert {k: v for k, v in after.items() if k != "date"} == {
        k: v for k, v in before.items() if k != "date"
    }
    assert after["date"] == fmt.iso_date(before["date"])
    assert all(f"# about {key}" in once for key in before if f"# about {key}" in text)
