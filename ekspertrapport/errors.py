"""Errors and exit codes shared by the library and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit codes (see the README and ``spec/lint-json.md``)."""

    OK = 0
    FINDINGS = 1  # findings at or above --fail-on, a refused approval, a failed verification
    USAGE = 2  # the command could not do its work: bad arguments or unreadable/malformed input


class EkspertrapportError(Exception):
    """An error with a Norwegian message meant for the user; the CLI prints it and exits with 2."""

    exit_status = ExitStatus.USAGE

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One problem in a report source, located by file and line."""

    path: str
    line: int | None
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ReportError(EkspertrapportError):
    """A report source that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class LockedError(EkspertrapportError):
    """An attempt to change or overwrite something that is approved and locked."""
