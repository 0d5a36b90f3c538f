"""Developer and editor tasks: `nox -s <session>`; `nox --list` shows them all.

Every session installs what it needs into its own virtual environment, so a machine with only
Python and nox (which the README installs into .venv/) can run all of them. Arguments after
`--` are passed through, as in `nox -s tests -- -k fmt` or `nox -s check -- --format github`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import nox

# uv is not installed everywhere; the standard library's venv is.
nox.options.default_venv_backend = "venv"
# Re-use a session's environment between runs; each session still installs its requirements,
# which pip skips when they are already met.
nox.options.reuse_venv = "yes"
# A session that runs a tool it did not install is a bug: it would pass here and fail elsewhere.
nox.options.error_on_external_run = True
nox.options.sessions = ["lint", "typecheck", "tests"]


def _not_the_uv_search(record: logging.LogRecord) -> bool:
    # nox looks for uv before every session, whichever backend is chosen, and says
    # "uv binary not found." where there is none: nothing a user of this project need act on.
    return record.getMessage() != "uv binary not found."


logging.getLogger("nox").addFilter(_not_the_uv_search)

ROOT = Path(__file__).parent
# Linters are pinned so that a new release cannot fail a build that passed yesterday.
RUFF = "ruff==0.17.6"
MYPY = "mypy==2.4.1"
CHROMIUM = Path("/usr/bin/chromium")
# Material for MkDocs prints an end-of-life notice on every build, which its own text says this
# variable turns off. Moving to its successor is the project's decision (docs/design.md),
# not something whoever builds the site can act on.
QUIET_MKDOCS = {"NO_MKDOCS_2_WARNING": "1"}


def _lint_targets() -> list[str]:
    targets = ["generator", "tests", "noxfile.py"]
    if (ROOT / "benchmarks").is_dir():
        targets.append("benchmarks")
    return targets


def _build_site(session: nox.Session) -> None:
    session.run("python", "-m", "generator", "build")
    session.run("mkdocs", "build", "--strict", env=QUIET_MKDOCS)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite with pytest (arguments after -- go to pytest)."""
    session.install("-e", ".[test]")
    # `python -m pytest` puts the project folder on sys.path, so tests can import `tests.*`.
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check style with ruff: lint rules, then formatting (nothing is changed)."""
    session.install(RUFF)
    targets = _lint_targets()
    session.run("ruff", "check", *targets)
    session.run("ruff", "format", "--check", *targets)


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check generator/ with mypy --strict (the settings are in pyproject.toml)."""
    # The package itself is installed so that mypy's pydantic plugin sees pydantic.
    session.install(MYPY, "types-PyYAML", "-e", ".")
    session.run("mypy", *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """Validate content/ and report every problem (e.g. -- --format github)."""
    session.install("-e", ".")
    session.run("python", "-m", "generator", "check", *session.posargs)


@nox.session
def site(session: nox.Session) -> None:
    """Check content/, write the pages into site_src/, then build site/ with mkdocs --strict."""
    session.install("-e", ".")
    _build_site(session)


@nox.session
def serve(session: nox.Session) -> None:
    """Preview the site live, rebuilding the pages each save changes (e.g. -- -a 127.0.0.1:8001)."""
    session.install("-e", ".")
    session.run("python", "-m", "generator", "serve", *session.posargs, env=QUIET_MKDOCS)


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks (python -m benchmarks; arguments after -- are passed on)."""
    if not (ROOT / "benchmarks").is_dir():
        session.error("benchmarks/ does not exist yet: there are no benchmarks to run")
    # Playwright too: `-- --phone` opens the built site in Chromium (benchmarks/phone.py).
    session.install("-e", ".[browser]")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session
def browser(session: nox.Session) -> None:
    """Build the site, then test it in headless Chromium with Playwright (tests/browser)."""
    if not CHROMIUM.exists():
        session.error("Chromium not found: install it with `apt-get install chromium` (Debian)")
    session.install("-e", ".[browser]")
    # axe-core, pinned by tests/browser/package-lock.json, for the accessibility checks.
    with session.chdir(ROOT / "tests" / "browser"):
        session.run("npm", "ci", "--no-audit", "--no-fund", external=True)
    # Material's instant navigation needs site_url (see mkdocs.yml); the tests serve the site
    # from 127.0.0.1 and check that navigation is instant.
    session.env["SITE_URL"] = "http://127.0.0.1:8000/"
    _build_site(session)
    session.run("python", "-m", "pytest", "tests/browser", *session.posargs)
