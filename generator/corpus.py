"""The load → validate → model stages, run over a whole `content/` folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from generator.diagnostics import Diagnostic, error, has_errors, warning
from generator.load import load_file
from generator.model import FactBase
from generator.schema import MODELS, Actor, Event, FileKind, Relationship, Source, Topic
from generator.validate import Parsed, check_corpus, validate_document

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CorpusResult:
    facts: FactBase | None
    diagnostics: list[Diagnostic]
    files_read: int

    @property
    def ok(self) -> bool:
        return self.facts is not None


def content_files(content_dir: Path) -> tuple[list[tuple[FileKind, Path]], list[Diagnostic]]:
    """The YAML files to load, and a diagnostic for anything else found under content/."""
    files: list[tuple[FileKind, Path]] = []
    problems: list[Diagnostic] = []
    if not content_dir.is_dir():
        return files, [
            error(content_dir.as_posix(), 1, 1, "no-content", "content folder not found")
        ]
    for entry in sorted(content_dir.iterdir()):
        shown = _shown(entry, content_dir)
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and entry.name in MODELS:
            kind: FileKind = entry.name
            for path in sorted(entry.iterdir()):
                if path.suffix == ".yaml" and path.is_file():
                    files.append((kind, path))
                elif not path.name.startswith("."):
                    problems.append(_stray(path, content_dir))
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


def load_corpus(content_dir: Path, progress: Progress | None = None) -> CorpusResult:
    files, problems = content_files(content_dir)
    parsed: list[Parsed] = []
    for done, (kind, path) in enumerate(files, start=1):
        document = load_file(path, _shown(path, content_dir))
        item, file_problems = validate_document(kind, document, path.stem)
        problems.extend(file_problems)
        if item is not None:
            parsed.append(item)
        if progress is not None:
            progress(done, len(files))
    problems.extend(check_corpus(parsed))
    problems.sort()
    if has_errors(problems):
        return CorpusResult(None, problems, len(files))
    return CorpusResult(build_fact_base(parsed), problems, len(files))


def build_fact_base(parsed: list[Parsed]) -> FactBase:
    def of(kind: FileKind) -> dict[str, object]:
        return {p.entity.id: p.entity for p in parsed if p.kind == kind}

    return FactBase(
        actors=cast(dict[str, Actor], of("actors")),
        events=cast(dict[str, Event], of("events")),
        relationships=cast(dict[str, Relationship], of("relationships")),
        sources=cast(dict[str, Source], of("sources")),
        topics=cast(dict[str, Topic], of("topics")),
        files={(p.kind, p.entity.id): p.document.path for p in parsed},
    )
