"""Shared fixtures: the repository root and one linter (heavy pipeline) per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def linter():
    """A :class:`ekspertrapport.lint.Linter` with the default configuration, loaded once."""
    from ekspertrapport.lint import Linter

    return Linter()
