"""Zero-width, direction-mark, separator and other format characters in text: a warning.

Such a character may be meant (a zero-width non-joiner in Persian, a joiner in an emoji),
so the checker does not refuse it, but readers cannot see it, and it can hide a change or
break search: `check` names the character and where it stands (path:line:column). Joiners
that emoji and scripts need, and the tags of an emoji flag, get no warning. (Controls and
bidi overrides are refused: tests/test_hostile_content.py.)
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

from generator.schema import FORMAT_CHARACTERS, INVISIBLE_CHARACTERS, invisible_characters
from tests.conftest import run_generator

EVENT = "content/events/bamako-attack-2024.yaml"
TOPIC = "content/topics/bamako-attack.yaml"
WARNING = (
    "which readers cannot see and which can hide text or break search; delete it unless it "
    "is meant to be there [invisible-character]"
)
# Visible marks that Unicode counts as format characters (Prepended_Concatenation_Mark).
PREPENDED_MARKS = frozenset(
    "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"
)


def edit(project: Path, path: str, old: str, new: str) -> None:
    file = project / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(project: Path) -> list[str]:
    run = run_generator("check", cwd=project)
    assert run.status == 0, run.stdout  # a warning, never an error
    return run.stdout.splitlines()


def test_a_zero_width_space_in_a_title_is_named_where_it_stands(project: Path) -> None:
    edit(project, EVENT, "title: JNIM attack", "title: JNIM \u200battack")
    assert check(project) == [
        f"{EVENT}:2:13: warning: 'title' contains U+200B ZERO WIDTH SPACE, {WARNING}"
    ]


def test_each_character_once_per_text_at_its_first_place(project: Path) -> None:
    edit(
        project,
        EVENT,
        "title: JNIM attack on Bamako",
        "title: JNIM\u200f attack\u200f on\u2029 Bamako\u2060",
    )
    assert check(project) == [
        f"{EVENT}:2:12: warning: 'title' contains U+200F RIGHT-TO-LEFT MARK, {WARNING}",
        f"{EVENT}:2:24: warning: 'title' contains U+2029 PARAGRAPH SEPARATOR, {WARNING}",
        # libyaml starts a new line after U+2029; editors do not.
        f"{EVENT}:2:32: warning: 'title' contains U+2060 WORD JOINER, {WARNING}",
    ]


def test_a_line_separator_in_markdown_on_a_later_line(project: Path) -> None:
    edit(
        project,
        TOPIC,
        "introduction: |\n  On 17 September 2024 JNIM attacked two military sites in Bamako.",
        'introduction: "On 17 September 2024\n  JNIM attacked\u2028 two military sites."',
    )
    assert check(project) == [
        f"{TOPIC}:5:16: warning: 'introduction' contains U+2028 LINE SEPARATOR, {WARNING}"
    ]


def test_in_a_nested_field(project: Path) -> None:
    edit(project, EVENT, "statement: JNIM claimed", "statement: JNIM\u00ad claimed")
    assert check(project) == [
        f"{EVENT}:23:20: warning: 'statement' contains U+00AD SOFT HYPHEN, {WARNING}"
    ]


def test_written_as_an_escape_it_is_found_at_the_value(project: Path) -> None:
    # The file does not hold the character itself, so the value's start is where it is.
    edit(project, EVENT, "title: JNIM attack on Bamako", 'title: "JNIM attack \\u200b\\L"')
    assert check(project) == [
        f"{EVENT}:2:8: warning: 'title' contains U+200B ZERO WIDTH SPACE, {WARNING}",
        f"{EVENT}:2:8: warning: 'title' contains U+2028 LINE SEPARATOR, {WARNING}",
    ]


def test_a_joiner_between_ascii_letters_is_named(project: Path) -> None:
    edit(project, EVENT, "title: JNIM attack", "title: JN\u200dIM attack")
    assert check(project) == [
        f"{EVENT}:2:10: warning: 'title' contains U+200D ZERO WIDTH JOINER, {WARNING}"
    ]


NEEDED = {
    "family emoji": "\U0001f469\u200d\U0001f469\u200d\U0001f467",
    "rainbow flag": "\U0001f3f3\ufe0f\u200d\U0001f308",
    "skin tone": "\U0001f469\U0001f3fd\u200d\U0001f692",
    "flag of Scotland": "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "Persian": "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
    "Devanagari": "\u0915\u094d\u200d\u0937",
    "Arabic number sign": "\u0600\u0661\u0662",
}


@pytest.mark.parametrize("text", NEEDED.values(), ids=NEEDED.keys())
def test_joiners_that_emoji_and_scripts_need_get_no_warning(project: Path, text: str) -> None:
    edit(project, EVENT, "title: JNIM attack on Bamako", f"title: JNIM attack {text}")
    assert check(project) == []
    assert invisible_characters(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("\u200d\U0001f469", [(0, "\u200d")]),  # a joiner with nothing before it
        ("\U0001f469\u200d", [(1, "\u200d")]),
        ("\U0001f469\u200d x", [(1, "\u200d")]),
        ("\U000e0067\U000e007f", [(0, "\U000e0067"), (1, "\U000e007f")]),  # tags, no flag
        ("\U0001f3f4\U000e0067", [(1, "\U000e0067")]),  # a flag's tags never cancelled
        ("a\u200bb\u200bc\ufeff", [(1, "\u200b"), (5, "\ufeff")]),
    ],
)
def test_which_characters_are_reported(text: str, found: list[tuple[int, str]]) -> None:
    assert invisible_characters(text) == found


def test_every_invisible_format_character_is_covered() -> None:
    """Every format character Python's Unicode database knows, but the visible ones, is
    either refused (INVISIBLE_CHARACTERS) or warned about (FORMAT_CHARACTERS)."""
    format_characters = {
        chr(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cf", "Zl", "Zp")
    }
    missed = {
        f"U+{ord(c):04X}"
        for c in format_characters - PREPENDED_MARKS
        if not INVISIBLE_CHARACTERS.match(c) and not FORMAT_CHARACTERS.match(c)
    }
    assert missed == set()
    assert not any(FORMAT_CHARACTERS.match(c) for c in PREPENDED_MARKS)
    # None is both refused and warned about.
    assert not [
        c for c in format_characters if INVISIBLE_CHARACTERS.match(c) and FORMAT_CHARACTERS.match(c)
    ]
