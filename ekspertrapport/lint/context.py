"""Per-call lint context for recognizers: målform, allowed names and contacts, full report or not.

The engine sets it around each analysis (a ContextVar, so concurrent lints in threads don't mix);
recognizers read it with :func:`current`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document


@dataclass(frozen=True)
class LintContext:
    malform: str = "nb"
    #: Names of the report's parties (worker, expert, leader) — not flagged as other people's names.
    allowed_names: frozenset[str] = frozenset()
    #: The expert's own contact details from the front matter: lower-cased e-mail addresses and
    #: phone numbers as their last 8 digits.
    allowed_contacts: frozenset[str] = frozenset()
    full_report: bool = False
    #: style.length warns above this many words (configuration ``max_words``).
    max_words: int = 1500
    document: Document | None = field(default=None, compare=False, repr=False)


_CURRENT: ContextVar[LintContext] = ContextVar("ekspertrapport_lint_context", default=LintContext())


def current() -> LintContext:
    """The context of the lint in progress (a default, empty one outside a lint)."""
    return _CURRENT.get()


@contextlib.contextmanager
def using(context: LintContext) -> Iterator[LintContext]:
    token = _CURRENT.set(context)
    try:
        yield context
    finally:
        _CURRENT.reset(token)
