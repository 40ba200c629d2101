"""ekspertrapport: report template, privacy linter and approval lock for ekspertbistand reports.

The public API is imported lazily, so that ``import ekspertrapport`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.3.0"

_LAZY = {
    "lint_text": "ekspertrapport.lint",
    "Linter": "ekspertrapport.lint",
    "load_report": "ekspertrapport.source",
    "check_paths": "ekspertrapport.check",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ekspertrapport' has no attribute {name!r}")
