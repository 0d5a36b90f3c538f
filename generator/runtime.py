"""How the generator uses the Python process it runs in."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn


@contextmanager
def collector_paused() -> Iterator[None]:
    """CPython's cycle collector off during a build or a check, and back on after it.

    A build of 10,000 events makes millions of objects that live until it ends (the fact
    base, the pages) or longer (the caches a process keeps in memory). The collector, which
    runs after every few hundred new objects, would walk them again and again: a quarter of
    a one-event rebuild's time at 10,000 events. Back on, it would at once walk all that
    was made meanwhile (half a second) and move what survives to its oldest generation,
    which it walks rarely. `freeze` then `unfreeze` move them there without the walk: the
    garbage among them is found at the next full collection, as it would be for any object.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def exit_leaving_objects(status: int) -> NoReturn:
    """Exit with `status`, leaving the objects the process still holds to the system.

    At exit the interpreter runs its cycle collector over every object still alive, and
    again as it tears the modules down: after a one-event rebuild at 10,000 events, about
    1.8 s, more than the rebuild itself. Frozen, they are skipped by those collections;
    atexit handlers still run, and the output streams are still flushed.
    """
    gc.freeze()
    sys.exit(status)
