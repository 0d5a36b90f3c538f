"""Problems are values: a `Diagnostic` names a place in a file and says how to fix it.

Every stage returns diagnostics rather than raising; only the command line turns them into
an exit status. Lines and columns are 1-based, as editors and GitHub count them.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

# The exit statuses of every command: clean (warnings allowed); the content needs an edit (it
# has errors, `fmt` would change or refused a file, `new` would overwrite one); a usage error.
EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    path: str
    line: int
    column: int
    severity: Severity
    message: str
    code: str

    def format_text(self) -> str:
        return (
            f"{printable(self.path)}:{self.line}:{self.column}: {self.severity.value}: "
            f"{printable(self.message)} [{self.code}]"
        )

    def format_github(self) -> str:
        # Workflow commands end at a line break and split properties at `,` and `:`; with
        # control characters already shown as \xNN, `%` escaping keeps the rest intact.
        message = printable(self.message).replace("%", "%25")
        path = printable(self.path).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
        return (
            f"::{self.severity.value} file={path},line={self.line},"
            f"col={self.column},title={self.code}::{message}"
        )


# Control characters from a file's name or values would reach the editor's terminal raw: an
# escape sequence could rewrite or erase the lines above it, hiding an error.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def error(path: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, line, column, Severity.ERROR, message, code)


def warning(path: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, line, column, Severity.WARNING, message, code)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate an editor most probably meant, if any is close enough."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'title'?)', or '' when nothing is close."""
    match = closest(word, candidates)
    return f" (did you mean '{match}'?)" if match else ""


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = len(diagnostics) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def format_all(diagnostics: Sequence[Diagnostic], style: str) -> str:
    ordered = sorted(diagnostics)
    if style == "json":
        return json.dumps(
            [{**asdict(d), "severity": d.severity.value} for d in ordered],
            indent=2,
            ensure_ascii=False,
        )
    if style == "github":
        return "\n".join(d.format_github() for d in ordered)
    return "\n".join(d.format_text() for d in ordered)
