"""The history of content/, read from git once per build: which commits changed which file.

One `git log` with a machine-readable format gives every commit that touched content/, the
files it changed (renames followed back to the file's name today) and its `Correction:`
trailers. The pages show it as data (generator/render/provenance.py); nothing here knows
about pages. A project that is not the root of a git repository (a tarball, or a fixture
folder inside another repository) has no history, and a shallow clone only part of it:
`History.note` says so, once per build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Fields of a commit are separated by US, commits by RS: neither can be in a one-line subject.
_FORMAT = "%x1e%H%x1f%D%x1f%cI%x1f%s%x1f%(trailers:key=Correction,valueonly,separator=%x1f)"


@dataclass(frozen=True)
class Change:
    """One commit, as a page lists it."""

    commit: str
    when: dt.datetime  # the commit's date, in UTC
    subject: str
    corrections: tuple[str, ...] = ()  # the text of each `Correction:` trailer

    @property
    def day(self) -> dt.date:
        return self.when.date()


@dataclass(frozen=True)
class History:
    # "full", "shallow" (the oldest commits are missing) or "none" (no git history at all)
    state: str = "none"
    # Each commit that changed content/, newest first, with the files it changed (by their
    # path relative to the project, as they are named today).
    commits: tuple[tuple[Change, tuple[str, ...]], ...] = ()
    by_file: Mapping[str, tuple[Change, ...]] = field(default_factory=dict)
    fingerprint: str = ""  # equal fingerprints, equal histories

    def of(self, path: str) -> tuple[Change, ...]:
        """The changes of one file, newest first."""
        return self.by_file.get(path, ())

    @property
    def corrections(self) -> list[tuple[Change, tuple[str, ...]]]:
        return [(change, files) for change, files in self.commits if change.corrections]

    @property
    def note(self) -> str | None:
        """What a build says about its history, once, when it is not the whole of it."""
        if self.state == "none":
            return (
                "no git history (the project folder is not the root of a git repository): "
                "pages are built without their history of changes"
            )
        if self.state == "shallow":
            return (
                "shallow git history: pages list only the changes this clone has; "
                "`git fetch --unshallow` gets the rest"
            )
        return None


NO_HISTORY = History()


def read_history(project: Path) -> History:
    """The history of project/content/, or NO_HISTORY when git or the repository is missing."""
    return start_reading_history(project)()


def start_reading_history(project: Path) -> Callable[[], History]:
    """Start git, and give what finishes reading its answer: the build loads content/
    meanwhile, so a save in the preview does not wait for git."""
    shape = _start(project, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    log = _start(
        project,
        "log",
        "-z",
        "--name-status",
        "-M",
        "--relative",
        f"--format={_FORMAT}",
        "--",
        "content",
    )

    def finish() -> History:
        answers = _output(shape), _output(log)
        if answers[0] is None or answers[1] is None:
            return NO_HISTORY
        toplevel, _, shallow = answers[0].strip().partition("\n")
        if Path(toplevel).resolve() != project.resolve():
            return NO_HISTORY
        return parse_log(answers[1], "shallow" if shallow.strip() == "true" else "full")

    return finish


def parse_log(log: str, state: str) -> History:
    """The history in the output of `git log -z --name-status` with `_FORMAT`."""
    commits: list[tuple[Change, tuple[str, ...]]] = []
    by_file: dict[str, list[Change]] = {}
    named_today: dict[str, str] = {}  # a file's earlier name → its name today
    for record in log.split("\x1e")[1:]:
        header, _, changes = record.partition("\0")
        commit, decorations, when, subject, *corrections = header.split("\x1f")
        if "grafted" in decorations.split(", "):
            # The oldest commit of a shallow clone: git shows it as adding every file there
            # is, which says nothing of what it changed.
            continue
        change = Change(
            commit,
            dt.datetime.fromisoformat(when).astimezone(dt.UTC),
            subject,
            tuple(c.strip() for c in corrections if c.strip()),
        )
        files: list[str] = []
        fields = changes.lstrip("\n").split("\0")
        position = 0
        while position < len(fields) and fields[position]:
            status = fields[position]
            renamed = status[0] in "RC"
            path = fields[position + (2 if renamed else 1)]
            today = named_today.get(path, path)
            if status[0] == "R":
                named_today[fields[position + 1]] = today
            files.append(today)
            by_file.setdefault(today, []).append(change)
            position += 3 if renamed else 2
        commits.append((change, tuple(dict.fromkeys(files))))
    digest = hashlib.blake2b(f"{state}\0{log}".encode(), digest_size=16)
    return History(
        state,
        tuple(commits),
        {path: tuple(changes) for path, changes in by_file.items()},
        digest.hexdigest(),
    )


def _start(project: Path, *arguments: str) -> subprocess.Popen[str] | None:
    try:
        return subprocess.Popen(
            ["git", "-C", str(project), *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            encoding="utf-8",
            errors="replace",  # a subject in another encoding shows U+FFFD, never fails a page
        )
    except OSError:  # no git installed
        return None


def _output(process: subprocess.Popen[str] | None) -> str | None:
    if process is None:
        return None
    out, _ = process.communicate()
    return out if process.returncode == 0 else None
