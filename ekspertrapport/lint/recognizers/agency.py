"""Agency recognizer: wording that decides or directs for NAV, the doctor or another health service.

The industry standard says the report "må ikke utformes slik at den virker styrende på andre etaters
ansvarsområde". Patterns (``lexicons/agency/phrases.txt``) look for an agency as the *subject* of
skal/bør/må + a decision verb ("NAV skal gi lønnstilskudd", "sykmelder bør forlenge sykmeldingen"),
also after an adverbial ("Derfor bør NAV innvilge ..."), passive decisions on agency matters
("sykmeldingen bør forlenges", "hun bør sykmeldes"), and "anbefaler at NAV innvilger".
The parties' own plans, where the agency is an object ("tar spørsmålet opp med NAV-veilederen",
"kan søke NAV om tilskudd"), are not matched. When the employer itself is the municipality or a
hospital (from the report's front matter), "kommunen"/"sykehuset" is a party, not another agency.
"""

from __future__ import annotations

from ..context import current
from ..morphology import Token
from .health import LexiconRecognizer

#: A direction after these is an open question, not a direction: "vurderer om sykmeldingen skal forlenges".
EMBEDDED_QUESTION = frozenset({"om", "hvorvidt", "kvarvidt", "hvordan", "korleis", "når"})

#: Agency words that name the employer when the employer's name contains the key.
EMPLOYER_AGENCIES = {
    "kommunen": ("kommune",), "kommunens": ("kommune",), "bydelen": ("bydel",), "fylkeskommunen": ("fylkeskommune",),
    "sykehuset": ("sykehus", " hf"), "sjukehuset": ("sjukehus", " hf"), "helseforetaket": ("helse", " hf"),
    "helseføretaket": ("helse", " hf"), "kommunehelsetjenesten": ("kommune",), "kommunehelsetenesta": ("kommune",),
    "legevakta": ("kommune", "legevakt"), "legevakten": ("kommune", "legevakt"),
}


def _employer_name() -> str:
    document = current().document
    try:
        return document.meta.arbeidsgiver.navn.lower()  # type: ignore[union-attr]
    except AttributeError:
        pass
    try:  # front matter that did not validate as a whole
        return str(document.parsed.front_matter["arbeidsgiver"]["navn"]).lower()  # type: ignore[union-attr]
    except (AttributeError, KeyError, TypeError):
        return ""


class AgencyRecognizer(LexiconRecognizer):
    GROUP = "agency"
    NAME = "AgencyRecognizer"
    WORD_FILES: dict[str, str] = {}
    RULES = ["agency.directive"]

    def accept_phrase(self, tokens: list[Token], i: int, j: int, tag: str) -> bool:
        if i > 0 and tokens[i - 1].lower in EMBEDDED_QUESTION:  # "... om sykmeldingen skal forlenges"
            return False
        words = {t.lower for t in tokens[i:j]}
        keys = [k for w in words if w in EMPLOYER_AGENCIES for k in EMPLOYER_AGENCIES[w]]
        if keys:
            employer = _employer_name()
            if employer and any(k in f"{employer} " for k in keys):
                return False
        return True


def build_recognizers(language: str) -> list[AgencyRecognizer]:
    return [AgencyRecognizer(supported_language=language)]
