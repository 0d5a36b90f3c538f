"""Caches that make a rebuild after a small edit cheap, and never change what is built.

Two caches live in the user's cache folder, outside the project (`cache_dir_for`):

- The **parse cache** (`ParseCache`) keeps, for each content file, what loading and
  validating it gave: the entity, the file's own problems and its text (for positions, should
  a corpus check report on it). An entry is used only while the file's stat stamp (size,
  mtime_ns, ctime_ns, inode) is the one recorded. A file written within `RACY_NS` of being
  read could change again within the same clock tick without its stamp changing, so such an
  entry is checked against a digest of the file's bytes instead of being trusted. Corpus
  checks still cover the whole corpus on every build.
- The **render memo** (`RenderMemo`) keeps, for each page or figure, a trace of every read
  it made of the fact base (`Recorder`): which entities, which queries, and a digest of what
  each returned; and the digest and size of each file it wrote. On the next build a unit is
  reused only if replaying its trace against the new fact base gives the same digests and
  its files are still in site_src/ as it wrote them (`write.Current.keeps`); its bytes are
  then left where they are, never kept here. So a unit is re-rendered exactly when
  something it read changed, whatever the renderer reads; nothing here has to know. A
  query marked `derived` in the model is run on the recorder, so what it reads is recorded
  one by one rather than as one digest of its whole answer.
- A unit that must be rendered again (the timeline after any event edit) is made mostly of
  *pieces* (generator/render/pieces.py): one event's row, hover label or JSON record. A unit
  that used at least `KEEP_PIECES_FROM` keeps them, in `PIECE_SHARDS` files of its own read
  only when it renders again, under the digests of the entities they were made from, so
  only the edited entity's pieces are made again.

Each cache is split into `SHARDS` files by a hash of each entry's key, and a build rewrites
only the files whose entries changed. A process that builds again and again (`mkdocs
serve`) keeps what it last read or wrote of each file in memory, and reads the file again
only if another process has replaced it since. It also starts each build from what it made
of the last one, wherever an object that is the very same one says nothing changed: the
content files whose settled stamps are unchanged (`LastLoad`), the fact base's indexes
(`with_last_indexes`), the digests of the answers (`Digests`), each entity's corpus
problems (`validate.check_corpus`) and each unit's calls for many pieces
(`PieceStore._again`). `forget_resident` drops all of it.

Both are dropped whole when their fingerprint changes: the JSON Schemas, the source of
the modules that turn YAML into entities and diagnostics, and the versions of the libraries
they use (parse cache); the generator's whole source and those versions (render memo). A
cache that cannot be read is ignored, and one that cannot be written is skipped: the build
is then as slow as a first one, never different.

The cache files are pickles, and unpickling runs code. So they are never kept in the
project, where a pull request could commit one for CI to load: they live in
`$SAHEL_GENERATOR_CACHE_DIR`, else `$XDG_CACHE_HOME/sahel-generator`, else
`~/.cache/sahel-generator`, in a folder named by a digest of the project's path and readable
by its owner only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import hashlib
import json
import os
import pickle
import platform
import sys
import time
import types
from bisect import bisect_right
from collections import Counter
from collections.abc import (
    Callable,
    Hashable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    Sequence,
    ValuesView,
)
from dataclasses import dataclass
from functools import cache, cached_property, partial
from importlib import metadata
from itertools import compress
from operator import attrgetter, is_not
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar, cast

import pydantic

from generator.diagnostics import Diagnostic
from generator.model import DERIVED, DIGEST_FIELDS, FactBase
from generator.render.pieces import (
    PLAIN_TYPES,
    Piece,
    PieceKey,
    PieceStore,
    forget_calls,
    pieces_in,
)
from generator.schema import MODELS, Entity, json_schema
from generator.validate import OwnChecks, Parsed, forget_checks
from generator.write import Current, Kept, forget_manifests, remembered_digest
from generator.write import Stamp as OutputStamp

PARSE_CACHE_FILE = "generator.pickle"
RENDER_MEMO_FILE = "render.pickle"
# Bump when the layout of what is cached changes.
FORMAT = 1
# Files modified this close to being read are verified by content, not trusted by stamp.
RACY_NS = 2_000_000_000
_GENERATOR_DIR = Path(__file__).resolve().parent
# The modules whose code decides what a file loads and validates to, and its diagnostics.
_PARSE_MODULES = (
    "cache.py",
    "corpus.py",
    "countries.py",
    "dates.py",
    "diagnostics.py",
    "load.py",
    "provenance.py",
    "render/markdown.py",
    "schema.py",
    "validate.py",
)
# Libraries whose version changes what a file loads to (PyYAML's syntax errors, pycountry's
# country codes), and so what a page or a data file holds.
_LIBRARIES = ("pydantic", "pydantic-core", "pycountry", "PyYAML")

Stamp = tuple[int, int, int, int]
K = TypeVar("K")
V = TypeVar("V")


def cache_root() -> Path:
    override = os.environ.get("SAHEL_GENERATOR_CACHE_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "sahel-generator"


def cache_dir_for(content_dir: Path) -> Path:
    """Where the caches of the project whose content/ this is are kept (never inside it)."""
    project = str(content_dir.resolve().parent).encode("utf-8")
    return cache_root() / hashlib.sha256(project).hexdigest()[:24]


def parse_cache_for(content_dir: Path) -> ParseCache:
    """The parse cache of the project whose content/ this is, which `check` and `build`
    share: a check after a build (or a build after a check) parses only what changed."""
    return ParseCache(cache_dir_for(content_dir) / PARSE_CACHE_FILE)


def stamps_file(cache_dir: Path, out: Path) -> Path:
    """Where the stamps of `out`'s files are kept between builds (generator/write.py)."""
    name = hashlib.sha256(str(out.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return cache_dir / f"stamps-{name}.json"


def read_stamps(path: Path) -> Mapping[str, OutputStamp]:
    """The stamps the last build left of its output's files; empty if unreadable. Never to
    be changed: what this process last wrote or read is handed out again while the file's
    own stamp says it is still that file (a third of a rebuild's write stage otherwise)."""
    stamp, held = _held(path, _STAMPS_FORMAT)
    if held is not None:
        return held
    if stamp is None:
        return {}
    try:
        stamps = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(stamps, dict):
        return {}
    known: dict[str, OutputStamp] = {}
    for name, found in stamps.items():
        if isinstance(found, list) and len(found) == 3 and all(type(n) is int for n in found):
            known[str(name)] = (found[0], found[1], found[2])
    _RESIDENT[path] = (stamp, _STAMPS_FORMAT, known)
    return known


def write_stamps(path: Path, stamps: Mapping[str, OutputStamp]) -> None:
    # A copy, held in memory: the caller's dictionary is the caller's to change.
    written = dict(stamps)
    # A tuple is written as a JSON list.
    data = json.dumps(written, separators=(",", ":")).encode("utf-8")
    _write_held(path, _STAMPS_FORMAT, written, data)


# What the stamps file is held under in _RESIDENT, in place of a cache's fingerprint.
_STAMPS_FORMAT = "stamps, JSON"


def _hash(*parts: bytes) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def _hash_strings(tag: str, parts: list[str]) -> str:
    """A digest of a list of strings (repr of a tuple of strings cannot be ambiguous)."""
    return hashlib.blake2b(repr((tag, parts)).encode(), digest_size=16).hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def _versions() -> bytes:
    return " ".join(_version(package) for package in _LIBRARIES).encode()


def _environment() -> bytes:
    return f"{FORMAT} {sys.version} {platform.python_implementation()}".encode()


@cache
def parse_fingerprint() -> str:
    # Once per process: the code a process runs does not change while it runs (a module
    # edited on disk is not loaded again), and working this out took 12 ms a build.
    schemas = repr([json_schema(kind) for kind in MODELS]).encode()
    sources = [(_GENERATOR_DIR / name).read_bytes() for name in _PARSE_MODULES]
    return _hash(_environment(), _versions(), schemas, *sources)


def render_fingerprint(*settings: str) -> str:
    """The generator's whole source, the libraries it renders with, and the build settings."""
    return _hash(_render_code().encode(), *(s.encode() for s in settings))


@cache
def _render_code() -> str:
    # Once per process, as parse_fingerprint.
    sources = [
        path.relative_to(_GENERATOR_DIR).as_posix().encode() + b"\0" + path.read_bytes()
        for path in sorted(_GENERATOR_DIR.rglob("*.py"))
    ]
    return _hash(_environment(), _versions(), *sources)


# What this process last read or wrote of each cache file, so that a process that builds
# again and again (`mkdocs serve`) does not read back what it holds already. An entry is used
# only while the file's stamp is the one it had then, so another process' write is read.
# The entries are never changed once stored or read: each build makes new dictionaries.
_RESIDENT: dict[Path, tuple[Stamp, str, dict[Any, Any]]] = {}


def _held(path: Path, fingerprint: str) -> tuple[Stamp | None, dict[Any, Any] | None]:
    """The file's stamp (None if it cannot be read), and what this process holds of it, if
    the file is still the one it last read or wrote with that fingerprint."""
    try:
        stamp = stamp_of(path.stat())
    except OSError:
        return None, None
    resident = _RESIDENT.get(path)
    if resident is not None and resident[0] == stamp and resident[1] == fingerprint:
        return stamp, resident[2]
    return stamp, None


def _write_held(path: Path, fingerprint: str, entries: dict[Any, Any], data: bytes) -> None:
    """Replace the file with `data`, which holds `entries`, and hold those in memory."""
    if _replace_file(path, data):
        try:
            _RESIDENT[path] = (stamp_of(path.stat()), fingerprint, entries)
            return
        except OSError:
            pass
    _RESIDENT.pop(path, None)


def _read_pickle(path: Path, fingerprint: str) -> dict[Any, Any]:
    stamp, held = _held(path, fingerprint)
    if held is not None:
        return held  # the very dictionary: its identity says what a shard holds
    if stamp is None:
        return {}
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except Exception:  # a damaged or foreign cache is only a slower build
        return {}
    if not isinstance(stored, dict) or stored.get("fingerprint") != fingerprint:
        return {}
    entries = stored.get("entries")
    if not isinstance(entries, dict):
        return {}
    _RESIDENT[path] = (stamp, fingerprint, entries)
    return entries


def _write_pickle(path: Path, fingerprint: str, entries: dict[Any, Any]) -> None:
    data = pickle.dumps(
        {"fingerprint": fingerprint, "entries": entries}, protocol=pickle.HIGHEST_PROTOCOL
    )
    _write_held(path, fingerprint, entries, data)


def _replace_file(path: Path, data: bytes) -> bool:
    """Replace the file in one step, so a reader never sees half of it; False if it failed."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        # Owner-only: another local user must not be able to plant a pickle here either.
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with temporary.open("wb") as handle:
            handle.write(data)
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
        return False
    return True


def forget_resident() -> None:
    """Drop what this process holds of the caches: the next build is as a new process'."""
    _RESIDENT.clear()
    _SHARD_READS.clear()
    _BUILT_FROM.clear()
    _CORPUS_CHECKS.forget()
    _FACT_BASES.forget()
    _ANSWERS.clear()
    _LAST_ENTITIES.forget()
    _LAST_LOAD.forget()
    forget_checks()
    forget_calls()
    forget_manifests()


# A cache is kept in this many files, by a hash of each entry's key: a build that changed a
# few entries rewrites a few files, not the whole cache.
SHARDS = 128


def shard_paths(base: Path) -> list[Path]:
    """The files of the cache named `base` (generator.pickle: generator.00.pickle, ...)."""
    return [base.with_name(f"{base.stem}.{n:02d}{base.suffix}") for n in range(SHARDS)]


def _shard_of(key: Hashable) -> int:
    digest = hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=4)
    return int.from_bytes(digest.digest(), "little") % SHARDS


class _ShardedPickle:
    """A dictionary kept in SHARDS pickle files; `save` rewrites only the files that differ."""

    def __init__(self, base: Path | None, fingerprint: str) -> None:
        self._paths = shard_paths(base) if base is not None else []
        self._base_name = base.name if base is not None else ""
        self._fingerprint = fingerprint
        self._shards = [_read_pickle(path, fingerprint) for path in self._paths]
        # Where each key read was found, so only new keys need their shard computed.
        self.entries, self._shard_of = _merged(self._shards)

    def resident_stamps(self) -> tuple[Stamp | None, ...] | None:
        """The stamp of each file as this process last read or wrote it (None: no file, or
        none it could read, and no entries), if what it holds is what it read or wrote
        (see _RESIDENT); else None."""
        stamps: list[Stamp | None] = []
        for path, shard in zip(self._paths, self._shards, strict=True):
            resident = _RESIDENT.get(path)
            if resident is not None and resident[2] is shard:
                stamps.append(resident[0])
            elif resident is None and not shard:
                stamps.append(None)
            else:
                return None
        return tuple(stamps)

    @property
    def shards(self) -> list[dict[Any, Any]]:
        """The entries of each file as this object last read or wrote it (never to be
        changed in place: they may be resident)."""
        return self._shards

    def save(
        self, entries: Mapping[Any, Any], place: Callable[[Any, Any], int] | None = None
    ) -> None:
        """Write the files whose entries changed. A key read stays in its file; a new one
        goes where `place(key, entry)` says, by default by a hash of the key."""
        if not self._paths:
            return
        # The one-file cache of versions before the split: never read, so not kept.
        with contextlib.suppress(OSError):  # a cache that cannot be written is not an error
            self._paths[0].with_name(self._base_name).unlink(missing_ok=True)
        for number, new in self._shards_to_save(entries, place).items():
            if not _same_entries(self._shards[number], new):
                _write_pickle(self._paths[number], self._fingerprint, new)
                self._shards[number] = new

    def _shards_to_save(
        self, entries: Mapping[Any, Any], place: Callable[[Any, Any], int] | None
    ) -> dict[int, dict[Any, Any]]:
        """The shards `entries` split into: those that may differ from the ones read."""
        read = self.entries
        if entries.keys() == read.keys():
            # The same keys, nearly all with the very entries read: only the shards of the
            # others can change (a rebuild after one edit touches a few of 128).
            numbers = {
                self._shard_of[key] for key, entry in entries.items() if read[key] is not entry
            }
            return {n: {key: entries[key] for key in self._shards[n]} for n in numbers}
        shards: dict[int, dict[Any, Any]] = {n: {} for n in range(SHARDS)}
        for key, value in entries.items():
            number = self._shard_of.get(key)
            if number is None:
                number = _shard_of(key) if place is None else place(key, value)
            shards[number][key] = value
        return shards


def _merged(shards: list[dict[K, V]]) -> tuple[dict[K, V], dict[K, int]]:
    """The shards' entries in one dictionary, and the number of the shard each key is in."""
    entries: dict[K, V] = {}
    shard_of: dict[K, int] = {}
    for number, shard in enumerate(shards):
        entries.update(shard)
        shard_of.update(dict.fromkeys(shard, number))
    return entries, shard_of


def _same_entries(old: Mapping[Any, Any], new: Mapping[Any, Any]) -> bool:
    # An entry carried over is the very object read: identity is enough, and quick.
    return old.keys() == new.keys() and all(old[key] is value for key, value in new.items())


# --- the parse cache -------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedFile:
    """What loading and validating one content file gave."""

    digest: str  # of the file's path and text: equal digests, equal entities
    entity: Entity | None  # None when the file has errors of its own
    problems: tuple[Diagnostic, ...]
    text: str
    checks: OwnChecks | None = None  # the entity's, if any (see validate.OwnChecks)


# One file's entry: its stamp, whether it was racy when stored, and what it parsed to. A
# plain tuple, which pickles several times faster than a frozen dataclass.
_Entry = tuple[Stamp, bool, str, Entity | None, tuple[Diagnostic, ...], str, OwnChecks | None]


def _entry(stamp: Stamp, parsed: ParsedFile) -> _Entry:
    return (
        stamp,
        _is_racy(stamp),
        parsed.digest,
        parsed.entity,
        parsed.problems,
        parsed.text,
        parsed.checks,
    )


# A file's size, mtime, ctime and inode, in C: stamps_of maps it over 17,500 stat results.
_STAMP_OF = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")


def stamp_of(stat: os.stat_result) -> Stamp:
    return cast(Stamp, _STAMP_OF(stat))


def stamps_of(paths: Sequence[str]) -> list[Stamp | None]:
    """Each file's stamp, None for one that cannot be read."""
    try:
        # 17,500 stat calls a rebuild: without a Python loop around them where none fails.
        return list(map(_STAMP_OF, map(os.stat, paths)))
    except OSError:
        pass
    stamps: list[Stamp | None] = []
    for path in paths:
        try:
            stamps.append(stamp_of(os.stat(path)))  # noqa: PTH116
        except OSError:
            stamps.append(None)
    return stamps


def settled(stamps: list[Stamp | None], read_from: int) -> list[bool]:
    """For each stamp, whether the file was last changed (its mtime, and its ctime, which a
    copy that keeps an old mtime sets) more than RACY_NS before `read_from`, a time before
    any of the files was read: only then does an unchanged stamp say the file is
    unchanged (see the module docstring)."""
    return [stamp is not None and not _is_racy(stamp, read_from) for stamp in stamps]


def text_digest(shown: str, text: str) -> str:
    return _hash(shown.encode(), text.encode("utf-8", "surrogatepass"))


def corpus_digest(file_digests: list[str]) -> str:
    """A digest of the whole corpus from its files' text digests, in the order the load
    lists the files (sorted, see corpus.content_files): equal digests, the same files with
    the same paths and texts, and so the same fact base."""
    return _hash_strings("corpus", file_digests)


# The lists and dictionaries the last build that digested any digested (the answers of the
# fact base's queries and indexes, and their parts), each with its digest, by id() of the
# object, which is kept alive so that its id stays its own: the next build finds those it is
# given again.
_ANSWERS: dict[int, tuple[Any, str]] = {}


class _LastOfFolder(Generic[V]):
    """What this process last made of one content folder (it builds one project): the
    next build of the same folder starts from it. Kept for one folder at a time, so that a
    process that builds several (the tests) does not keep them all alive."""

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._value: V | None = None

    def get(self, folder: Path) -> V | None:
        return self._value if folder == self._folder else None

    def keep(self, folder: Path, value: V) -> None:
        self._folder, self._value = folder, value

    def forget(self) -> None:
        self._folder, self._value = None, None


# The corpus checks this process last ran, and the corpus digest they ran on: `mkdocs
# serve` builds again after a change to pages/ or mkdocs.yml too, and an unchanged corpus
# has the same problems.
_CORPUS_CHECKS: _LastOfFolder[tuple[str, list[Diagnostic]]] = _LastOfFolder()


def remembered_checks(
    content_dir: Path, corpus: str, check: Callable[[], list[Diagnostic]]
) -> list[Diagnostic]:
    """`check()`, or what it gave when this process last ran it on this corpus."""
    last = _CORPUS_CHECKS.get(content_dir)
    if last is not None and last[0] == corpus:
        return list(last[1])
    found = check()
    _CORPUS_CHECKS.keep(content_dir, (corpus, list(found)))
    return found


# The fact base this process last built: the next build's starts with the indexes it worked
# out that still hold (FactBase.take_indexes_from).
_FACT_BASES: _LastOfFolder[FactBase] = _LastOfFolder()


def with_last_indexes(content_dir: Path, facts: FactBase) -> FactBase:
    """`facts`, given the indexes of the last fact base built from `content_dir` that still
    hold; it is then the one the next build starts from."""
    last = _FACT_BASES.get(content_dir)
    if last is not None:
        facts = facts.sharing_collections_of(last)
        facts.take_indexes_from(last)
    _FACT_BASES.keep(content_dir, facts)
    return facts


@dataclass(frozen=True)
class Listing:
    """What listing a content folder found (corpus.content_files), with the stamp of each
    folder it lists (None: not there), taken before it listed them.

    A folder's mtime changes when a file in it is added, removed or renamed, not when one
    is edited in place: while every stamp is what it was, and was settled (older than
    RACY_NS) when the listing began, listing again would find the same files.
    """

    folders: tuple[tuple[str, Stamp | None], ...]
    files: tuple[tuple[str, str], ...]  # each file's kind and path
    problems: tuple[Diagnostic, ...]
    settled: bool

    def holds(self) -> bool:
        """Whether listing the folders again would find what this listing found."""
        return self.settled and stamps_of([folder for folder, _ in self.folders]) == [
            stamp for _, stamp in self.folders
        ]


def listing_of(
    folders: list[str], list_files: Callable[[], tuple[list[Any], list[Diagnostic], bool]]
) -> Listing:
    """`list_files()` (its files, its problems, and whether it met a symbolic link, which
    keeps the listing from being taken over), with the stamps of the folders it lists,
    taken before it runs."""
    began = time.time_ns()
    stamps = stamps_of(folders)
    files, problems, linked = list_files()
    return Listing(
        tuple(zip(folders, stamps, strict=True)),
        tuple(files),
        tuple(problems),
        not linked and all(settled([stamp for stamp in stamps if stamp is not None], began)),
    )


@dataclass(frozen=True)
class LastLoad:
    """What a load of a content folder found, file by file (see corpus.load_corpus): the
    next load in this process takes over each file whose stamp has not changed since, with
    no look in the parse cache, and the Parsed item its entity was handed to the corpus
    checks in (which know entities by those objects)."""

    listing: Listing  # the folder's files, listed again only if a folder changed
    made_with: tuple[Path | None, str]  # the parse cache's file and fingerprint
    position: dict[str, int]  # each file's place in the lists below, by path
    stamps: list[Stamp | None]
    # Whether the file's stamp was older than RACY_NS when the load began to read: only
    # then does an unchanged stamp say the file is unchanged (see `settled`).
    settled: list[bool]
    results: list[ParsedFile]
    items: list[Parsed | None]  # None for a file that gave no entity
    entries: list[_Entry | None]  # the parse cache's, None where it has none
    # What the load gave from them: the digest of each entity's file, and the fact base
    # (None if the corpus had errors), which the next load patches where it can.
    digests: dict[tuple[str, str], str]
    facts: FactBase | None


_LAST_LOAD: _LastOfFolder[LastLoad] = _LastOfFolder()


def last_load(content_dir: Path, parse_cache: ParseCache) -> LastLoad | None:
    """The last load of the folder, if it was made with a parse cache like this one."""
    last = _LAST_LOAD.get(content_dir)
    return last if last is not None and last.made_with == parse_cache.made_with else None


def keep_load(content_dir: Path, load: LastLoad) -> None:
    _LAST_LOAD.keep(content_dir, load)


class ParseCache:
    """Parsed content files by absolute path; see the module docstring for when one is used."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.fingerprint = parse_fingerprint()
        self._stored = _ShardedPickle(path, self.fingerprint)
        self._old: dict[str, _Entry] = self._stored.entries
        self._new: dict[str, _Entry] = {}
        self._changed = False
        self.hits = 0
        self.misses = 0

    def lookup(self, path: str, shown: str, stamp: Stamp) -> ParsedFile | None:
        """The file's cached result, if still valid for the file as `stamp` found it (taken
        before its bytes are read)."""
        key = path
        entry = self._old.get(key)
        if entry is None or entry[0] != stamp:
            self.misses += 1
            return None
        parsed = ParsedFile(entry[2], entry[3], entry[4], entry[5], entry[6])
        if entry[1]:
            # The stamp may be unchanged by a write in the same clock tick: compare contents.
            try:
                with open(path, "rb") as handle:  # noqa: PTH123
                    text = handle.read().decode("utf-8").removeprefix("\ufeff")
            except (OSError, UnicodeDecodeError):
                self.misses += 1
                return None
            if text_digest(shown, text) != parsed.digest:
                self.misses += 1
                return None
            entry = _entry(stamp, parsed)
            self._changed = True
        self.hits += 1
        self._new[key] = entry
        return parsed

    @property
    def made_with(self) -> tuple[Path | None, str]:
        return self.path, self.fingerprint

    def store(self, path: str, stamp: Stamp, parsed: ParsedFile) -> None:
        self._new[path] = _entry(stamp, parsed)
        self._changed = True

    def carry(self, paths: Iterable[str], entries: Iterable[_Entry | None]) -> None:
        """Keep these entries, of files found unchanged without a lookup (see LastLoad);
        None: the file has none to keep."""
        carried = dict(zip(paths, entries, strict=True))
        if None in carried.values():
            carried = {path: entry for path, entry in carried.items() if entry is not None}
        before = len(self._new)
        self._new.update(cast(dict[str, _Entry], carried))
        self.hits += len(self._new) - before

    def entries_of(self, paths: Iterable[str]) -> list[_Entry | None]:
        """The entry kept in this run for each file, if any."""
        return list(map(self._new.get, paths))

    def save(self) -> None:
        """Keep the files met in this run (a deleted file's entry goes with it)."""
        if self.path is None:
            return
        if self._changed or self._new.keys() != self._old.keys():
            self._stored.save(self._new)


def _is_racy(stamp: Stamp, read_from: int | None = None) -> bool:
    """Whether the file changed within RACY_NS of `read_from` (by default, now)."""
    now = time.time_ns() if read_from is None else read_from
    return now - max(stamp[1], stamp[2]) < RACY_NS


# --- the render memo -------------------------------------------------------------------------

# The FactBase attributes that hold entities by id; reads of them are recorded per key.
ENTITY_KINDS = tuple(MODELS)

Read = tuple[Hashable, ...]
Outputs = dict[str, bytes]
# What a unit gives: its files' bytes, or, reused, the files it wrote last build and left.
Given = Mapping[str, bytes | Kept]
_MISSING = "<missing>"


class _Opaque(Exception):
    """A value the memo cannot digest or replay: the unit that read it is never reused."""


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _dataclass_fields(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass (looked up once per class), or None for other types."""
    if cls not in _FIELDS:
        is_dataclass = dataclasses.is_dataclass(cls)
        names = tuple(f.name for f in dataclasses.fields(cls)) if is_dataclass else None
        # A class may name the fields that determine all the others (DIGEST_FIELDS).
        _FIELDS[cls] = getattr(cls, DIGEST_FIELDS, names) if is_dataclass else None
    return _FIELDS[cls]


_EMPTY_LIST = _hash_strings("list", [])
_EMPTY_TUPLE = _hash_strings("tuple", [])
_PLAIN_RECORDS: dict[type, bool] = {}
_PLAIN_ANNOTATIONS = frozenset({"str", "int", "float", "bool", "dt.date", "None"})


_FIELD_VALUES: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _field_values(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving a dataclass instance's field values, in declared order, in C."""
    found = _FIELD_VALUES.get(cls)
    if found is None:
        names = [f.name for f in dataclasses.fields(cls)]
        getter = attrgetter(*names)
        found = getter if len(names) > 1 else lambda value: (getter(value),)
        _FIELD_VALUES[cls] = found
    return found


def _is_plain_record(cls: type) -> bool:
    """A dataclass whose declared fields are all plain values, each shown by the repr the
    dataclass made: a list of them is digested by its repr in one go. Decided by the type
    alone, so that a value is digested the same way in every build."""
    plain = _PLAIN_RECORDS.get(cls)
    if plain is None:
        plain = bool(
            dataclasses.is_dataclass(cls)
            and getattr(cls, "__dataclass_params__").repr  # noqa: B009
            # The repr dataclass made (wrapped against recursion), not one of the class' own.
            and hasattr(vars(cls).get("__repr__"), "__wrapped__")
            and getattr(cls, DIGEST_FIELDS, None) is None
            and all(f.repr and str(f.type) in _PLAIN_ANNOTATIONS for f in dataclasses.fields(cls))
        )
        _PLAIN_RECORDS[cls] = plain
    return plain


_FROZEN_RECORDS: dict[type, bool] = {}


def _is_frozen_record(cls: type) -> bool:
    """Whether values of the class are frozen dataclasses of the model (generator.model)."""
    frozen = _FROZEN_RECORDS.get(cls)
    if frozen is None:
        frozen = bool(
            dataclasses.is_dataclass(cls)
            and getattr(cls, "__dataclass_params__").frozen  # noqa: B009
            and cls.__module__ == "generator.model"
            and cls is not FactBase
        )
        _FROZEN_RECORDS[cls] = frozen
    return frozen


# Each entity of a fact base by id() of the object (its kind, id and file digest), each
# read of an entity by id with its digest, and each entity's digest by id() of the object.
_Entities = tuple[dict[int, tuple[str, str, str]], dict["Read", str], dict[int, str]]


def _entities_of(facts: Any, entity_digests: Mapping[tuple[str, str], str]) -> _Entities:
    entities: dict[int, tuple[str, str, str]] = {}
    items: dict[Read, str] = {}
    for kind in ENTITY_KINDS:
        for entity_id, entity in getattr(facts, kind).items():
            digest = entity_digests.get((kind, entity_id))
            if digest is None:
                raise ValueError(f"no digest for {kind}/{entity_id}")
            entities[id(entity)] = (kind, entity_id, digest)
            items["item", kind, entity_id] = digest
    return entities, items, {object_id: known[2] for object_id, known in entities.items()}


def _patched_entities(
    last: tuple[Any, _Entities] | None,
    facts: Any,
    entity_digests: Mapping[tuple[str, str], str],
) -> _Entities | None:
    """_entities_of(facts, entity_digests), from the last build's where every kind holds
    the same ids in the same order and only a few entities are new objects (as after an
    edit in `mkdocs serve`); None where it cannot be had so.

    An entity that is the very object it was came from the same file (the load takes over
    an unchanged file's entity), so its digest is the one it had; its id() is its own while
    it lives, and both fact bases hold it.
    """
    if last is None:
        return None
    before, (entities, items, digest_of) = last
    changed: list[tuple[str, Any, Any]] = []
    for kind in ENTITY_KINDS:
        now, was = getattr(facts, kind), getattr(before, kind)
        if now is was:
            continue
        if len(now) != len(was) or list(now) != list(was):
            return None
        differ = list(compress(now, map(is_not, now.values(), was.values())))
        if len(differ) > _FEW_CHANGED_ITEMS:
            return None
        changed.extend((kind, was[entity_id], now[entity_id]) for entity_id in differ)
    if not changed:
        return entities, items, digest_of
    entities, items, digest_of = dict(entities), dict(items), dict(digest_of)
    for of_kind, old, new in changed:
        digest = entity_digests.get((of_kind, new.id))
        if digest is None:
            raise ValueError(f"no digest for {of_kind}/{new.id}")
        del entities[id(old)], digest_of[id(old)]
        entities[id(new)] = (of_kind, new.id, digest)
        digest_of[id(new)] = digest
        items["item", of_kind, new.id] = digest
    return entities, items, digest_of


class _LastEntities:
    """The entities of the fact base this process last digested (see _patched_entities)."""

    def __init__(self) -> None:
        self._last: tuple[Any, _Entities] | None = None

    def get(self) -> tuple[Any, _Entities] | None:
        return self._last

    def keep(self, facts: Any, known: _Entities) -> None:
        self._last = (facts, known)

    def forget(self) -> None:
        self._last = None


_LAST_ENTITIES = _LastEntities()


class Digests:
    """Digests of what the fact base gives, for one build; the same value, the same digest.

    Entities are digested by their file's digest (ParsedFile.digest), so nothing needs to
    walk them; anything else is digested by its structure.
    """

    def __init__(self, facts: Any, entity_digests: Mapping[tuple[str, str], str]) -> None:
        self.facts = facts
        # Each read's digest on this build's fact base, shared by every unit that replays it;
        # those of the reads of one entity by id are known from the start (`items`).
        known = _patched_entities(_LAST_ENTITIES.get(), facts, entity_digests)
        if known is None:
            known = _entities_of(facts, entity_digests)
        _LAST_ENTITIES.keep(facts, known)
        # Never changed once made: the next build's are a patched copy.
        self._entities, self.items, self._digest_of = known
        self.current: dict[Read, str] = dict(self.items)
        # The lists and dictionaries the last build that digested any digested (a build of
        # an unchanged corpus digests none: see RenderMemo), and those this one does.
        self._last_answers = _ANSWERS.copy()
        self._answers: dict[int, tuple[Any, str]] = {}

    def of(self, value: Any) -> str:
        known = self._digest_of.get(id(value))
        if known is not None:
            return known
        kind = type(value)
        if (
            (kind is not list and kind is not dict and kind is not tuple) or not value
        ) and not _is_frozen_record(kind):
            return self._of_value(value)
        # The same object as last build (an index the fact base carried over, or one of its
        # lists) holds what it held: the lists, tuples and dictionaries the fact base hands
        # out are never changed once made (its memo of relationships by day grows, but is
        # only read through relationships_on, whose lists are digested, never the memo),
        # nor are its frozen records (a claim with its event, a citation), whose fields
        # are entities and plain values.
        held = self._answers.get(id(value)) or self._last_answers.get(id(value))
        digest = held[1] if held is not None and held[0] is value else self._of_value(value)
        if not self._answers:
            _ANSWERS.clear()  # from now on, what this build digests
            self._answers = _ANSWERS
        self._answers[id(value)] = (value, digest)
        return digest

    def _of_value(self, value: Any) -> str:
        if type(value) is list or type(value) is tuple:
            if not value:
                # What most events' related_events gives, and an uncited source's citations.
                return _EMPTY_LIST if type(value) is list else _EMPTY_TUPLE
            # Most of what the fact base answers is a list of entities: digest it in one go.
            tag = type(value).__name__
            try:
                return _hash_strings(tag, [self._digest_of[id(v)] for v in value])
            except KeyError:
                pass
            kind = type(value[0])
            if _is_plain_record(kind) and all(type(v) is kind for v in value):
                # Such as a source's citations: the repr of their fields' values gives each
                # exactly, and is made in C, unlike the dataclass' repr of each.
                shown = repr(list(map(_field_values(kind), value)))
                return _hash(tag.encode(), b"records", kind.__qualname__.encode(), shown.encode())
        if value is None or isinstance(value, str | int | float | bool):
            return f"{type(value).__name__}:{value!r}"
        if isinstance(value, enum.Enum | dt.date):
            return f"{type(value).__name__}:{value!r}"
        if isinstance(value, list | tuple):
            return _hash_strings(type(value).__name__, [self._of_item(v) for v in value])
        if type(value) is dict:
            # A collection of entities by id, as the fact base holds them: in one go.
            try:
                return _hash_strings(
                    "entities", [f"{k!r}={self._digest_of[id(v)]}" for k, v in value.items()]
                )
            except KeyError:
                pass
        if isinstance(value, dict):
            # Each value digested on its own (the citations of each source, say), so that
            # the next build need only digest the lists that are new objects. The keys'
            # digests, then the values': as many of each. A string key's is what `of`
            # gives, written out: the citations by source have 5,000.
            keys = [f"str:{k!r}" if type(k) is str else self.of(k) for k in value]
            return _hash_strings("dict", [*keys, *map(self._of_item, value.values())])
        if isinstance(value, pydantic.BaseModel):
            # A part of an entity (a claim, a figure): its repr names every field.
            return _hash(type(value).__qualname__.encode(), repr(value).encode())
        names = _dataclass_fields(type(value))
        if names is not None:
            fields = [getattr(value, name) for name in names]
            if _is_plain_record(type(value)) and all(type(f) in PLAIN_TYPES for f in fields):
                # Such as a Citation: its repr names each field and gives it exactly.
                return _hash(type(value).__qualname__.encode(), repr(value).encode())
            return _hash(
                type(value).__qualname__.encode(),
                *(self.of(getattr(value, name)).encode() for name in names),
            )
        raise _Opaque(type(value).__qualname__)

    def _of_item(self, value: Any) -> str:
        known = self._digest_of.get(id(value))
        return known if known is not None else self.of(value)

    def by_object(self) -> dict[int, str]:
        """The digest of each entity of this build's fact base, by id() of the entity."""
        return self._digest_of

    def argument(self, value: Any) -> Hashable:
        """How a query's argument is recorded, so the query can be asked again next build."""
        known = self._entities.get(id(value))
        if known is not None:
            return ("entity", known[0], known[1])
        if value is None or isinstance(value, str | int | float | bool | enum.Enum | dt.date):
            return ("value", value)
        if (
            dataclasses.is_dataclass(value)
            and not isinstance(value, type)
            and getattr(type(value), "__hash__", None) is not None
        ):
            # Frozen value types such as PartialDate; compared by equality when replayed.
            return ("value", value)
        raise _Opaque(type(value).__qualname__)

    def _resolve(self, argument: Hashable) -> Any:
        assert isinstance(argument, tuple)
        if argument[0] == "value":  # the most common kind first: 10,000 replays a build
            return argument[1]
        if argument[0] == "entity":
            collection = getattr(self.facts, argument[1])
            if argument[2] not in collection:
                raise _Opaque("an entity that is gone")
            return collection[argument[2]]
        return argument[1]

    def replay(self, read: Read) -> str:
        """The digest the read gives on this build's fact base."""
        cached = self.current.get(read)
        if cached is not None:
            return cached
        kind = read[0]
        if kind == "item":
            collection = getattr(self.facts, str(read[1]))
            digest = self.of(collection[read[2]]) if read[2] in collection else _MISSING
        elif kind == "has":
            digest = str(read[2] in getattr(self.facts, str(read[1])))
        elif kind in ("all", "attribute"):
            digest = self.of(getattr(self.facts, str(read[1])))
        else:
            assert kind == "call"
            arguments = read[2]
            assert isinstance(arguments, tuple)
            method = getattr(self.facts, str(read[1]))
            if len(arguments) == 1:  # most queries: one argument, asked 10,000 times a build
                digest = self.of(method(self._resolve(arguments[0])))
            else:
                digest = self.of(method(*(self._resolve(a) for a in arguments)))
        self.current[read] = digest
        return digest

    def remember(self, read: Read, digest: str) -> None:
        self.current.setdefault(read, digest)

    def known(self, read: Read) -> str | None:
        """The read's digest, if a unit has already made or replayed it in this build."""
        return self.current.get(read)


class RecordingMapping(Mapping[str, Any]):
    """One of the fact base's collections by id, noting each read in its recorder."""

    def __init__(self, recorder: Recorder, name: str, data: dict[str, Any]) -> None:
        self._recorder = recorder
        self._name = name
        self._data = data

    def __getitem__(self, key: str) -> Any:
        value = self._data.get(key, _MISSING)
        self._recorder.note(("item", self._name, key), value)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        found = key in self._data
        self._recorder.note(("has", self._name, key), found)
        return found

    def _all(self) -> None:
        self._recorder.note(("all", self._name), self._data)

    def __iter__(self) -> Iterator[str]:
        self._all()
        return iter(self._data)

    def __len__(self) -> int:
        self._all()
        return len(self._data)

    def keys(self) -> KeysView[str]:
        self._all()
        return self._data.keys()

    def values(self) -> ValuesView[Any]:
        self._all()
        return self._data.values()

    def items(self) -> ItemsView[str, Any]:
        self._all()
        return self._data.items()


class Recorder:
    """Stands in for the fact base while one unit renders, and notes everything it reads.

    Entity collections are handed out as RecordingMappings; a method's call is noted with
    its arguments and a digest of its result; any other attribute with a digest of its
    value. Renderers get real entities back, whose content the digests cover.
    """

    def __init__(self, digests: Digests) -> None:
        self._digests = digests
        self._facts = digests.facts
        self.reads: dict[Read, str] = {}
        self.opaque = False
        self._kept_names: list[str] = []

    def note(self, read: Read, value: Any) -> None:
        if read in self.reads or self.opaque:
            return
        # The fact base does not change during a build: a read gives one digest throughout.
        known = self._digests.known(read)
        if known is not None:
            self.reads[read] = known
            return
        try:
            digest = (
                _MISSING
                if value is _MISSING
                else str(value)
                if read[0] == "has"
                else self._digests.of(value)
            )
        except _Opaque:
            self.opaque = True
            return
        self.reads[read] = digest
        self._digests.remember(read, digest)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._facts, name)
        found: Any
        if name in ENTITY_KINDS and isinstance(value, dict):
            found = RecordingMapping(self, name, value)
        elif callable(value):
            query = getattr(type(self._facts), name, None)
            if query is not None and getattr(query, DERIVED, False):
                found = types.MethodType(query, self)
            else:
                found = self._recording(name, value)
        else:
            self.note(("attribute", name), value)
            found = value
        # Kept on the recorder, which Python looks in before calling __getattr__: a page that
        # lists 5,000 sources asks for a query 5,000 times. An attribute's read is noted
        # once per unit anyway, and the fact base does not change during a build.
        self.__dict__[name] = found
        self._kept_names.append(name)
        return found

    def close(self) -> None:
        """Drop what the unit asked for: the wrappers and collections refer back to the
        recorder, and the cycle collector is off during a build (see build.py), so 11,000
        units' recorders would otherwise live, with their reads, until it next runs."""
        for name in self._kept_names:
            self.__dict__.pop(name, None)
        self._kept_names.clear()

    def _recording(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        argument = self._digests.argument

        def call(*arguments: Any, **keywords: Any) -> Any:
            result = method(*arguments, **keywords)
            if keywords:
                self.opaque = True
                return result
            try:
                recorded = (
                    (argument(arguments[0]),)
                    if len(arguments) == 1
                    else tuple(map(argument, arguments))
                )
            except _Opaque:
                self.opaque = True
                return result
            self.note(("call", name, recorded), result)
            return result

        return call


@dataclass(frozen=True)
class _Memo:
    # The unit's reads of one entity by id, and the digest each gave, in the same order:
    # most of its reads, checked with all the other units' at C speed (see _ShardReads).
    items: tuple[Read, ...]
    item_digests: tuple[str, ...]
    # Its other reads (queries, whole collections), each with the digest it gave.
    queries: tuple[tuple[Read, str], ...]
    # The files it wrote, by digest and size: their bytes are in site_src/, not here.
    outputs: Mapping[str, Kept]
    # Whether the unit's pieces (generator/render/pieces.py) are kept for its next render.
    keeps_pieces: bool = False


# A unit that used fewer pieces than this is rendered again from scratch as quickly as its
# pieces would be read back: only the pages and figures that list everything keep theirs.
KEEP_PIECES_FROM = 256
PIECE_SHARDS = 16


class _UnitPieces:
    """The pieces one unit was made of, in PIECE_SHARDS files, read only when it re-renders.

    A piece stays in the file it was first put in, and the new pieces of a build go to the
    file that lost the most, so an edit that changes one event's pieces rewrites a file or
    two of each unit's, not all of them.
    """

    def __init__(self, paths: list[Path], fingerprint: str, *, kept: bool) -> None:
        self._paths = paths
        self._fingerprint = fingerprint
        # Only a unit that kept pieces last time has files to read.
        self._shards = [_read_pickle(path, fingerprint) if kept else {} for path in paths]
        self.kept, self._shard_of = _merged(self._shards)

    def save(self, used: Mapping[PieceKey, Piece]) -> None:
        # A piece's key says all its value depends on: a file that lost no piece and got no
        # new one holds what it held.
        # Sets made from dictionaries reuse the hashes they hold: keys are slow to hash.
        fresh = set(used).difference(self.kept)
        if not self._shard_of:
            # Never mutated: what was read may be held in _RESIDENT.
            self._shards = [{} for _ in self._paths]
            for position, key in enumerate(used):
                self._shards[position * len(self._shards) // len(used)][key] = used[key]
            changed = set(range(len(self._shards)))
        else:
            lost = set(self.kept).difference(used)
            losses = Counter(self._shard_of[key] for key in lost)
            changed = set(losses)
            for number in losses:
                shard = self._shards[number].copy()
                for key in lost:
                    shard.pop(key, None)
                self._shards[number] = shard
            if fresh:
                # Where the old pieces of the edited entity were, as a rule.
                receiving = losses.most_common(1)[0][0] if losses else self._smallest()
                self._shards[receiving] = {
                    **self._shards[receiving],
                    **{key: used[key] for key in fresh},
                }
                changed.add(receiving)
        for number in sorted(changed):
            _write_pickle(self._paths[number], self._fingerprint, self._shards[number])

    def _smallest(self) -> int:
        return min(range(len(self._shards)), key=lambda n: len(self._shards[n]))


class RenderMemo:
    """Rendered units by key, each with the trace of reads that produced it."""

    def __init__(self, path: Path | None, fingerprint: str, corpus: str = "") -> None:
        """`corpus` is the build's corpus_digest ("" if unknown)."""
        self.path = path
        self.fingerprint = fingerprint
        self.corpus = corpus
        self._stored = _ShardedPickle(path, fingerprint)
        self._old: dict[Hashable, _Memo] = self._stored.entries
        self._new: dict[Hashable, _Memo] = {}
        self._store: PieceStore | None = None
        # The pieces of each unit rendered in this build that keeps them, to be saved.
        self._pieces: dict[Hashable, tuple[_UnitPieces, Mapping[PieceKey, Piece]]] = {}
        self.reused = 0
        self.rendered = 0
        # The units whose reads all give what they gave (see `_unchanged_units`).
        self._unchanged: set[Hashable] | None = None
        # This build's digest of each entity, as a read of it by id (Digests.items).
        self._items: Mapping[Read, str] = {}

    def piece_store(self, digests: Digests) -> PieceStore:
        """The store this build's pieces go through (see `run`)."""
        self._store = PieceStore(digests.by_object())
        return self._store

    def run(
        self,
        key: Hashable,
        digests: Digests,
        render: Callable[[Any], Outputs],
        on_disk: Current,
    ) -> Given:
        """The unit's outputs: kept as they are in site_src/ if every read it made gives the
        same digest and its files are still there as written.

        Otherwise the unit is rendered again, with the pieces it was made of last time.
        """
        if self._unchanged is None:
            self._items = digests.items
            if self._built_from_this_corpus():
                # Every read gives what it gave: only the files need checking.
                self._unchanged = set(self._old)
            else:
                self._unchanged = _unchanged_units(
                    self._stored.shards, digests, self._items_changed_since_saved(digests)
                )
        memo = self._old.get(key)
        if memo is not None and key in self._unchanged:
            for path, file in memo.outputs.items():
                if not on_disk.keeps(path, file):
                    break
            else:
                self.reused += 1
                self._new[key] = memo
                return memo.outputs
        self.rendered += 1
        recorder = Recorder(digests)
        try:
            if self._store is None:
                outputs = render(recorder)
                used: Mapping[PieceKey, Piece] = {}
            else:
                kept = memo is not None and memo.keeps_pieces
                stored = _UnitPieces(self._piece_paths(key), self.fingerprint, kept=kept)
                outputs, used = self._store.record(partial(render, recorder), stored.kept, key)
                if pieces_in(used) >= KEEP_PIECES_FROM:
                    self._pieces[key] = (stored, used)
        finally:
            recorder.close()
        if not recorder.opaque:
            keeps = key in self._pieces
            self._new[key] = _memo_of(recorder.reads, outputs, keeps)
        return outputs

    def _piece_paths(self, key: Hashable) -> list[Path]:
        if self.path is None:
            return []
        unit = _hash(repr(key).encode("utf-8", "surrogatepass"))[:16]
        base = self.path.with_name(f"pieces-{unit}{self.path.suffix}")
        return [base.with_name(f"{base.stem}.{n:02d}{base.suffix}") for n in range(PIECE_SHARDS)]

    @property
    def pieces_made(self) -> int:
        """How many pieces this build had to make (the others were kept or shared)."""
        return self._store.made if self._store is not None else 0

    def save(self) -> None:
        if self.path is None:
            return
        _BUILT_FROM.pop(self.path, None)
        if self.rendered or self._new.keys() != self._old.keys():
            self._stored.save(self._new, _memo_shard)
        for key, (stored, used) in self._pieces.items():
            if key in self._new:
                stored.save(used)
        self._remove_unkept_pieces()
        held = self._stored.resident_stamps()
        if self.corpus and held is not None:
            # Every unit now in the memo's files was checked or rendered against this
            # corpus, as the files stand now.
            _BUILT_FROM[self.path] = _Built(self.fingerprint, self.corpus, held, self._items)
            # The next build checks each file's units by its reads laid out end to end
            # (_reads_of), once per file this process holds: laid out as the files are
            # written, so that the first rebuild after a full build does not lay out all
            # 128 at once (about 50 ms at 10,000 events). A process that builds once pays
            # this for nothing: about 40 ms of a full build, a few after an edit.
            for shard in self._stored.shards:
                _reads_of(shard)

    def _built_from_this_corpus(self) -> bool:
        """Whether the memo's files are as this process last saved them, from a corpus with
        the same digest as this build's (so with the same fact base)."""
        built = self._saved_by_this_process()
        return built is not None and built.corpus == self.corpus

    def _saved_by_this_process(self) -> _Built | None:
        """What this process knew when it saved the memo's files, if they are still those."""
        if self.path is None or not self.corpus:
            return None
        built = _BUILT_FROM.get(self.path)
        held = self._stored.resident_stamps()
        if built is None or built.fingerprint != self.fingerprint or built.held != held:
            return None
        return built

    def _items_changed_since_saved(self, digests: Digests) -> list[Read] | None:
        """The reads of an entity by id whose digest differs from the one of the build that
        saved the memo's files, if this process saved them and few differ; else None.

        Every unit in those files was then either rendered or found unchanged, so each of
        its reads of an entity recorded that build's digest of the entity (or _MISSING).
        """
        built = self._saved_by_this_process()
        if built is None:
            return None
        before, now = built.items, digests.items
        if len(before) == len(now) and list(before) == list(now):
            # The same entities in the same order, as after an edit: compared side by side.
            changed = [
                read
                for (read, digest), old in zip(now.items(), before.values(), strict=True)
                if digest != old
            ]
        else:
            changed = [read for read, digest in now.items() if before.get(read) != digest]
            changed.extend(read for read in before if read not in now)
        return changed if len(changed) <= _FEW_CHANGED_ITEMS else None

    def _remove_unkept_pieces(self) -> None:
        assert self.path is not None
        kept = {
            path.name
            for key, memo in self._new.items()
            if memo.keeps_pieces
            for path in self._piece_paths(key)
        }
        for path in self.path.parent.glob(f"pieces-*{self.path.suffix}"):
            if path.name not in kept:
                path.unlink(missing_ok=True)
                _RESIDENT.pop(path, None)


def _memo_shard(key: Hashable, memo: _Memo) -> int:
    """The memo file a unit goes in: those that keep pieces, which list every entity and so
    are rendered again after nearly any edit, all in the first, so that a rebuild rewrites
    one file for them rather than one each."""
    return 0 if memo.keeps_pieces else _shard_of(key)


def _memo_of(reads: Mapping[Read, str], outputs: Outputs, keeps_pieces: bool) -> _Memo:
    items = [read for read in reads if read[0] == "item"]
    queries = tuple((read, digest) for read, digest in reads.items() if read[0] != "item")
    files = {path: Kept(remembered_digest(data), len(data)) for path, data in outputs.items()}
    return _Memo(tuple(items), tuple(reads[r] for r in items), queries, files, keeps_pieces)


@dataclass(frozen=True)
class _ShardReads:
    """The reads of one memo file's units laid end to end, to be checked all at once.

    A unit is unchanged when each of its reads gives the digest it recorded. Rather than a
    loop per unit (11,000 of them at 10,000 events), the reads of one entity of all the
    file's units are looked up and compared in one pass at C speed, and each query is
    asked once, however many units asked it.
    """

    keys: tuple[Hashable, ...]
    # Every unit's reads of one entity, unit after unit, and the digest each recorded.
    items: tuple[Read, ...]
    item_digests: tuple[str, ...]
    # Where each unit's items end in `items`: unit k's are items[ends[k - 1]:ends[k]].
    ends: tuple[int, ...]
    # Each other read (a query, a whole collection): the units that made it, by position,
    # with the digest each recorded.
    queries: Mapping[Read, tuple[tuple[int, str], ...]]

    @cached_property
    def reading_missing(self) -> frozenset[int]:
        """The units that read an entity that was not there (as Mapping.get does)."""
        if _MISSING not in self.item_digests:
            return frozenset()
        return frozenset(
            bisect_right(self.ends, n)
            for n, digest in enumerate(self.item_digests)
            if digest == _MISSING
        )

    def units_reading(self, read: Read) -> Iterator[int]:
        """The units, by position, that read this entity."""
        found = -1
        while True:
            try:
                found = self.items.index(read, found + 1)  # at C speed: no index to keep
            except ValueError:
                return
            yield bisect_right(self.ends, found)


def _shard_reads(shard: Mapping[Hashable, _Memo]) -> _ShardReads:
    keys: list[Hashable] = []
    items: list[Read] = []
    item_digests: list[str] = []
    ends: list[int] = []
    queries: dict[Read, list[tuple[int, str]]] = {}
    for position, (key, memo) in enumerate(shard.items()):
        keys.append(key)
        items.extend(memo.items)
        item_digests.extend(memo.item_digests)
        ends.append(len(items))
        for read, digest in memo.queries:
            queries.setdefault(read, []).append((position, digest))
    return _ShardReads(
        tuple(keys),
        tuple(items),
        tuple(item_digests),
        tuple(ends),
        {read: tuple(units) for read, units in queries.items()},
    )


# For each render memo this process saved: its fingerprint, the corpus digest of that build
# and the stamps of its files then. A build of a corpus with that digest, finding the files
# unchanged since, knows every read of every unit gives what it gave.
# With it, the digest of each entity then, as a read of it by id: the next build compares
# them with its own, and checks only the units that read an entity whose digest changed.
class _Built(NamedTuple):
    fingerprint: str
    corpus: str
    held: tuple[Stamp | None, ...]
    items: Mapping[Read, str]


_BUILT_FROM: dict[Path, _Built] = {}

# Above this many changed entities, comparing each unit's reads is as quick.
_FEW_CHANGED_ITEMS = 256

# The reads of each memo file this process holds, by the id() of its entries (which are
# never changed once read: see _RESIDENT), so `mkdocs serve` lays them out once per file.
_SHARD_READS: dict[int, tuple[Mapping[Hashable, _Memo], _ShardReads]] = {}


def _reads_of(shard: Mapping[Hashable, _Memo]) -> _ShardReads:
    found = _SHARD_READS.get(id(shard))
    if found is not None and found[0] is shard:
        return found[1]
    reads = _shard_reads(shard)
    _SHARD_READS[id(shard)] = (shard, reads)
    return reads


def _unchanged_units(
    shards: list[dict[Any, Any]], digests: Digests, items_changed: list[Read] | None = None
) -> set[Hashable]:
    """The units of the memo whose every read gives, on this build's fact base, the digest
    it recorded: the units that would render what they rendered last time.

    `items_changed`: the reads of an entity whose digest changed since the build every unit
    recorded its reads in (RenderMemo._items_changed_since_saved), if known.
    """
    held = {id(shard) for shard in shards}
    for gone in [key for key in _SHARD_READS if key not in held]:
        del _SHARD_READS[gone]  # a file rewritten since: its old entries are not kept alive
    unchanged: set[Hashable] = set()
    for shard in shards:
        reads = _reads_of(shard)
        changed = _changed_units(reads, digests, items_changed)
        unchanged.update(key for n, key in enumerate(reads.keys) if n not in changed)
    return unchanged


def _changed_units(
    reads: _ShardReads, digests: Digests, items_changed: list[Read] | None = None
) -> set[int]:
    """The positions of the units some read of which gives another digest than recorded."""
    changed: set[int] = set()
    if items_changed is not None:
        # Only the units that read a changed entity; and, as below, those that read one
        # that was not there: it has no digest now either.
        changed.update(reads.reading_missing)
        for read in items_changed:
            changed.update(reads.units_reading(read))
    else:
        # An entity that is gone has no digest: None differs from the one recorded.
        now = tuple(map(digests.current.get, reads.items))
        if now != reads.item_digests:
            differ = (
                n for n, (a, b) in enumerate(zip(now, reads.item_digests, strict=True)) if a != b
            )
            changed.update(bisect_right(reads.ends, n) for n in differ)
    replay = digests.replay
    for read, units in reads.queries.items():
        if changed and all(position in changed for position, _ in units):
            continue  # every unit that made it is rendered again anyway
        try:
            digest: str | None = replay(read)
        except Exception:  # a read that no longer works: render its units again
            digest = None
        for position, recorded in units:
            if recorded != digest:
                changed.add(position)
    return changed
