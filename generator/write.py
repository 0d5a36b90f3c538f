"""Write: the only code that touches site_src/.

The whole site is rendered into memory first; this module then makes site_src/ equal to it
in one step that cannot leave a half-written tree behind: the new tree is assembled in the
spare tree beside it (`_assemble`), swapped in atomically (`_swap`), and the old one brought
up to it for the next build (`_catch_up`). A manifest of digests tells hand-added files (kept)
and hand-edited ones (saved to site_src.stray/) from generated ones. docs/design.md ("The
write stage") gives the steps and the reasons.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from generator.lock import build_lock

MANIFEST = ".generated.json"
# An empty file kept in git, so that `site_src/` exists in a fresh clone: MkDocs checks that
# `docs_dir` exists before any hook can generate it.
KEEP = ".gitkeep"
# A file modified this close to being looked at may change again within the same clock
# tick and keep its stamp: only a stamp this old is trusted to stand for the file's bytes.
RACY_NS = 2_000_000_000

Stamp = tuple[int, int, int, int]  # size, mtime, inode, ctime (ns)


def stamp_of(stat: os.stat_result) -> Stamp:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)


def settled(stat: os.stat_result, before: int) -> bool:
    """Whether the file was last changed before `before` (ns since the epoch), on a system
    whose inode numbers tell files apart (Windows' may be 0)."""
    return stat.st_ino != 0 and max(stat.st_mtime_ns, stat.st_ctime_ns) < before


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]  # new or changed files
    unchanged: int
    removed: tuple[str, ...]  # files the generator wrote before and no longer produces
    foreign: tuple[str, ...]  # files the generator did not write: kept, to be reported
    swapped: bool  # False when site_src/ already matched and was left alone
    # Generated files edited by hand since the last build, and where each edit was saved.
    edited: tuple[tuple[str, str], ...] = field(default=())


def _temporary(out: Path) -> Path:
    return out.with_name(out.name + ".tmp")


def _aside(out: Path) -> Path:
    return out.with_name(out.name + ".old")


def spare_dir(out: Path) -> Path:
    """The tree before the last one, kept to assemble the next one in (see `_assemble`)."""
    return out.with_name(out.name + ".spare")


def stray_dir(out: Path) -> Path:
    """Where hand edits of generated files are saved before a build overwrites them."""
    return out.with_name(out.name + ".stray")


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


def digest_of(data: bytes) -> str:
    """The digest the manifest records for a file's bytes."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Kept:
    """A file of the last build that is still in site_src/ exactly as it was written.

    The build's incremental layer (generator/incremental.py) hands these out for the pages
    it reuses, so their bytes are not kept in memory: `Current.keeps` checks the file first.
    """

    digest: str  # digest_of its bytes
    size: int
    stamp: Stamp | None = None  # the file's when last found holding them, if settled then


def manifest_bytes(digests: Mapping[str, str]) -> bytes:
    """`json.dumps({"files": digests}, indent=1, sort_keys=True)` and a newline, in UTF-8,
    written line by line with json's C string encoder (docs/design.md says why)."""
    if not digests:
        return b'{\n "files": {}\n}\n'
    quoted = _json_string
    lines = ",\n".join(
        f"  {quoted(path)}: {quoted(digest)}" for path, digest in sorted(digests.items())
    )
    return ('{\n "files": {\n' + lines + "\n }\n}\n").encode("utf-8")


# What json.dumps writes for a string (ensure_ascii, as by default), in C where it can.
_json_string: Callable[[str], str] = json.encoder.encode_basestring_ascii


def read_manifest(out: Path) -> set[str]:
    return set(read_manifest_digests(out))


def read_manifest_digests(out: Path) -> dict[str, str]:
    """Each generated file's recorded SHA-256, by path; empty if there is no usable manifest."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {str(path): str(digest) for path, digest in files.items()}


def existing_files(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    found: set[str] = set()
    root = str(out)
    for folder, _folders, names in os.walk(root):
        relative = os.path.relpath(folder, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found.update(prefix + name for name in names)
    return found - {MANIFEST, KEEP}


def _unchanged(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


class Current:
    """site_src/ as it is, and which of its files already hold what is to be written.

    Paths here are strings (os.path), not Path objects: there are 11,000 of them at 10,000
    events.
    """

    def __init__(self, out: Path) -> None:
        self._prefix = str(out) + "/"
        self.digests: Mapping[str, str] = read_manifest_digests(out)
        self.inodes: dict[str, int] = {}  # of the files found to hold their new bytes
        self.settled_before = time.time_ns() - RACY_NS

    def holds(self, path: str, data: bytes | Kept) -> bool:
        """Whether site_src/<path> holds exactly `data`."""
        if isinstance(data, Kept):
            return path in self.inodes  # checked by `keeps` before it was handed out
        return self._found(path, len(data), data.__eq__, None) is not None

    def keeps(self, path: str, kept: Kept) -> Kept | None:
        """`kept`, with the file's stamp if settled, if site_src/<path> still holds the file
        `kept` stands for: known by its stamp if `kept` has it, else by its bytes."""
        found = self._found(
            path, kept.size, lambda data: digest_of(data) == kept.digest, kept.stamp
        )
        if found is None:
            return None
        stamp = stamp_of(found) if settled(found, self.settled_before) else None
        return kept if stamp == kept.stamp else Kept(kept.digest, kept.size, stamp)

    def _found(
        self, path: str, size: int, holds: Callable[[bytes], bool], stamp: Stamp | None
    ) -> os.stat_result | None:
        """The file's status if its bytes are ones `holds` accepts, or it has `stamp`."""
        full = self._prefix + path
        try:
            stat = os.stat(full)  # noqa: PTH116
            if stamp is None or stamp_of(stat) != stamp:
                if stat.st_size != size:
                    return None
                with open(full, "rb") as handle:  # noqa: PTH123
                    if not holds(handle.read()):
                        return None
        except OSError:
            return None
        self.inodes[path] = stat.st_ino
        return stat


def _link_or_copy(source: Path | str, target: Path | str) -> None:
    """Hard-link `source` at `target` (whose folder exists, and which must not exist), or
    copy it keeping its mtime where links are not possible."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise  # never copy through a name that is still there: its inode may be shared
    except OSError:
        shutil.copy2(source, target)


# --- the write ---------------------------------------------------------------------------


def write_site(
    files: Mapping[str, bytes | Kept], out: Path, *, current: Current | None = None
) -> WriteReport:
    """Make `out` hold exactly `files` (see the module docstring).

    A `Kept` file must have been checked by `current` (`Current.keeps`), under the same
    build lock.
    """
    with build_lock(out):
        recover(out)
        if current is None:
            current = Current(out)
        return _write_site(files, out, current)


def _write_site(files: Mapping[str, bytes | Kept], out: Path, current: Current) -> WriteReport:
    if out.is_symlink():
        # The swap would move the link, and the spare tree would be the folder it names.
        raise NotADirectoryError(f"{out} is a symbolic link; give the folder it points to")
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} is not a folder")
    recorded = current.digests
    present = existing_files(out)
    foreign = tuple(sorted(present.difference(recorded, files)))
    removed = tuple(sorted(present.intersection(recorded).difference(files)))
    digests = {
        path: data.digest if isinstance(data, Kept) else digest_of(data)
        for path, data in files.items()
    }
    same = {path for path, data in files.items() if current.holds(path, data)}
    written = tuple(sorted(set(files) - same))
    manifest = manifest_bytes(digests)
    if not written and not removed and _unchanged(out / MANIFEST, manifest):
        return WriteReport((), len(same), (), foreign, swapped=False)

    edited = _save_hand_edits(out, [*written, *removed], recorded)
    spare = spare_dir(out)
    try:
        _assemble(spare, out, files, same, foreign, manifest, current.inodes)
    except OSError:
        # A spare tree that cannot be brought up to date (a folder where a file must go,
        # say): start it afresh; an error now is a real one.
        _remove_tree(spare)
        _assemble(spare, out, files, same, foreign, manifest, current.inodes)
    if _swap(spare, out):  # the spare tree holds the old one, which held `present`
        _catch_up(spare, out, written, removed, present)
    else:
        _catch_up(spare, out, files, removed, set())
    return WriteReport(written, len(same), removed, foreign, swapped=True, edited=edited)


# --- the spare tree ---------------------------------------------------------------------------


def _assemble(
    spare: Path,
    out: Path,
    files: Mapping[str, bytes | Kept],
    same: set[str],
    foreign: tuple[str, ...],
    manifest: bytes,
    inodes: Mapping[str, int],
) -> None:
    """Make `spare` hold exactly the new tree, touching only the files it does not hold yet.

    A file of `spare` is taken as holding the same bytes as the one of site_src/ only if it
    is that very file (one inode, hard-linked), and the one of site_src/ was found to hold
    its new bytes (`same`, with their `inodes`). Anything else is replaced:
    unlinked first, never written through, since its inode may be shared with site_src/.
    """
    root, new_root = str(out), str(spare)
    if spare.is_symlink() or not spare.is_dir():
        _remove_tree(spare)  # only a folder of our own is a spare tree
    os.makedirs(new_root, exist_ok=True)  # noqa: PTH103
    present, folders = _files_and_folders(new_root)
    # Stale files go first: on a case-insensitive disk, a new name may be an old one's.
    stale = present.keys() - files.keys() - set(foreign) - {MANIFEST, KEEP}
    for path in stale:
        del present[path]
        os.unlink(new_root + "/" + path)  # noqa: PTH108
    _remove_empty_folders(new_root, stale, folders)
    for path, data in files.items():
        if path in same:
            if _same_file(present.get(path), inodes[path]):
                continue
            target = new_root + "/" + path
            _make_room(target, path, present, folders)
            _link_or_copy(root + "/" + path, target)
        else:
            assert not isinstance(data, Kept), f"{path}: kept, but not found unchanged"
            target = new_root + "/" + path
            _make_room(target, path, present, folders)
            _write_new(target, data)
    for path in foreign:
        source = root + "/" + path
        if not _same_file(present.get(path), os.stat(source).st_ino):  # noqa: PTH116
            target = new_root + "/" + path
            _make_room(target, path, present, folders)
            _link_or_copy(source, target)
    for name, data in ((MANIFEST, manifest), (KEEP, b"")):
        target = new_root + "/" + name
        _make_room(target, name, present, folders)
        _write_new(target, data)


def _same_file(found: int | None, expected: int) -> bool:
    # Inode 0 is what some systems give for any file (Windows' scandir): never proof.
    return found is not None and found != 0 and found == expected


def _write_new(target: str, data: bytes) -> None:
    """Write a file that must not exist yet: never through a name that is still there."""
    with open(target, "xb") as handle:  # noqa: PTH123
        handle.write(data)


def _files_and_folders(root: str) -> tuple[dict[str, int], set[str]]:
    """The inode of each regular file under `root` by path, and its folders ("" for root).

    Anything else (a symbolic link, say) is removed: only files and folders this module
    made belong here.
    """
    files: dict[str, int] = {}
    folders: set[str] = {""}
    pending = [""]
    # The listing gives each file's inode without a stat call (11,000 of them, a fifth of a
    # rebuild's write stage), where the filesystem gives the same number there as stat
    # does; the first file found tells.
    listed: bool | None = None
    while pending:
        folder = pending.pop()
        with os.scandir(root + "/" + folder if folder else root) as entries:
            for entry in entries:
                path = folder + "/" + entry.name if folder else entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(path)
                    pending.append(path)
                elif entry.is_file(follow_symlinks=False):
                    if listed is None:
                        listed = entry.inode() == entry.stat(follow_symlinks=False).st_ino
                    files[path] = (
                        entry.inode() if listed else entry.stat(follow_symlinks=False).st_ino
                    )
                else:
                    os.unlink(entry.path)  # noqa: PTH108
    return files, folders


def _make_room(target: str, path: str, present: dict[str, int], folders: set[str]) -> None:
    """Unlink what `target` names now, and make its folder, so a new file can go there."""
    if present.pop(path, None) is not None:
        os.unlink(target)  # noqa: PTH108
    elif path in folders:  # a folder where a file goes: only a damaged spare tree has one
        shutil.rmtree(target)
        inside = path + "/"
        folders.difference_update([f for f in folders if f == path or f.startswith(inside)])
        for gone in [p for p in present if p.startswith(inside)]:
            del present[gone]
    folder = path.rpartition("/")[0]
    if folder not in folders:  # one makedirs per folder, not one per file
        os.makedirs(target.rpartition("/")[0], exist_ok=True)  # noqa: PTH103
        folders.add(folder)


def _catch_up(
    spare: Path, out: Path, changed: Iterable[str], removed: Iterable[str], held: set[str]
) -> None:
    """Bring the tree swapped out up to the one swapped in, so the next build starts there.
    `held`: the files the tree swapped out holds (the others have nothing to unlink).

    Best effort: the next build checks every file of the spare tree before it trusts it.
    """
    root, new_root = str(out), str(spare)
    try:
        for path in changed:
            target = new_root + "/" + path
            if path in held:
                with suppress(FileNotFoundError):
                    os.unlink(target)  # noqa: PTH108
            try:
                _link_or_copy(root + "/" + path, target)
            except FileNotFoundError:
                os.makedirs(target.rpartition("/")[0], exist_ok=True)  # noqa: PTH103
                _link_or_copy(root + "/" + path, target)
        for path in removed:
            with suppress(FileNotFoundError):
                os.unlink(new_root + "/" + path)  # noqa: PTH108
        _remove_empty_folders(new_root, removed)
    except OSError:
        pass


def _remove_empty_folders(root: str, removed: Iterable[str], known: set[str] | None = None) -> None:
    """The folders of removed files that are now empty, as a tree built afresh would lack."""
    folders = {path.rpartition("/")[0] for path in removed} - {""}
    for folder in sorted(folders, key=lambda f: -f.count("/")):
        while folder:
            try:
                os.rmdir(root + "/" + folder)  # noqa: PTH106
            except OSError:
                break  # not empty
            if known is not None:
                known.discard(folder)
            folder = folder.rpartition("/")[0]


def _remove_tree(folder: Path) -> None:
    """Remove `folder` and what it holds; a link or any other file is only unlinked."""
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder)
    elif folder.is_symlink() or folder.exists():
        folder.unlink()


# --- hand edits of generated files -----------------------------------------------------------


def _save_hand_edits(
    out: Path, replaced: list[str], recorded: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """Copy aside each generated file about to be replaced whose bytes are not what we wrote."""
    saved: list[tuple[str, str]] = []
    folder = stray_dir(out) / time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for path in replaced:
        if path not in recorded:
            continue  # not generated by us: a new file, or one kept as foreign
        source = out / path
        try:
            data = source.read_bytes()
        except OSError:
            continue  # not on disk (deleted by hand): nothing to lose
        if digest_of(data) == recorded[path]:
            continue
        target = _free_name(folder / path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        saved.append((path, target.as_posix()))
    return tuple(saved)


def _free_name(target: Path) -> Path:
    """`target`, or `target.1`, `target.2`…: two builds in one second never overwrite a copy."""
    candidate, number = target, 0
    while candidate.exists():
        number += 1
        candidate = target.with_name(f"{target.name}.{number}")
    return candidate


# --- the swap -------------------------------------------------------------------------------


def _swap(spare: Path, out: Path) -> bool:
    """Put the tree assembled in `spare` in place of `out`; True if `spare` holds the old one."""
    if out.exists() and exchange(spare, out):
        return True
    return _swap_by_renames(spare, out)


def _swap_by_renames(spare: Path, out: Path) -> bool:
    aside = _aside(out)
    had_tree = out.exists()
    if had_tree:
        out.rename(aside)
    spare.rename(out)
    if had_tree:
        aside.rename(spare)
    return had_tree


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# Kernels before 3.15, filesystems that lack the operation, and C libraries without the call.
_EXCHANGE_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP}


def exchange(first: Path, second: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:  # glibc before 2.28, or a C library without the wrapper
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes.append(ctypes.c_uint)
    renameat2.restype = ctypes.c_int
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _EXCHANGE_UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))
