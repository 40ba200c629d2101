"""Style checks for full reports: vague measures, length and history-heavy reports.

The phrase list and thresholds are rule parameters in ``rules/style.yaml``; the word limit is the
configuration's ``max_words`` (default 1 500).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ...document import Document
from ..finding import Finding
from ..rules import load_rules
from ._report import finding, line_span, measures, words

_MEASURE_KEYS = ("hva", "frist", "oppfolging")
_LIMIT = {"nb": "{total} ord, grensen er {limit}", "nn": "{total} ord, grensa er {limit}"}


@functools.cache
def _vague_pattern() -> re.Pattern[str]:
    phrases = sorted(load_rules()["style.vague-measure"].params["phrases"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases) + r")\b", re.IGNORECASE)


def check(document: Document, context: Any) -> list[Finding]:
    parsed = document.parsed
    if parsed is None:
        return []
    out: list[Finding] = []
    text = document.text
    pattern = _vague_pattern()
    for start, end, key in parsed.prose_spans:
        if key in _MEASURE_KEYS:
            for match in pattern.finditer(text, start, end):
                out.append(finding("style.vague-measure", document, (match.start(), match.end()), context,
                                   explanation=f"vag formulering «{match.group()}» i tiltak ({key})"))
    sections = {s.key: s for s in parsed.sections if s.key}
    first = parsed.sections[0] if parsed.sections else None
    measure_words = sum(words(str(m.get(k) or "")) for m in measures(document) for k in ("hva", "oppfolging"))
    total = sum(words(s.body) for s in parsed.sections) + measure_words
    if total > context.max_words:
        span = line_span(text, first.line) if first else line_span(text, 1)
        out.append(finding("style.length", document, span, context,
                           explanation=f"{total} ord; grensen er {context.max_words}",
                           detail=_LIMIT[context.malform].format(total=total, limit=context.max_words)))
    params = load_rules()["style.history-heavy"].params
    history = sum(words(sections[k].body) for k in ("bakgrunn", "gjennomforing") if k in sections)
    forward = sum(words(sections[k].body) for k in ("arsaker", "vurdering") if k in sections) + measure_words
    if history >= params.get("min_words", 150) and history > params.get("ratio", 2.0) * forward:
        anchor = sections.get("bakgrunn") or sections.get("gjennomforing")
        out.append(finding("style.history-heavy", document, line_span(text, anchor.line), context,
                           explanation=f"bakgrunn og gjennomføring {history} ord; årsaker, vurdering og tiltak {forward} ord"))
    return out
