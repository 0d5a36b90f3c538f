"""One build at a time: the lock that `python -m generator build`, the MkDocs hook and the
preview server take on an output folder, from reading content/ to the swap.

`filelock` holds an advisory OS lock (flock; on Windows, msvcrt) that the kernel releases when
the process dies, re-entrant within one thread, so that generate() may call write_site().
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout


def lock_path(out: Path) -> Path:
    return out.with_name(out.name + ".lock")


WAITING_MESSAGE = "waiting for another build to finish…"


def _print_waiting() -> None:
    print(WAITING_MESSAGE, file=sys.stderr, flush=True)


@contextmanager
def build_lock(out: Path, on_wait: Callable[[], None] = _print_waiting) -> Iterator[None]:
    """Hold `site_src.lock`; a second build, in this process or another, waits for the first
    to finish, calling `on_wait` once when it starts waiting."""
    path = lock_path(out).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    # One instance per file, whose hold is counted per thread: re-entrant in one thread, and
    # another thread opens its own descriptor, which the kernel makes wait like another process.
    lock = FileLock(path, is_singleton=True)
    try:
        lock.acquire(blocking=False)
    except Timeout:
        on_wait()
        lock.acquire()
    try:
        yield
    finally:
        lock.release()
