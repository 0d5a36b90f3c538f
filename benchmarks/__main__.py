"""`python -m benchmarks` (or `nox -s bench`): see benchmarks/run.py; with `--preview`, the
preview server's benchmark instead (benchmarks/preview.py); with `--phone`, a page's figure on
an emulated phone on a slow network (benchmarks/phone.py)."""

from __future__ import annotations

import sys

arguments = sys.argv[1:]
if "--preview" in arguments:
    arguments.remove("--preview")
    from benchmarks.preview import main
elif "--phone" in arguments:
    arguments.remove("--phone")
    from benchmarks.phone import main
else:
    from benchmarks.run import main

sys.exit(main(arguments))
