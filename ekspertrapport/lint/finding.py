"""A finding: one rule hit at one place, with its Norwegian message and suggestion."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

SEVERITIES: tuple[str, ...] = ("info", "warning", "error")  # ascending


def severity_rank(severity: str) -> int:
    """0 for info, 1 for warning, 2 for error."""
    return SEVERITIES.index(severity)


@dataclass
class Finding:
    rule: str
    category: str
    severity: str
    start: int
    end: int
    text: str
    message: str
    suggestion: str | None = None
    #: Why this was flagged: lexicon entry, pattern, model score or context word.
    explanation: str | None = None
    line: int | None = None
    column: int | None = None
    #: For .docx/.pdf inputs: where the finding is in the document (paragraph, page).
    location: dict[str, Any] | None = None
    suppressed: bool = False
    suppression_reason: str | None = None
    score: float = 1.0
    #: Extra data from the recognizer (not part of the JSON contract).
    metadata: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The contract's fields (``spec/lint-json.md``), in its order, plus our added fields."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
            "explanation": self.explanation,
            "suppressed": self.suppressed,
        }
        if self.suppressed:
            out["suppression_reason"] = self.suppression_reason
        if self.location is not None:
            out["location"] = self.location
        return out

    def at_least(self, severity: str) -> bool:
        return severity_rank(self.severity) >= severity_rank(severity)


def build_finding(rule: Any, document: Any, start: int, end: int, *, malform: str, explanation: str | None = None,
                  suggestion: dict[str, str] | None = None, detail: str | None = None, score: float = 1.0) -> Finding:
    """A Finding for ``rule`` (a :class:`~ekspertrapport.lint.rules.Rule`) at ``[start:end]`` of ``document``.

    ``suggestion`` ({"nb": ..., "nn": ...}) overrides the rule's suggestion for this hit; ``detail`` is
    appended to the rule's message (e.g. which fields a measure lacks).
    """
    message = rule.message_for(malform)
    if detail:
        message = f"{message} ({detail})"
    if suggestion:
        text = suggestion.get(malform) or suggestion.get("nb")
    else:
        text = rule.suggestion_for(malform)
    line, column = document.line_col(start)
    return Finding(
        rule=rule.id, category=rule.category, severity=rule.severity, start=start, end=end,
        text=document.text[start:end], message=message, suggestion=text, explanation=explanation,
        line=line, column=column, location=document.location(start), score=score,
    )


def resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep one finding per overlapping hit.

    Findings of the same rule that overlap are merged into one span. Of overlapping findings in the
    same category, the one with the highest severity, then the longest span (the most specific:
    «Bekhterevs sykdom» over «sykdom»), then the highest score is kept. Across categories both are
    kept unless one lies strictly inside a longer, stronger one (the same span in two categories, e.g.
    a clinic read as a name and as treatment, is reported twice: neither is more specific).
    """
    ranked = sorted(findings, key=lambda f: (-severity_rank(f.severity), -(f.end - f.start), -f.score, f.start))
    kept: list[Finding] = []
    spans = _Spans()  # the kept findings by start: most findings overlap none of them
    for finding in ranked:
        if not spans.overlaps(finding.start, finding.end):
            kept.append(finding)
            spans.add(finding)
            continue
        keep = True
        for other in kept:
            if finding.start >= other.end or other.start >= finding.end:
                continue
            if other.rule == finding.rule:
                if finding.start < other.start or finding.end > other.end:
                    spans.remove(other)
                    _merge(other, finding)
                    spans.add(other)
                keep = False
                break
            if other.category == finding.category:
                keep = False
                break
            if other.start <= finding.start and finding.end <= other.end and (finding.end - finding.start) < (other.end - other.start):
                keep = False  # strictly inside a stronger finding of another category
                break
        if keep:
            kept.append(finding)
            spans.add(finding)
    return sorted(kept, key=lambda f: (f.start, f.end, f.rule))


class _Spans:
    """Findings sorted by start, to tell quickly whether a span overlaps any of them."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.findings: list[Finding] = []
        self.longest = 0

    def add(self, finding: Finding) -> None:
        at = bisect.bisect_right(self.starts, finding.start)
        self.starts.insert(at, finding.start)
        self.findings.insert(at, finding)
        self.longest = max(self.longest, finding.end - finding.start)

    def remove(self, finding: Finding) -> None:
        at = next(k for k in range(bisect.bisect_left(self.starts, finding.start), len(self.findings))
                  if self.findings[k] is finding)
        del self.starts[at], self.findings[at]

    def overlaps(self, start: int, end: int) -> bool:
        # Only a finding that starts less than the longest span before `start` can reach past it.
        low = bisect.bisect_right(self.starts, start - self.longest)
        high = bisect.bisect_left(self.starts, end)
        return any(f.end > start for f in self.findings[low:high])


def _merge(into: Finding, other: Finding) -> None:
    """Grow ``into`` to cover ``other`` (same rule, overlapping); text and line/column follow the start."""
    old_start = into.start
    new_start, new_end = min(into.start, other.start), max(into.end, other.end)
    # Rebuild the text from both pieces: they overlap, so their union is contiguous.
    first, second = (into, other) if into.start <= other.start else (other, into)
    text = first.text + second.text[first.end - second.start:] if second.end > first.end else first.text
    if new_start != old_start:
        into.line, into.column, into.location = other.line, other.column, other.location
    into.start, into.end, into.text = new_start, new_end, text
    if other.explanation and other.explanation != into.explanation:
        into.explanation = f"{into.explanation}; {other.explanation}" if into.explanation else other.explanation
