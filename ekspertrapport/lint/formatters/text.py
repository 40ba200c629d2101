"""``--format text``: ``path:line:col: severity rule-id message``, the source line with a caret under
the finding, and the suggestion. Colour only when writing to a terminal (and ``NO_COLOR`` is unset).
Suppressed findings are counted in the summary, not listed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
_LABEL = {
    "nb": {"error": "feil", "warning": "advarsel", "info": "info", "suggestion": "forslag", "allowed": "tillatt",
           "ok": "ingen funn"},
    "nn": {"error": "feil", "warning": "åtvaring", "info": "info", "suggestion": "framlegg", "allowed": "tillate",
           "ok": "ingen funn"},
}


def render(results: Iterable[Any], *, colour: bool = False, texts: dict[str, str] | None = None) -> str:
    """Render results; ``texts`` maps a path to its file text (for the source line under each finding)."""
    return "".join(render_one(r, colour=colour, text=(texts or {}).get(r.path)) for r in results)


def render_one(result: Any, *, colour: bool = False, text: str | None = None) -> str:
    if result.error is not None:
        return ""  # errors go to stderr
    labels = _LABEL.get(result.malform, _LABEL["nb"])

    def paint(s: str, code: str) -> str:
        return f"{code}{s}{_RESET}" if colour else s

    lines = text.splitlines() if text is not None else []
    out: list[str] = []
    for f in result.active:
        if f.location:  # .docx/.pdf: line numbers of the extracted text mean nothing to a Word user
            from ...source.docx_text import describe_location

            where = f"{result.path} ({describe_location(f.location)})"
        else:
            where = f"{result.path}:{f.line}:{f.column}" if f.line else result.path
        head = f"{paint(where, _BOLD)}: {paint(f.severity, _COLOURS[f.severity])} {f.rule} {f.message}"
        out.append(head)
        if f.location:
            out.append(f"    «{f.text}»")
        elif f.line and 0 < f.line <= len(lines):
            source = lines[f.line - 1].expandtabs(1)
            first_line_len = len(f.text.split("\n", 1)[0]) or 1
            caret = " " * (f.column - 1) + "^" + "~" * (min(first_line_len, len(source) - f.column + 1) - 1)
            out.append(f"    {source}")
            out.append(f"    {paint(caret, _COLOURS[f.severity])}")
        if f.suggestion:
            out.append(f"    {paint(labels['suggestion'] + ':', _DIM)} {f.suggestion}")
    counts = {s: sum(1 for f in result.active if f.severity == s) for s in ("error", "warning", "info")}
    suppressed = len(result.findings) - len(result.active)
    summary = ", ".join(f"{n} {labels[s]}" for s, n in counts.items() if n) or labels["ok"]
    if suppressed:
        summary += f" ({suppressed} {labels['allowed']})"
    out.append(f"{result.path}: {summary}")
    return "\n".join(out) + "\n"
