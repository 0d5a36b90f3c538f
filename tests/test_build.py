"""The generation step and the write stage: atomic, deterministic, mtime-preserving."""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.utils import meta

from generator.build import generate, hand_written_pages, run_build_command
from generator.write import MANIFEST, existing_files, read_manifest, recover, write_site

SITE_SMALL = Path(__file__).parent / "fixtures" / "site_small"
REPO = Path(__file__).parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SITE_SMALL / "content", tmp_path / "content")
    shutil.copytree(SITE_SMALL / "pages", tmp_path / "pages")
    return tmp_path


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def mtimes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


def build(project: Path, out: str = "site_src") -> int:
    args = argparse.Namespace(content=project / "content", out=project / out, no_cache=False)
    return run_build_command(args)


def test_two_builds_from_the_same_content_are_byte_identical(project: Path) -> None:
    assert build(project, "a") == 0
    assert build(project, "b") == 0
    first, second = tree(project / "a"), tree(project / "b")
    assert first == second
    assert "events/bamako-attack-2024.md" in first and MANIFEST in first


def test_the_build_copies_pages_verbatim_and_reads_every_markdown_file(project: Path) -> None:
    (project / "pages" / "about" / "notes.md").write_text(
        "# Notes\n\n<b>kept</b>  \n", encoding="utf-8"
    )
    assert build(project) == 0
    assert (
        project / "site_src" / "about" / "notes.md"
    ).read_bytes() == b"# Notes\n\n<b>kept</b>  \n"
    assert (project / "site_src" / "about" / "index.md").read_bytes() == (
        SITE_SMALL / "pages" / "about" / "index.md"
    ).read_bytes()
    assert set(hand_written_pages(project / "pages")) == {"about/index.md", "about/notes.md"}


def test_a_content_error_stops_the_build_and_leaves_site_src_untouched(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build(project) == 0
    before, before_mtimes = tree(project / "site_src"), mtimes(project / "site_src")
    broken = project / "content" / "events" / "niger-coup-2023.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("kind: coup", "kind: putsch"), encoding="utf-8"
    )
    capsys.readouterr()
    assert build(project) == 1
    out, err = capsys.readouterr()
    assert out.startswith("content/events/niger-coup-2023.yaml:")
    assert ": error: " in out
    assert "build failed" in err and "left as it was" in err
    assert tree(project / "site_src") == before
    assert mtimes(project / "site_src") == before_mtimes
    assert not (project / "site_src.tmp").exists() and not (project / "site_src.old").exists()


def test_unchanged_files_keep_their_mtime_and_changed_ones_are_rewritten(project: Path) -> None:
    assert build(project) == 0
    out = project / "site_src"
    old = {
        path: (out / path).stat()
        for path in ("events/aes-ecowas-exit.md", "events/niger-coup-2023.md")
    }
    event = project / "content" / "events" / "niger-coup-2023.yaml"
    event.write_text(
        event.read_text(encoding="utf-8").replace("title: ", "title: Updated ", 1), encoding="utf-8"
    )
    assert build(project) == 0
    same = (out / "events/aes-ecowas-exit.md").stat()
    assert same.st_mtime_ns == old["events/aes-ecowas-exit.md"].st_mtime_ns
    assert same.st_ino == old["events/aes-ecowas-exit.md"].st_ino  # hard-linked, not rewritten
    page, _front_matter = meta.get_data((out / "events/niger-coup-2023.md").read_text("utf-8"))
    assert page.lstrip("\n").startswith("# Updated ")
    assert (out / "events/niger-coup-2023.md").stat().st_ino != old[
        "events/niger-coup-2023.md"
    ].st_ino


def test_a_build_with_nothing_new_touches_nothing(project: Path) -> None:
    assert build(project) == 0
    inode = (project / "site_src").stat().st_ino
    result = generate(project / "content", project / "site_src", pages_dir=project / "pages")
    assert result.report is not None and not result.report.swapped and not result.report.written
    assert (project / "site_src").stat().st_ino == inode


def test_files_the_generator_did_not_write_are_kept_and_reported(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build(project) == 0
    (project / "site_src" / "stray.md").write_text("# By hand\n", encoding="utf-8")
    event = project / "content" / "events" / "niger-coup-2023.yaml"
    event.write_text(
        event.read_text(encoding="utf-8") + "needs_review: check the day\n", encoding="utf-8"
    )
    capsys.readouterr()
    assert build(project) == 0
    err = capsys.readouterr().err
    assert "site_src/stray.md: warning: not written by the generator; kept." in err
    assert (project / "site_src" / "stray.md").read_text(encoding="utf-8") == "# By hand\n"
    assert "stray.md" not in read_manifest(project / "site_src")


def test_files_no_longer_produced_are_removed(project: Path) -> None:
    assert build(project) == 0
    (project / "content" / "events" / "niger-coup-2023.yaml").unlink()
    for path in (project / "content" / "events").glob("*.yaml"):
        path.write_text(
            path.read_text(encoding="utf-8").replace("  - niger-coup-2023\n", ""), encoding="utf-8"
        )
    assert build(project) == 0
    assert not (project / "site_src" / "events" / "niger-coup-2023.md").exists()


def test_recover_puts_back_a_tree_moved_aside_by_an_interrupted_swap(tmp_path: Path) -> None:
    out = tmp_path / "site_src"
    write_site({"index.md": b"# Old\n"}, out)
    out.rename(tmp_path / "site_src.old")  # crash after moving the old tree aside
    (tmp_path / "site_src.tmp").mkdir()  # and with a half-written new tree
    recover(out)
    assert (out / "index.md").read_bytes() == b"# Old\n"
    assert not (tmp_path / "site_src.old").exists() and not (tmp_path / "site_src.tmp").exists()


def test_recover_finishes_a_swap_that_only_missed_its_cleanup(tmp_path: Path) -> None:
    out = tmp_path / "site_src"
    write_site({"index.md": b"# New\n"}, out)
    (tmp_path / "site_src.old").mkdir()
    report = write_site({"index.md": b"# New\n"}, out)
    assert not report.swapped
    assert not (tmp_path / "site_src.old").exists()
    assert existing_files(out) == {"index.md"}


def test_the_command_line_builds_with_python_m_generator(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--content", "content", "--out", "site_src"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    assert "build passed: 92 content files, 0 errors, 0 warnings; site_src/: " in done.stderr
    assert (project / "site_src" / "index.md").is_file()


def test_out_that_is_a_file_is_a_usage_error(project: Path) -> None:
    (project / "site_src").write_text("not a folder", encoding="utf-8")
    assert build(project) == 2


def test_site_src_keeps_the_gitkeep_that_lets_a_fresh_clone_run_mkdocs(tmp_path: Path) -> None:
    out = tmp_path / "site_src"
    out.mkdir()
    (out / ".gitkeep").write_bytes(b"")
    first = write_site({"index.md": b"# Home\n"}, out)
    second = write_site({"index.md": b"# Home, changed\n"}, out)
    assert (out / ".gitkeep").read_bytes() == b""
    assert first.foreign == () and second.foreign == ()
    assert ".gitkeep" not in existing_files(out)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cycle_collector_is_paused_during_a_build_and_left_as_it_was(
    tmp_path: Path, enabled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real_render = generate.__globals__["render_site"]

    def render(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real_render(*args, **kwargs)

    monkeypatch.setattr("generator.build.render_site", render)
    (gc.enable if enabled else gc.disable)()
    try:
        assert generate(SITE_SMALL / "content", tmp_path / "out", cache=False).ok
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == 0  # nothing left out of the collector's reach
    finally:
        gc.enable()
    assert seen == [False]


def test_pages_under_a_hidden_folder_are_read_all_the_same(tmp_path: Path) -> None:
    # A project checked out under a dotted folder (the benchmark's .bench/) keeps its pages;
    # hidden files inside pages/ are still skipped.
    pages = tmp_path / ".work" / "pages"
    (pages / "about").mkdir(parents=True)
    (pages / "about" / "index.md").write_text("# About\n", encoding="utf-8")
    (pages / ".drafts").mkdir()
    (pages / ".drafts" / "x.md").write_text("# Draft\n", encoding="utf-8")
    assert hand_written_pages(pages) == {"about/index.md": "# About\n"}
