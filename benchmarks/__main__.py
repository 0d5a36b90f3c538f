"""`python -m benchmarks` (or `nox -s bench`): see benchmarks/run.py; with `--preview`, the
preview server's benchmark instead (benchmarks/preview.py)."""

from __future__ import annotations

import sys

arguments = sys.argv[1:]
if "--preview" in arguments:
    arguments.remove("--preview")
    from benchmarks.preview import main
else:
    from benchmarks.run import main

sys.exit(main(arguments))
