"""The load → validate → model stages, run over a whole `content/` folder."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import and_, eq
from pathlib import Path
from typing import NamedTuple, TypeVar, cast

from generator.cache import (
    LastLoad,
    Listing,
    ParseCache,
    ParsedFile,
    Stamp,
    corpus_digest,
    keep_load,
    last_load,
    listing_of,
    remembered_checks,
    settled,
    stamps_of,
    text_digest,
    with_last_indexes,
)
from generator.diagnostics import Diagnostic, error, has_errors, warning
from generator.load import Document, load_file
from generator.model import FactBase
from generator.schema import MODELS, Actor, Event, FileKind, Relationship, Source, Topic
from generator.validate import (
    LoadOf,
    Parsed,
    check_corpus,
    check_stands_for,
    validate_document,
)

Progress = Callable[[int, int], None]


T = TypeVar("T")


@dataclass(frozen=True)
class CorpusResult:
    facts: FactBase | None
    diagnostics: list[Diagnostic]
    files_read: int
    # A digest of each entity's file (path and text), by (kind, id): equal digests, equal
    # entities. The render memo uses them to tell what changed since the last build.
    digests: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # A digest of every file that gave an entity (cache.corpus_digest): equal, the same
    # fact base.
    corpus: str = ""

    @property
    def ok(self) -> bool:
        return self.facts is not None


class Listed(NamedTuple):
    """What content_files found."""

    files: list[tuple[FileKind, str]]  # the YAML files to load, by kind and path
    problems: list[Diagnostic]  # one for anything else found under content/
    # Whether an entry is a symbolic link: what it names can change while the folder that
    # holds it stays as it was, so such a listing is never taken over (see _listing).
    linked: bool


def content_files(content_dir: Path) -> Listed:
    """The YAML files to load, and a diagnostic for anything else found under content/.

    Files are named by their path as a string: making 10,000 Path objects took longer than
    checking that the files are unchanged.
    """
    files: list[tuple[FileKind, str]] = []
    problems: list[Diagnostic] = []
    linked = False
    if not content_dir.is_dir():
        problem = error(content_dir.as_posix(), 1, 1, "no-content", "content folder not found")
        return Listed(files, [problem], linked)
    # Files are named by their resolved path, which keys the parse cache: a relative
    # `check --content content` and the MkDocs hook's absolute path share its entries.
    root = content_dir.resolve()
    for entry in sorted(content_dir.iterdir()):
        shown = _shown(entry, content_dir)
        if entry.name.startswith("."):
            continue
        linked = linked or entry.is_symlink()
        if entry.is_dir() and entry.name in MODELS:
            kind: FileKind = entry.name
            # os.scandir: a folder of 10,000 files is listed without a stat call per file.
            with os.scandir(root / entry.name) as listing:
                found = sorted(listing, key=lambda item: item.name)
            for item in found:
                linked = linked or item.is_symlink()  # from the listing: no stat call
                if item.name.endswith(".yaml") and len(item.name) > 5 and item.is_file():
                    files.append((kind, item.path))
                elif not item.name.startswith("."):
                    problems.append(_stray(entry / item.name, content_dir))
        elif entry.is_file() and entry.name == "README.md":
            continue
        else:
            problems.append(
                warning(
                    shown,
                    1,
                    1,
                    "stray-file",
                    f"'{entry.name}' is not one of content/{{{','.join(MODELS)}}}; it is ignored",
                )
            )
    return Listed(files, problems, linked)


def _listing(content_dir: Path, last: Listing | None) -> Listing:
    """content_files(content_dir), as the last listing found it if no folder it lists has
    changed since (an edit in place changes no folder: see Listing); else listed again.

    This trusts a folder's mtime to change when an entry is added, removed or renamed, as
    local filesystems do; a listing that met a symbolic link is never taken over."""
    if last is not None and last.holds():
        return last
    folders = [str(content_dir), *(str(content_dir / kind) for kind in MODELS)]
    return listing_of(folders, lambda: content_files(content_dir))


def _shown(path: Path, content_dir: Path) -> str:
    # Names as editors see them from the project root: "content/events/x.yaml".
    return (
        f"{content_dir.name}/{path.parent.name}/{path.name}"
        if path.parent != content_dir
        else f"{content_dir.name}/{path.name}"
    )


def _stray(path: Path, content_dir: Path) -> Diagnostic:
    shown = _shown(path, content_dir)
    if path.suffix == ".yml":
        return error(
            shown,
            1,
            1,
            "wrong-extension",
            f"rename '{path.name}' to '{path.stem}.yaml'; only .yaml files are read",
        )
    return warning(shown, 1, 1, "stray-file", f"'{path.name}' is not a .yaml file; it is ignored")


def load_corpus(
    content_dir: Path, progress: Progress | None = None, *, cache: ParseCache | None = None
) -> CorpusResult:
    """Load and check every content file; with `cache`, unchanged files are not parsed again.

    The corpus checks always cover the whole corpus, so the result is the same with or
    without a cache; with one, a process that checked this folder before checks again only
    the entities that changed, while no id came or went and no actor changed.
    """
    last = last_load(content_dir, cache) if cache is not None else None
    listing = _listing(content_dir, last.listing if last is not None else None)
    files = cast(list[tuple[FileKind, str]], list(listing.files))
    problems = list(listing.problems)
    paths = [path for _, path in files]
    # Every stamp before any file is read: a file written after its stamp was taken is
    # read as it is then, and its new stamp has it read again next time.
    read_from = time.time_ns()
    stamps: list[Stamp | None] = stamps_of(paths) if cache is not None else [None] * len(paths)
    was = _unchanged_since(last, paths, stamps)
    again = _read_again(was)
    results: list[ParsedFile | None] = [None] * len(files)
    items: list[Parsed | None] = [None] * len(files)
    if last is not None and cache is not None:
        results = _taken_over(last.results, was, again)
        items = _taken_over(last.items, was, again)
        cache.carry(paths, _taken_over(last.entries, was, again))
    done = len(files) - len(again)
    if progress is not None and done:
        progress(done, len(files))
    for position in again:
        kind, path = files[position]
        name = os.path.basename(path)  # noqa: PTH119
        shown = f"{content_dir.name}/{kind}/{name}"  # as _shown() names it, only faster
        result = _parse(kind, path, shown, cache, stamps[position])
        results[position] = result
        items[position] = _item(kind, path, shown, result, last)
        done += 1
        if progress is not None:
            progress(done, len(files))
    loaded = cast(list[ParsedFile], results)
    parsed = [item for item in items if item is not None]
    problems.extend(problem for result in loaded for problem in result.problems)
    patch = _patch_of(last, paths, again, items)
    # The entities of the files read again, where the last load is patched for them.
    changed = [item for item in (items[n] for n in patch or ()) if item is not None]
    digests = _entity_digests(loaded, items, last, patch)
    corpus = corpus_digest(
        [result.digest for result, item in zip(loaded, items, strict=True) if item is not None]
    )
    load = LoadOf(
        digests,
        last.digests if last is not None and patch is not None else None,
        changed,
    )
    problems.extend(
        _corpus_problems(parsed, corpus, content_dir if cache is not None else None, load)
    )
    problems.sort()
    facts = None
    if not has_errors(problems):
        facts = (
            _patched_fact_base(last.facts, changed)
            if last is not None and last.facts is not None and patch is not None
            else build_fact_base(parsed)
        )
    if cache is not None:
        cache.save()
        if facts is not None:
            facts = with_last_indexes(content_dir, facts)
        keep_load(
            content_dir,
            LastLoad(
                listing,
                cache.made_with,
                {path: n for n, path in enumerate(paths)},
                stamps,
                _settled_now(stamps, read_from, again),
                loaded,
                items,
                cache.entries_of(paths),
                digests,
                facts,
            ),
        )
    if facts is None:
        return CorpusResult(None, problems, len(files), corpus=corpus)
    return CorpusResult(facts, problems, len(files), digests, corpus)


def _patch_of(
    last: LastLoad | None, paths: list[str], again: list[int], items: list[Parsed | None]
) -> list[int] | None:
    """The places of the files read again, if what the last load gave can be patched for
    them: a load without errors of the same files, and each gives an entity of the same
    kind and id as it did then, or none either time."""
    if (
        last is None
        or last.facts is None  # it had errors: an id may have been used twice
        or len(last.position) != len(paths)
        or list(last.position) != paths
    ):
        return None
    for n in again:
        before, now = last.items[n], items[n]
        if (before is None) != (now is None) or (
            before is not None
            and now is not None
            and (before.kind != now.kind or before.entity.id != now.entity.id)
        ):
            return None
    return again


def _entity_digests(
    loaded: list[ParsedFile],
    items: list[Parsed | None],
    last: LastLoad | None,
    patch: list[int] | None,
) -> dict[tuple[str, str], str]:
    """The digest of each entity's file, by (kind, id), in file order."""
    if last is not None and patch is not None:
        # The same keys in the same order (the same files, each id used once, as in a load
        # without errors): a copy, patched.
        digests = dict(last.digests)
        for n in patch:
            item = items[n]
            if item is not None:
                digests[item.kind, item.entity.id] = loaded[n].digest
        return digests
    return {
        (item.kind, item.entity.id): result.digest
        for result, item in zip(loaded, items, strict=True)
        if item is not None
    }


def _unchanged_since(
    last: LastLoad | None, paths: list[str], stamps: list[Stamp | None]
) -> list[int]:
    """For each file, its place in the last load if its stamp says it has not changed since
    (a settled stamp, the same now), else -1."""
    if last is None:
        return [-1] * len(paths)
    if len(paths) == len(last.position) and list(last.position) == paths:
        # The same files, as after an edit: compared side by side, at C speed.
        same = map(and_, map(eq, stamps, last.stamps), last.settled)
        return [n if unchanged else -1 for n, unchanged in enumerate(same)]
    before = [last.position.get(path, -1) for path in paths]
    return [
        n if n >= 0 and stamp is not None and last.settled[n] and stamp == last.stamps[n] else -1
        for n, stamp in zip(before, stamps, strict=True)
    ]


def _read_again(was: list[int]) -> list[int]:
    """The positions of the files not taken over from the last load (-1 in `was`)."""
    # By C-speed searches: after an edit, one file in 17,500.
    found: list[int] = []
    start = 0
    while True:
        try:
            start = was.index(-1, start)
        except ValueError:
            return found
        found.append(start)
        start += 1


def _taken_over(values: Sequence[T | None], was: list[int], again: list[int]) -> list[T | None]:
    """Each file's value in the last load, by its place there (`was`); None for the files
    read again."""
    if not values:  # the last load found no files: each is read
        return [None] * len(was)
    taken: list[T | None] = list(map(values.__getitem__, was))
    for position in again:
        taken[position] = None
    return taken


def _settled_now(stamps: list[Stamp | None], read_from: int, again: list[int]) -> list[bool]:
    """settled(stamps, read_from), worked out for the files read again only: a file taken
    over was settled when the last load began to read, and its stamp has not changed."""
    now = [True] * len(stamps)
    found = settled([stamps[n] for n in again], read_from)
    for position, is_settled in zip(again, found, strict=True):
        now[position] = is_settled
    return now


def _item(
    kind: FileKind, path: str, shown: str, result: ParsedFile, last: LastLoad | None
) -> Parsed | None:
    """The Parsed item of a file's entity: the last load's if it is the same entity (as the
    parse cache gives back for a file it checked by its bytes), so the corpus checks know it."""
    entity = result.entity
    if entity is None:
        return None
    n = last.position.get(path, -1) if last is not None else -1
    before = last.items[n] if last is not None and n >= 0 else None
    if before is not None and before.entity is entity:
        return before
    # A cached file's text is kept so that a corpus check can still point at a line; `data`
    # is only read by validation, which this entity has passed.
    return Parsed(kind, entity, Document(shown, {}, result.text), result.checks)


def _corpus_problems(
    parsed: list[Parsed], corpus: str, content_dir: Path | None, load: LoadOf
) -> list[Diagnostic]:
    """check_corpus(parsed); with a content folder (a build with caches), as this process
    last ran them on a corpus with the same digest, if it did."""
    if content_dir is None:
        return check_corpus(parsed)
    ran: list[bool] = []

    def check() -> list[Diagnostic]:
        ran.append(True)
        return check_corpus(parsed, content_dir, load)

    found = remembered_checks(content_dir, corpus, check)
    if not ran:
        # Found for a corpus with this digest: the next load may patch that check.
        check_stands_for(content_dir, load)
    return found


def _parse(
    kind: FileKind, path: str, shown: str, cache: ParseCache | None, stamp: Stamp | None
) -> ParsedFile:
    cached = cache.lookup(path, shown, stamp) if cache is not None and stamp is not None else None
    if cached is not None:
        return cached
    file = Path(path)
    document = load_file(file, shown)
    item, file_problems = validate_document(kind, document, file.stem)
    result = ParsedFile(
        text_digest(shown, document.text),
        item.entity if item is not None else None,
        tuple(file_problems),
        document.text,
        item.checks if item is not None else None,
    )
    if cache is not None and stamp is not None:
        cache.store(path, stamp, result)
    return result


def _patched_fact_base(last: FactBase, changed: list[Parsed]) -> FactBase:
    """`last`, with the entities of these files in place of the ones of the same ids (see
    _patch_of): what build_fact_base gives, in the same order, with the very dictionaries
    of the kinds none of which changed."""
    collections: dict[FileKind, dict[str, object]] = {kind: getattr(last, kind) for kind in MODELS}
    copied: set[FileKind] = set()
    for item in changed:
        if item.kind not in copied:
            collections[item.kind] = dict(collections[item.kind])
            copied.add(item.kind)
        collections[item.kind][item.entity.id] = item.entity
    return _fact_base(collections, last.files)


def build_fact_base(parsed: list[Parsed]) -> FactBase:
    # One pass over the corpus, not one per kind.
    by_kind: dict[FileKind, dict[str, object]] = {kind: {} for kind in MODELS}
    files: dict[tuple[str, str], str] = {}
    for item in parsed:
        by_kind[item.kind][item.entity.id] = item.entity
        files[item.kind, item.entity.id] = item.document.path
    return _fact_base(by_kind, files)


def _fact_base(
    by_kind: Mapping[FileKind, dict[str, object]], files: dict[tuple[str, str], str]
) -> FactBase:
    return FactBase(
        actors=cast(dict[str, Actor], by_kind["actors"]),
        events=cast(dict[str, Event], by_kind["events"]),
        relationships=cast(dict[str, Relationship], by_kind["relationships"]),
        sources=cast(dict[str, Source], by_kind["sources"]),
        topics=cast(dict[str, Topic], by_kind["topics"]),
        files=files,
    )
