"""MkDocs hook (mkdocs.yml `hooks:`): regenerate site_src/ from content/ on every build.

`mkdocs build` and each rebuild of `mkdocs serve` run `on_config`, which runs the same
generation step as `python -m generator build`, under the same lock (`site_src.lock`), so
the two never interleave. A content error stops the build with the
checker's diagnostics and leaves site_src/ as it was. `on_serve` watches content/ and pages/
instead of site_src/: saving a YAML file rebuilds the pages once, and the generator's own
writes into site_src/ do not set off a second, identical rebuild.

`python -m generator serve` (generator/serve.py) generates site_src/ itself, once per save,
and fills the navigation with `fill_nav`; it registers the plugin `PREVIEW_PLUGIN`, which
tells `on_config` to leave both to it.
"""

from __future__ import annotations

import logging
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

# MkDocs imports this file by path; make the generator package importable from a checkout.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402

from generator import diagnostics  # noqa: E402
from generator.build import (  # noqa: E402
    edit_base_from_settings,
    edited_file_warnings,
    foreign_file_warnings,
    generate,
    site_from_settings,
    summary_line,
)
from generator.lock import WAITING_MESSAGE, build_lock  # noqa: E402
from generator.nav import content_sections, filled  # noqa: E402

log = logging.getLogger("mkdocs.hooks.generator")

PREVIEW_PLUGIN = "generator-preview"
# What citations and feeds say of the site (build.site_from_settings).
_SITE_SETTINGS = ("site_name", "site_url", "repo_url")


def _project_root(config: Any) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: Any) -> Any:
    if PREVIEW_PLUGIN in config.plugins:
        return config
    root = _project_root(config)
    out = Path(config.docs_dir)
    # The same lock as `python -m generator build`, held from reading content/ to the swap.
    # Waiting is logged at INFO: a warning would fail `mkdocs build --strict`.
    with build_lock(out, on_wait=lambda: log.info(WAITING_MESSAGE)):
        result = generate(
            root / "content",
            out,
            pages_dir=root / "pages",
            edit_base=edit_base_from_settings(config.repo_url, config.extra),
            site=site_from_settings(*(getattr(config, k, None) for k in _SITE_SETTINGS)),
        )
    if not result.ok:
        text = diagnostics.format_all(result.diagnostics, "text")
        raise PluginError(
            f"content errors; site_src/ left as it was "
            f"({diagnostics.summary(result.diagnostics)}):\n{text}"
        )
    for problem in result.diagnostics:
        log.info(problem.format_text())
    assert result.report is not None
    for line in foreign_file_warnings(out, result.report):
        log.warning(line)
    for line in edited_file_warnings(out, result.report):
        log.warning(line)
    if result.history_note:  # INFO: a tarball must still pass `mkdocs build --strict`
        log.info(result.history_note)
    log.info(summary_line(out, result))
    fill_nav(config, out, result.storylines)
    return config


def fill_nav(config: Any, out: Path, storylines: list[str]) -> None:
    """Sections whose pages depend on the content: the storylines, and the About pages.

    `python -m generator build` writes the same lists into mkdocs.yml (generator/nav.py), so
    a build without this hook has them too; filled here, they are right even when mkdocs.yml
    was not rewritten since the content changed (a preview that adds a storyline).
    """
    nav = config.nav
    if isinstance(nav, list):
        nav[:] = filled(nav, content_sections(out, storylines))


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    root = _project_root(config)
    with suppress(KeyError):  # `mkdocs serve` watches docs_dir; a plugin may have unwatched it
        server.unwatch(config.docs_dir)
    for folder in ("content", "pages"):
        if (root / folder).is_dir():
            server.watch(str(root / folder))
    return server
