"""Problems are values: a `Diagnostic` names a place in a file and says how to fix it.

Every stage returns diagnostics rather than raising; only the command line turns them into
an exit status. Lines and columns are 1-based, as editors and GitHub count them.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum


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
            f"{self.path}:{self.line}:{self.column}: {self.severity.value}: "
            f"{self.message} [{self.code}]"
        )

    def format_github(self) -> str:
        # GitHub's workflow commands take `%`, CR and LF escaped in the message.
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return (
            f"::{self.severity.value} file={self.path},line={self.line},"
            f"col={self.column},title={self.code}::{message}"
        )


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
