"""The build's one incremental layer: what a build may skip, and how it knows it may.

Only the build entry point (generator/build.py) uses it; the stages know nothing of it.

- **The parse cache** keeps what each content file loaded and validated to, in one SQLite
  file in the user's cache folder (never in the project: it holds pickles). An entry is
  used for a file whose path, stamp (size, mtime, inode, ctime) and code fingerprint are
  the ones it was stored with. A file modified less than `RACY_NS` before it was read could
  change again within the same clock tick and keep its stamp: such an entry is used only
  after the file's bytes are found unchanged.
- **The render memo**, kept in memory by a process that builds again and again (the preview
  server), records each unit's reads of the fact base and what each read gave (through
  `Recording`). A unit all of whose reads give the same again is not rendered: its files,
  found in site_src/ as written (by their bytes, or by a stamp that had settled, under the
  parse cache's rule), are kept (`write.Kept`).

Output with the layer equals output without it, byte for byte: tests/test_incremental.py
checks it with hypothesis, over random sequences of edits, additions, removals and renames.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, cast

from generator.corpus import FileReader, ParsedFile, read_file
from generator.model import FactBase
from generator.render.site import Render
from generator.schema import FileKind
from generator.write import RACY_NS, Current, Kept, Stamp, digest_of, settled, stamp_of

# Bump when the layout of the parse cache changes.
FORMAT = 2
PARSE_CACHE_FILE = "parse-cache.sqlite"
_GENERATOR_DIR = Path(__file__).resolve().parent
# Libraries whose version changes what a file loads to (PyYAML's syntax errors, pycountry's
# country codes, pydantic's validation).
_LIBRARIES = ("pydantic", "pydantic-core", "pycountry", "PyYAML")
_ENTITY_KINDS = ("actors", "events", "relationships", "sources", "topics")


# --- where the caches live ----------------------------------------------------------------


def cache_root() -> Path:
    override = os.environ.get("SAHEL_GENERATOR_CACHE_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "sahel-generator"


def cache_dir_for(content_dir: Path) -> Path:
    """Where the caches of the project whose content/ this is are kept (never inside it)."""
    project = str(content_dir.resolve().parent).encode("utf-8", "surrogatepass")
    return cache_root() / hashlib.sha256(project).hexdigest()[:24]


def code_fingerprint() -> str:
    """A digest of the generator's code, the libraries that parse, and Python's version:
    whatever could make a file parse to something else."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    for path in sorted(_GENERATOR_DIR.rglob("*.py")):
        digest.update(path.relative_to(_GENERATOR_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library} {metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} missing".encode())
    return digest.hexdigest()


# --- the parse cache ----------------------------------------------------------------------


@dataclass
class _Entry:
    stamp: Stamp
    settled: bool  # modified RACY_NS or more before it was read: its stamp can be trusted
    raw: str  # a digest of the file's bytes
    parsed: ParsedFile | bytes  # bytes: still pickled, as read from the database


class ParseCache:
    """What each content file of one project parsed to (see the module docstring).

    Read from its database once per process, kept in memory, and written back after each
    load, one transaction for the entries that changed. A database that cannot be opened,
    read or written is a cache miss, never an error: the result is the same without it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fingerprint = code_fingerprint()
        self._entries: dict[str, _Entry] | None = None
        self._dirty: set[str] = set()
        self._seen: set[str] = set()  # the files of this load

    def reader(self, read: FileReader = read_file) -> FileReader:
        """`read`, answered from the cache for unchanged files; one reader per load."""
        entries = self._load()
        self._seen = set()
        # A file changed after this may change again unseen by its stamp (see RACY_NS).
        settled_before = time.time_ns() - RACY_NS

        def cached(kind: FileKind, path: str, shown: str) -> ParsedFile:
            self._seen.add(path)
            try:
                stat = os.stat(path)  # noqa: PTH116
            except OSError:
                return read(kind, path, shown)  # the reader says what is wrong
            stamp = stamp_of(stat)
            entry = entries.get(path)
            if entry is not None and entry.stamp == stamp and entry.settled:
                return self._parsed(path, entry)
            raw = _raw_digest(path)
            if entry is not None and raw is not None and raw == entry.raw:
                parsed = self._parsed(path, entry)
            else:
                parsed = read(kind, path, shown)
            if raw is not None:
                entries[path] = _Entry(stamp, settled(stat, settled_before), raw, parsed)
                self._dirty.add(path)
            return parsed

        return cached

    def _parsed(self, path: str, entry: _Entry) -> ParsedFile:
        if isinstance(entry.parsed, bytes):
            entry.parsed = cast(ParsedFile, pickle.loads(entry.parsed))
        return entry.parsed

    def save(self) -> None:
        """Write the entries that changed, and forget the files this load did not read."""
        entries = self._load()
        gone = entries.keys() - self._seen
        for path in gone:
            del entries[path]
        if not self._dirty and not gone:
            return
        rows = [
            (path, *entry.stamp, entry.settled, entry.raw, _pickled(entry.parsed))
            for path in self._dirty
            if (entry := entries.get(path)) is not None
        ]
        try:
            with closing(self._connect()) as database, database:
                database.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in gone])
                # Entries of an older generator or library will never be read again.
                database.execute("DELETE FROM files WHERE fingerprint != ?", (self.fingerprint,))
                database.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(*row[:7], self.fingerprint, row[7]) for row in rows],
                )
        except (sqlite3.Error, OSError):
            pass  # a cache that cannot be written is only slower next time
        self._dirty.clear()

    def _load(self) -> dict[str, _Entry]:
        if self._entries is not None:
            return self._entries
        self._entries = {}
        try:
            with closing(self._connect()) as database:
                rows = database.execute(
                    "SELECT path, size, mtime, inode, ctime, settled, raw, parsed FROM files "
                    "WHERE fingerprint = ?",
                    (self.fingerprint,),
                ).fetchall()
        except (sqlite3.Error, OSError):
            return self._entries
        for path, size, mtime, inode, ctime, was_settled, raw, parsed in rows:
            self._entries[path] = _Entry(
                (size, mtime, inode, ctime), bool(was_settled), raw, parsed
            )
        return self._entries

    def _connect(self) -> sqlite3.Connection:
        # Owner-only: another local user must not be able to plant a pickle here.
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        database = sqlite3.connect(self.path, timeout=10)
        try:
            database.execute(_SCHEMA)
        except sqlite3.DatabaseError:
            # Not a database (damaged, or not ours): it only held a cache.
            database.close()
            self.path.unlink()
            database = sqlite3.connect(self.path, timeout=10)
            database.execute(_SCHEMA)
        return database


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, "
    "inode INTEGER, ctime INTEGER, settled INTEGER, raw TEXT, fingerprint TEXT, parsed BLOB)"
)


def parse_cache_for(content_dir: Path) -> ParseCache:
    """The parse cache of the project whose content/ this is, which `check` and `build`
    share: a check after a build (or a build after a check) parses only what changed."""
    return ParseCache(cache_dir_for(content_dir) / PARSE_CACHE_FILE)


def _raw_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:  # noqa: PTH123
            return hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
    except OSError:
        return None


def _pickled(parsed: ParsedFile | bytes) -> bytes:
    return parsed if isinstance(parsed, bytes) else pickle.dumps(parsed, pickle.HIGHEST_PROTOCOL)


# --- recording what a unit reads ----------------------------------------------------------

# A read of the fact base: ("attr", name), ("item", kind, id), ("all", kind) or
# ("call", name, argument keys).
Read = tuple[Hashable, ...]
_MISSING = ("missing",)


class Answers:
    """What each read gives on one fact base, as plain values that compare equal exactly
    when the answers are the same: an entity stands for the digest of its file."""

    def __init__(self, facts: FactBase, digests: Mapping[tuple[str, str], str]) -> None:
        self.facts = facts
        self._digest_of_entity = {
            id(entity): digest
            for (kind, entity_id), digest in digests.items()
            if (entity := getattr(facts, kind).get(entity_id)) is not None
        }
        self._values: dict[Read, Hashable] = {}

    def value(self, read: Read, arguments: tuple[Any, ...] = ()) -> Hashable:
        found = self._values.get(read)
        if found is None:
            found = self._values[read] = self.comparable(self._answer(read, arguments))
        return found

    def _answer(self, read: Read, arguments: tuple[Any, ...]) -> Any:
        what, name = read[0], cast(str, read[1])
        if what == "item":
            return getattr(self.facts, name).get(read[2], _MISSING)
        if what == "all":
            return getattr(self.facts, name)
        if what == "call":
            return getattr(self.facts, name)(*arguments)
        return getattr(self.facts, name)

    def argument_key(self, value: Any) -> Hashable:
        digest = self._digest_of_entity.get(id(value))
        return ("entity", digest) if digest is not None else self.comparable(value)

    def comparable(self, value: Any) -> Hashable:
        digest = self._digest_of_entity.get(id(value))
        if digest is not None:
            return digest
        kind: Any = type(value)
        # The type's name is kept because 1, 1.0 and True are equal.
        if kind in _PLAIN or isinstance(value, enum.Enum):
            return (kind.__name__, value)
        if kind is list or kind is tuple:
            return (kind.__name__, *map(self.comparable, value))
        if kind is dict:
            return ("dict", *((self.comparable(k), self.comparable(v)) for k, v in value.items()))
        if dataclasses.is_dataclass(value):
            fields = [getattr(value, name) for name in _field_names(kind)]
            if all(type(each) is str or each is None for each in fields):
                return (kind.__name__, *fields)  # a citation: the common case, made quick
            return (kind.__name__, *map(self.comparable, fields))
        return (kind.__name__, repr(value))  # a part of an entity: a claim, a figure


_PLAIN = frozenset({type(None), str, int, float, bool, dt.date})


@functools.cache
def _field_names(kind: Hashable) -> tuple[str, ...]:
    return tuple(each.name for each in dataclasses.fields(cast(type, kind)))


class Recording:
    """A stand-in for the fact base that notes each read a unit makes through it."""

    def __init__(self, answers: Answers, arguments: dict[Read, tuple[Any, ...]]) -> None:
        self._answers = answers
        self._arguments = arguments
        self.reads: dict[Read, None] = {}  # in the order first made

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._answers.facts, name)
        if name in _ENTITY_KINDS:
            found: Any = _RecordedMapping(name, value, self.reads)
        elif callable(value):
            found = lambda *arguments: self._call(name, value, arguments)  # noqa: E731
        else:
            self.reads[("attr", name)] = None
            found = value
        # Kept: a unit asks for the same few names thousands of times, and an attribute is
        # read once it has been asked for (a mapping or a method notes its own reads).
        self.__dict__[name] = found
        return found

    def _call(self, name: str, method: Callable[..., Any], arguments: tuple[Any, ...]) -> Any:
        read = ("call", name, tuple(map(self._answers.argument_key, arguments)))
        self.reads[read] = None
        self._arguments.setdefault(read, arguments)
        return method(*arguments)


class _RecordedMapping(Mapping[str, Any]):
    """One kind's entities by id: a look-up is a read of one entity, anything else of all."""

    def __init__(self, kind: str, entities: Mapping[str, Any], reads: dict[Read, None]) -> None:
        self._kind, self._entities, self._reads = kind, entities, reads

    def __getitem__(self, key: str) -> Any:
        self._reads["item", self._kind, key] = None
        return self._entities[key]

    def __iter__(self) -> Iterator[str]:
        self._reads["all", self._kind] = None
        return iter(self._entities)

    def __len__(self) -> int:
        self._reads["all", self._kind] = None
        return len(self._entities)


# --- the render memo ----------------------------------------------------------------------


@dataclass
class _Unit:
    reads: tuple[Read, ...]
    outputs: dict[str, Kept]


@dataclass
class RenderMemo:
    """Each unit's reads and outputs as the last build of this process made them."""

    settings: str = ""  # what the units were rendered with besides the fact base
    units: dict[Hashable, _Unit] = field(default_factory=dict)
    values: dict[Read, Hashable] = field(default_factory=dict)  # each read's, last build
    arguments: dict[Read, tuple[Any, ...]] = field(default_factory=dict)
    rendered: list[Hashable] = field(default_factory=list)  # the last build's units rendered
    reused: int = 0  # and how many were not

    def runner(self, answers: Answers, on_disk: Current) -> MemoRun:
        return MemoRun(self, answers, on_disk)

    def finish(self, run: MemoRun) -> None:
        """Keep this build's units and the values of every read they made."""
        self.units = run.units
        reads = {read for unit in self.units.values() for read in unit.reads}
        self.arguments = {read: self.arguments[read] for read in reads if read in self.arguments}
        self.values = {
            read: run.answers.value(read, self.arguments.get(read, ())) for read in reads
        }
        self.rendered, self.reused = run.rendered, run.reused


class MemoRun:
    """One build's pass through the memo: a `UnitRunner` for render_site."""

    def __init__(self, memo: RenderMemo, answers: Answers, on_disk: Current) -> None:
        self.memo, self.answers, self.on_disk = memo, answers, on_disk
        self.units: dict[Hashable, _Unit] = {}
        self.rendered: list[Hashable] = []
        self.reused = 0
        self.changed: set[Read] | None = None  # worked out when first needed

    def __call__(self, key: Hashable, render: Render) -> Mapping[str, bytes | Kept]:
        last = self.memo.units.get(key)
        if last is not None and self._still_holds(last):
            self.units[key] = last
            self.reused += 1
            return last.outputs
        recording = Recording(self.answers, self.memo.arguments)
        outputs = render(cast(FactBase, recording))
        self.units[key] = _Unit(
            tuple(recording.reads),
            {path: Kept(digest_of(data), len(data)) for path, data in outputs.items()},
        )
        self.rendered.append(key)
        return outputs

    def _still_holds(self, unit: _Unit) -> bool:
        if self.changed is None:
            self.changed = self._changed_reads()
        if not self.changed.isdisjoint(unit.reads):
            return False
        for path, kept in unit.outputs.items():
            found = self.on_disk.keeps(path, kept)
            if found is None:
                return False
            if found is not kept:
                unit.outputs[path] = found  # with the stamp it has now (the same key)
        return True

    def _changed_reads(self) -> set[Read]:
        """The reads of the last build that give something else now, each asked once."""
        arguments = self.memo.arguments
        return {
            read
            for read, was in self.memo.values.items()
            if self.answers.value(read, arguments.get(read, ())) != was
        }


# --- what a process keeps between builds ---------------------------------------------------


@dataclass
class Session:
    """What one process keeps between builds of one project into one folder."""

    parse_cache: ParseCache
    memo: RenderMemo = field(default_factory=RenderMemo)


# One per (content folder, output folder): a process builds one project, but the tests
# build several.
_SESSIONS: dict[tuple[str, str], Session] = {}


def session_for(content_dir: Path, out: Path) -> Session:
    key = (str(content_dir.resolve()), str(out.resolve()))
    found = _SESSIONS.get(key)
    if found is None:
        found = _SESSIONS[key] = Session(parse_cache_for(content_dir))
    return found


def forget_sessions() -> None:
    """Drop what this process keeps between builds: the next build is as a new process'."""
    _SESSIONS.clear()
