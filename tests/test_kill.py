"""SIGKILL during a build: site_src/ always holds a complete tree, the old one or the new one.

A build runs in a subprocess and is killed, at random moments across its run (a seeded
RNG) and at each step of the write. After each kill site_src/ is checked twice: before any
recovery (the swap is one atomic exchange, so a reader such as `mkdocs serve` never sees
a partial tree or none), and after `recover()`, which the next build runs first. Complete
means: the manifest lists exactly the files present, every hash matches, and the tree is
byte for byte the expected output of the old or the new content.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from generator.build import generate
from generator.write import MANIFEST, recover
from tests.conftest import subprocess_env

SITE_SMALL = Path(__file__).parent / "fixtures" / "site_small"
KILLS = 15
SEED = 20240917

# A build that waits for a go-ahead after its imports, so the kill delays measure the
# build itself; argv: content, out, and optionally a step to kill itself at.
DRIVER = """
import argparse, os, signal, sys
from pathlib import Path
from generator import write
from generator.build import run_build_command

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def wrap(owner, name, when, nth=1, only=lambda *a: True):
    real = getattr(owner, name)
    count = [0]
    def wrapper(*args, **kwargs):
        if only(*args):
            count[0] += 1
        if when == "before" and count[0] == nth:
            die()
        result = real(*args, **kwargs)
        if when == "after" and count[0] == nth:
            die()
        return result
    setattr(owner, name, wrapper)

step = sys.argv[3] if len(sys.argv) > 3 else ""
if step.startswith("renames-"):
    write.exchange = lambda first, second: False
if step.startswith("no-spare-"):
    import shutil
    shutil.rmtree(write.spare_dir(Path(sys.argv[2])), ignore_errors=True)
steps = {
    "no-spare-before-first-link": (write, "_link_or_copy", "before", 1),
    "after-third-new-file": (write, "_write_new", "after", 3),
    "before-manifest": (write, "_write_new", "before", -1),
    "before-exchange": (write, "exchange", "before", 1),
    "after-exchange": (write, "exchange", "after", 1),
    # With a spare tree from the last build, files are linked only once the new tree is in.
    "during-catch-up": (write, "_link_or_copy", "before", 1),
    "renames-after-first": (Path, "rename", "after", 1),
    "renames-after-second": (Path, "rename", "after", 2),
}
if step == "before-manifest":
    wrap(write, "_write_new", "before", 1, lambda path, *rest: path.endswith("/.generated.json"))
elif step:
    wrap(*steps[step])
print("ready", flush=True)
sys.stdin.readline()
args = argparse.Namespace(content=Path(sys.argv[1]), out=Path(sys.argv[2]), no_cache=False)
sys.exit(run_build_command(args))
"""
STEPS = (
    "no-spare-before-first-link",
    "after-third-new-file",
    "before-manifest",
    "before-exchange",
    "after-exchange",
    "during-catch-up",
    "renames-after-first",
    "renames-after-second",
)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Project:
    """Old content in old/, new content in new/, one output folder they both build."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.out = root / "site_src"
        for side in ("old", "new"):
            shutil.copytree(SITE_SMALL / "content", root / side / "content")
            shutil.copytree(SITE_SMALL / "pages", root / side / "pages")
        events = root / "new" / "content" / "events"
        for path in sorted(events.glob("*.yaml"))[:5]:
            text = path.read_text(encoding="utf-8").replace("title: ", "title: Revised ", 1)
            path.write_text(text, encoding="utf-8")
        self.expected = {side: self._expected(side) for side in ("old", "new")}
        assert self.expected["old"] != self.expected["new"]

    def _expected(self, side: str) -> dict[str, bytes]:
        target = self.root / f"expected-{side}"
        result = generate(
            self.root / side / "content", target, pages_dir=self.root / side / "pages"
        )
        assert result.ok
        return tree(target)

    def reset_to_old(self) -> None:
        recover(self.out)
        generate(self.root / "old" / "content", self.out, pages_dir=self.root / "old" / "pages")
        assert tree(self.out) == self.expected["old"]

    def start_new_build(self, step: str = "") -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(self.root / "new" / "content"), str(self.out)]
            + ([step] if step else []),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=subprocess_env(),
        )
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
        return process

    def state(self) -> str:
        """'old' or 'new', after checking the tree is complete and consistent."""
        files = tree(self.out)
        manifest = json.loads(files[MANIFEST])["files"]
        listed = {p: d for p, d in files.items() if p not in (MANIFEST, ".gitkeep")}
        assert {p: hashlib.sha256(d).hexdigest() for p, d in listed.items()} == manifest
        matches = [side for side, expected in self.expected.items() if files == expected]
        assert len(matches) == 1, sorted(set(files) ^ set(self.expected["new"]))
        return matches[0]

    def leftovers(self) -> list[str]:
        return sorted(
            p.name for p in self.root.iterdir() if p.name in ("site_src.tmp", "site_src.old")
        )


def go(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("\n")
    process.stdin.flush()


@pytest.mark.slow
def test_sigkill_at_random_moments_always_leaves_a_complete_site_src(tmp_path: Path) -> None:
    project = Project(tmp_path)
    durations = []
    for _ in range(2):  # the second run is as fast as the later ones (warm caches)
        project.reset_to_old()
        process = project.start_new_build()
        started = time.perf_counter()
        go(process)
        assert process.wait(timeout=120) == 0
        durations.append(time.perf_counter() - started)
        assert project.state() == "new"
    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    for _ in range(KILLS):
        project.reset_to_old()
        process = project.start_new_build()
        delay = rng.uniform(0, durations[-1])
        go(process)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        status = process.wait(timeout=120)
        killed = status == -signal.SIGKILL
        before = project.state()  # complete before any recovery
        leftovers = project.leftovers()
        recover(project.out)
        assert project.state() == before and project.leftovers() == []
        outcomes[f"{before}{' (killed)' if killed else ' (finished)'}{leftovers or ''}"] += 1
    print(f"\nbuild {durations[-1]:.2f}s; {KILLS} kills (seed {SEED}): {dict(outcomes)}")
    assert sum(outcomes.values()) == KILLS


@pytest.mark.parametrize("step", STEPS)
def test_sigkill_at_each_step_of_the_write_leaves_a_complete_site_src(
    tmp_path: Path, step: str
) -> None:
    project = Project(tmp_path)
    project.reset_to_old()
    process = project.start_new_build(step)
    go(process)
    assert process.wait(timeout=120) == -signal.SIGKILL
    expected_side = "new" if step in ("after-exchange", "during-catch-up") else "old"
    if step == "renames-after-first":
        # The fallback's known window: between its two renames there is no site_src/.
        assert not project.out.exists() and project.leftovers() == ["site_src.old"]
    else:
        assert project.state() == ("new" if step == "renames-after-second" else expected_side)
    recover(project.out)
    assert project.leftovers() == []
    assert project.state() == ("new" if step == "renames-after-second" else expected_side)
    # And the next build completes the new tree.
    retry = project.start_new_build()
    go(retry)
    assert retry.wait(timeout=120) == 0
    assert project.state() == "new"
