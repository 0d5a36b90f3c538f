"""Two builds at once (`mkdocs serve` and `python -m generator build`) never interleave.

Both take `site_src.lock` for the whole check-render-write; the second waits, saying so
on stderr, rather than failing. The tests hold the lock first, so that both builds are
sure to meet it, then let them go: they race for it, and the output must be exactly the
tree of one of them, never a mix.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.lock import WAITING_MESSAGE, build_lock
from tests.conftest import subprocess_env
from tests.test_kill import Project

HOLD_LOCK = """
import sys
from pathlib import Path
from generator.lock import build_lock
with build_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()
"""


def start_build(content: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
    )


def wait_for_line(process: subprocess.Popen[str], line: str) -> None:
    assert process.stderr is not None
    assert process.stderr.readline() == line + "\n"


def test_two_builds_at_once_wait_for_each_other_and_never_mix(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.reset_to_old()
    with build_lock(project.out):
        builds = []
        for side in ("new", "old"):
            builds.append(start_build(tmp_path / side / "content", project.out))
            # Each says it waits before it reads content/: the lock is contended.
            wait_for_line(builds[-1], WAITING_MESSAGE)
    results = [build.communicate(timeout=120) for build in builds]
    assert [build.returncode for build in builds] == [0, 0], results
    assert all("build passed" in err for _, err in results)
    # The tree is one build's output, complete: the manifest matches every file.
    assert project.state() in ("old", "new")
    assert project.leftovers() == []


def test_a_build_without_contention_prints_no_waiting_message(tmp_path: Path) -> None:
    project = Project(tmp_path)
    build = start_build(tmp_path / "new" / "content", project.out)
    _, err = build.communicate(timeout=120)
    assert build.returncode == 0
    assert WAITING_MESSAGE not in err
    assert project.state() == "new"


def test_the_mkdocs_hook_waits_for_a_build_in_another_process(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from generator import mkdocs_hook

    project = Project(tmp_path / "project")
    root = tmp_path / "project" / "new"
    out = root / "site_src"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    config = SimpleNamespace(
        config_file_path=str(root / "mkdocs.yml"),
        docs_dir=str(out),
        repo_url=None,
        extra={},
        nav=None,
        plugins={},
    )
    caplog.set_level(logging.INFO, logger="mkdocs.hooks.generator")
    hook = threading.Thread(target=mkdocs_hook.on_config, args=(config,))
    hook.start()
    deadline = time.monotonic() + 60
    while WAITING_MESSAGE not in caplog.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    assert WAITING_MESSAGE in caplog.messages
    assert hook.is_alive() and not (out / "index.md").exists()  # still waiting
    assert holder.stdin is not None
    holder.stdin.write("\n")
    holder.stdin.flush()
    assert holder.wait(timeout=60) == 0
    hook.join(timeout=120)
    assert not hook.is_alive()
    assert (out / "index.md").read_bytes() == project.expected["new"]["index.md"]
