"""Inline suppressions with a reason.

``<!-- ekspertrapport: tillat health.symptom -- begrunnelse -->`` suppresses findings of that rule (an id,
a category or an id prefix; several may be separated by commas) in the *next paragraph* after the
comment. The reason is required. Suppressed findings are kept, marked ``suppressed`` with their reason,
so that JSON output and the approval log can record them. A malformed directive, a missing reason or an
unknown rule id is a Norwegian error (exit 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import EkspertrapportError
from .finding import Finding
from .rules import matching_rules, selector_matches

_DIRECTIVE = re.compile(r"<!--\s*ekspertrapport\s*:(?P<body>.*?)-->\Z", re.DOTALL | re.IGNORECASE)
_ALLOW = re.compile(r"\s*tillat\s+(?P<rules>\S.*?)\s*", re.DOTALL | re.IGNORECASE)
_REASON_SEP = re.compile(r"\s(?:--|—|–)\s*")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n|\n(?=#)")


@dataclass(frozen=True)
class Suppression:
    selectors: tuple[str, ...]
    reason: str
    start: int  # the paragraph it covers
    end: int

    def covers(self, finding: Finding) -> bool:
        if not (self.start <= finding.start < self.end):
            return False
        return any(selector_matches(s, finding.rule) for s in self.selectors)


def parse_suppressions(text: str, comments: list[tuple[int, int, str]], path: str = "<tekst>") -> list[Suppression]:
    """Every suppression directive among ``comments`` ((start, end, text) in ``text``)."""
    out = []
    for start, end, comment in comments:
        match = _DIRECTIVE.match(comment.strip())
        if not match:
            continue
        line = text.count("\n", 0, start) + 1
        head, *rest = _REASON_SEP.split(match.group("body") + " ", maxsplit=1)
        allow = _ALLOW.fullmatch(head)
        if not allow:
            raise EkspertrapportError(f"{path}:{line}: ugyldig ekspertrapport-kommentar; skriv «<!-- ekspertrapport: tillat <regel-id> -- begrunnelse -->»")
        selectors = tuple(s.strip().rstrip(".") for s in re.split(r"[,\s]+", allow.group("rules")) if s.strip())
        reason = " ".join(rest[0].split()) if rest else ""
        if not reason:
            raise EkspertrapportError(f"{path}:{line}: tillatelsen av {', '.join(selectors)} mangler begrunnelse; skriv «-- begrunnelse» etter regel-id-en")
        for selector in selectors:
            if not matching_rules(selector):
                raise EkspertrapportError(f"{path}:{line}: ukjent regel-id «{selector}» i ekspertrapport-kommentaren")
        out.append(Suppression(selectors, reason, *_next_paragraph(text, end)))
    return out


def _next_paragraph(text: str, pos: int) -> tuple[int, int]:
    """The span of the paragraph that starts after ``pos`` (blank lines and further comments skipped)."""
    while True:
        stripped = len(text) - len(text[pos:].lstrip())
        pos = stripped
        if text.startswith("<!--", pos):
            close = text.find("-->", pos)
            if close == -1:
                return pos, pos
            pos = close + 3
            continue
        break
    match = _PARAGRAPH_END.search(text, pos)
    return pos, match.start() if match else len(text)


def apply_suppressions(findings: list[Finding], suppressions: list[Suppression]) -> list[Finding]:
    for finding in findings:
        for suppression in suppressions:
            if suppression.covers(finding):
                finding.suppressed, finding.suppression_reason = True, suppression.reason
                break
    return findings
