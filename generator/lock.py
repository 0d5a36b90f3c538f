"""One build at a time: the lock that `python -m generator build`, the MkDocs hook and the
preview server take on an output folder, from reading content/ to the swap."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


def lock_path(out: Path) -> Path:
    return out.with_name(out.name + ".lock")


WAITING_MESSAGE = "waiting for another build to finish…"


def _print_waiting() -> None:
    print(WAITING_MESSAGE, file=sys.stderr, flush=True)


@dataclass
class _Holder:
    """This process's hold on one lock file: re-entrant, so generate() may call write_site()."""

    guard: threading.RLock = field(default_factory=threading.RLock)
    depth: int = 0
    handle: IO[bytes] | None = None


_HOLDERS: dict[str, _Holder] = {}
_HOLDERS_GUARD = threading.Lock()


@contextmanager
def build_lock(out: Path, on_wait: Callable[[], None] = _print_waiting) -> Iterator[None]:
    """Hold `site_src.lock` (an advisory lock the kernel releases when the process dies).

    A second build, in this process or another, waits for the first to finish, calling
    `on_wait` once when it starts waiting. Held re-entrantly within one thread.
    """
    key = str(lock_path(out).resolve())
    with _HOLDERS_GUARD:
        holder = _HOLDERS.setdefault(key, _Holder())
    with holder.guard:
        if holder.depth == 0:
            holder.handle = _acquire(Path(key), on_wait)
        holder.depth += 1
        try:
            yield
        finally:
            holder.depth -= 1
            if holder.depth == 0 and holder.handle is not None:
                _release(holder.handle)
                holder.handle = None


def _acquire(path: Path, on_wait: Callable[[], None]) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    # The lock file is never deleted: unlinking it would let a third build lock a new file
    # while the second still waits on the old one.
    handle = path.open("ab")
    try:
        if not _try_lock(handle):
            on_wait()
            _wait_for_lock(handle)
    except BaseException:
        handle.close()
        raise
    return handle


if sys.platform == "win32":  # pragma: no cover - the tests run on Linux
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _wait_for_lock(handle: IO[bytes]) -> None:
        while not _try_lock(handle):
            time.sleep(0.1)

    def _release(handle: IO[bytes]) -> None:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        finally:
            handle.close()

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _wait_for_lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

    def _release(handle: IO[bytes]) -> None:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        finally:
            handle.close()
