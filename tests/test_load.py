"""The YAML loader: positions kept, nothing constructed from tags, clear diagnostics."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from generator.load import MAX_FILE_BYTES, load_bytes, load_file, load_text


def problems(text: str) -> list[str]:
    document = load_text(text, "f.yaml")
    assert document.data is None
    return [d.format_text() for d in document.problems]


def test_positions_of_keys_and_values_are_one_based() -> None:
    document = load_text("id: x\nparticipants:\n  - actor: jnim\n    role: attacker\n", "f.yaml")
    assert document.data == {"id": "x", "participants": [{"actor": "jnim", "role": "attacker"}]}
    assert document.positions.of_value(("participants", 0, "actor")) == (3, 12)
    assert document.positions.of_key(("participants", 0, "role")) == (4, 5)
    # A path that does not exist points at its nearest existing parent.
    assert document.positions.of_value(("participants", 0, "missing")) == (3, 5)


def test_dates_stay_text_and_bare_years_stay_numbers() -> None:
    document = load_text("a: 2021-05-24\nb: 2021-05\nc: 2021\nd: 2021-05-24T10:00:00\n", "f")
    assert document.data == {
        "a": "2021-05-24",
        "b": "2021-05",
        "c": 2021,
        "d": "2021-05-24T10:00:00",
    }


def test_loading_keeps_nothing_of_the_files_it_read() -> None:
    """`mkdocs serve` loads again after every edit: the memory a load takes must come back.
    Numbers, booleans and nulls went through a constructor that kept each YAML node."""
    text = "id: x\nlat: 12.5\nlon: -8.0\nyear: 2021\nflag: true\nnothing: null\n"
    load_text(text, "warm-up.yaml")
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for number in range(200):
            assert load_text(text, f"f{number}.yaml").data["lat"] == 12.5
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    kept = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert kept < 20_000, kept


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "id: !!python/object/apply:os.system ['echo hi']\n",
            "f.yaml:1:5: error: the tag '!!python/object/apply:os.system' is not allowed; content "
            "files hold plain text, numbers, lists and mappings only [yaml-tag]",
        ),
        (
            "id: !custom x\n",
            "f.yaml:1:5: error: the tag '!custom' is not allowed; content files hold plain text, "
            "numbers, lists and mappings only [yaml-tag]",
        ),
        (
            "id: x\na: &a [1]\nb: *a\n",
            "f.yaml:3:4: error: aliases (*name) are not allowed; write the value out [yaml-alias]",
        ),
        (
            "base: {a: 1}\nx:\n  <<: {b: 2}\n",
            "f.yaml:3:3: error: merge keys (<<) are not allowed; write the fields out [yaml-merge]",
        ),
        (
            "id: x\n---\nid: y\n",
            "f.yaml:2:1: error: YAML syntax error: but found another document (expected a single "
            "document in the stream); a file holds one entity: remove the '---' separator and "
            "what follows [yaml-syntax]",
        ),
        (
            "id: x\ntitle:\n\t- a\n",
            "f.yaml:3:1: error: YAML syntax error: a tab here; YAML indents with spaces, not tabs "
            "[yaml-syntax]",
        ),
        (
            'id: "x\x07"\n',
            "f.yaml:1:7: error: control character U+0007 is not allowed; delete it (it is often "
            "invisible) [yaml-syntax]",
        ),
        ("", "f.yaml:1:1: error: file is empty; it should hold one entity [empty-file]"),
        (
            "# only a comment\n",
            "f.yaml:1:1: error: file is empty; it should hold one entity [empty-file]",
        ),
        (
            "- a\n- b\n",
            "f.yaml:1:1: error: the file must be a mapping of fields "
            "(`id: ...`, `title: ...`), not a list [not-a-mapping]",
        ),
        ("? [a]\n: 1\n", "f.yaml:1:3: error: a key must be a plain name [bad-key]"),
        (
            "a: " + "[" * 40 + "]" * 40 + "\n",
            "f.yaml:1:36: error: nesting deeper than 32 levels [too-deep]",
        ),
        (
            "title: x\ntitle: y\n",
            "f.yaml:2:1: error: duplicate key 'title' (first given on line 1); "
            "keep one [duplicate-key]",
        ),
    ],
    ids=[
        "python-tag",
        "unknown-tag",
        "alias",
        "merge-key",
        "two-documents",
        "tab-indent",
        "control-character",
        "empty",
        "comment-only",
        "top-level-list",
        "complex-key",
        "deep-nesting",
        "duplicate-key",
    ],
)
def test_refused_input_gets_one_exact_diagnostic(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_a_million_nested_brackets_is_refused_without_crashing() -> None:
    # libyaml's composer recurses in C: without the pre-scan this kills the process.
    assert problems("a: " + "[" * 1_000_000) == [
        "f.yaml:1:35: error: nesting deeper than 32 levels [too-deep]"
    ]


@pytest.mark.parametrize("opening", ["[", "{"])
def test_brackets_past_libyamls_own_limit_are_refused_at_the_33rd_level(opening: str) -> None:
    # libyaml 0.2.6 (PyYAML 6.0.4) stops at 1,000 levels and points there, not at the 33rd.
    assert problems("a: " + opening * 1_001) == [
        "f.yaml:1:35: error: nesting deeper than 32 levels [too-deep]"
    ]


def test_block_nesting_past_libyamls_own_limit_is_refused_at_the_33rd_level() -> None:
    text = "\n".join(" " * level + f"k{level}:" for level in range(1_100)) + " x\n"
    assert problems(text) == ["f.yaml:33:33: error: nesting deeper than 32 levels [too-deep]"]


def test_billion_laughs_stops_at_the_first_alias_in_little_memory() -> None:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    tracemalloc.start()
    try:
        found = problems(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found == [
        "f.yaml:2:8: error: aliases (*name) are not allowed; write the value out [yaml-alias]"
    ]
    assert peak < 5_000_000


def test_byte_order_mark_is_accepted() -> None:
    assert load_bytes(b"\xef\xbb\xbfid: x\n", "f.yaml").data == {"id": "x"}


def test_crlf_line_ends_load_with_the_same_positions() -> None:
    document = load_bytes(b"id: x\r\ntitle: y\r\n", "f.yaml")
    assert document.data == {"id": "x", "title": "y"}
    assert document.positions.of_value(("title",)) == (2, 8)


def test_tabs_inside_quoted_text_are_kept() -> None:
    assert load_text('title: "a\tb"\n', "f").data == {"title": "a\tb"}


def test_invalid_utf8_names_the_line_and_column() -> None:
    document = load_bytes(b"id: x\ntitle: caf\xe9\n", "f.yaml")
    assert [d.format_text() for d in document.problems] == [
        "f.yaml:2:11: error: invalid UTF-8 (byte 0xe9); save the file as UTF-8 [encoding]"
    ]


def test_a_50_mb_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.write(b"id: x\nsummary: '")
        handle.write(b"a" * 50_000_000)
        handle.write(b"'\n")
    document = load_file(big, "content/events/big.yaml")
    assert [d.format_text() for d in document.problems] == [
        f"content/events/big.yaml:1:1: error: file is larger than {MAX_FILE_BYTES // 1_000_000} "
        "MB; a content file holds one entity and should be a few kB — split it or remove pasted "
        "material [file-too-large]"
    ]


def test_yes_and_null_keys_are_read_as_words() -> None:
    assert load_text("yes: 1\nnull: 2\n", "f").data == {"yes": 1, "null": 2}
