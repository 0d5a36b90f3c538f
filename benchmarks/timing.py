"""State shared with benchmarks/hook.py, which MkDocs imports by path as a separate module."""

from __future__ import annotations

# Seconds each run of the generator's MkDocs hook took (its on_config: the generation).
HOOK_SECONDS: list[float] = []
