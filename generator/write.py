"""Write: the only code that touches site_src/.

The whole site is rendered into memory first; this module then makes site_src/ equal to it
in one step that cannot leave a half-written tree behind:

1. The new tree is assembled in `site_src.tmp/` next to it. A file whose bytes did not
   change is hard-linked from the current tree (copied, keeping its mtime, where links are
   not possible), so its modification time is kept and MkDocs' live reload and browsers'
   caches see no change.
2. The swap: `site_src/` is renamed to `site_src.old/`, `site_src.tmp/` to `site_src/`,
   and the old tree is deleted. Each rename is atomic; a crash between the two leaves
   `site_src.old/` alone, which the next run puts back (`recover`).

A manifest (`.generated.json`, which MkDocs ignores as a dotfile) lists what the generator
wrote. A file in site_src/ that is neither in it nor produced now was put there by hand: it
is kept and reported, never silently lost. When nothing changed, nothing is touched at all,
so `mkdocs serve` does not see its own output as an edit and rebuild in a loop.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

MANIFEST = ".generated.json"
# An empty file kept in git, so that `site_src/` exists in a fresh clone: MkDocs checks that
# `docs_dir` exists before any hook can generate it.
KEEP = ".gitkeep"


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]  # new or changed files
    unchanged: int
    removed: tuple[str, ...]  # files the generator wrote before and no longer produces
    foreign: tuple[str, ...]  # files the generator did not write: kept, to be reported
    swapped: bool  # False when site_src/ already matched and was left alone


def _temporary(out: Path) -> Path:
    return out.with_name(out.name + ".tmp")


def _aside(out: Path) -> Path:
    return out.with_name(out.name + ".old")


def recover(out: Path) -> None:
    """Finish or undo a swap a previous run did not complete."""
    aside = _aside(out)
    if aside.is_dir():
        if out.exists():
            shutil.rmtree(aside)  # the new tree is in place; only the cleanup was missed
        else:
            aside.rename(out)  # the old tree was moved aside but the new one never arrived
    temporary = _temporary(out)
    if temporary.exists():
        shutil.rmtree(temporary)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(files: Mapping[str, bytes]) -> bytes:
    listing = {path: _digest(data) for path, data in sorted(files.items())}
    return (json.dumps({"files": listing}, indent=1, sort_keys=True) + "\n").encode("utf-8")


def read_manifest(out: Path) -> set[str]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return set(data["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def existing_files(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    found = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    return found - {MANIFEST, KEEP}


def _unchanged(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_site(files: Mapping[str, bytes], out: Path) -> WriteReport:
    recover(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} is not a folder")
    ours_before = read_manifest(out)
    present = existing_files(out)
    foreign = tuple(sorted(present - ours_before - set(files)))
    removed = tuple(sorted((present & ours_before) - set(files)))
    same = {path for path, data in files.items() if _unchanged(out / path, data)}
    written = tuple(sorted(set(files) - same))
    manifest = manifest_bytes(files)
    if not written and not removed and _unchanged(out / MANIFEST, manifest):
        return WriteReport((), len(same), (), foreign, swapped=False)

    temporary = _temporary(out)
    temporary.mkdir(parents=True)
    for path, data in files.items():
        target = temporary / path
        if path in same:
            _link_or_copy(out / path, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    for path in foreign:
        _link_or_copy(out / path, temporary / path)
    (temporary / MANIFEST).write_bytes(manifest)
    (temporary / KEEP).write_bytes(b"")
    _swap(temporary, out)
    return WriteReport(written, len(same), removed, foreign, swapped=True)


def _swap(temporary: Path, out: Path) -> None:
    aside = _aside(out)
    if out.exists():
        out.rename(aside)
    temporary.rename(out)
    if aside.exists():
        shutil.rmtree(aside)
