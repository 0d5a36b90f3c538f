"""MkDocs hook for the benchmark's project: the generator's own hook, timed.

The benchmark's mkdocs.yml names this file instead of generator/mkdocs_hook.py, so that the
seconds the generation takes inside `mkdocs build` can be told apart from MkDocs' own work.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks import timing
from generator import mkdocs_hook


def on_config(config: Any) -> Any:
    started = time.perf_counter()
    try:
        return mkdocs_hook.on_config(config)
    finally:
        timing.HOOK_SECONDS.append(time.perf_counter() - started)


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    return mkdocs_hook.on_serve(server, config, builder)
