"""Is a received report complete enough for NAV: approval, causes, measures, period, parties.

Two sources of facts:

- our locked reports carry them as data (the payload embedded at approval: ``meta``, ``sections``,
  ``approval``) — :func:`from_payload`;
- everything else is a :class:`~ekspertrapport.document.Document`: a Markdown source gives its front
  matter, other experts' Word/PDF reports only their text, in which we look for the worker's approval
  statement (the standard phrase and common variants, bokmål and nynorsk), a causes section, a
  measures table with a responsible party, the period and the parties — :func:`from_document`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..sections import normalise_heading
from .tables import MeasureRow, measure_rows


@dataclass
class Completeness:
    approval_found: bool = False
    approved_by: str | None = None
    approved_at: str | None = None  # ISO date
    causes: bool = False
    measures: list[MeasureRow] = field(default_factory=list)
    #: The report explains why no measure is proposed (``ingen_tiltak_begrunnelse``; allowed by the format).
    no_measures_reason: bool = False
    period: bool = False
    parties: bool = False

    @property
    def measures_with_responsible(self) -> int:
        return sum(1 for m in self.measures if m.has_responsible)

    def missing(self) -> list[str]:
        """What is missing, as Norwegian reasons (empty when complete)."""
        reasons = []
        if not self.approval_found:
            reasons.append("mangler arbeidstakers godkjenning av rapporten")
        if not self.causes:
            reasons.append("mangler årsakene til sykefraværet")
        if not self.measures_with_responsible and not self.no_measures_reason:
            if self.measures:
                reasons.append(f"ingen av tiltakene ({len(self.measures)}) har ansvarlig")
            else:
                reasons.append("mangler tiltak med ansvarlig")
        if not self.period:
            reasons.append("mangler perioden for bistanden (datoer)")
        if not self.parties:
            reasons.append("mangler partene (arbeidsgiver og arbeidstaker)")
        return reasons


# --- our locked reports -----------------------------------------------------------------------------


def from_payload(payload: dict[str, Any]) -> Completeness:
    """Facts from the payload embedded in our locked PDF (:func:`ekspertrapport.lock.payload.read_locked_payload`:
    ``content`` holds ``meta`` and ``sections``, ``approval`` the worker's approval record)."""
    content = payload.get("content") if isinstance(payload.get("content"), dict) else payload
    facts = Completeness()
    approval = payload.get("approval") or {}
    if approval:
        facts.approval_found = True
        facts.approved_by = approval.get("by") or None
        facts.approved_at = str(approval["date"]) if approval.get("date") else None
    sections = content.get("sections") or []
    facts.causes = any(s.get("key") == "arsaker" and (s.get("body") or "").strip() for s in sections)
    _apply_front_matter(facts, content.get("meta") or {})
    return facts


def _apply_front_matter(facts: Completeness, meta: dict[str, Any]) -> None:
    """Measures, period and parties from front matter as a dict (validated, or as a reader found it)."""
    facts.measures = [measure_from_tiltak(t) for t in as_list(meta.get("tiltak")) if isinstance(t, dict) and t.get("hva")]
    facts.no_measures_reason = bool(str(meta.get("ingen_tiltak_begrunnelse") or "").strip())
    periode = as_dict(meta.get("periode"))
    facts.period = bool(periode.get("fra") and periode.get("til"))
    facts.parties = bool(as_dict(meta.get("arbeidsgiver")).get("navn") and as_dict(meta.get("arbeidstaker")).get("navn"))


def front_matter_of(document: Any) -> dict[str, Any]:
    """The front matter a reader found: the validated model as JSON data, else the raw fields ({} for none).

    Word/PDF readers return the raw fields even where one of them does not validate (e.g. a
    responsible party spelled out over two lines), and those still say what the report contains.
    """
    parsed = getattr(document, "parsed", None)
    meta = getattr(parsed, "meta", None)
    return meta.model_dump(mode="json") if meta is not None else as_dict(getattr(parsed, "front_matter", None))


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def measure_from_tiltak(t: Any) -> MeasureRow:
    get = t.get if isinstance(t, dict) else (lambda k: getattr(t, k, None))
    frist = get("frist")
    if isinstance(frist, date):
        frist = frist.isoformat()
    return MeasureRow(hva=str(get("hva") or ""), ansvarlig=str(get("ansvarlig") or ""),
                      frist=str(frist or ""), oppfolging=str(get("oppfolging") or ""), spor=str(get("spor") or ""))


# --- any document -----------------------------------------------------------------------------------


def from_document(document: Any) -> Completeness:
    """Facts from a Document: the front matter its reader found (validated or not), then its text.

    Our Markdown sources and Word/PDF files laid out like ours give front matter; for everything
    else (and whatever the front matter lacks) the text is searched: the approval statement, a causes
    heading, a measures table, a period and the parties.
    """
    text = document.text
    flat = " ".join(text.split())
    facts = Completeness()
    _apply_front_matter(facts, front_matter_of(document))
    # In Markdown, guidance comments (<!-- … -->) are masked: an example statement in one proves nothing.
    lintable = document.masked_text() if getattr(document, "kind", None) in ("markdown", "text") else text
    found = find_approval(" ".join(lintable.split()))
    if found is not None:
        facts.approval_found, facts.approved_by, facts.approved_at = True, found[0], found[1]
    if not facts.measures and not facts.no_measures_reason:
        facts.measures = measure_rows(document.path, text, getattr(document, "location", None))
    facts.period = facts.period or has_period(flat)
    facts.parties = facts.parties or has_parties(text)
    facts.causes = any(s.key == "arsaker" and s.body.strip() for s in document.sections) or has_causes_text(text)
    return facts


_WORKER = r"arbeidstak(?:er|ar)(?:en)?"
_NEGATION = re.compile(r"\b(?:ikke|ikkje|ikkje blitt|ikke blitt|ennå ikke|enno ikkje)\s*$", re.IGNORECASE)
_MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "desember")
_DATE = (r"(?:\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})\b|\d{4}-\d{2}-\d{2}\b|\d{1,2}\.?\s+(?:"
         + "|".join(_MONTHS) + r")\s+\d{4}\b)")
_DATE_RE = re.compile(_DATE, re.IGNORECASE)
#: A person's name: up to four capitalised words, stopping at the labels that follow one in a signature block.
_NOT_NAME = r"(?!Dato\b|Sted\b|Signatur|Underskrift|Godkjenningsm)"
_NAME = (rf"(?-i:{_NOT_NAME}[A-ZÆØÅ][a-zæøåéèüö'-]+(?:\s+{_NOT_NAME}[A-ZÆØÅ][a-zæøåéèüö'-]+){{0,3}})")

#: The worker's approval: the standard statement and the variants seen in reports, nb and nn.
APPROVAL_PATTERNS: tuple[re.Pattern[str], ...] = tuple(re.compile(p, re.IGNORECASE) for p in (
    # «Arbeidstaker har lest gjennom rapporten og har ingen innvendinger til innhold.» (nb)
    # «Arbeidstakaren har lese gjennom rapporten og har ingen innvendingar til innhaldet.» (nn)
    rf"{_WORKER} har (?:lest|lese|lesi)(?: (?:igjennom|gjennom))? rapporten,? og (?:har )?"
    r"(?:ingen|ikke noen|ikkje nokon) (?:innvendinger|innvendingar|innsigelser|merknader|merknadar|kommentarer|kommentarar)",
    # «Rapporten er godkjent av arbeidstaker», «godkjent av arbeidstaker 12.05.2025», «… av arbeidstakaren Kari»
    rf"(?:godkjent|godkjend|akseptert) av {_WORKER}(?:\s+(?P<by>{_NAME}))?",
    # An approval block like ours: «Arbeidstakers godkjenning … Godkjent av: Kari Nordmann  Dato: 12.05.2025»
    rf"(?:arbeidstakers|arbeidstakaren si) godkjenning\b.{{0,300}}?\b(?:godkjent|godkjend) av:?\s+(?P<by>{_NAME})",
    # «Arbeidstaker har godkjent rapporten», «Arbeidstakaren har godkjent innhaldet i rapporten»
    rf"{_WORKER} har (?:godkjent|godkjend|akseptert) (?:innholdet i |innhaldet i )?rapporten",
    # «Arbeidstaker godkjenner rapporten»
    rf"{_WORKER} (?:godkjenner|godkjenner herved|aksepterer) (?:innholdet i |innhaldet i )?rapporten",
))


def find_approval(flat_text: str) -> tuple[str | None, str | None] | None:
    """(approved by, ISO date) when the text holds a worker's approval statement; None otherwise.

    ``flat_text`` has its whitespace collapsed (line breaks in PDF text fall inside the statement).
    A negated statement («er ikke godkjent av arbeidstaker») does not count.
    """
    for pattern in APPROVAL_PATTERNS:
        for match in pattern.finditer(flat_text):
            if _NEGATION.search(flat_text[max(0, match.start() - 25):match.start()]):
                continue
            by = match.groupdict().get("by")
            window = flat_text[match.end():match.end() + 160]
            return by, _first_date(window)
    return None


def _first_date(text: str) -> str | None:
    for match in _DATE_RE.finditer(text):
        parsed = parse_date(match.group(0))
        if parsed is not None:
            return parsed.isoformat()
    return None


def parse_date(text: str) -> date | None:
    text = text.strip().lower()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})", text):
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return date(year, int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{1,2})\.?\s+([a-zæøå]+)\s+(\d{4})", text):
            return date(int(m[3]), _MONTHS.index(m[2]) + 1, int(m[1]))
    except ValueError:
        return None
    return None


_PERIOD_KEYWORD = re.compile(r"\b(?:periode|perioden|tidsrom|tidsrommet|tidsperiode|gjennomført|gjennomførd)\b",
                             re.IGNORECASE)
_RANGE_RE = re.compile(rf"{_DATE}\s*(?:-|–|—|til)\s*{_DATE}", re.IGNORECASE)
_MONTH_YEAR = re.compile(r"\b(?:" + "|".join(_MONTHS) + r")\s+\d{4}\b", re.IGNORECASE)


def has_period(flat_text: str) -> bool:
    """A date range, or a period keyword with a date or «måned år» close after it."""
    if _RANGE_RE.search(flat_text):
        return True
    for match in _PERIOD_KEYWORD.finditer(flat_text):
        window = flat_text[match.end():match.end() + 80]
        if _DATE_RE.search(window) or _MONTH_YEAR.search(window):
            return True
    return False


_LABEL_VALUE = r"[ \t]*(?::[ \t]*\S|\t+\S|\|\s*\S|[ \t]+(?-i:[A-ZÆØÅ0-9]))"
_EMPLOYER_RE = re.compile(
    r"(?:^[ \t|]*(?:arbeidsgiver|arbeidsgjevar|virksomhet|verksemd|bedrift|arbeidsplass)(?:en)?" + _LABEL_VALUE
    + r"|\((?:arbeidsgiver|arbeidsgjevar)\))", re.IGNORECASE | re.MULTILINE)
_WORKER_RE = re.compile(
    rf"(?:^[ \t|]*(?:{_WORKER}|ansatt|medarbeider|navn på arbeidstak(?:er|ar))" + _LABEL_VALUE
    + rf"|\({_WORKER}\))", re.IGNORECASE | re.MULTILINE)


def has_parties(text: str) -> bool:
    """Both the employer and the worker named, as a label («Arbeidsgiver: …») or «Navn (arbeidstaker)»."""
    return bool(_EMPLOYER_RE.search(text) and _WORKER_RE.search(text))


_CAUSES_HEADING = re.compile(r"^[ \t#]*(?:\d+[.)]?\s*)?(?P<h>[^\n]{0,80})$", re.MULTILINE)


def has_causes_text(text: str) -> bool:
    """A heading-like line about the causes of the absence, with text after it."""
    for match in _CAUSES_HEADING.finditer(text):
        heading = normalise_heading(match.group("h"))
        if not heading.startswith(("arsak", "arsaker")):
            continue
        if not any(w in heading for w in ("fravaer", "fravar", "sykefravaer", "sjukefravaer", "sjukefravar")) \
                and heading not in ("arsaker", "arsak"):
            continue
        following = text[match.end():match.end() + 600]
        if len("".join(following.split())) >= 30:
            return True
    return False
