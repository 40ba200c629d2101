"""The sections of the standard report, in bokmål and nynorsk (see the report format spec)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class SectionSpec:
    key: str
    nb: str
    nn: str
    required: bool
    #: Other headings seen in reports that mean the same section (matched after normalisation).
    aliases: tuple[str, ...] = ()

    def heading(self, malform: str) -> str:
        return self.nn if malform == "nn" else self.nb


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("bakgrunn", "Bakgrunn og bestilling", "Bakgrunn og bestilling", True,
                ("bakgrunn", "bestilling", "bakgrunn for bistanden", "oppdraget")),
    SectionSpec("gjennomforing", "Gjennomføring", "Gjennomføring", True,
                ("gjennomforing av bistanden", "hva er gjort", "kva er gjort", "gjennomfort bistand")),
    SectionSpec("arsaker", "Årsaker til sykefraværet", "Årsaker til sjukefråværet", True,
                ("arsaker til sykefravaer", "arsak til sykefravaeret", "arsak til sjukefravaeret",
                 "arsaker til fravaeret", "arsaker")),
    SectionSpec("vurdering", "Vurdering og anbefalinger", "Vurdering og tilrådingar", True,
                ("vurdering", "vurderinger og anbefalinger", "ekspertens vurdering", "anbefalinger",
                 "vurdering og anbefaling", "vurdering og tilraading", "vurdering og tilradingar")),
    SectionSpec("videre", "Videre deltakelse i arbeidslivet", "Vidare deltaking i arbeidslivet", False,
                ("videre deltakelse", "vidare deltaking")),
)

SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)
REQUIRED_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS if s.required)
BY_KEY: dict[str, SectionSpec] = {s.key: s for s in SECTIONS}

#: Headings the tool renders itself; in a source they are not free sections.
MEASURES_HEADINGS = ("forslag til tiltak", "tiltak")
APPROVAL_HEADINGS = ("arbeidstakers godkjenning", "arbeidstakaren si godkjenning", "godkjenning")


def normalise_heading(text: str) -> str:
    """Lower-case, strip numbering, punctuation and diacritics: «2. Årsaker til sykefraværet:» → «arsaker til sykefravaeret»."""
    text = text.strip().lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"^[\d.\s)]+", "", text)
    text = re.sub(r"[^a-z ]+", " ", text)
    return " ".join(text.split())


_LOOKUP: dict[str, str] = {}
for _spec in SECTIONS:
    for _name in (_spec.nb, _spec.nn, *_spec.aliases):
        _LOOKUP[normalise_heading(_name)] = _spec.key


def match_heading(text: str) -> str | None:
    """Return the section key a heading names, in either målform, or None."""
    return _LOOKUP.get(normalise_heading(text))
