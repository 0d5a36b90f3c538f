"""The load → validate → model stages, run over a whole `content/` folder.

Each file is read by a `FileReader`: `read_file` loads and validates it; the build's
incremental layer may pass one that gives back what an unchanged file gave last time.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from generator.diagnostics import Diagnostic, error, has_errors, warning
from generator.load import Document, load_file, load_text
from generator.model import FactBase
from generator.schema import MODELS, Actor, Entity, Event, FileKind, Relationship, Source, Topic
from generator.validate import Broken, Parsed, check_corpus, validate_document

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ParsedFile:
    """What loading and validating one content file gave."""

    digest: str  # of the file's path and text: equal digests, equal entities
    entity: Entity | None  # None when the file has errors of its own
    problems: tuple[Diagnostic, ...]
    text: str


# Reads one content file: its kind, its path, and its name as editors see it.
FileReader = Callable[[FileKind, str, str], ParsedFile]


@dataclass(frozen=True)
class CorpusResult:
    facts: FactBase | None
    diagnostics: list[Diagnostic]
    files_read: int
    # A digest of each entity's file (path and text), by (kind, id): equal digests, equal
    # entities.
    digests: Mapping[tuple[str, str], str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.facts is not None


def text_digest(shown: str, text: str) -> str:
    digest = hashlib.blake2b(shown.encode("utf-8", "surrogatepass"), digest_size=16)
    digest.update(b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def read_file(kind: FileKind, path: str, shown: str) -> ParsedFile:
    """Load and validate one content file."""
    file = Path(path)
    document = load_file(file, shown)
    item, problems = validate_document(kind, document, file.stem)
    return ParsedFile(
        text_digest(shown, document.text),
        item.entity if item is not None else None,
        tuple(problems),
        document.text,
    )


def content_files(content_dir: Path) -> tuple[list[tuple[FileKind, str]], list[Diagnostic]]:
    """The YAML files to load, by kind and path, and a diagnostic for anything else found
    under content/."""
    files: list[tuple[FileKind, str]] = []
    problems: list[Diagnostic] = []
    if not content_dir.is_dir():
        problem = error(content_dir.as_posix(), 1, 1, "no-content", "content folder not found")
        return files, [problem]
    # Files are named by their resolved path, which keys the parse cache: a relative
    # `check --content content` and the MkDocs hook's absolute path share its entries.
    root = content_dir.resolve()
    for entry in sorted(content_dir.iterdir()):
        shown = _shown(entry, content_dir)
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and entry.name in MODELS:
            kind: FileKind = entry.name
            # os.scandir: a folder of 10,000 files is listed without a stat call per file.
            with os.scandir(root / entry.name) as listing:
                found = sorted(listing, key=lambda item: item.name)
            for item in found:
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
    return files, problems


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
    content_dir: Path, progress: Progress | None = None, *, read: FileReader = read_file
) -> CorpusResult:
    """Load and check every content file, then build the fact base if nothing is wrong."""
    files, problems = content_files(content_dir)
    parsed: list[Parsed] = []
    broken: list[Broken] = []  # files with errors of their own
    digests: dict[tuple[str, str], str] = {}
    for done, (kind, path) in enumerate(files, start=1):
        shown = f"{content_dir.name}/{kind}/{os.path.basename(path)}"  # noqa: PTH119
        result = read(kind, path, shown)
        problems.extend(result.problems)
        if result.entity is not None:
            # The text is kept so that a corpus check can point at a line; `data` is only
            # read by validation, which this entity has passed.
            parsed.append(Parsed(kind, result.entity, Document(shown, {}, result.text)))
            digests[kind, result.entity.id] = result.digest
        else:
            # Read again as written (the problems are known): what it names is still checked.
            name = os.path.basename(path).removesuffix(".yaml")  # noqa: PTH119
            broken.append(Broken(kind, name, load_text(result.text, shown)))
        if progress is not None:
            progress(done, len(files))
    problems.extend(check_corpus(parsed, broken))
    problems.sort()
    if has_errors(problems):
        return CorpusResult(None, problems, len(files))
    return CorpusResult(build_fact_base(parsed), problems, len(files), digests)


def build_fact_base(parsed: list[Parsed]) -> FactBase:
    # One pass over the corpus, not one per kind.
    by_kind: dict[FileKind, dict[str, object]] = {kind: {} for kind in MODELS}
    files: dict[tuple[str, str], str] = {}
    for item in parsed:
        by_kind[item.kind][item.entity.id] = item.entity
        files[item.kind, item.entity.id] = item.document.path
    return FactBase(
        actors=cast(dict[str, Actor], by_kind["actors"]),
        events=cast(dict[str, Event], by_kind["events"]),
        relationships=cast(dict[str, Relationship], by_kind["relationships"]),
        sources=cast(dict[str, Source], by_kind["sources"]),
        topics=cast(dict[str, Topic], by_kind["topics"]),
        files=files,
    )
