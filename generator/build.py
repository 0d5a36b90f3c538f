"""The generation step: content/ → checked fact base → rendered site → site_src/.

Used by `python -m generator build` and by the MkDocs hook (mkdocs_hook.py), so both build
exactly the same site_src/. A content error stops the build before anything is written.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import diagnostics, incremental
from generator.corpus import CorpusResult, Progress, load_corpus
from generator.diagnostics import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, Diagnostic, error
from generator.history import start_reading_history
from generator.lock import build_lock
from generator.nav import content_sections, write_nav
from generator.render import links
from generator.render.citations import SiteInfo
from generator.render.page_meta import with_front_matter
from generator.render.pages_topics import storyline_pages
from generator.render.site import PageConflict, RenderOptions, render_site
from generator.runtime import collector_paused
from generator.write import Current, WriteReport, recover, write_site


@dataclass(frozen=True)
class BuildResult:
    diagnostics: list[Diagnostic]
    files_read: int
    report: WriteReport | None  # None when the build stopped before writing
    seconds: float = 0.0
    # The storyline pages in their order, for the nav's Storylines section.
    storylines: list[str] = field(default_factory=list)
    # Said once per build when content/'s git history is missing or shallow.
    history_note: str | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None


# --- inputs besides content/ ------------------------------------------------------------------


def hand_written_pages(pages_dir: Path) -> dict[str, str]:
    """Every Markdown file under pages/, by its path there, exactly as written."""
    if not pages_dir.is_dir():
        return {}
    return {
        path.relative_to(pages_dir).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(pages_dir.rglob("*.md"))
        # Hidden files and folders inside pages/ are skipped, not the folders above it.
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(pages_dir).parts)
    }


def guide_pages() -> dict[str, str]:
    """The editors' guide's generated reference pages, once generator/guide.py exists."""
    if importlib.util.find_spec("generator.guide") is None:
        return {}
    guide = importlib.import_module("generator.guide")
    pages: dict[str, str] = guide.reference_pages()
    # Generated like the content's pages, so described like them in the <head>.
    return {path: with_front_matter(text) for path, text in pages.items()}


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for two settings, skipping tags (!ENV, !!python/name) it cannot run."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def edit_base_from_mkdocs_yml(path: Path) -> str | None:
    """The edit-link base from mkdocs.yml's repo_url and extra.content_edit_uri, if set."""
    try:
        settings = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(settings, dict):
        return None
    return edit_base_from_settings(settings.get("repo_url"), settings.get("extra"))


def edit_base_from_settings(repo_url: Any, extra: Any) -> str | None:
    edit_uri = extra.get("content_edit_uri") if isinstance(extra, Mapping) else None
    if not isinstance(repo_url, str):
        return None
    return links.edit_base(repo_url, edit_uri if isinstance(edit_uri, str) else None)


def site_from_settings(site_name: Any, site_url: Any, repo_url: Any) -> SiteInfo:
    """What citations and feeds say of the site, from mkdocs.yml's settings."""

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) and value.strip() else None

    return SiteInfo(text(site_name) or SiteInfo.name, text(site_url), text(repo_url))


def site_from_mkdocs_yml(path: Path) -> SiteInfo:
    try:
        settings = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except (OSError, yaml.YAMLError):
        return SiteInfo()
    if not isinstance(settings, dict):
        return SiteInfo()
    return site_from_settings(*(settings.get(k) for k in ("site_name", "site_url", "repo_url")))


# --- the step ---------------------------------------------------------------------------------


def check_content(content: Path, progress: Progress | None, *, cache: bool) -> CorpusResult:
    """Load and check content/, with the parse cache `build` keeps (unless `cache` is
    False): a check reads again only the files changed since the last check or build."""
    with collector_paused():
        if not cache:
            return load_corpus(content, progress)
        parse_cache = incremental.parse_cache_for(content)
        result = load_corpus(content, progress, read=parse_cache.reader())
        parse_cache.save()
        return result


def generate(
    content: Path,
    out: Path,
    *,
    pages_dir: Path | None = None,
    edit_base: str | None = None,
    progress: Progress | None = None,
    cache: bool = True,
    timings: dict[str, float] | None = None,
    site: SiteInfo | None = None,
) -> BuildResult:
    """Check content/, render the site and write it to `out`.

    With `cache` (the default), unchanged content files are not parsed again, and a process
    that builds again does not render again the units whose reads of the fact base give
    what they gave (generator/incremental.py); the output is the same either way.
    `timings`, if given, receives the seconds each stage took: "load" (load and validate),
    "render" and "write".
    """
    with collector_paused():
        return _generate(
            content, out, pages_dir, edit_base, progress, cache, timings, site or SiteInfo()
        )


def _generate(
    content: Path,
    out: Path,
    pages_dir: Path | None,
    edit_base: str | None,
    progress: Progress | None,
    cache: bool,
    timings: dict[str, float] | None,
    site: SiteInfo,
) -> BuildResult:
    started = time.perf_counter()
    stages = timings if timings is not None else {}
    # Read once per build, from one `git log` that runs while content/ loads.
    history_of_content = start_reading_history(content.parent)
    session = incremental.session_for(content, out) if cache else None
    if session is not None:
        corpus = load_corpus(content, progress, read=session.parse_cache.reader())
        session.parse_cache.save()
    else:
        corpus = load_corpus(content, progress)
    stages["load"] = time.perf_counter() - started
    history = history_of_content()  # passed to the pages as data (and git waited for)
    if corpus.facts is None:
        return BuildResult(corpus.diagnostics, corpus.files_read, None)
    rendering = time.perf_counter()
    extra = hand_written_pages(pages_dir) if pages_dir is not None else {}
    extra.update(guide_pages())
    options = RenderOptions(edit_base=edit_base, extra_pages=extra, site=site, history=history)
    # Held from the check of site_src/ to the swap (re-entrant: the commands hold it already),
    # so that the pages the memo finds unchanged there are still there when it is swapped.
    with build_lock(out):
        recover(out)
        on_disk = Current(out)
        # A new history (a commit) or site address changes what every page may show.
        settings = repr((edit_base, site, history.fingerprint))
        memo = _memo_for(session, settings) if session is not None else None
        run = None
        if memo is not None:
            run = memo.runner(incremental.Answers(corpus.facts, corpus.digests), on_disk)
        try:
            files = render_site(corpus.facts, options, run)
        except PageConflict as conflict:
            problem = error(
                (pages_dir or Path("pages")).as_posix(),
                1,
                1,
                "page-conflict",
                f"hand-written pages have the paths of generated ones: {conflict}; rename them",
            )
            return BuildResult([*corpus.diagnostics, problem], corpus.files_read, None)
        writing = time.perf_counter()
        stages["render"] = writing - rendering
        report = write_site(files, out, current=on_disk)
        if memo is not None and run is not None:
            memo.finish(run)
    stages["write"] = time.perf_counter() - writing
    return BuildResult(
        corpus.diagnostics,
        corpus.files_read,
        report,
        time.perf_counter() - started,
        storyline_pages(corpus.facts),
        history.note,
    )


def _memo_for(session: incremental.Session, settings: str) -> incremental.RenderMemo:
    """The session's render memo, started afresh if the units were rendered otherwise."""
    if session.memo.settings != settings:
        session.memo = incremental.RenderMemo(settings)
    return session.memo


def foreign_file_warnings(out: Path, report: WriteReport) -> list[str]:
    return [
        f"{(out / path).as_posix()}: warning: not written by the generator; kept. "
        "Put hand-written pages in pages/ instead. [foreign-file]"
        for path in report.foreign
    ]


def summary_line(out: Path, result: BuildResult) -> str:
    report = result.report
    assert report is not None
    total = report.unchanged + len(report.written)
    changed = f"{len(report.written)} written, {report.unchanged} unchanged"
    if report.removed:
        changed += f", {len(report.removed)} removed"
    return (
        f"build passed: {result.files_read} content files, "
        f"{diagnostics.summary(result.diagnostics)}; {out.as_posix()}/: {total} files "
        f"({changed}) in {result.seconds:.2f}s"
    )


def edited_file_warnings(out: Path, report: WriteReport) -> list[str]:
    """One warning per generated file that was edited by hand, saying where the edit went."""
    return [
        f"{(out / path).as_posix()}: warning: edited by hand since the last build; "
        f"replaced by the generated page, and the edit saved as {saved}. Edit content/ or "
        "pages/ instead. [edited-output]"
        for path, saved in report.edited
    ]


def run_build_command(args: argparse.Namespace, progress: Progress | None = None) -> int:
    content: Path = args.content
    out: Path = args.out
    if out.exists() and not out.is_dir():
        print(f"python -m generator build: error: --out {out} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    # One build at a time, from reading content/ to the swap: a build that read older
    # content must not overwrite the output of one that read newer content.
    with build_lock(out):
        try:
            result = generate(
                content,
                out,
                pages_dir=content.parent / "pages",
                edit_base=edit_base_from_mkdocs_yml(content.parent / "mkdocs.yml"),
                progress=progress,
                cache=not args.no_cache,
                site=site_from_mkdocs_yml(content.parent / "mkdocs.yml"),
            )
        except OSError as problem:
            print(f"build failed: cannot write {out.as_posix()}/: {problem}", file=sys.stderr)
            return EXIT_CONTENT
    if result.diagnostics:
        print(diagnostics.format_all(result.diagnostics, "text"))
    if not result.ok:
        print(
            f"build failed: {result.files_read} files, {diagnostics.summary(result.diagnostics)}; "
            f"{out.as_posix()}/ left as it was",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    assert result.report is not None
    for line in [
        *foreign_file_warnings(out, result.report),
        *edited_file_warnings(out, result.report),
    ]:
        print(line, file=sys.stderr)
    if result.history_note:
        print(f"note: {result.history_note}", file=sys.stderr)
    print(summary_line(out, result), file=sys.stderr)
    config_file = content.parent / "mkdocs.yml"
    if write_nav(config_file, content_sections(out, result.storylines)):
        print(f"{config_file.as_posix()}: nav updated (storylines, about pages)", file=sys.stderr)
    return EXIT_OK
