"""Structure checks for full reports (front matter + sections), on the parsed source — not presidio.

* ``structure.missing-section`` / ``structure.empty-section``: required sections (``sections.SECTIONS``);
* ``structure.no-measures``: no ``tiltak`` and no ``ingen_tiltak_begrunnelse``;
* ``structure.measure-incomplete``: a measure without ``ansvarlig``, ``frist`` or ``oppfolging``;
* ``structure.invalid``: every other problem the parser found (invalid fields and values, YAML errors,
  misplaced headings), at its line.

Approval is not checked: it is recorded by a later step, never written in the source.
"""

from __future__ import annotations

from typing import Any

from ...document import Document
from ...sections import BY_KEY, REQUIRED_KEYS
from ..finding import Finding
from ._report import finding, last_line_span, line_span, measures, yaml_line

_NO_MEASURES_PREFIX = "rapporten må ha minst ett tiltak"
_MEASURE_FIELDS = ("ansvarlig", "frist", "oppfolging")
_MISSING = {"nb": "mangler", "nn": "manglar"}


def check(document: Document, context: Any) -> list[Finding]:
    parsed = document.parsed
    if parsed is None:
        return []
    out: list[Finding] = []
    text, malform = document.text, context.malform
    sections = {s.key: s for s in parsed.sections if s.key}
    for key in REQUIRED_KEYS:
        heading = BY_KEY[key].heading(malform)
        section = sections.get(key)
        if section is None:
            out.append(finding("structure.missing-section", document, last_line_span(text), context,
                               explanation=f"delen «{heading}» mangler", detail=f"«{heading}»"))
        elif not section.body.strip():
            out.append(finding("structure.empty-section", document, line_span(text, section.line), context,
                               explanation=f"delen «{section.heading}» har ikke innhold", detail=f"«{section.heading}»"))
    fm = parsed.front_matter
    if isinstance(fm, dict) and not measures(document) and not str(fm.get("ingen_tiltak_begrunnelse") or "").strip():
        line = yaml_line(document, "tiltak") or parsed.line_of_offset(parsed.front_matter_span[0] if parsed.front_matter_span else 0)
        out.append(finding("structure.no-measures", document, line_span(text, line), context,
                           explanation="front matter: «tiltak» er tom og «ingen_tiltak_begrunnelse» mangler"))
    for index, measure in enumerate(measures(document)):
        missing = [f for f in _MEASURE_FIELDS if not str(measure.get(f) or "").strip()]
        if missing:
            line = yaml_line(document, "tiltak", index, "hva") or yaml_line(document, "tiltak", index) or 1
            names = ", ".join(missing)
            out.append(finding("structure.measure-incomplete", document, line_span(text, line), context,
                               explanation=f"tiltak nr. {index + 1}: {names} mangler",
                               detail=f"{_MISSING.get(malform, 'mangler')}: {names}"))
    for problem in parsed.problems:
        if problem.field in REQUIRED_KEYS or problem.message.startswith(_NO_MEASURES_PREFIX):
            continue  # reported above with their own rules
        out.append(finding("structure.invalid", document, line_span(text, problem.line or 1), context,
                           explanation="rapportformatet", detail=problem.message))
    return out
