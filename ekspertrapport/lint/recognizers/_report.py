"""Helpers shared by the structure and style checks: locating lines and measures in a report source."""

from __future__ import annotations

import re
from typing import Any

from ...document import Document
from ..finding import Finding, build_finding
from ..rules import load_rules

WORD = re.compile(r"\w+")


def line_span(text: str, line: int) -> tuple[int, int]:
    """(start, end) of a 1-based line without its indentation and newline; the last line if beyond."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    line = max(1, min(line, len(starts)))
    start = starts[line - 1]
    end = text.find("\n", start)
    end = len(text) if end == -1 else end
    content = text[start:end]
    indent = len(content) - len(content.lstrip())
    return start + indent, start + len(content.rstrip())


def last_line_span(text: str) -> tuple[int, int]:
    """The last line with text (where a missing section would be added)."""
    stripped = text.rstrip()
    start = stripped.rfind("\n") + 1
    return start + len(stripped[start:]) - len(stripped[start:].lstrip()), len(stripped)


def yaml_line(document: Document, *path: Any) -> int | None:
    """The line of a front-matter field (``("tiltak", 0)``), as recorded by the Markdown parser."""
    lines: dict = getattr(document.parsed, "_lines", {}) or {}
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


def measures(document: Document) -> list[dict[str, Any]]:
    fm = document.parsed.front_matter if document.parsed is not None else None
    items = fm.get("tiltak") if isinstance(fm, dict) else None
    return [m if isinstance(m, dict) else {} for m in items] if isinstance(items, list) else []


def finding(rule_id: str, document: Document, span: tuple[int, int], context: Any, *, explanation: str,
            detail: str | None = None) -> Finding:
    return build_finding(load_rules()[rule_id], document, span[0], span[1], malform=context.malform,
                         explanation=explanation, detail=detail)


def words(text: str) -> int:
    return len(WORD.findall(text))
