"""Agency recognizer: wording that decides or directs for NAV, the doctor or another health service.

The industry standard says the report "må ikke utformes slik at den virker styrende på andre etaters
ansvarsområde". Patterns (``lexicons/agency/phrases.txt``) look for an agency as the *subject* of
skal/bør/må + a decision verb ("NAV skal gi lønnstilskudd", "sykmelder bør forlenge sykmeldingen"),
passive decisions on agency matters ("sykmeldingen bør forlenges"), and "anbefaler at NAV innvilger".
The parties' own plans, where the agency is an object ("tar spørsmålet opp med NAV-veilederen",
"kan søke NAV om tilskudd"), are not matched.
"""

from __future__ import annotations

from .health import LexiconRecognizer


class AgencyRecognizer(LexiconRecognizer):
    GROUP = "agency"
    NAME = "AgencyRecognizer"
    WORD_FILES: dict[str, str] = {}
    RULES = ["agency.directive"]


def build_recognizers(language: str) -> list[AgencyRecognizer]:
    return [AgencyRecognizer(supported_language=language)]
