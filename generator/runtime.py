"""How the generator uses the Python process it runs in."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn


@contextmanager
def collector_paused() -> Iterator[None]:
    """CPython's cycle collector off during a build or a check, and back on after it,
    with what was made meanwhile moved to its oldest generation without a walk
    (docs/design.md, "The pipeline", says why)."""
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
    """Exit with `status`, leaving the objects the process still holds to the system: frozen,
    the interpreter's collections at exit skip them (docs/design.md says why)."""
    gc.freeze()
    sys.exit(status)
