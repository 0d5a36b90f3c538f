"""Incremental generation gives the very bytes a full generation gives, after any edits.

Hypothesis draws sequences of edits, additions, removals and renames of content files. After
each step, the project is generated with the incremental layer (in the same process, as the
preview server does, and now and then as a new process would) and without it, into another
folder; the two trees must be equal, and so must the diagnostics.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import write_corpus
from generator import incremental, write
from generator.build import generate
from generator.write import MANIFEST

EVENTS = 40


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def mtimes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def _files(root: Path, kind: str) -> list[Path]:
    return sorted((root / "content" / kind).glob("*.yaml"))


def _replace(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(pattern, replacement, text, count=1, flags=re.M), encoding="utf-8")


# Each step: a kind of change, and which file of its folder (by position, modulo their
# number) it changes. Some make the content invalid (a removed event that another names):
# then both builds must fail alike.
Step = tuple[str, int]
CHANGES: dict[str, tuple[str, Callable[[Path, str], None]]] = {
    "event title": ("events", lambda p, n: _replace(p, r"^title: .*$", f"title: Title {n}")),
    "event date": ("events", lambda p, n: _replace(p, r"^date: .*$", "date: 2012-02-29")),
    "event actor": (
        "events",
        lambda p, n: _replace(p, r"^  - actor: actor-\d+$", "  - actor: actor-0"),
    ),
    "event topic": ("events", lambda p, n: _replace(p, r"^topics: .*$", "topics: [topic-1]")),
    "event related": (
        "events",
        lambda p, n: _replace(p, r"^related: .*$", "related: [event-1, event-2]"),
    ),
    "actor name": ("actors", lambda p, n: _replace(p, r"^name: .*$", f"name: Actor {n}")),
    "source title": ("sources", lambda p, n: _replace(p, r"^title: .*$", f"title: Source {n}")),
    "relationship kind": (
        "relationships",
        lambda p, n: _replace(p, r"^kind: .*$", "kind: opposed_to"),
    ),
    "topic title": ("topics", lambda p, n: _replace(p, r"^title: .*$", f"title: Topic {n}")),
}


def apply(root: Path, step: Step, number: int) -> None:
    change, position = step
    if change in CHANGES:
        kind, edit = CHANGES[change]
        files = _files(root, kind)
        edit(files[position % len(files)], str(number))
        return
    events = _files(root, "events")
    chosen = events[position % len(events)]
    if change == "add event":
        new_id = f"event-added-{number}"
        text = chosen.read_text(encoding="utf-8").replace(f"id: {chosen.stem}", f"id: {new_id}")
        (chosen.parent / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    elif change == "remove event":
        chosen.unlink()
    elif change == "rename event":
        new_id = f"event-renamed-{number}"
        text = chosen.read_text(encoding="utf-8").replace(f"id: {chosen.stem}", f"id: {new_id}")
        chosen.unlink()
        (chosen.parent / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    else:
        raise AssertionError(change)


steps = st.lists(
    st.tuples(
        st.sampled_from([*CHANGES, "add event", "remove event", "rename event"]),
        st.integers(0, EVENTS),
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pristine")
    write_corpus(root / "content", EVENTS)
    return root


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps, new_process_at=st.integers(0, 6), stamps_settle_at_once=st.booleans())
def test_incremental_output_equals_a_full_build_after_any_edits(
    pristine: Path,
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[Step],
    new_process_at: int,
    stamps_settle_at_once: bool,
) -> None:
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(pristine / "content", root / "content")
    incremental.forget_sessions()
    content, out, reference = root / "content", root / "site_src", root / "reference"
    with pytest.MonkeyPatch.context() as patch:
        if stamps_settle_at_once:
            # The memo's kept files then go by their stamps from the second build on, as
            # they do in a preview whose saves are seconds apart.
            patch.setattr(write, "RACY_NS", -(10**12))
        assert generate(content, out).ok
        for number, step in enumerate(steps):
            if number == new_process_at:
                incremental.forget_sessions()  # the parse cache from its file, no render memo
            apply(root, step, number)
            cached = generate(content, out)
            full = generate(content, reference, cache=False)
            assert cached.diagnostics == full.diagnostics, step
            if full.ok:
                assert cached.ok
                assert tree(out) == tree(reference), step


def test_a_rebuild_renders_again_only_the_units_whose_reads_changed(tmp_path: Path) -> None:
    write_corpus(tmp_path / "content", EVENTS)
    content, out = tmp_path / "content", tmp_path / "site_src"
    assert generate(content, out).ok
    memo = incremental.session_for(content, out).memo
    units = len(memo.rendered)
    before = mtimes(out)

    assert generate(content, out).ok
    assert (memo.rendered, memo.reused) == ([], units)
    assert mtimes(out) == before

    _replace(content / "events" / "event-5.yaml", r"^title: .*$", "title: Retitled")
    assert generate(content, out).ok
    changed = {path for path, mtime in mtimes(out).items() if before.get(path) != mtime}
    assert "events/event-5.md" in changed
    assert "events/event-6.md" not in changed
    # Of the event pages, only those that show event 5's title: its own and its related ones.
    showing = {
        f"events/{page.name}"
        for page in (out / "events").glob("*.md")
        if "Retitled" in page.read_text(encoding="utf-8")
    }
    pages = {key[1] for key in memo.rendered if key[0] == "page"}  # type: ignore[index]
    assert {page for page in pages if page.startswith("events/")} == showing
    assert len(memo.rendered) + memo.reused == units


def test_a_hand_edited_page_is_rendered_again_not_reused(tmp_path: Path) -> None:
    write_corpus(tmp_path / "content", EVENTS)
    content, out = tmp_path / "content", tmp_path / "site_src"
    assert generate(content, out).ok
    page = out / "events" / "event-3.md"
    expected = page.read_bytes()
    page.write_bytes(b"# Edited by hand\n")
    result = generate(content, out)
    assert result.ok and result.report is not None
    assert page.read_bytes() == expected
    assert [path for path, _saved in result.report.edited] == ["events/event-3.md"]


def test_the_parse_cache_is_shared_by_a_new_process_and_survives_a_damaged_file(
    tmp_path: Path,
) -> None:
    write_corpus(tmp_path / "content", EVENTS)
    content = tmp_path / "content"
    assert generate(content, tmp_path / "site_src").ok
    database = incremental.cache_dir_for(content) / incremental.PARSE_CACHE_FILE
    assert database.is_file()
    incremental.forget_sessions()
    read: list[str] = []

    def counting(kind: str, path: str, shown: str) -> incremental.ParsedFile:
        read.append(path)
        return incremental.read_file(kind, path, shown)  # type: ignore[arg-type]

    cache = incremental.parse_cache_for(content)
    reader = cache.reader(counting)  # type: ignore[arg-type]
    first = sorted(content.rglob("*.yaml"))[0]
    assert reader("actors", str(first), "x") is not None
    assert read == []  # unchanged, settled or not: known by its bytes
    database.write_bytes(b"not a database")
    incremental.forget_sessions()
    assert generate(content, tmp_path / "site_src").ok  # a damaged cache is a miss
    incremental.forget_sessions()
    assert incremental.parse_cache_for(content)._load()  # and is made again
