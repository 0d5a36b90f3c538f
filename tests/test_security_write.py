"""Failure safety of the write stage: nothing lost, nothing half-written, nothing outside.

- `check` changes nothing, and `build` changes nothing outside site_src/ and its siblings;
- a generated file edited by hand is saved aside and reported before it is overwritten;
- the swap is one atomic exchange where the OS offers it, two renames elsewhere;
- an exception at any step of the write leaves the previous complete tree in place.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import write
from generator.build import generate, run_build_command
from generator.lock import build_lock
from generator.write import (
    MANIFEST,
    exchange,
    recover,
    spare_dir,
    stray_dir,
    write_site,
)
from tests.conftest import run_generator

SITE_SMALL = Path(__file__).parent / "fixtures" / "site_small"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SITE_SMALL / "content", tmp_path / "content")
    shutil.copytree(SITE_SMALL / "pages", tmp_path / "pages")
    return tmp_path


Snapshot = dict[str, tuple[str, bytes, int]]


def snapshot(root: Path) -> Snapshot:
    """Every path under `root`: its kind, its bytes (files) and its modification time."""
    found: Snapshot = {}
    for path in sorted(root.rglob("*")):
        stat = path.lstat()
        kind = "dir" if path.is_dir() else "file"
        data = path.read_bytes() if kind == "file" else b""
        found[path.relative_to(root).as_posix()] = (kind, data, stat.st_mtime_ns)
    return found


def changed_paths(before: Snapshot, after: Snapshot) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


# What a build may create or change next to content/: its output and the output's
# siblings (lock, the spare tree, hand edits saved aside), and the generator's cache.
OUTPUT_AREAS = ("site_src", "site_src.lock", "site_src.spare", "site_src.stray")


def in_output_areas(path: str) -> bool:
    return any(path == area or path.startswith(area + "/") for area in OUTPUT_AREAS)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_consistent(out: Path) -> None:
    """site_src/ is a complete tree: its manifest lists exactly its files, hashes matching."""
    files = tree(out)
    manifest = json.loads(files.pop(MANIFEST))["files"]
    files.pop(".gitkeep")
    assert {p: hashlib.sha256(d).hexdigest() for p, d in files.items()} == manifest


# --- the generator writes only where it should -----------------------------------------------


def test_check_changes_nothing_in_the_project(project: Path) -> None:
    before = snapshot(project)
    assert run_generator("check", cwd=project).status == 0
    assert snapshot(project) == before


def test_build_changes_nothing_outside_its_output(project: Path) -> None:
    before = snapshot(project)
    assert run_generator("build", cwd=project).status == 0
    after = snapshot(project)
    changed = changed_paths(before, after)
    assert "site_src/index.md" in changed and "site_src.lock" in changed
    assert {p for p in changed if not in_output_areas(p)} == set()
    # content/ and pages/ are identical, modification times included.
    assert {p: v for p, v in after.items() if p.startswith(("content", "pages"))} == {
        p: v for p, v in before.items() if p.startswith(("content", "pages"))
    }


def test_a_failed_build_changes_nothing_but_the_lock(project: Path) -> None:
    (project / "content" / "events" / "bad.yaml").write_text("id: !!python/name:os.system\n")
    before = snapshot(project)
    assert run_generator("build", cwd=project).status == 1
    changed = changed_paths(before, snapshot(project))
    assert changed == {"site_src.lock"}


# --- hand edits of generated files ------------------------------------------------------------


def build(project: Path) -> int:
    return run_build_command(
        argparse.Namespace(content=project / "content", out=project / "out", no_cache=False)
    )


def test_a_hand_edit_of_a_generated_page_is_saved_aside_and_reported(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build(project) == 0
    page = project / "out" / "events" / "niger-coup-2023.md"
    generated = page.read_bytes()
    page.write_bytes(generated + b"\nAn editor's note, typed into the output.\n")
    capsys.readouterr()
    assert build(project) == 0
    err = capsys.readouterr().err
    assert page.read_bytes() == generated  # the generated page is back
    saved = list(stray_dir(project / "out").rglob("niger-coup-2023.md"))
    assert len(saved) == 1
    assert saved[0].read_bytes() == generated + b"\nAn editor's note, typed into the output.\n"
    assert (
        f"{(project / 'out').as_posix()}/events/niger-coup-2023.md: warning: edited by hand "
        f"since the last build; replaced by the generated page, and the edit saved as "
        f"{saved[0].as_posix()}. Edit content/ or pages/ instead. [edited-output]"
    ) in err.splitlines()
    assert_consistent(project / "out")


def test_a_hand_edit_of_a_page_no_longer_generated_is_saved_before_removal(
    project: Path,
) -> None:
    out = project / "out"
    first = write_site({"a.md": b"# A\n", "b.md": b"# B\n"}, out)
    assert first.edited == ()
    (out / "b.md").write_bytes(b"# B, edited\n")
    report = write_site({"a.md": b"# A\n"}, out)
    assert report.removed == ("b.md",)
    assert [path for path, _ in report.edited] == ["b.md"]
    assert Path(report.edited[0][1]).read_bytes() == b"# B, edited\n"
    assert not (out / "b.md").exists()


def test_rebuilds_without_hand_edits_save_nothing(project: Path) -> None:
    out = project / "out"
    write_site({"a.md": b"# A\n"}, out)
    report = write_site({"a.md": b"# A, new\n"}, out)
    assert report.edited == () and report.written == ("a.md",)
    assert not stray_dir(out).exists()


def test_two_saved_edits_of_one_page_in_one_second_are_both_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site({"a.md": b"# A\n"}, out)
    saved = []
    for edit in (b"first edit\n", b"second edit\n"):
        (out / "a.md").write_bytes(edit)
        report = write_site({"a.md": b"# A\n"}, out)
        saved.append(Path(report.edited[0][1]))
    assert sorted(p.read_bytes() for p in saved) == [b"first edit\n", b"second edit\n"]


# --- the swap ---------------------------------------------------------------------------------


def test_exchange_swaps_two_folders_in_place(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f").write_text("a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "f").write_text("b")
    assert exchange(tmp_path / "a", tmp_path / "b") is True
    assert (tmp_path / "a" / "f").read_text() == "b"
    assert (tmp_path / "b" / "f").read_text() == "a"


def test_the_swap_never_leaves_site_src_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site_src"
    write_site({"index.md": b"# Old\n"}, out)
    renamed: list[str] = []
    original = Path.rename

    def spy(self: Path, target: Any) -> Path:
        renamed.append(self.name)
        return original(self, target)

    monkeypatch.setattr(Path, "rename", spy)
    write_site({"index.md": b"# New\n"}, out)
    # One exchange, no rename of site_src/ itself: at no instant is there no site_src/.
    assert renamed == []
    assert (out / "index.md").read_bytes() == b"# New\n"
    assert not (tmp_path / "site_src.tmp").exists()


def test_without_exchange_the_swap_falls_back_to_two_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write, "exchange", lambda first, second: False)
    out = tmp_path / "site_src"
    write_site({"index.md": b"# Old\n"}, out)
    write_site({"index.md": b"# New\n"}, out)
    assert (out / "index.md").read_bytes() == b"# New\n"
    assert not (tmp_path / "site_src.old").exists()
    assert_consistent(out)


# --- an exception at any step leaves the old tree ----------------------------------------------

OLD = {"index.md": b"# Old\n", "events/a.md": b"# A\n", "events/b.md": b"# B\n"}
NEW = {"index.md": b"# New\n", "events/a.md": b"# A\n", "events/c.md": b"# C\n"}


class Boom(Exception):
    pass


def failing_at(call: int, function: Callable[..., Any]) -> Callable[..., Any]:
    count = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        if count == call:
            raise Boom
        return function(*args, **kwargs)

    return wrapper


# Each step of assembling the new tree, with a spare tree from the last build and without one
# (a first build, or a spare tree deleted).
@pytest.mark.parametrize(
    ("spare", "target", "name", "call"),
    [
        (False, write, "_link_or_copy", 1),
        (False, os, "makedirs", 2),
        (True, write, "_write_new", 1),
        (True, write, "_write_new", 3),
        (True, os, "unlink", 1),
        (True, write, "exchange", 1),
        (True, write, "_save_hand_edits", 1),
    ],
)
def test_an_exception_mid_write_leaves_the_previous_tree(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    spare: bool,
    target: Any,
    name: str,
    call: int,
) -> None:
    out = tmp_path / "site_src"
    write_site(OLD, out)
    if not spare:
        shutil.rmtree(spare_dir(out))
    before = tree(out)
    monkeypatch.setattr(target, name, failing_at(call, getattr(target, name)))
    with pytest.raises(Boom):
        write_site(NEW, out)
    monkeypatch.undo()
    assert tree(out) == before
    recover(out)
    assert tree(out) == before and not (tmp_path / "site_src.tmp").exists()
    write_site(NEW, out)
    assert_consistent(out)
    assert {p: d for p, d in tree(out).items() if not p.startswith(".")} == NEW


def test_a_crash_between_the_two_fallback_renames_is_recovered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write, "exchange", lambda first, second: False)
    out = tmp_path / "site_src"
    write_site(OLD, out)
    before = tree(out)
    monkeypatch.setattr(Path, "rename", failing_at(2, Path.rename))
    with pytest.raises(Boom):
        write_site(NEW, out)
    monkeypatch.undo()
    assert not out.exists() and (tmp_path / "site_src.old").is_dir()
    recover(out)
    assert tree(out) == before


def test_an_exception_mid_render_writes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = project / "site_src"
    assert generate(project / "content", out, pages_dir=project / "pages").ok
    before = snapshot(out)
    monkeypatch.setattr("generator.build.render_site", failing_at(1, lambda *a, **k: {}))
    with pytest.raises(Boom):
        generate(project / "content", out, pages_dir=project / "pages")
    assert snapshot(out) == before
    assert not (project / "site_src.tmp").exists()


# --- the lock is re-entrant within a process ---------------------------------------------------


def test_write_site_under_a_held_lock_does_not_deadlock(tmp_path: Path) -> None:
    waits: list[str] = []
    with build_lock(tmp_path / "out", on_wait=lambda: waits.append("waited")):
        report = write_site({"a.md": b"# A\n"}, tmp_path / "out")
    assert report.swapped and waits == []
    assert (tmp_path / "out.lock").is_file()


# --- the spare tree ---------------------------------------------------------------------------

MANY = {f"events/e{n}.md": f"# Event {n}\n".encode() for n in range(40)} | {"index.md": b"# I\n"}


def inodes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def test_after_a_write_the_spare_tree_is_the_new_tree_hard_linked(tmp_path: Path) -> None:
    out = tmp_path / "site_src"
    write_site(MANY, out)
    changed = {"index.md": b"# I, again\n", "events/e0.md": b"# Zero\n"}
    added = {"events/e40.md": b"# New\n", "actors/a.md": b"# A\n"}
    write_site({**MANY, **changed, **added}, out)
    # The next build starts from it: every file already the very file in site_src/.
    assert inodes(spare_dir(out)) == inodes(out)
    assert len(inodes(out)) == len(MANY) + len(added)


class _OtherInodes:
    """A listing whose entries give other inode numbers than stat does, as some overlay
    filesystems' listings do."""

    def __init__(self, listing: Any) -> None:
        self._listing = listing

    def __enter__(self) -> _OtherInodes:
        return self

    def __exit__(self, *_: object) -> None:
        self._listing.close()

    def __iter__(self) -> Any:
        for entry in self._listing:
            yield _OtherInode(entry)


class _OtherInode:
    def __init__(self, entry: os.DirEntry[str]) -> None:
        self._entry = entry
        self.name, self.path = entry.name, entry.path

    def inode(self) -> int:
        return self._entry.inode() + 1

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        return self._entry.is_dir(follow_symlinks=follow_symlinks)

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        return self._entry.is_file(follow_symlinks=follow_symlinks)

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        return self._entry.stat(follow_symlinks=follow_symlinks)


@pytest.mark.parametrize("listing", ["as stat gives them", "other than stat gives them"])
def test_the_spare_trees_inodes_are_those_stat_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listing: str
) -> None:
    """The write stage takes each file's inode from the folder listing, without a stat
    call, only where the listing gives the numbers stat gives."""
    out = tmp_path / "site_src"
    write_site(MANY, out)
    if listing == "other than stat gives them":
        scandir = os.scandir
        monkeypatch.setattr(os, "scandir", lambda path: _OtherInodes(scandir(path)))
    files, folders = write._files_and_folders(str(out))
    every = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    assert files == every
    assert len(every) == len(MANY) + 2  # and the manifest, and the file that keeps the folder
    assert folders == {"", "events"}


def test_a_rebuild_writes_and_links_only_the_files_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site_src"
    write_site(MANY, out)
    write_site({**MANY, "index.md": b"# I, again\n"}, out)
    written: list[str] = []
    linked: list[str] = []
    real_write, real_link = write._write_new, write._link_or_copy

    def spy_write(target: str, data: bytes) -> None:
        written.append(Path(target).relative_to(spare_dir(out)).as_posix())
        real_write(target, data)

    def spy_link(source: Path | str, target: Path | str) -> None:
        linked.append(Path(target).relative_to(spare_dir(out)).as_posix())
        real_link(source, target)

    monkeypatch.setattr(write, "_write_new", spy_write)
    monkeypatch.setattr(write, "_link_or_copy", spy_link)
    report = write_site({**MANY, "events/e7.md": b"# Seven, edited\n"}, out)
    assert report.written == ("events/e7.md", "index.md")
    assert sorted(written) == [".generated.json", ".gitkeep", "events/e7.md", "index.md"]
    # index.md changed in the last build: the spare tree gets it first, then both changed
    # files after the swap.
    assert linked == ["events/e7.md", "index.md"]
    assert {p: d for p, d in tree(out).items() if not p.startswith(".")} == {
        **MANY,
        "events/e7.md": b"# Seven, edited\n",
    }


def test_a_damaged_spare_tree_never_reaches_site_src(tmp_path: Path) -> None:
    out = tmp_path / "site_src"
    outside = tmp_path / "outside.md"
    outside.write_bytes(b"not the generator's\n")
    write_site(MANY, out)
    spare = spare_dir(out)
    (spare / "events" / "e1.md").unlink()
    (spare / "events" / "e1.md").write_bytes(b"# Tampered\n")  # another file, same name
    (spare / "events" / "e2.md").unlink()
    (spare / "events" / "e2.md").symlink_to(outside)  # would write outside if followed
    (spare / "events" / "e3.md").unlink()
    (spare / "events" / "e3.md").mkdir()  # a folder where a file goes
    (spare / "stale.md").write_bytes(b"# Not produced\n")
    report = write_site({**MANY, "events/e2.md": b"# Two, edited\n"}, out)
    assert report.written == ("events/e2.md",)
    assert_consistent(out)
    assert {p: d for p, d in tree(out).items() if not p.startswith(".")} == {
        **MANY,
        "events/e2.md": b"# Two, edited\n",
    }
    assert outside.read_bytes() == b"not the generator's\n"


def test_files_no_longer_produced_leave_no_empty_folder_behind(tmp_path: Path) -> None:
    out = tmp_path / "site_src"
    write_site({"index.md": b"# I\n", "old/deep/a.md": b"# A\n"}, out)
    write_site({"index.md": b"# I\n", "old/deep/a.md": b"# A, new\n"}, out)
    write_site({"index.md": b"# I\n"}, out)
    assert sorted(p.name for p in out.iterdir()) == [".generated.json", ".gitkeep", "index.md"]


def test_a_symlinked_output_folder_is_refused_and_nothing_is_written_through_it(
    tmp_path: Path,
) -> None:
    real = tmp_path / "elsewhere"
    write_site({"index.md": b"# I\n"}, real)
    before = tree(real)
    (tmp_path / "site_src").symlink_to(real)
    with pytest.raises(NotADirectoryError, match="symbolic link"):
        write_site({"index.md": b"# New\n"}, tmp_path / "site_src")
    assert tree(real) == before


def test_a_page_whose_name_changes_only_in_case_is_written_whole(tmp_path: Path) -> None:
    """On a case-insensitive disk the stale name and the new one are one file: the stale
    one is removed before the new one is written (on Linux, both are simply right)."""
    out = tmp_path / "site_src"
    write_site({"events/Coup.md": b"# Old\n"}, out)
    write_site({"events/Coup.md": b"# Old, again\n"}, out)
    write_site({"events/coup.md": b"# New\n"}, out)
    assert {p: d for p, d in tree(out).items() if not p.startswith(".")} == {
        "events/coup.md": b"# New\n"
    }
    assert_consistent(out)


def edit_keeping_size_and_mtime(target: Path) -> bytes:
    original = target.read_bytes()
    stat = target.stat()
    edited = original.replace(b"Timeline", b"Timelime", 1)
    assert edited != original and len(edited) == len(original)
    target.write_bytes(edited)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return edited


def built_page(project: Path, path: str) -> tuple[Path, write.Kept]:
    """site_src/ as a build left it, and what the memo keeps of one of its files."""
    out = project / "site_src"
    assert generate(project / "content", out, cache=False).ok
    original = (out / path).read_bytes()
    return out, write.Kept(write.digest_of(original), len(original))


def test_a_hand_edit_that_keeps_size_and_mtime_is_still_found(project: Path) -> None:
    """A file the memo keeps, and for which no settled stamp is known, is known unchanged
    only by its bytes: an edit within the clock tick of the build, at the same size, is
    found."""
    path = "timeline.md"
    out, kept = built_page(project, path)
    current = write.Current(out)
    found = current.keeps(path, kept)
    assert found == kept  # the file was written just now: its stamp is not settled
    edited = edit_keeping_size_and_mtime(out / path)
    assert write.Current(out).keeps(path, kept) is None
    assert write.Current(out).holds(path, edited)


def test_a_settled_stamp_stands_for_the_bytes_until_the_file_changes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = "timeline.md"
    out, kept = built_page(project, path)
    current = write.Current(out)
    current.settled_before = time.time_ns() + write.RACY_NS  # as if written long ago
    stamped = current.keeps(path, kept)
    assert stamped is not None
    assert stamped.stamp == write.stamp_of((out / path).stat())

    def unread(*args: object) -> None:
        raise AssertionError("a file with its settled stamp was read")

    with monkeypatch.context() as patched:
        patched.setattr(write, "open", unread, raising=False)
        again = write.Current(out)
        assert again.keeps(path, stamped) is not None
        assert again.holds(path, stamped)
    # An edit at the same size, its mtime put back: its ctime tells.
    edit_keeping_size_and_mtime(out / path)
    assert write.Current(out).keeps(path, stamped) is None


@given(
    st.dictionaries(
        st.text(st.characters(codec="utf-8"), max_size=12),
        st.text(st.characters(codec="utf-8"), max_size=12),
        max_size=6,
    )
)
def test_the_manifest_is_what_json_writes_with_indentation(digests: dict[str, str]) -> None:
    """manifest_bytes writes its lines itself, quicker than json.dumps' pure-Python
    indenting encoder: for any paths and digests, the very bytes json.dumps gives."""
    expected = json.dumps({"files": digests}, indent=1, sort_keys=True) + "\n"
    assert write.manifest_bytes(digests) == expected.encode("utf-8")
