"""The privacy and quality linter for ekspertbistand reports.

Pipeline (one stage per module): :mod:`~.nlp` (spaCy, no downloads) → :mod:`~.engine` (Presidio
``AnalyzerEngine`` with our Norwegian recognizers from :mod:`~.recognizers`) → :class:`~.finding.Finding`
→ overlap resolution → :mod:`~.suppress` → :mod:`~.config` → :mod:`~.formatters`.

Heavy modules (presidio, spaCy) are imported only when a linter is built, so ``import ekspertrapport.lint``
stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Linter, LintResult, lint_text
    from .finding import Finding

_LAZY = {
    "Linter": "ekspertrapport.lint.engine",
    "LintResult": "ekspertrapport.lint.engine",
    "lint_text": "ekspertrapport.lint.engine",
    "Finding": "ekspertrapport.lint.finding",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ekspertrapport.lint' has no attribute {name!r}")
