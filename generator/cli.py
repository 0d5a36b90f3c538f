"""The command line: where problems become exit statuses (diagnostics.EXIT_*)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import diagnostics
from generator.build import check_content, run_build_command
from generator.corpus import Progress
from generator.diagnostics import EXIT_CONTENT, EXIT_OK, EXIT_USAGE
from generator.schema import MODELS, json_schema


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m generator",
        description="Validate the Sahel fact base and compile it into the site's pages.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="validate content/ and report every problem")
    _add_content_option(check)
    _add_cache_option(check)
    check.add_argument(
        "--format",
        choices=("text", "github", "json"),
        default="text",
        help="text (path:line:column), github (Actions annotations) or json",
    )

    schema = commands.add_parser("schema", help="write the JSON Schemas editors' tools use")
    schema.add_argument("--out", type=Path, help="default: the project's schemas/")
    schema.add_argument(
        "--check", action="store_true", help="only report whether the files are up to date"
    )
    build = commands.add_parser(
        "build", help="check content/, then write the site's pages into site_src/"
    )
    _add_content_option(build)
    build.add_argument("--out", type=Path, help="default: site_src/ beside the content folder")
    _add_cache_option(build)

    new = commands.add_parser("new", help="write a commented template for a new entity")
    new.add_argument("kind", choices=("event", "actor", "source", "relationship", "topic"))
    new.add_argument("id", help="the new entity's id, such as 'niger-coup-2023'")
    _add_content_option(new)

    fmt = commands.add_parser(
        "fmt", help="normalise YAML files in place (key order, quoting, dates), keeping comments"
    )
    fmt.add_argument("paths", nargs="*", type=Path, help="files to format (default: all content)")
    fmt.add_argument("--check", action="store_true", help="only report files that would change")
    _add_content_option(fmt)

    serve = commands.add_parser(
        "serve", help="preview the site live, rebuilding only the pages a save changes"
    )
    serve.add_argument("-a", "--dev-addr", metavar="HOST:PORT", help="default: mkdocs.yml's")
    serve.add_argument(
        "-f", "--config-file", type=Path, default=Path("mkdocs.yml"), help="default: mkdocs.yml"
    )
    serve.add_argument(
        "--poll", action="store_true", help="look for changes every half second, as mkdocs serve"
    )
    sources = commands.add_parser("sources", help="list sources that need an editor's attention")
    sources.add_argument(
        "--missing-archive",
        action="store_true",
        required=True,
        help="the sources with an address but no archived copy (archive_url)",
    )
    _add_content_option(sources)
    _add_cache_option(sources)
    return parser


def _add_content_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--content",
        type=Path,
        help="content folder (default: the content/ folder of the project you are in)",
    )


def _add_cache_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="read every file again and leave the caches as they are (the result is the same)",
    )


def progress_printer(label: str) -> Progress | None:
    """Report progress on a terminal only, so logs and pipes stay clean."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        if done == total or done % 200 == 0:
            end = "\n" if done == total else ""
            print(f"\r{label}: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return report


def run_check(args: argparse.Namespace) -> int:
    result = check_content(args.content, progress_printer("checking"), cache=not args.no_cache)
    problems = result.diagnostics
    if args.format == "json":
        print(diagnostics.format_all(problems, "json"))
    elif problems:
        print(diagnostics.format_all(problems, args.format))
    if args.format == "text":
        status = "failed" if not result.ok else "passed"
        print(
            f"check {status}: {result.files_read} files, {diagnostics.summary(problems)}",
            file=sys.stderr,
        )
    return EXIT_OK if result.ok else EXIT_CONTENT


def run_sources(args: argparse.Namespace) -> int:
    """Each source with an address and no archived copy, by file, for editors to fill in."""
    result = check_content(args.content, progress_printer("checking"), cache=not args.no_cache)
    if result.facts is None:
        print(diagnostics.format_all(result.diagnostics, "text"))
        print(f"sources failed: {diagnostics.summary(result.diagnostics)}", file=sys.stderr)
        return EXIT_CONTENT
    facts = result.facts
    addressed = [s for s in sorted(facts.sources.values(), key=lambda s: s.id) if s.url]
    missing = [s for s in addressed if s.archive_url is None]
    for source in missing:
        print(f"{facts.file_of('sources', source.id)}: {source.url}")
    print(
        f"{len(missing)} of {len(addressed)} sources with an address have no archived copy",
        file=sys.stderr,
    )
    return EXIT_OK


def schema_texts() -> dict[str, str]:
    return {
        f"{kind}.schema.json": json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"
        for kind in MODELS
    }


def run_schema(args: argparse.Namespace) -> int:
    stale = []
    for name, text in schema_texts().items():
        target = args.out / name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(target.as_posix())
        if not args.check:
            args.out.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    if args.check and stale:
        for path in stale:
            print(f"{path}: out of date; run `python -m generator schema`", file=sys.stderr)
        return EXIT_CONTENT
    return EXIT_OK


def run_build(args: argparse.Namespace) -> int:
    return run_build_command(args, progress_printer("checking"))


def run_new(args: argparse.Namespace) -> int:
    from generator.scaffold import run_new_command

    return run_new_command(args)


def run_fmt(args: argparse.Namespace) -> int:
    from generator.fmt import run_fmt_command

    return run_fmt_command(args)


def run_serve(args: argparse.Namespace) -> int:
    from generator.serve import run_serve_command

    return run_serve_command(args)


COMMANDS = {
    "check": run_check,
    "schema": run_schema,
    "build": run_build,
    "new": run_new,
    "fmt": run_fmt,
    "serve": run_serve,
    "sources": run_sources,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    problem = fill_in_project_paths(args, Path.cwd())
    if problem is not None:
        print(f"python -m generator {args.command}: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    return COMMANDS[args.command](args)


# --- the project a command works on --------------------------------------------------------------


def find_project(start: Path) -> Path | None:
    """The nearest folder, from `start` up, that holds a content/ folder: the project's root.

    So a command typed in content/events/ or in pages/ works on the project's content/, not
    on a content/ folder of its own making.
    """
    for folder in (start, *start.parents):
        if (folder / "content").is_dir():
            return folder
    return None


def fill_in_project_paths(args: argparse.Namespace, cwd: Path) -> str | None:
    """Set the folders a command was not given from the project it runs in; why not, if not.

    Paths the user typed are kept as typed. `build --out` defaults to site_src/ beside the
    content folder, as build reads pages/ and mkdocs.yml from beside it.
    """
    if _left_to_find_the_project(args):
        root = find_project(cwd)
        if root is None:
            option = "--out" if args.command == "schema" else "--content"
            return (
                f"no content/ folder in {cwd} or in any folder above it; run the command "
                f"inside the project, or give {option}"
            )
        root = _as_typed_from(root, cwd)
        if args.command == "schema":
            args.out = root / "schemas"
        elif args.content is None:
            args.content = root / "content"
    if args.command == "build" and args.out is None:
        args.out = args.content.parent / "site_src"
    return None


def _left_to_find_the_project(args: argparse.Namespace) -> bool:
    if not hasattr(args, "content") and args.command != "schema":
        return False  # serve reads the project from its mkdocs.yml
    if args.command == "schema":
        return args.out is None
    if args.command == "fmt" and args.paths:
        return False  # the files to format were named
    return args.content is None


def _as_typed_from(root: Path, cwd: Path) -> Path:
    """`root` as the path the editor would type from `cwd` (`.`, `../..`), so that the paths
    a command prints can be opened from where it was typed."""
    return Path(os.path.relpath(root, cwd))
