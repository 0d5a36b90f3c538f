"""The parse cache and the render memo: used when valid, ignored when not, never wrong."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic import write_corpus
from generator import cache, corpus, validate
from generator.build import generate
from generator.cache import (
    PARSE_CACHE_FILE,
    RENDER_MEMO_FILE,
    Digests,
    ParseCache,
    _is_plain_record,
    cache_dir_for,
    shard_paths,
)
from generator.corpus import load_corpus
from generator.load import Document
from generator.model import Citation, FactBase
from generator.validate import Parsed
from tests.test_incremental import replace_in, settle, tree

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "content", 40)
    return tmp_path


def caches_of(project: Path) -> Path:
    return cache_dir_for(project / "content")


def test_generation_writes_both_caches_outside_the_project(
    synthetic: Path, private_cache_dir: Path
) -> None:
    assert generate(synthetic / "content", synthetic / "site_src").ok
    assert caches_of(synthetic).parent == private_cache_dir
    for name in (PARSE_CACHE_FILE, RENDER_MEMO_FILE):
        assert any(path.is_file() for path in shard_paths(caches_of(synthetic) / name))
    assert caches_of(synthetic).stat().st_mode & 0o077 == 0
    # Beside the output only its lock and its spare tree (generator/write.py), no cache.
    assert sorted(p.name for p in synthetic.iterdir()) == [
        "content",
        "site_src",
        "site_src.lock",
        "site_src.spare",
    ]


def test_a_pickle_committed_into_the_project_is_never_loaded(synthetic: Path) -> None:
    """Unpickling runs code: a cache file a pull request adds to the project must be inert."""
    marker = synthetic / "pwned"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str, str]]:
            return (open, (str(marker), "w"))

    for folder in (synthetic / ".cache", synthetic / "content" / ".cache"):
        folder.mkdir()
        for name in (PARSE_CACHE_FILE, RENDER_MEMO_FILE):
            (folder / name).write_bytes(pickle.dumps(Payload()))
    assert generate(synthetic / "content", synthetic / "site_src").ok
    assert not marker.exists()


def test_without_cache_nothing_is_written(synthetic: Path) -> None:
    assert generate(synthetic / "content", synthetic / "site_src", cache=False).ok
    assert not caches_of(synthetic).exists()


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps({"fingerprint": "old"})])
def test_a_damaged_or_stale_cache_is_ignored(synthetic: Path, damage: bytes) -> None:
    assert generate(synthetic / "content", synthetic / "reference", cache=False).ok
    caches_of(synthetic).mkdir(parents=True)
    for name in (PARSE_CACHE_FILE, RENDER_MEMO_FILE):
        for path in shard_paths(caches_of(synthetic) / name):
            path.write_bytes(damage)
    assert generate(synthetic / "content", synthetic / "site_src").ok
    assert tree(synthetic / "site_src") == tree(synthetic / "reference")


def test_a_sharded_cache_rewrites_only_the_files_whose_entries_changed(tmp_path: Path) -> None:
    base = tmp_path / "cache.pickle"

    def inodes() -> dict[Path, int]:
        return {path: path.stat().st_ino for path in shard_paths(base) if path.exists()}

    def shard(key: str) -> Path:
        return shard_paths(base)[cache._shard_of(key)]

    first = {f"key-{n}": (n,) for n in range(1000)}
    cache._ShardedPickle(base, "print").save(first)
    before = inodes()
    stored = cache._ShardedPickle(base, "print")
    assert stored.entries == first
    second = {**stored.entries, "key-7": ("seven",)}
    stored.save(second)
    after = inodes()
    assert {path for path in after if after[path] != before.get(path)} == {shard("key-7")}
    again = cache._ShardedPickle(base, "print")
    assert again.entries == second
    third = {key: value for key, value in again.entries.items() if key != "key-8"}
    third["key-new"] = (1,)
    again.save(third)
    last = inodes()
    assert {path for path in last if last[path] != after.get(path)} == {
        shard("key-8"),
        shard("key-new"),
    }
    cache.forget_resident()
    assert cache._ShardedPickle(base, "print").entries == third


def test_damaged_piece_files_are_ignored(synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "KEEP_PIECES_FROM", 1)
    assert generate(synthetic / "content", synthetic / "site_src").ok
    pieces = sorted(caches_of(synthetic).glob("pieces-*"))
    assert pieces
    for number, path in enumerate(pieces):
        path.write_bytes([b"", b"not a pickle", pickle.dumps({"fingerprint": "old"})][number % 3])
    event = synthetic / "content" / "events" / "event-2.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("title: ", "title: Re"))
    cache.forget_resident()
    assert generate(synthetic / "content", synthetic / "site_src").ok
    assert generate(synthetic / "content", synthetic / "reference", cache=False).ok
    assert tree(synthetic / "site_src") == tree(synthetic / "reference")


def test_the_one_file_caches_of_earlier_versions_are_removed(synthetic: Path) -> None:
    caches_of(synthetic).mkdir(parents=True)
    for name in (PARSE_CACHE_FILE, RENDER_MEMO_FILE):
        (caches_of(synthetic) / name).write_bytes(b"an old cache")
    assert generate(synthetic / "content", synthetic / "site_src").ok
    for name in (PARSE_CACHE_FILE, RENDER_MEMO_FILE):
        assert not (caches_of(synthetic) / name).exists()


def test_unchanged_files_are_not_parsed_again(synthetic: Path) -> None:
    content = synthetic / "content"
    path = caches_of(synthetic) / PARSE_CACHE_FILE
    load_corpus(content, cache=ParseCache(path))
    again = ParseCache(path)
    result = load_corpus(content, cache=again)
    assert result.ok
    assert again.misses == 0
    assert again.hits == result.files_read


@pytest.mark.parametrize("files", ["just written", "settled"])
def test_a_rebuild_checks_the_corpus_as_a_first_check_does(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch, files: str
) -> None:
    """The same process checks again only the entities that changed, unless an id came or
    went or an actor changed: the diagnostics are a first check's after every step. With
    settled files, an edit to events alone patches the last check without a pass over
    the corpus (no index of every id is made)."""
    content = synthetic / "content"
    if files == "settled":
        settle(monkeypatch)
    path = caches_of(synthetic) / PARSE_CACHE_FILE
    actor = content / "actors" / "actor-1.yaml"
    event = content / "events" / "event-4.yaml"
    actor_text, event_text = actor.read_text(encoding="utf-8"), event.read_text(encoding="utf-8")
    codes: list[set[str]] = []
    passes: list[int] = []  # of the cached load in each step
    counting = [False]
    by_id = validate._by_id

    def counted(parsed: Any) -> Any:
        if counting[0]:
            passes[-1] += 1
        return by_id(parsed)

    monkeypatch.setattr(validate, "_by_id", counted)

    def step(edit: Callable[[], object]) -> None:
        edit()
        fresh = load_corpus(content)  # without caches: it neither reads nor leaves any
        passes.append(0)
        counting[0] = True
        cached = load_corpus(content, cache=ParseCache(path))
        counting[0] = False
        assert cached.diagnostics == fresh.diagnostics
        codes.append({d.code for d in cached.diagnostics})

    step(lambda: None)
    step(lambda: event.write_text(event_text + "related: [event-none]\n", encoding="utf-8"))
    step(lambda: actor.write_text(actor_text + "dissolved: 2001-01-01\n", encoding="utf-8"))
    # Only another event changed: the relationships' problems are those found before.
    step(lambda: replace_in(content / "events" / "event-5.yaml", r"^title: .*$", "title: New"))
    extra = content / "events" / "event-extra.yaml"

    def add_extra() -> None:
        extra.write_text(event_text.replace("id: event-4", "id: event-extra"), encoding="utf-8")
        event.write_text(event_text + "related: [event-extra]\n", encoding="utf-8")

    step(add_extra)
    # An id gone, the actors as they were: the unchanged event-4 now names an unknown event.
    step(extra.unlink)
    step(lambda: (event.write_text(event_text, encoding="utf-8"), actor.unlink()))
    step(lambda: actor.write_text(actor_text, encoding="utf-8"))
    # Nothing changed: the problems are those found for this corpus, and the check that
    # found them is the one the next step patches.
    step(lambda: None)
    # The only citation of source-10 taken away, then given back: unused, then used.
    claim = content / "events" / "event-20.yaml"
    step(lambda: replace_in(claim, r"sources: \[source-10\]", "sources: [source-13]"))
    step(lambda: replace_in(claim, r"^    sources: \[source-13\]", "    sources: [source-10]"))
    assert ["unused-source" in c for c in codes[-3:]] == [False, True, False]
    # An event's own problem found, then gone again.
    other = content / "events" / "event-5.yaml"
    other_text = other.read_text(encoding="utf-8")
    step(lambda: other.write_text(other_text + "related: [event-none]\n", encoding="utf-8"))
    step(lambda: other.write_text(other_text, encoding="utf-8"))
    assert ["unknown-reference" in c for c in codes[-3:]] == [False, True, False]
    assert [("unknown-reference" in c, "outside-existence" in c) for c in codes[:-5]] == [
        (False, False),
        (True, False),
        (True, True),
        (True, True),
        (False, True),
        (True, True),
        (True, False),
        (False, False),
    ]
    if files == "settled":
        # The steps that changed events alone after a load without errors (the second and
        # three of the last four) patched; the one that changed nothing took the problems
        # found before, and the check that found them stood for it.
        assert passes == [1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1]


def test_corpus_checks_still_see_cached_files_with_their_lines(synthetic: Path) -> None:
    """A reference broken by deleting another file is reported on the unchanged file's line."""
    content = synthetic / "content"
    path = caches_of(synthetic) / PARSE_CACHE_FILE
    assert load_corpus(content, cache=ParseCache(path)).ok
    (content / "actors" / "actor-1.yaml").unlink()
    cached = load_corpus(content, cache=ParseCache(path))
    fresh = load_corpus(content)
    assert not cached.ok
    assert cached.diagnostics == fresh.diagnostics
    assert any(d.code == "unknown-reference" and d.line > 1 for d in cached.diagnostics)


def test_a_load_in_the_same_process_looks_up_only_the_files_whose_stamps_changed(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mkdocs serve`: a file whose stamp was settled and is unchanged is taken over from
    the last load; the edited one is looked up, and again at the next load while it is
    within its racy window, when the parse cache checks it by its bytes."""
    content = synthetic / "content"
    settle(monkeypatch)
    path = caches_of(synthetic) / PARSE_CACHE_FILE
    looked_up: list[str] = []
    lookup = ParseCache.lookup

    def counting(self: ParseCache, file: str, shown: str, stamp: cache.Stamp) -> object:
        looked_up.append(Path(file).name)
        return lookup(self, file, shown, stamp)

    monkeypatch.setattr(ParseCache, "lookup", counting)
    assert load_corpus(content, cache=ParseCache(path)).ok
    looked_up.clear()
    replace_in(content / "events" / "event-3.yaml", r"^title: .*$", "title: Synthetic event X")
    again = ParseCache(path)
    result = load_corpus(content, cache=again)
    assert looked_up == ["event-3.yaml"]
    assert (again.hits, again.misses) == (result.files_read - 1, 1)
    reference = load_corpus(content)
    assert result.facts is not None and reference.facts is not None
    assert result.facts.events["event-3"].title == "Synthetic event X"
    assert result.facts.events == reference.facts.events
    assert result.facts.sources == reference.facts.sources
    assert result.diagnostics == reference.diagnostics
    looked_up.clear()
    third = ParseCache(path)
    assert load_corpus(content, cache=third).ok
    assert looked_up == ["event-3.yaml"]
    assert (third.hits, third.misses) == (result.files_read, 0)


def test_a_stamp_is_settled_only_if_mtime_and_ctime_were_old_when_the_load_began() -> None:
    """Against the time the load began to read, not the time it ended; and a copy that
    keeps an old mtime (cp -p, tar) has a new ctime."""
    began = 100 * cache.RACY_NS
    old, new = began - cache.RACY_NS, began - cache.RACY_NS + 1
    stamps: list[cache.Stamp | None] = [
        (10, old, old, 1),
        (10, new, new, 2),
        (10, old, new, 3),
        None,
    ]
    assert cache.settled(stamps, began) == [True, False, False, False]


def test_a_load_in_the_same_process_patches_the_last_fact_base_for_an_edited_file(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fact base after an edit that keeps every id is the last one with the edited
    entity in place: the dictionaries of the other kinds are the very same objects, and
    the whole equals, in order, what a load without caches gives."""
    content = synthetic / "content"
    settle(monkeypatch)
    path = caches_of(synthetic) / PARSE_CACHE_FILE
    first = load_corpus(content, cache=ParseCache(path)).facts
    replace_in(content / "events" / "event-3.yaml", r"^title: .*$", "title: Synthetic event X")
    result = load_corpus(content, cache=ParseCache(path))
    reference = load_corpus(content)
    facts, fresh = result.facts, reference.facts
    assert first is not None and facts is not None and fresh is not None
    for kind in ("actors", "relationships", "sources", "topics"):
        assert getattr(facts, kind) is getattr(first, kind)
    assert facts.events is not first.events
    assert facts.events["event-3"].title == "Synthetic event X"
    for kind in ("actors", "events", "relationships", "sources", "topics"):
        assert list(getattr(facts, kind).items()) == list(getattr(fresh, kind).items())
    assert facts.files == fresh.files
    assert list(result.digests.items()) == list(reference.digests.items())
    assert result.corpus == reference.corpus


def test_a_patched_check_takes_out_the_problems_of_the_entities_it_checks_again(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load with errors is never patched, but the check itself must not keep an old
    problem of an entity it checks again."""
    content = synthetic / "content"
    path = caches_of(synthetic) / PARSE_CACHE_FILE
    event = content / "events" / "event-5.yaml"
    text = event.read_text(encoding="utf-8")
    event.write_text(text + "related: [event-none]\n", encoding="utf-8")
    broken = load_corpus(content, cache=ParseCache(path))
    assert [d.code for d in broken.diagnostics if d.code == "unknown-reference"]
    last = cache.last_load(content, ParseCache(path))
    assert last is not None
    event.write_text(text, encoding="utf-8")
    position = last.position[str(event)]
    before = last.items[position]
    assert before is not None
    result = corpus._parse("events", str(event), before.document.path, None, None)
    assert result.entity is not None
    mended = Parsed("events", result.entity, Document(before.document.path, {}, result.text))
    parsed = [mended if item is before else item for item in last.items if item is not None]
    passes: list[int] = []
    by_id = validate._by_id
    monkeypatch.setattr(validate, "_by_id", lambda items: (passes.append(1), by_id(items))[1])
    patched = validate.check_corpus(
        parsed, content, validate.LoadOf(object(), last.digests, [mended])
    )
    assert passes == []
    assert sorted(patched) == sorted(validate.check_corpus(parsed))
    assert not [d for d in patched if d.code == "unknown-reference"]


def test_the_stamps_file_is_read_back_from_memory_only_while_it_is_the_one_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stamps.json"
    stamps = {"index.md": (1, 2, 3)}
    cache.write_stamps(path, stamps)
    stamps["map.md"] = (4, 5, 6)  # the caller's to change: what was written is held
    held = cache.read_stamps(path)
    assert held == {"index.md": (1, 2, 3)}
    assert cache.read_stamps(path) is held
    path.write_text('{"index.md": [4, 5, 6], "map.md": [7, 8, 9]}', encoding="utf-8")
    assert cache.read_stamps(path) == {"index.md": (4, 5, 6), "map.md": (7, 8, 9)}
    path.write_text("[1, 2]", encoding="utf-8")
    assert cache.read_stamps(path) == {}


def test_a_same_size_edit_within_the_clock_tick_is_caught(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where only size and mtime are compared, a rewrite in the same tick is checked by content."""
    monkeypatch.setattr(cache, "stamp_of", lambda s: (s.st_size, s.st_mtime_ns, 0, 0))
    content = synthetic / "content"
    path = caches_of(synthetic) / PARSE_CACHE_FILE
    event = content / "events" / "event-3.yaml"
    assert load_corpus(content, cache=ParseCache(path)).ok
    stat = event.stat()
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("Synthetic event 3", "Synthetic event X"), encoding="utf-8")
    os.utime(event, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = load_corpus(content, cache=ParseCache(path))
    assert result.facts is not None
    assert result.facts.events["event-3"].title == "Synthetic event X"


def test_a_changed_schema_fingerprint_drops_the_parse_cache(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = synthetic / "content"
    path = caches_of(synthetic) / PARSE_CACHE_FILE
    load_corpus(content, cache=ParseCache(path))
    monkeypatch.setattr(cache, "parse_fingerprint", lambda: "another schema")
    again = ParseCache(path)
    load_corpus(content, cache=again)
    assert again.hits == 0


@pytest.mark.parametrize("package", ["PyYAML", "pycountry", "pydantic", "pydantic-core"])
def test_a_new_version_of_a_library_parsing_depends_on_drops_the_parse_cache(
    monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    # PyYAML words the syntax errors and pycountry knows the country codes a check reports.
    before = cache.parse_fingerprint()
    real_version = cache._version
    monkeypatch.setattr(
        cache, "_version", lambda name: "99.0" if name == package else real_version(name)
    )
    cache.parse_fingerprint.cache_clear()
    try:
        assert cache.parse_fingerprint() != before
    finally:
        cache.parse_fingerprint.cache_clear()


def test_every_module_validation_runs_is_in_the_parse_fingerprint() -> None:
    # Their code decides the entities, warnings and messages kept with each parsed file.
    script = (
        "import sys, generator.validate\n"
        "print(*sorted(m.__file__ for n, m in sys.modules.items() if n.startswith('generator.')))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    used = {
        Path(name).relative_to(ROOT / "generator").as_posix()
        for name in run.stdout.split()
        if not name.endswith("__init__.py")
    }
    assert {"validate.py", "render/markdown.py"} <= used
    assert used <= set(cache._PARSE_MODULES)


def test_a_moved_project_still_builds_the_same(synthetic: Path, tmp_path: Path) -> None:
    assert generate(synthetic / "content", synthetic / "site_src").ok
    moved = tmp_path / "moved"
    shutil.copytree(synthetic, moved)
    assert generate(moved / "content", moved / "site_src").ok
    assert tree(moved / "site_src") == tree(synthetic / "site_src")


@dataclasses.dataclass(frozen=True)
class _Shown:
    name: str


@dataclasses.dataclass(frozen=True)
class _OwnRepr:
    name: str

    def __repr__(self) -> str:
        return "always the same"


@dataclasses.dataclass(frozen=True)
class _Holding:
    names: list[str]


@dataclasses.dataclass(frozen=True)
class _Named:
    name: str


@dataclasses.dataclass(frozen=True, slots=True)
class _Slotted:
    name: str


@dataclasses.dataclass(frozen=True)
class _Pair:
    first: str
    second: str


def test_a_list_of_plain_records_is_digested_by_what_it_holds() -> None:
    """The quick digest of a list of records (a source's citations) is taken only for types
    whose repr shows every field exactly; the others are digested field by field."""
    digests = Digests(FactBase({}, {}, {}, {}, {}), {})
    assert _is_plain_record(Citation) and _is_plain_record(_Shown)
    assert not _is_plain_record(_OwnRepr) and not _is_plain_record(_Holding)
    assert digests.of([_Shown("a"), _Shown("b")]) != digests.of([_Shown("a"), _Shown("c")])
    assert digests.of([_OwnRepr("a")]) != digests.of([_OwnRepr("b")])
    assert digests.of([]) == digests.of([])  # and stable
    # Digested from the fields' values and the type's name: a twin type is another value.
    assert digests.of([_Shown("a")]) != digests.of([_Named("a")])
    assert digests.of([_Shown("a")]) == digests.of([_Shown("a")])
    # Fields are read by name, in declared order, not from __dict__: slotted classes too,
    # and an attribute set beside the fields changes nothing.
    assert _is_plain_record(_Slotted)
    assert digests.of([_Slotted("a")]) != digests.of([_Slotted("b")])
    extra = _Shown("a")
    object.__setattr__(extra, "cached", "anything")
    assert digests.of([extra]) == digests.of([_Shown("a")])
    assert digests.of([_Pair("a", "b")]) != digests.of([_Pair("b", "a")])


def test_a_dictionary_of_lists_is_digested_by_all_it_holds() -> None:
    """The citations of each source, digested list by list: any key, field or order counts."""
    digests = Digests(FactBase({}, {}, {}, {}, {}), {})
    base = {"s1": [_Pair("a", "b"), _Pair("c", "d")], "s2": [_Pair("e", "f")], "s3": []}
    variants = [
        {"s1": [_Pair("a", "b"), _Pair("c", "d")], "s2": [_Pair("e", "F")], "s3": []},
        {"s1": [_Pair("c", "d"), _Pair("a", "b")], "s2": [_Pair("e", "f")], "s3": []},
        {"s1": [_Pair("a", "b"), _Pair("c", "d")], "t2": [_Pair("e", "f")], "s3": []},
        {"s1": [_Pair("a", "b"), _Pair("c", "d")], "s2": [_Pair("e", "f")]},
        {"s1": [_Pair("a", "b"), _Pair("c", "d")], "s2": [_Shown("e")], "s3": []},
    ]
    assert digests.of(dict(base)) == digests.of(base)
    assert len({digests.of(base), *(digests.of(v) for v in variants)}) == 1 + len(variants)


def test_a_list_the_last_build_digested_is_not_digested_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The indexes a fact base carries over hold the very lists of the last build: their
    digests are found by identity. An equal list that is another object is digested."""
    facts = FactBase({}, {}, {}, {}, {})
    held = [_Shown("a"), _Shown("b")]
    digest = Digests(facts, {}).of(held)
    digested: list[object] = []
    of_value = Digests._of_value

    def counting(self: Digests, value: object) -> str:
        digested.append(value)
        return of_value(self, value)

    monkeypatch.setattr(Digests, "_of_value", counting)
    next_build = Digests(facts, {})
    assert next_build.of(held) == digest and digested == []
    equal = [_Shown("a"), _Shown("b")]
    assert next_build.of(equal) == digest and digested == [equal]
    # Kept for one build that digests anything: a build that digests nothing (of an
    # unchanged corpus) keeps it; one that digests something else lets it go.
    Digests(facts, {})
    assert Digests(facts, {}).of(held) == digest and digested == [equal]
    other = [_Shown("c")]
    Digests(facts, {}).of(other)
    assert Digests(facts, {}).of(held) == digest and digested == [equal, other, held]
