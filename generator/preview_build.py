"""The preview's MkDocs build: dirty, so only the pages whose Markdown changed are rendered,
then made whole again from what the last build left (`SiteMemory`).

MkDocs' dirty build renders a page only if its file in site_src/ is newer than its HTML; the
generator keeps the modification time of every file whose bytes did not change. What a dirty
build does not do, this module does:

- the search index: the search plugin writes only the rendered pages' entries; each other
  page's entries are put back from the last build, and those of pages that are gone dropped;
- the navigation: a page that was not read has no title, so the title it had is put back;
  if the navigation itself changed (a storyline's title, a new About page), every page shows
  it, and `NavigationChanged` asks for a full build;
- the files of pages that are gone are removed (a full build empties the folder first);
- the theme's templates are compiled once, not once per build (`CompiledTemplates`);
- a file of site_src/ the generator did not change is not modified: MkDocs need not compare
  its modification time with its copy's (three file statuses each, 32,000 files at 10,000
  events) to skip it.

A full build is also what the last build cannot vouch for: the first, one after a failure,
and one after a change to the settings or templates (the caller compares their `stamps`).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands.build import build
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin

from generator.mkdocs_hook import PREVIEW_PLUGIN, fill_nav

SEARCH_INDEX = Path("search") / "search_index.json"
Stamps = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class SiteMemory:
    """What the last complete build left, for the next dirty build to fill in from."""

    settings: Stamps  # of the files a change to which rebuilds in full
    pages: dict[str, tuple[Any, Any]]  # src_uri → (title, meta)
    navigation: list[Any]
    search: dict[str, list[Any]]  # page URL → its search index entries
    outputs: set[str]  # the site files MkDocs wrote or copied


@dataclass(frozen=True)
class Built:
    memory: SiteMemory
    rendered: list[str]  # the pages rendered, by their path in site_src/
    pages: int  # all pages


class NavigationChanged(Exception):
    """Every page shows the navigation: a dirty build cannot bring it up to date."""


class CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates compiled, kept from build to build: each build makes a new Jinja
    environment, which would compile them all again. Jinja checks each source's checksum."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def build_site(
    config: Any,
    storylines: list[str],
    previous: SiteMemory | None,
    settings: Stamps,
    templates: CompiledTemplates,
    changed: Collection[str] = (),
) -> Built:
    """Build config.site_dir: in full, or dirty and made whole if `previous` is given, in
    which case the files of site_src/ not in `changed` are as the last build left them."""
    plugin = _PreviewPlugin(storylines, previous, templates, set(changed))
    config.plugins[PREVIEW_PLUGIN] = plugin
    build(config, serve_url=config.site_url, dirty=previous is not None)
    site_dir = Path(config.site_dir)
    pages = [file.page for file in plugin.files.documentation_pages()]
    outputs = {file.abs_dest_path for file in plugin.files}
    if previous is not None:
        _remove(previous.outputs - outputs, site_dir)
    search = _merge_search_index(
        site_dir / SEARCH_INDEX,
        [page.url for page in pages],
        {page.url for page in plugin.rendered},
        previous.search if previous is not None else None,
    )
    memory = SiteMemory(
        settings,
        {page.file.src_uri: (page.title, page.meta) for page in pages},
        _signature(plugin.nav.items),
        search,
        outputs,
    )
    return Built(memory, [page.file.src_uri for page in plugin.rendered], len(pages))


def stamps(paths: Iterable[Path | None]) -> Stamps:
    """The modification time and size of each file at or under `paths`."""
    found = {}
    for path in paths:
        for file in (sorted(path.rglob("*")) if path.is_dir() else [path]) if path else []:
            if file.is_file():
                stat = file.stat()
                found[file.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


class _NoSettings(Config):  # type: ignore[no-untyped-call]
    """The preview plugin is added by the preview, not named in mkdocs.yml: it has none."""


class _PreviewPlugin(BasePlugin[_NoSettings]):  # type: ignore[no-untyped-call]
    """Added to each build's plugins: fills the navigation in and notes what was rendered."""

    def __init__(
        self,
        storylines: list[str],
        memory: SiteMemory | None,
        templates: CompiledTemplates,
        changed: set[str],
    ) -> None:
        super().__init__()
        self.storylines = storylines
        self.memory = memory  # None: a full build
        self.templates = templates
        self.changed = changed
        self.nav: Any = None
        self.files: Any = None
        self.rendered: list[Any] = []  # pages

    def on_config(self, config: Any) -> Any:
        fill_nav(config, Path(config.docs_dir), self.storylines)
        return config

    def on_files(self, files: Any, config: Any) -> Any:
        if self.memory is None:
            return files
        for file in files:
            # Not the theme's files: the settings' stamps do not cover the installed theme.
            if file.src_dir == config.docs_dir and file.src_uri not in self.changed:
                file.is_modified = _not_modified
        return files

    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        self.nav = nav
        return nav

    def on_env(self, env: jinja2.Environment, config: Any, files: Any) -> jinja2.Environment:
        self.files = files
        env.bytecode_cache = self.templates
        if self.memory is None:
            return env
        for file in files.documentation_pages():
            # A page the dirty build did not read has no title; the navigation shows it.
            if file.page.content is None and file.src_uri in self.memory.pages:
                file.page.title, file.page.meta = self.memory.pages[file.src_uri]
        if _signature(self.nav.items) != self.memory.navigation:
            raise NavigationChanged
        return env

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        self.rendered.append(page)
        return output


def _not_modified() -> bool:
    return False


def _merge_search_index(
    path: Path, urls: list[str], rendered: set[str], previous: dict[str, list[Any]] | None
) -> dict[str, list[Any]]:
    """Each page's search entries: this build's for the pages it rendered, the last build's
    for the others. The search plugin wrote only the rendered pages' (a full build: all)."""
    if not path.is_file():
        return {}  # no search plugin
    index = json.loads(path.read_text(encoding="utf-8"))
    fresh: dict[str, list[Any]] = {}
    for entry in index["docs"]:
        fresh.setdefault(entry["location"].partition("#")[0], []).append(entry)
    if previous is None:
        return fresh
    merged = {url: (fresh if url in rendered else previous).get(url, []) for url in urls}
    index["docs"] = [entry for url in urls for entry in merged[url]]
    path.write_text(json.dumps(index, separators=(",", ":"), default=str), encoding="utf-8")
    return merged


def _remove(outputs: Iterable[str], site_dir: Path) -> None:
    """The files of pages that are gone, and the folders they leave empty."""
    for output in outputs:
        path = Path(output)
        path.unlink(missing_ok=True)
        for folder in path.parents:
            if folder == site_dir or not folder.is_relative_to(site_dir) or any(folder.iterdir()):
                break
            folder.rmdir()


def _signature(items: Iterable[Any]) -> list[Any]:
    """The navigation as every page shows it: titles and addresses, in order."""
    return [
        (item.title, getattr(item, "url", None), _signature(item.children or [])) for item in items
    ]
