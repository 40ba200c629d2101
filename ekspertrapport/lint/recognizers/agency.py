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
from .health import CLAUSE_BREAKS, LexiconRecognizer

#: A direction after these is an open question, not a direction: "vurderer om sykmeldingen skal forlenges".
EMBEDDED_QUESTION = frozenset({"om", "hvorvidt", "kvarvidt", "hvordan", "korleis", "når"})
#: "Dersom NAV innvilger tilskudd, …": a condition, not a decision.
CONDITIONS = frozenset({"dersom", "hvis", "viss", "ifall", "såframt", "forutsatt"})
NOT_A_DIRECTION_AFTER = EMBEDDED_QUESTION | CONDITIONS

#: Agency words that name the employer when the employer's name contains the key.
EMPLOYER_AGENCIES = {
    "kommunen": ("kommune",), "kommunens": ("kommune",), "bydelen": ("bydel",), "fylkeskommunen": ("fylkeskommune",),
    "sykehuset": ("sykehus", " hf"), "sjukehuset": ("sjukehus", " hf"), "helseforetaket": ("helse", " hf"),
    "helseføretaket": ("helse", " hf"), "kommunehelsetjenesten": ("kommune",), "kommunehelsetenesta": ("kommune",),
    "legevakta": ("kommune", "legevakt"), "legevakten": ("kommune", "legevakt"),
}


#: A statement of what the rules say, not a decision on this case: "NAV skal følge opp sykmeldte etter
#: regelverket", "legen skal etter loven vurdere ...".
RULE_CUES = frozenset(
    "regelverket regelverk reglene reglane regelen loven lova lovverket folketrygdloven folketrygdlova "
    "arbeidsmiljøloven arbeidsmiljølova forskriften forskrifta retningslinjene retningslinjer henhold "
    "jf jf. plikt plikter pliktar rutinene rutinane lovpålagt".split()
)
#: A general group as the object: "NAV skal følge opp sykmeldte", "legen skal vurdere alle".
GENERIC_OBJECTS = frozenset(
    "sykmeldte sjukmelde sykemeldte alle arbeidstakere arbeidstakarar brukere brukarar ansatte tilsette "
    "personer personar mottakere mottakarar arbeidssøkere arbeidssøkjarar pasienter pasientar".split()
)
#: "Saken bør vurderes", "søknaden må avklares": a neutral next step, not an outcome.
NEUTRAL_OBJECTS = frozenset("saken saka søknaden søknaden tiltaket tiltaka tiltakene behovet".split())
NEUTRAL_PASSIVES = frozenset(
    "vurderes vurderast avklares avklarast drøftes drøftast behandles behandlast handsames handsamast "
    "utredes utredast utgreiast utgreies følges følgjast".split()
)


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
        if i > 0 and tokens[i - 1].lower in NOT_A_DIRECTION_AFTER:  # "… om sykmeldingen skal forlenges", "Dersom NAV …"
            return False
        words = {t.lower for t in tokens[i:j]}
        if words & NEUTRAL_OBJECTS and tokens[j - 1].lower in NEUTRAL_PASSIVES:
            return False  # "Saken bør vurderes på nytt"
        rest = []
        for t in tokens[j:]:
            if t.lower in CLAUSE_BREAKS:
                break
            rest.append(t.lower)
        after = [w for w in rest[:3] if w not in ("opp", "med", "til")]
        if (after and after[0] in GENERIC_OBJECTS) or RULE_CUES & set(rest) or RULE_CUES & words:
            return False  # "NAV skal følge opp sykmeldte etter regelverket"
        keys = [k for w in words if w in EMPLOYER_AGENCIES for k in EMPLOYER_AGENCIES[w]]
        if keys:
            employer = _employer_name()
            if employer and any(k in f"{employer} " for k in keys):
                return False
        return True


def build_recognizers(language: str) -> list[AgencyRecognizer]:
    return [AgencyRecognizer(supported_language=language)]
