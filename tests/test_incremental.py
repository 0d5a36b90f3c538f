"""Incremental generation gives the very bytes a full generation gives, after any edit.

Each step edits the synthetic corpus, regenerates with the caches into site_src/, and
compares it with a generation without any cache into another folder. Files whose bytes did
not change keep their modification time.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.synthetic import write_corpus
from generator import cache, corpus
from generator.build import generate
from generator.cache import RenderMemo
from generator.render import pieces
from generator.write import MANIFEST

EVENTS = 120


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


# Files last changed longer ago than this, when a load begins, count as settled: long
# enough that a file edited just before a load is not, on a busy machine too.
SHORT_RACY_NS = 200_000_000


def settle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file written so far settled, as an editor's files are: the racy window
    (cache.RACY_NS, which counts the ctime no test can set back) shortened to 0.2 s, and
    waited out."""
    monkeypatch.setattr(cache, "RACY_NS", SHORT_RACY_NS)
    time.sleep(1.25 * SHORT_RACY_NS / 1e9)


def replace_in(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert changed != text, (path, pattern)
    path.write_text(changed, encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("incremental")
    write_corpus(root / "content", EVENTS)
    return root


def _event(root: Path, number: int) -> Path:
    return root / "content" / "events" / f"event-{number}.yaml"


def _new_event(root: Path) -> None:
    text = _event(root, 3).read_text(encoding="utf-8")
    text = text.replace("id: event-3", "id: event-new").replace("event 3", "event new")
    (root / "content" / "events" / "event-new.yaml").write_text(text, encoding="utf-8")


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    (
        "an event's title",
        lambda root: replace_in(_event(root, 5), r"^title: .*$", "title: A new title"),
    ),
    (
        "an event's date",
        lambda root: replace_in(_event(root, 6), r"^date: .*$", "date: 2011-03-04"),
    ),
    (
        "an event's participants",
        lambda root: replace_in(_event(root, 7), r"^  - actor: actor-\d+$", "  - actor: actor-0"),
    ),
    (
        "an actor's name",
        lambda root: replace_in(
            root / "content" / "actors" / "actor-1.yaml", r"^name: .*$", "name: Renamed actor"
        ),
    ),
    (
        "a source's title",
        lambda root: replace_in(
            root / "content" / "sources" / "source-2.yaml", r"^title: .*$", "title: Retitled"
        ),
    ),
    (
        "a relationship's kind",
        lambda root: replace_in(
            root / "content" / "relationships" / "relationship-3.yaml",
            r"^kind: .*$",
            "kind: sanctioned",
        ),
    ),
    (
        "an event's related events",
        lambda root: replace_in(_event(root, 14), r"^related: .*$", "related: [event-2, event-3]"),
    ),
    (
        "a claim's claimant",
        lambda root: replace_in(
            _event(root, 10), r"^  - claimant: actor-\d+$", "  - claimant: actor-0"
        ),
    ),
    ("a deleted event", lambda root: _event(root, 8).unlink()),
    ("an added event", _new_event),
    (
        "an event's topic",
        lambda root: replace_in(_event(root, 9), r"^topics: .*$", "topics: [coups, ecowas-exit]"),
    ),
    # The same event edited again and put back: a render that starts from the last one
    # must never take over a value of a version that is gone.
    (
        "the first event's title again",
        lambda root: replace_in(_event(root, 5), r"^title: .*$", "title: A third title"),
    ),
    (
        "the first event's title put back",
        lambda root: replace_in(_event(root, 5), r"^title: .*$", "title: A new title"),
    ),
    (
        "the first event's title as it was first",
        lambda root: replace_in(_event(root, 5), r"^title: .*$", "title: Synthetic event 5"),
    ),
]


@pytest.mark.parametrize(
    ("keep_pieces_from", "small_blocks"),
    [(1, False), (cache.KEEP_PIECES_FROM, False), (1, True)],
    ids=["every unit keeps pieces", "the real threshold", "pieces kept in small blocks"],
)
@pytest.mark.parametrize(
    "process", ["the same process", "the same process, settled files", "a new process"]
)
def test_incremental_output_equals_full_output_after_each_edit(
    tmp_path: Path,
    process: str,
    keep_pieces_from: int,
    small_blocks: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In the same process (`mkdocs serve`) the caches are held in memory; a new process
    (`python -m generator build`) reads them from their files. With a threshold of 1, every
    unit keeps its pieces; with the real one, only those that list many entities do. With
    small blocks, the pages that list every event keep their pieces in blocks, as they do
    at the sizes the benchmark measures. With settled files (last written long before the
    build, as an editor's are), a load takes over each unchanged file by its stamp alone."""
    monkeypatch.setattr(cache, "KEEP_PIECES_FROM", keep_pieces_from)
    if small_blocks:
        monkeypatch.setattr(pieces, "BLOCKS_FROM", 8)
        monkeypatch.setattr(pieces, "BLOCK_MEAN", 4)
        monkeypatch.setattr(pieces, "BLOCK_MOST", 8)
    project = tmp_path
    write_corpus(project / "content", EVENTS)
    if process == "the same process, settled files":
        settle(monkeypatch)
    out, reference = project / "site_src", project / "reference"
    assert generate(project / "content", out).ok
    for name, edit in EDITS:
        before = mtimes(out)
        edit(project)
        if process == "a new process":
            cache.forget_resident()
        result = generate(project / "content", out)
        assert result.ok, (name, result.diagnostics[:3])
        assert result.report is not None
        shutil.rmtree(reference, ignore_errors=True)
        assert generate(project / "content", reference, cache=False).ok
        assert tree(out) == tree(reference), name
        # Only the files whose bytes changed were written; the others kept their mtime.
        after = mtimes(out)
        touched = {path for path, mtime in after.items() if before.get(path) != mtime}
        assert touched == set(result.report.written), name


@pytest.fixture
def memo_counts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, int]]:
    """(units reused, units rendered, pieces made) of each build from now on."""
    counts: list[tuple[int, int, int]] = []
    save = RenderMemo.save

    def counting_save(self: RenderMemo) -> None:
        counts.append((self.reused, self.rendered, self.pieces_made))
        save(self)

    monkeypatch.setattr(RenderMemo, "save", counting_save)
    return counts


def test_a_second_build_with_nothing_changed_renders_nothing(
    project: Path, memo_counts: list[tuple[int, int, int]]
) -> None:
    out = project / "site_src"
    assert generate(project / "content", out).ok
    memo_counts.clear()
    result = generate(project / "content", out)
    assert result.report is not None
    assert result.report.written == ()
    [(reused, rendered, _)] = memo_counts
    assert rendered == 0
    assert reused > EVENTS


def test_after_one_event_edit_only_that_events_pieces_are_made_again(
    project: Path, monkeypatch: pytest.MonkeyPatch, memo_counts: list[tuple[int, int, int]]
) -> None:
    """The pages that list every event are rendered again from the other events' pieces."""
    # This corpus is small: with the real threshold, no unit would keep its pieces.
    monkeypatch.setattr(cache, "KEEP_PIECES_FROM", 1)
    out = project / "site_src"
    assert generate(project / "content", out).ok
    memo_counts.clear()
    replace_in(_event(project, 11), r"^title: .*$", "title: Only this one changed")
    assert generate(project / "content", out).ok
    [(_, rendered, pieces)] = memo_counts
    assert rendered > 5  # the timeline, the map, the sources, the data... were rendered again
    # Its row in each table, its timeline item, hover label, data record and CSV lines, its
    # citations: a few dozen at most, against thousands for a full rendering.
    assert 0 < pieces <= 40, pieces


def test_a_rebuild_in_the_same_process_starts_long_lists_from_their_last_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mkdocs serve`: a call for the pieces of many events, all but one the very objects
    they were, takes over the blocks and values of the others from the unit's last render,
    so only the edited event's pieces are made. A new process has no last render."""
    monkeypatch.setattr(cache, "KEEP_PIECES_FROM", 1)
    monkeypatch.setattr(pieces, "BLOCKS_FROM", 8)
    monkeypatch.setattr(pieces, "BLOCK_MEAN", 4)
    monkeypatch.setattr(pieces, "BLOCK_MOST", 8)
    counts: list[tuple[int, int]] = []
    save = RenderMemo.save

    def counting_save(self: RenderMemo) -> None:
        store = self._store
        counts.append((store.calls_again, store.made) if store is not None else (0, 0))
        save(self)

    monkeypatch.setattr(RenderMemo, "save", counting_save)
    write_corpus(tmp_path / "content", EVENTS)
    out, reference = tmp_path / "site_src", tmp_path / "reference"
    assert generate(tmp_path / "content", out).ok
    for number, process in enumerate(["the same process", "a new process"]):
        if process == "a new process":
            cache.forget_resident()
        replace_in(_event(tmp_path, 20 + number), r"^title: .*$", "title: Retitled")
        counts.clear()
        assert generate(tmp_path / "content", out).ok
        shutil.rmtree(reference, ignore_errors=True)
        assert generate(tmp_path / "content", reference, cache=False).ok
        assert tree(out) == tree(reference), process
        [(again, made)] = counts
        if process == "the same process":
            # The timeline's items, its tables' rows, the data records and CSV lines...
            assert again >= 5, again
            # Only the edited event's pieces, not those of the blocks around it (117 made
            # when every call starts afresh, in these blocks of up to 8).
            assert 0 < made <= 50, made
        else:
            assert again == 0


def test_only_units_that_use_many_pieces_keep_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memo_counts: list[tuple[int, int, int]]
) -> None:
    """A unit below the threshold is cheaper to render again than its pieces are to read."""
    monkeypatch.setenv("SAHEL_GENERATOR_CACHE_DIR", str(tmp_path / "cache"))
    write_corpus(tmp_path / "content", EVENTS)
    monkeypatch.setattr(cache, "KEEP_PIECES_FROM", 10 * EVENTS)
    assert generate(tmp_path / "content", tmp_path / "site_src").ok
    folder = cache.cache_dir_for(tmp_path / "content")
    assert not list(folder.glob("pieces-*"))
    monkeypatch.setattr(cache, "KEEP_PIECES_FROM", EVENTS)
    memo_counts.clear()
    replace_in(_event(tmp_path, 11), r"^title: .*$", "title: Edited")
    assert generate(tmp_path / "content", tmp_path / "site_src").ok
    [(_, rendered, _)] = memo_counts
    # The data files hold a record of each event, actor, source...: over EVENTS pieces; the
    # edited event's own page, rendered again too, holds a handful.
    kept = sorted(folder.glob("pieces-*"))
    assert len(kept) % cache.PIECE_SHARDS == 0
    assert 0 < len(kept) // cache.PIECE_SHARDS < rendered
    monkeypatch.setattr(cache, "KEEP_PIECES_FROM", 10 * EVENTS)
    replace_in(_event(tmp_path, 11), r"^title: .*$", "title: Edited again")
    assert generate(tmp_path / "content", tmp_path / "site_src").ok
    assert not list(folder.glob("pieces-*")), "a unit under the threshold drops its files"


def test_the_units_render_what_render_pages_and_render_figures_render() -> None:
    """render_site renders unit by unit; the plain functions are the reference."""
    from generator.corpus import load_corpus
    from generator.render.data_export import data_files
    from generator.render.figures_common import figure_json, figure_path
    from generator.render.site import (
        RenderOptions,
        _normalised,
        render_figures,
        render_pages,
        render_site,
    )
    from tests.conftest import REPO

    facts = load_corpus(REPO / "content").facts
    assert facts is not None
    options = RenderOptions(edit_base="https://example.org/repo/edit/main/")
    pages = render_pages(facts, options)
    expected = {path: _normalised(text).encode() for path, text in pages.items()}
    expected.update({figure_path(n): figure_json(f) for n, f in render_figures(facts).items()})
    expected.update(data_files(facts))
    site = render_site(facts, options)
    assert {path: site[path] for path in expected} == expected


@pytest.mark.parametrize("process", ["the same process", "a new process"])
def test_a_page_reused_from_the_memo_is_rendered_again_if_its_file_was_changed_or_deleted(
    tmp_path: Path, process: str
) -> None:
    """The memo keeps digests, not bytes: a reused page must still be in site_src/ as written."""
    write_corpus(tmp_path / "content", EVENTS)
    out, reference = tmp_path / "site_src", tmp_path / "reference"
    assert generate(tmp_path / "content", out).ok
    assert generate(tmp_path / "content", reference, cache=False).ok
    (out / "events" / "event-5.md").unlink()
    edited = out / "events" / "event-6.md"
    edited.write_bytes(edited.read_bytes().replace(b"Synthetic", b"Sinthetic", 1))
    if process == "a new process":
        cache.forget_resident()
    result = generate(tmp_path / "content", out)
    assert result.report is not None
    assert sorted(result.report.written) == ["events/event-5.md", "events/event-6.md"]
    assert [path for path, _ in result.report.edited] == ["events/event-6.md"]
    assert tree(out) == tree(reference)


def test_a_build_of_an_unchanged_corpus_neither_checks_it_nor_replays_its_reads(
    project: Path, monkeypatch: pytest.MonkeyPatch, memo_counts: list[tuple[int, int, int]]
) -> None:
    """`mkdocs serve` builds again after a change to pages/ or mkdocs.yml too: the same
    corpus has the same problems and the same fact base, so every unit's reads give what
    they gave. Any edit, or a memo file written by another process, and both run again."""
    import generator.corpus

    ran: list[str] = []

    def counting(name: str, function: Callable[..., object]) -> Callable[..., object]:
        def counted(*arguments: object) -> object:
            ran.append(name)
            return function(*arguments)

        return counted

    monkeypatch.setattr(
        generator.corpus, "check_corpus", counting("checks", generator.corpus.check_corpus)
    )
    monkeypatch.setattr(cache, "_unchanged_units", counting("reads", cache._unchanged_units))
    out = project / "site_src"
    assert generate(project / "content", out).ok
    ran.clear()
    memo_counts.clear()
    result = generate(project / "content", out)
    assert result.report is not None and result.report.written == ()
    assert ran == []
    [(reused, rendered, _)] = memo_counts
    assert rendered == 0 and reused > EVENTS

    replace_in(_event(project, 12), r"^title: .*$", "title: Edited once more")
    assert generate(project / "content", out).ok
    assert ran == ["checks", "reads"]

    # Another process rewrites a memo file: what this one holds of it is no longer proof.
    ran.clear()
    folder = cache.cache_dir_for(project / "content")
    shard = sorted(folder.glob("render.*.pickle"))[0]
    copy = shard.with_name("copy.tmp")
    copy.write_bytes(shard.read_bytes())
    copy.replace(shard)
    assert generate(project / "content", out).ok
    assert ran == ["reads"]


def test_in_the_same_process_only_the_units_reading_a_changed_entity_are_compared_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After each edit, the units found changed from the entities whose digest changed
    since the last build are those a comparison of every unit's reads finds; a new process
    (which cannot know what the last build's digests were) compares every unit's reads."""
    write_corpus(tmp_path / "content", EVENTS)
    compare = cache._changed_units
    quick: list[int] = []
    full: list[int] = []

    def both_ways(
        reads: cache._ShardReads, digests: cache.Digests, items_changed: list[object] | None
    ) -> set[int]:
        found = compare(reads, digests, items_changed)  # type: ignore[arg-type]
        if items_changed is None:
            full.append(1)
        else:
            quick.append(len(items_changed))
            assert found == compare(reads, digests, None)
        return found

    monkeypatch.setattr(cache, "_changed_units", both_ways)
    out = tmp_path / "site_src"
    assert generate(tmp_path / "content", out).ok
    for name, edit in EDITS:
        quick.clear()
        edit(tmp_path)
        assert generate(tmp_path / "content", out).ok, name
        assert quick and all(0 < changed <= 3 for changed in quick), name
    full.clear()
    replace_in(_event(tmp_path, 7), r"^title: .*$", "title: From a new process")
    cache.forget_resident()
    quick.clear()
    assert generate(tmp_path / "content", out).ok
    assert quick == [] and full


def test_content_is_listed_again_only_when_a_folder_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that loaded content/ takes its last listing while the stamp of every
    folder it lists is what it was, and was settled: an edit in place changes no folder,
    while adding, removing or renaming a file changes its folder's mtime."""
    content, out = tmp_path / "content", tmp_path / "site_src"
    write_corpus(content, EVENTS)
    listed: list[Path] = []
    real_listing = corpus.content_files

    def counted(folder: Path) -> corpus.Listed:
        listed.append(folder)
        return real_listing(folder)

    monkeypatch.setattr(corpus, "content_files", counted)

    def built() -> set[str]:
        result = generate(content, out)
        assert result.ok
        return {p.name for p in (out / "events").iterdir()}

    assert "event-new.md" not in built()
    assert len(listed) == 1
    settle(monkeypatch)
    built()  # the first listing began before the folders were settled: listed again
    assert len(listed) == 2
    replace_in(_event(tmp_path, 5), r"^title: .*$", "title: Edited in place")
    built()
    assert len(listed) == 2
    _new_event(tmp_path)
    assert "event-new.md" in built()
    assert len(listed) == 3
    settle(monkeypatch)
    built()
    assert len(listed) == 4
    _event(tmp_path, 8).unlink()
    assert "event-8.md" not in built()
    assert len(listed) == 5
    settle(monkeypatch)
    built()
    _event(tmp_path, 9).rename(_event(tmp_path, 9).with_name("event-9.yml"))
    result = generate(content, out)
    assert len(listed) == 7
    assert not result.ok and any("event-9.yml" in d.path for d in result.diagnostics)
    cache.forget_resident()
    generate(content, out)
    assert len(listed) == 8


def test_in_the_same_process_the_entities_digests_are_patched_as_worked_out_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After each edit, the entity digests a build patches from the last build's (by the
    objects that changed) are those worked out from the whole fact base."""
    write_corpus(tmp_path / "content", EVENTS)
    patch = cache._patched_entities
    patched: list[int] = []

    def checked(
        last: tuple[object, cache._Entities] | None,
        facts: object,
        entity_digests: dict[tuple[str, str], str],
    ) -> cache._Entities | None:
        found = patch(last, facts, entity_digests)
        if found is not None:
            patched.append(1)
            assert found == cache._entities_of(facts, entity_digests)
        return found

    monkeypatch.setattr(cache, "_patched_entities", checked)
    out = tmp_path / "site_src"
    assert generate(tmp_path / "content", out).ok
    for name, edit in EDITS:
        patched.clear()
        edit(tmp_path)
        assert generate(tmp_path / "content", out).ok, name
        if name not in ("a deleted event", "an added event"):
            assert patched, name


def test_the_units_that_keep_pieces_share_the_first_memo_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages and figures that list every entity are rendered again after nearly any
    edit: their memo entries are all in one file, so a rebuild rewrites it once for them."""
    # At 120 events, the units that list every event use some 120 pieces or more.
    monkeypatch.setattr(cache, "KEEP_PIECES_FROM", 100)
    write_corpus(tmp_path / "content", EVENTS)
    assert generate(tmp_path / "content", tmp_path / "site_src").ok
    memo = RenderMemo(
        cache.cache_dir_for(tmp_path / "content") / cache.RENDER_MEMO_FILE,
        cache.render_fingerprint(repr(None)),
    )
    shards = memo._stored.shards
    keeping = {key for shard in shards for key, entry in shard.items() if entry.keeps_pieces}
    assert len(keeping) >= 8
    assert keeping == {key for key, entry in shards[0].items() if entry.keeps_pieces}
    assert sum(len(shard) for shard in shards[1:]) > 10 * len(shards[0])


def test_a_listing_that_met_a_symbolic_link_is_never_taken_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether a linked file is there depends on what it names, not on its folder: the
    target removed, the next build finds the link broken, as a build afresh does."""
    content, out = tmp_path / "content", tmp_path / "site_src"
    write_corpus(content, EVENTS)
    target = tmp_path / "elsewhere" / "event-new.yaml"
    target.parent.mkdir()
    text = _event(tmp_path, 3).read_text(encoding="utf-8")
    target.write_text(text.replace("id: event-3", "id: event-new"), encoding="utf-8")
    (content / "events" / "event-new.yaml").symlink_to(target)
    settle(monkeypatch)
    assert generate(content, out).ok
    assert (out / "events" / "event-new.md").is_file()
    settle(monkeypatch)
    assert generate(content, out).ok
    target.unlink()
    again = generate(content, out)
    fresh = generate(content, tmp_path / "fresh", cache=False)
    assert [d.code for d in again.diagnostics] == [d.code for d in fresh.diagnostics]
    assert any("event-new.yaml" in d.path for d in again.diagnostics)


def test_a_process_that_loaded_an_empty_folder_loads_the_files_added_to_it(
    tmp_path: Path,
) -> None:
    """The last load found no file at all: every file found now is read."""
    content, out = tmp_path / "content", tmp_path / "site_src"
    for kind in ("actors", "events", "relationships", "sources", "topics"):
        (content / kind).mkdir(parents=True)
    generate(content, out)
    shutil.rmtree(content)
    write_corpus(content, EVENTS)
    assert generate(content, out).ok


def test_no_unit_s_recorder_outlives_it_while_the_cycle_collector_is_off(tmp_path: Path) -> None:
    """A build runs with the cycle collector off (build.py): a recorder that kept a cycle
    to itself would live, with its reads, until the collector next ran. After a build and
    a rebuild, none is left."""
    import gc

    write_corpus(tmp_path / "content", EVENTS)
    out = tmp_path / "site_src"
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        assert generate(tmp_path / "content", out).ok
        replace_in(_event(tmp_path, 5), r"^title: .*$", "title: A new title")
        assert generate(tmp_path / "content", out).ok
        left = sum(1 for found in gc.get_objects() if type(found) is cache.Recorder)
    finally:
        if was:
            gc.enable()
    assert left == 0
