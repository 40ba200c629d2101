"""Shared fixtures' helpers for the approval/lock tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "lock"
SOURCE = FIXTURES / "rapport.md"
REMARKS = FIXTURES / "merknader.md"


@dataclass
class _CleanResult:
    path: str
    findings: list = field(default_factory=list)
    error: str | None = None


class CleanLinter:
    """A linter that finds nothing: for tests about locking, not about linting (fast, no spaCy)."""

    def lint_document(self, document, **_):
        return _CleanResult(document.path)


def copy_source(directory: Path, name: str = "rapport.md") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    shutil.copyfile(SOURCE, target)
    return target


def tree_snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (hidden ones too) with its bytes."""
    if not directory.exists():
        return {}
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}
