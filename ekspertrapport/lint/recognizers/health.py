"""Health recognizer: diagnoses, codes, symptoms, examinations, treatment, medication, pregnancy, substances.

Text → tokens (:func:`~ekspertrapport.lint.morphology.tokenize`) → per-token lexicon lookups with
inflection, compounds and misspellings → multi-word patterns → a dose pattern and diagnosis codes in
context → overlapping spans merged → the trained tagger (:mod:`~ekspertrapport.lint.tagger`) where the
lexicons have neither found nor rejected anything (``health.description``) → one ``RecognizerResult``
per span, its entity type the rule id.

The data is in ``ekspertrapport/lint/lexicons/health/``; code lists imported with
``ekspertrapport codes import`` add known codes and diagnosis titles (:mod:`ekspertrapport.codes`).
Health information is flagged whoever it is about: a child's diagnosis is still a diagnosis.

:class:`LexiconRecognizer` is the shared base of the health, special-category and agency recognizers.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate, compress
from operator import itemgetter
from typing import ClassVar

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

from ..morphology import Group, Token, capitalised, load_group, token_lowers, tokenize, where
from ..tagger import HealthTagger, WordInfo, model_path

LEXICON_SCORE = 0.85
PHRASE_SCORE = 0.8

Span = tuple[int, int, str, str]  # start, end, rule id, why (Norwegian)
_START, _END = itemgetter(0), itemgetter(1)  # a Token's start and end


class LexiconRecognizer(EntityRecognizer):
    """Base: lexicon words + phrases of one lexicon group, each emitting a rule id."""

    GROUP: ClassVar[str] = ""
    WORD_FILES: ClassVar[dict[str, str]] = {}
    RULES: ClassVar[list[str]] = []
    NAME: ClassVar[str] = ""
    FUZZY: ClassVar[bool] = False  # tolerate one-letter misspellings of long entries

    def __init__(self, supported_language: str = "nb"):
        super().__init__(
            supported_entities=list(self.RULES),
            name=f"{self.NAME}-{supported_language}",
            supported_language=supported_language,
        )

    def load(self) -> None:  # presidio calls this from __init__; the group is compiled lazily
        pass

    @property
    def group(self) -> Group:
        return self._group()

    @classmethod
    def _group(cls) -> Group:
        """The compiled group, compiled again only when :meth:`_extra_source` changes.

        Read several times per lint, so the check is by identity: the extra words (thousands of code
        titles once code lists are imported) are neither rebuilt nor hashed on every read.
        """
        source = cls._extra_source()
        known = _GROUPS.get(cls)
        if known is not None and known[0] is source:
            return known[1]
        group = _compiled(cls.GROUP, tuple(cls.WORD_FILES.items()), cls._extra_words(), cls.FUZZY)
        _GROUPS[cls] = (source, group)
        return group

    @classmethod
    def _extra_source(cls) -> object:
        """An object that is replaced whenever :meth:`_extra_words` would change (cached upstream)."""
        return None

    @classmethod
    def _extra_words(cls) -> tuple[tuple[str, str], ...]:
        return ()

    # -- analysis -------------------------------------------------------------------------------
    def find(self, text: str) -> list[Span]:
        """Merged spans (start, end, rule, why) in ``text``; the recognizer's core, without presidio."""
        return self._find(text)[0]

    def _find(self, text: str) -> tuple[list[Span], list[tuple[int, int]]]:
        """The merged spans, and the character ranges of every lexicon hit and pattern match, kept or
        rejected by the context rules (what the lexicons have already decided about)."""
        tokens = tokenize(text)
        group = self.group
        spans: list[Span] = []
        decided: list[tuple[int, int]] = []
        hits = group.lexicon.lookup_all(tokens.texts)
        for n in compress(range(len(hits)), hits):  # the tokens with a hit
            hit, tok = hits[n], tokens[n]
            decided.append((tok.start, tok.end))
            if self.accept_token(tokens, n, hit.tag):
                spans.append((tok.start, tok.end, hit.tag, f"leksikon: {hit.why} ({self.GROUP})"))
        for i, j, phrase in group.phrases.find(tokens):
            decided.append((tokens[i].start, tokens[j - 1].end))
            if self.accept_phrase(tokens, i, j, phrase.tag):
                spans.append((tokens[i].start, tokens[j - 1].end, phrase.tag, f"mønster: {phrase.source}"))
        spans.extend(self.extra_spans(text, tokens, spans))
        return join_close(text, merge(self.filter_spans(tokens, spans))), decided

    def filter_spans(self, tokens: list[Token], spans: list[Span]) -> list[Span]:
        """Drop raw spans before they are merged (a hook for context rules over whole phrases)."""
        return spans

    def accept_token(self, tokens: list[Token], n: int, tag: str) -> bool:
        return True

    def accept_phrase(self, tokens: list[Token], i: int, j: int, tag: str) -> bool:
        return True

    def extra_spans(self, text: str, tokens: list[Token], spans: list[Span]) -> Iterable[Span]:
        return ()

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        wanted = set(entities or self.RULES)
        results = []
        for start, end, rule, why in self.find(text):
            if rule not in wanted:
                continue
            score = PHRASE_SCORE if why.startswith("mønster") else LEXICON_SCORE
            explanation = AnalysisExplanation(
                recognizer=self.name, original_score=score, textual_explanation=why
            )
            results.append(
                RecognizerResult(
                    entity_type=rule,
                    start=start,
                    end=end,
                    score=score,
                    analysis_explanation=explanation,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return results


@functools.lru_cache(maxsize=None)
def _compiled_group(
    group: str, word_files: tuple[tuple[str, str], ...], extra: tuple[tuple[str, str], ...], fuzzy: bool
) -> Group:
    return load_group(group, dict(word_files), extra, fuzzy=fuzzy)


#: Recognizer class → (its extra words' source, its compiled group): see ``LexiconRecognizer._group``.
_GROUPS: dict[type, tuple[object, Group]] = {}
#: Recognizer class → (the group its tagger's word features come from, the tagger).
_TAGGERS: dict[type, tuple[Group, HealthTagger]] = {}


def _compiled(
    group: str, word_files: tuple[tuple[str, str], ...], extra: tuple[tuple[str, str], ...], fuzzy: bool
) -> Group:
    return _compiled_group(group, word_files, extra, fuzzy)


def _clear_compiled() -> None:
    """Forget every compiled group (``_compiled.cache_clear()``, as for an ``functools.lru_cache``)."""
    _compiled_group.cache_clear()
    _GROUPS.clear()
    _TAGGERS.clear()


_compiled.cache_clear = _clear_compiled  # type: ignore[attr-defined]


def merge(spans: list[Span]) -> list[Span]:
    """Overlapping spans of the same category become one (the longest span's rule wins)."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if out and span[0] < out[-1][1] and span[2].split(".")[0] == out[-1][2].split(".")[0]:
            last = out[-1]
            if span[1] > last[1]:
                longer = span if span[1] - span[0] > last[1] - last[0] else last
                out[-1] = (last[0], span[1], longer[2], longer[3])
            continue
        out.append(span)
    return out


#: Short words between two findings of the same category that make them one statement:
#: "ferdigbehandlet for prostatakreft", "medisiner mot angsten", "fibromyalgi og migrene".
JOIN_GAP_RE = re.compile(r"\s+(?:for|mot|av|med|etter|og|i|på|ved|frå|fra|hos|hjå)\s+|\s+", re.IGNORECASE)


#: Rules whose findings keep their own message ("Lyrica" stays a medication next to "smertene").
KEEP_APART = frozenset({"health.diagnosis-code", "health.medication"})


def join_close(text: str, spans: list[Span]) -> list[Span]:
    """Adjacent findings of one category, separated only by a short linking word, become one finding."""
    out: list[Span] = []
    for span in spans:
        if (
            out
            and span[2].split(".")[0] == out[-1][2].split(".")[0]
            and (span[2] == out[-1][2] or not {span[2], out[-1][2]} & KEEP_APART)
            and JOIN_GAP_RE.fullmatch(text, out[-1][1], span[0])
        ):
            last = out[-1]
            longer = span if span[1] - span[0] > last[1] - last[0] else last
            out[-1] = (last[0], span[1], longer[2], longer[3])
            continue
        out.append(span)
    return out


# -- health ---------------------------------------------------------------------------------------

# DOSE_RE and CODE_RE are ``(?<![\w.,])\d+...`` and ``(?<![\w-])([A-Z])...`` with the lookbehind moved
# after the first character: a pattern that begins with a character class lets the regex engine skip
# ahead to candidates in C, instead of trying the lookbehind at every character (the same matches).
DOSE_RE = re.compile(r"\d(?<![\w.,]\d)\d*(?:[.,]\d+)?\s?(?i:mg|mcg|µg|mikrogram|milligram|ml|IE)(?![\w])")
CODE_RE = re.compile(r"([A-Z])(?<![\w-][A-Z])(\d{2})(?:\.?(\d{1,2}))?(?![\w])")
CODE_CONTEXT_RE = re.compile(
    r"(?:diagnos\w*|\w*kode\w*|kodet|icd[-\s]?1?0?|icpc[-\s]?2?|sykmeldt|sykemeldt|sjukmeld\w*|"
    r"legeerklæring\w*|tilstand\w*)\W+(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)
#: "P02 på sykmeldingen", "L03 i legeerklæringa": the document after the code.
CODE_AFTER_RE = re.compile(
    r"^\W+(?:(?:\w+\W+){0,2}?(?:på|i|frå|fra)\s+(?:\w+\s+)?(?:sykmelding\w*|sykemelding\w*|sjukmelding\w*|"
    r"legeerklæring\w*|erklæring\w*|henvisning\w*|tilvising\w*|epikrise\w*)"
    r"|som\s+(?:\w+\s+)?(?:diagnose|diagnosekode|kode|koden|sjukmeldingsdiagnose|sykmeldingsdiagnose|årsak)\b)",  # "med P78 som diagnose"
    re.IGNORECASE,
)
#: Clinical measurements and scores written as in a medical record: "BT 160/95", "Hb var 10,2", "EF 40 %",
#: "MADRS 24", "PHQ-9 19", "MoCA 27/30", "GT 210", "puls på 140" (the abbreviation, case-sensitive, then a
#: number). Only tried at tokens in MEASURE_WORDS, so a text costs a set look-up per token, not a scan.
MEASURE_WORDS = frozenset(
    "BT Hb Hgb HbA1c VAS EF MADRS PHQ-9 GAD-7 HADS BDI MoCA MMSE IES-R PCL-5 Epworth AUDIT GGT GT CDT MCV "
    "ASAT ALAT CRP SR TSH IgE PEF FEV1 BMI INR eGFR LDL HDL PSA puls Puls pulsen Pulsen".split()
)
MEASURE_AT = re.compile(
    r"(?:[Pp]uls(?:en)?[ \u00a0](?:på|over|opp i|til)[ \u00a0]\d{2,3}"
    r"|VAS[ \u00a0]?\d{1,2}"  # a pain score 0–10
    r"|(?![Pp]uls)[\w-]+(?:[ \u00a0](?:på|var|er|ved|=|:))?[ \u00a0]?(?:=|:)?[ \u00a0]?(?:\d{2,}|\d[.,/]\d+)"
    r"(?:[.,/]\d+)*(?:[ \u00a0]?%)?)(?![\w])"
)
#: A named clinical test with its result ("Tinel pos.", "Lasègue neg."): the result, then the name before it.
TEST_RESULT_RE = re.compile(r"[ \u00a0](?:pos|neg)\.(?=\s|$|[,;)])(?![ \u00a0]?\d)")
TEST_NAME_RE = re.compile(r"(?<![\w-])[A-ZÆØÅ][\wæøåéè-]+(?:[ \u00a0]test)?\Z")
#: "nothing abnormal found" ("Nevrologisk us. ua.", "IgE ua.", with the word before it) and "status post"
#: ("st.p. op. v. hand"). Each begins with its literal, so the regex engine jumps between candidates; the
#: character before is checked in :meth:`HealthRecognizer._clinical` ("stua." is not "ua.").
NORMAL_RE = re.compile(r"ua\.(?=\s|$|[,;)])")
WORD_BEFORE_RE = re.compile(r"(?<![\w-])[\wæøå]+\.?[ \u00a0]\Z")
STATUS_POST_RE = re.compile(r"st\.[ \u00a0]?p\.(?:[ \u00a0][\wæøå]+\.?)?")
BRAND_DOSE_RE = re.compile(r"\s?\(?\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|ml|IE|mikrogram|milligram)\b", re.IGNORECASE)
def _word_char(c: str) -> bool:
    return c.isalnum() or c in "_-"


#: Dosage forms after a brand name ("Zorblax tabletter", "Zorblax depot").
BRAND_FORMS = frozenset(
    "tabletter tablettar tablett tabletten tablettene tablettane depot retard mikstur miksturen plaster kapsler "
    "kapslar kapsel dråper dropar nesespray inhalator injeksjon injeksjonar injeksjoner sprøyter sprøyte "
    "sprøyta penn penner brusetabletter smeltetabletter depotplaster forte mite gel krem kremen salve salva "
    "spray liniment".split()
)
#: Medication nouns before a brand name ("medisinen Zorblax", "resept på Zorblax").
BRAND_NOUNS = frozenset(
    "medisinen medisina medikamentet medikament legemiddelet legemidlet legemiddel preparatet preparat "
    "tabletten tablettene tablettane pillene pilla pillen sprøyta sprøyten medisinane medisinene "
    "sovemedisinen smertestillende antidepressivet antidepressiva".split()
)
BRAND_BEFORE = frozenset(
    "resept resepten bivirkninger bivirkningar biverknader bivirkning dosen dose trappet trappa trapper trappar "
    "trappe nedtrapping avhengig".split()
)
#: "byttet til <Name>", "sluttet med <Name>": only with a medication context after ("... mot smertene").
BRAND_WEAK_BEFORE = frozenset("satt sett begynt begynte starta startet byttet bytta sluttet slutta".split())
BRAND_VERBS = frozenset("tar tek tok bruker brukar brukte fått får fekk fikk".split())
BRAND_ADVERBS = frozenset("fast daglig dagleg dagligt kveldstid morgon morgen hver kvar".split())
#: "om kvelden", "om morgonen": when a medicine is taken (the night, BRAND_NIGHT, is a cue even after "bruker").
BRAND_TIMES = frozenset("kvelden morgenen morgonen morgonane morgenene".split())
#: "infeksjonen i nettverket", "soppinfeksjon i tomatplantane": hosts that are no person.
NON_HUMAN_HOSTS = ("nettverk", "system", "datamaskin", "pc", "server", "anlegg", "plant", "tomat", "fisk", "laks",
                   "merd", "dyr", "besetning", "buskap", "kyr", "sau", "gris", "kylling", "fjørfe", "avling",
                   "maskin", "nett", "data")
#: "ein stor operasjon": an undertaking, not surgery.
FIGURATIVE_OPERATION = frozenset(
    "stor stort store omfattende omfattande enorm enormt skikkelig skikkeleg logistisk militær krevende "
    "krevjande heil hel".split()
)
#: "produktkurs om sårbehandling", "opplæring i …": teaching about treatment.
TEACHING = ("produktkurs", "fagkurs", "opplæring", "opplæringa", "opplæringen", "undervisning", "undervisninga",
            "foredrag", "fagdag")
HOLD_VERBS = frozenset("holdt holder heldt held halde holde arrangerte arrangerer arrangere gir gav ga gi underviser "
                       "underviste".split())
#: Tokens that end the stretch a context cue is looked for in.
CLAUSE_BREAKS = frozenset({".", "!", "?", ";"})


def _before_in_sentence(tokens: list[Token], i: int, width: int) -> Iterable[str]:
    """The lower-cased forms of up to ``width`` tokens before ``tokens[i]``, nearest first, stopping at
    the end of the previous sentence."""
    for tok in reversed(tokens[max(0, i - width) : i]):
        if tok.text in CLAUSE_BREAKS:
            return
        yield tok.lower


#: "blind for", "døv for" and "en hodepine for ledelsen" are about attention and trouble, not health.
FIGURATIVE_FOR = frozenset("blind døv hodepine hovudpine hodepinen hovudpina mareritt marerittet".split())
FIGURATIVE_FOR_BEFORE = frozenset("en ein ei et eit årlig årleg stor skikkelig skikkeleg evig real".split())
#: Examination equipment in the plural is equipment ("MR-maskinene"), not a person's examination.
MACHINES = ("maskinene", "maskinane", "maskiner", "maskinar", "maskinparken", "skannerne", "skannarane")
#: A case, a complaint or an application "under behandling" (being dealt with).
CASE_WORDS = ("varsel", "varsl", "sak", "søknad", "klage", "avvik", "tvist", "anke", "krav")
#: Diseases named "-syke" ("fravær med omgangssyke"), not groups of patients ("for hjartesjuke").
SYKE_DISEASES = ("omgangssyke", "omgangssjuke", "sjøsyke", "sjøsjuke", "høydesyke", "høgdesjuke", "reisesyke",
                 "reisesjuke", "kyssesyke", "kyssesjuke", "sukkersyke", "sukkersjuke", "fallesyke", "fallesjuke")
#: "om natta": a time of day no software or tool is used at, so a cue even after "bruker".
BRAND_NIGHT = frozenset("natta natten nettene nettane kveldane kveldene".split())
#: "<medicine> og senere <Name>".
BRAND_LIST_ADVERBS = frozenset("senere seinare så deretter etterpå også òg dessuten".split())
#: "fått Zorblax fra fastlegen": who prescribed it.
BRAND_PRESCRIBERS = frozenset(
    "legen fastlegen lege fastlege psykiateren psykiater nevrologen revmatologen spesialisten sykehuset sjukehuset "
    "legevakta legevakten lækjaren fastlækjaren".split()
)
#: "avdeling B12", "rom D3", "post A4": a place label, not a drug or a code.
LABEL_RE = re.compile(r"[A-ZÆØÅ]\d{1,3}")
LOCATION_NOUNS = frozenset(
    "avdeling avdelingen avdelinga post posten rom rommet bygg bygget bygning bygningen sone sona sonen etasje "
    "etasjen fløy fløyen blokk blokka blokken seksjon seksjonen kontor kontoret hall hallen port porten lager "
    "lageret gang gangen tun tunet modul modulen linje linja linjen rute ruta ruten buss bussen trikk".split()
)
SENTENCE_BREAK_RE = re.compile(r"[.!?]\s+[A-ZÆØÅ]|\n\s*\n")


class HealthRecognizer(LexiconRecognizer):
    GROUP = "health"
    NAME = "HealthRecognizer"
    FUZZY = True
    WORD_FILES = {
        "diagnoses.txt": "health.diagnosis",
        "diagnoses_extended.txt": "health.diagnosis",
        "symptoms.txt": "health.symptom",
        "examinations.txt": "health.examination",
        "treatments.txt": "health.treatment",
        "medications.txt": "health.medication",
        "medications_extended.txt": "health.medication",
        "reproductive.txt": "health.reproductive",
        "substance.txt": "health.substance",
    }
    RULES = [
        "health.diagnosis",
        "health.diagnosis-code",
        "health.symptom",
        "health.examination",
        "health.treatment",
        "health.medication",
        "health.reproductive",
        "health.substance",
        "health.description",
    ]

    #: Words just before a hit that make it general HMS talk, not about a person ("forebygging av
    #: muskel- og skjelettplager").
    GENERAL_CONTEXT = ("forebygg", "førebygg", "forebyggende", "førebyggjande")

    RECEIVE_VERBS = frozenset(
        "fått får fekk fikk tar tek bruker brukar gått går starta startet begynt har hadde nyttar nytter".split()
    )

    #: "personer med psykiske lidelser": a group of people (often the workplace's users), not a person.
    #: ("barn" is not here: "et barn med autisme" is usually the worker's own child.)
    GROUP_NOUNS = frozenset(
        "personer personar mennesker menneske brukere brukarar pasienter pasientar elever elevar ungdommer "
        "ungdomar folk beboere bebuarar ansatte tilsette medarbeidere medarbeidarar avdelingen avdelinga posten "
        "pasientene pasientane brukerne brukarane beboerne bebuarane elevene elevane ungdom unge eldre "
        "klienter klientar innbyggere innbyggarar sykehjemmene sjukeheimane avdelingene avdelingane "
        "apotekene apoteka institusjonene institusjonane".split()
    )

    def _general(self, tokens: list[Token], i: int, j: int) -> bool:
        """Prevention talk, or a group of people: "personer med demens", "tar blodprøver av pasienter"."""
        before = tokens[max(0, i - 6) : i]
        if any(t.lower.startswith(self.GENERAL_CONTEXT) for t in before):
            # "har fått forebyggende Botox-behandling": a preventive treatment given to a person
            personal = i >= 2 and tokens[i - 1].lower in ("forebyggende", "førebyggjande", "førebyggande") and any(
                t.lower in self.RECEIVE_VERBS for t in tokens[max(0, i - 3) : i - 1]
            )
            if not personal:
                return True
        if i >= 2 and tokens[i - 2].lower in self.GROUP_NOUNS and tokens[i - 1].lower in ("til", "på", "fra", "frå"):
            return True  # "kjører pasienter til røntgen"
        if any(before[k].lower in self.GROUP_NOUNS and before[k + 1].lower == "med" for k in range(len(before) - 1)):
            return True
        after = [t.lower for t in tokens[j : j + 4] if t.lower not in ("alle", "våre", "dei", "de", "nye", "nytilsette")]
        if after and after[0] in self.GROUP_NOUNS:  # "alvorlig syke pasienter"
            return True
        return any(
            after[k] in ("av", "på", "hos", "for", "til") and after[k + 1] in self.GROUP_NOUNS
            for k in range(len(after) - 1)
        )

    #: Words that make a health service a workplace, not a treatment: "jobber hos en fysioterapeut",
    #: "er tilsett i heimesjukepleia", "vikar på legevakta".
    WORK_CUES = frozenset(
        "jobber jobbar jobbet jobba jobbe arbeider arbeidar arbeidde ansatt ansett tilsett vikar vikarierer "
        "vikarierte vikarierer vikariat sekretær renholder reinhaldar kokk assistent praksis hospiterer "
        "hospiterte stilling turnus lærling lærlingplass sommerjobb sommarjobb deltidsstilling leder leiar "
        "avdelingsleder avdelingsleiar sjåfør sykepleier sjukepleiar sykepleiere sjukepleiarar hjelpepleier "
        "hjelpepleiar helsefagarbeider helsefagarbeidar fagarbeider fagarbeidar miljøarbeider miljøarbeidar "
        "merkantil merkantilt kontorfullmektig koordinator konsulent rådgiver rådgjevar vaskehjelp "
        "avdelingssykepleier avdelingssjukepleiar erfaring erfaringar erfaringer yrkeserfaring portør "
        "miljøterapeut".split()
    )
    #: Endings of job titles ("tilkallingsvikar", "saksbehandler", "lagermedarbeider").
    WORK_ENDINGS = (
        "vikar", "sekretær", "medarbeider", "medarbeidar", "assistent", "konsulent", "rådgiver", "rådgjevar",
        "sjåfør", "renholder", "reinhaldar", "portør", "saksbehandler", "sakshandsamar", "koordinator",
        "pleier", "pleiar", "fagarbeider", "fagarbeidar", "ansvar", "ansvaret",
    )
    #: Health-sector titles after "som" ("tar blodprøver som bioingeniør"); not before a hit, where
    #: "går til fysioterapeut og får fysioterapi" is a treatment.
    SOM_TITLES = ("ingeniør", "radiograf", "tekniker", "farmasøyt", "jordmor", "lege", "terapeut", "psykolog")
    #: "dom for promillekjøring" is a criminal record (special categories), not substance use.
    CRIME_CUES = frozenset(
        "dom dommen dømt dømd domfelt bot bota boten bøter straff straffa straffet anmeldt meldt siktet "
        "sikta tiltalt tiltala anmerkning anmerkninger merknad arrestert pågripen pågrepet".split()
    )

    #: Tiredness words ("er sliten", "blir trøytt") are a symptom when persistent or strong ("er framleis
    #: sliten", "mykje trøytt") or caused by treatment ("blir trøytt av medisinen") — not ordinary
    #: tiredness ("er sliten etter lange vakter", "blir fort sliten av tunge oppgaver").
    STRONG = frozenset(
        "framleis fremdeles fortsatt stadig alltid konstant mykje mye svært veldig ekstremt kronisk unormalt "
        "uvanleg uvanlig totalt heilt helt særs enormt ustanselig tida tiden døgnet".split()
    )
    CAUSE_OK = frozenset("det dette den medisinen medisinane medisinene medisinar medisiner tablettene tablettane "
                         "behandlinga behandlingen sykdommen sjukdommen".split())

    def filter_spans(self, tokens: list[Token], spans: list[Span]) -> list[Span]:
        if any(self._tiredness(s[3]) for s in spans):
            starts = [s[0] for s in spans if not self._tiredness(s[3])]
            return [s for s in spans if not self._tiredness(s[3]) or self._tired_ok(tokens, s, starts)]
        return spans

    @staticmethod
    def _tiredness(why: str) -> bool:
        return "@trott" in why or "lite|lita ~energi" in why

    def _tired_ok(self, tokens: list[Token], span: Span, health_starts: list[int] = ()) -> bool:
        start, end = span[0], span[1]
        first, after_end = bisect_left(tokens, start, key=_START), bisect_left(tokens, end, key=_START)
        words = tokens[first:after_end]  # the tokens that start in the span (tokens are in text order)
        if any(t.lower in self.STRONG for t in words):
            return True
        following = tokens[after_end : after_end + 4]
        after = [t.lower for t in following]
        if len(after) >= 2 and after[0] == "av" and after[1] in self.CAUSE_OK:  # "blir trøytt av medisinen"
            return True
        # "er sliten etter cellegiftkuren", "trøytt på grunn av stoffskiftet": caused by a health finding
        return bool(after) and after[0] in ("av", "etter", "pga", "grunn") and any(
            t.start in health_starts for t in following[1:]
        )

    def _workplace(self, tokens: list[Token], i: int, tag: str, j: int | None = None) -> bool:
        """A health service as a workplace: "jobber i heimesjukepleia", "erfaring fra psykiatrien som
        miljøarbeider", "opptrening i det nye datasystemet" (training, not rehabilitation)."""
        if tag not in ("health.treatment", "health.examination"):
            return False
        j = i + 1 if j is None else j
        if any(t.lower in self.WORK_CUES or t.lower.endswith(self.WORK_ENDINGS) for t in tokens[max(0, i - 3) : i]):
            return True
        after = [t.lower for t in tokens[j : j + 4]]
        for k in range(len(after) - 1):
            if after[k] == "som" and (
                after[k + 1] in self.WORK_CUES or after[k + 1].endswith(self.WORK_ENDINGS + self.SOM_TITLES)
            ):
                return True  # "... som miljøarbeider", "i jobben som saksbehandler"
        if after[:2] in (["i", "jobben"], ["i", "jobb"], ["i", "arbeidet"]):
            return True
        return tokens[i].lower in ("opptrening", "opptreninga", "opptreningen") and after[:1] == ["i"]

    def _crime(self, tokens: list[Token], i: int, tag: str) -> bool:
        if tag != "health.substance" or i < 2 or tokens[i - 1].lower != "for":
            return False
        return any(t.lower in self.CRIME_CUES for t in tokens[max(0, i - 4) : i - 1])

    def accept_token(self, tokens: list[Token], n: int, tag: str) -> bool:
        if (
            n
            and tokens[n].lower.endswith(("syke", "sjuke"))
            and tokens[n - 1].lower in ("for", "av", "med", "blant")
            and not tokens[n].lower.endswith(SYKE_DISEASES)
        ):
            return False  # "ei avdeling for hjartesjuke": a group of patients
        if n and LABEL_RE.fullmatch(tokens[n].text) and tokens[n - 1].lower in LOCATION_NOUNS:
            return False  # "avdeling B12", "rom D3": a label, not vitamin B12 or vitamin D
        return not (
            self._general(tokens, n, n + 1)
            or self._workplace(tokens, n, tag)
            or self._crime(tokens, n, tag)
            or self._other_sense(tokens, n, tag)
        )

    def accept_phrase(self, tokens: list[Token], i: int, j: int, tag: str) -> bool:
        return not (
            self._general(tokens, i, j)
            or self._workplace(tokens, i, tag, j)
            or self._crime(tokens, i, tag)
            or self._other_sense(tokens, i, tag)
        )

    #: Verbs and nouns that make medicines and medical supplies goods of the job: "selger reseptfrie
    #: legemidler som Paracet", "lagerfører sprøyter", "tilbereder cytostatika", "dele ut medisinar".
    GOODS_CUES = frozenset(
        "selger sel selge solgte seld lagerfører lagerføre distribuerer distribuere tilbereder "
        "tilbereier tilberede produserer produsere pakker pakkar pakke bestiller bestillar bestille leverer "
        "leverar levere plukker plukkar plukke utleverer utleverar utlevere dele deler ekspederer "
        "ekspedere sortiment sortimentet varer varene reseptfrie reseptfri forbruksmateriell hylla hyllene "
        "lageret".split()
    )
    #: "vaksinasjon mot hepatitt B", "vaksine mot gulfeber": a requirement, not a disease.
    VACCINE_CUES = frozenset(
        "vaksine vaksinen vaksinar vaksiner vaksinasjon vaksinasjonen vaksinert vaksinering "
        "vaksinerte beskyttelse beskyttelsen vern".split()
    )

    def _other_sense(self, tokens: list[Token], i: int, tag: str) -> bool:
        """A health word used about something other than a person's health: medicines as goods of the job,
        a vaccine as a requirement, an infection of a network or a plant, "ein stor operasjon", a course
        someone teaches."""
        if tag in ("health.medication", "health.treatment"):
            if any(w in self.GOODS_CUES for w in _before_in_sentence(tokens, i, 8)):
                return True
        if tag == "health.diagnosis":
            # "vaksinasjon mot hepatitt B og meslinger", "vaksinasjonsstatus for influensa", "hepatitt A-vaksine"
            if any(w.startswith("vaksin") or w.endswith("vaksine") for w in _before_in_sentence(tokens, i, 6)):
                return True
            if any(t.lower.endswith(("vaksine", "vaksinen", "vaksiner", "vaksinar")) for t in tokens[i + 1 : i + 3]):
                return True
            # "infeksjonen i nettverket", "soppinfeksjon i tomatplantane": not a person's disease
            if i + 2 < len(tokens) and tokens[i + 1].lower in ("i", "på", "blant") and tokens[i + 2].lower.startswith(
                NON_HUMAN_HOSTS
            ):
                return True
        if tag == "health.examination" and tokens[i].lower.endswith(MACHINES):
            return True  # "serviceavtalen på MR-maskinene": equipment (a person lies in one machine)
        nxt = tokens[i + 1].lower if i + 1 < len(tokens) else ""
        if nxt == "for" and tokens[i].lower in FIGURATIVE_FOR:
            # "blind for kor tungt det var", "døv for innspela"; "ein årleg hovudpine for leiinga"
            if tokens[i].lower in ("blind", "døv") or (i and tokens[i - 1].lower in FIGURATIVE_FOR_BEFORE) or (
                i > 1 and tokens[i - 2].lower in FIGURATIVE_FOR_BEFORE
            ):
                return True
        if tag == "health.treatment" and tokens[i].lower == "under" and nxt.startswith("behandling"):
            # "begge varslene er under behandling": a case being dealt with
            if any(w.startswith(CASE_WORDS) for w in _before_in_sentence(tokens, i, 10)):
                return True
        if tag == "health.treatment" and i >= 1 and tokens[i].lower.startswith("operasjon"):
            if tokens[i - 1].lower in FIGURATIVE_OPERATION:
                return True  # "ein stor operasjon for heile mannskapet"
        if tag in ("health.treatment", "health.examination", "health.medication"):
            # "produktkurs om sårbehandling", "opplæring i legemiddelhandtering": teaching, not treatment
            before = [t.lower for t in tokens[max(0, i - 3) : i]]
            if any(w in ("i", "om") for w in before) and (
                any(w.endswith(TEACHING) for w in before)
                # "holdt et kurs i …" (teaching), not "deltar i et kurs i smertemestring" (her own course)
                or (any(w in ("kurs", "kurset") for w in before)
                    and any(t.lower in HOLD_VERBS for t in tokens[max(0, i - 6) : i]))
            ):
                return True
        return False

    @classmethod
    def _extra_source(cls) -> object:
        from ekspertrapport.codes import imported_codes

        return imported_codes()  # cached; a new object after an import

    @classmethod
    def _extra_words(cls) -> tuple[tuple[str, str], ...]:
        from ekspertrapport.codes import imported_codes

        _codes, titles = imported_codes()
        return tuple((t, "health.diagnosis") for t in titles)

    def find(self, text: str) -> list[Span]:
        """The lexicon spans, and the trained tagger's spans (``health.description``) where the lexicons
        have neither found nor rejected anything."""
        spans, decided = self._find(text)
        tagged = self.tagger().spans(text, tokens := tokenize(text))
        if not tagged:
            return spans
        taken = sorted(decided + [(s[0], s[1]) for s in spans])
        starts = [t[0] for t in taken]
        reach = list(accumulate((t[1] for t in taken), max))  # reach[k]: the furthest end of taken[:k + 1]
        for span in tagged:
            start, end = tokens[span.first].start, tokens[span.last].end
            k = bisect_left(starts, end)  # taken[:k] start before this span ends
            if not (k and reach[k - 1] > start):
                spans.append((start, end, "health.description", f"modell: sannsynlighet {span.probability:.2f}"))
        return sorted(spans)

    def tagger(self) -> HealthTagger:
        """The trained tagger, over this recognizer's current lexicon group (loaded once)."""
        group = self.group
        known = _TAGGERS.get(type(self))
        if known is not None and known[0] is group:
            return known[1]
        tagger = HealthTagger.from_file(model_path(), self.tagger_word_info())
        _TAGGERS[type(self)] = (group, tagger)
        return tagger

    def tagger_word_info(self) -> WordInfo:
        """What :mod:`~ekspertrapport.lint.tagger` needs to know about a word: the lexicon classes it
        belongs to (body part, sensation, …) and its lexicon hit's rule id, if any."""
        group = self.group
        classes_of, lookup = group.phrases.classes_of, group.lexicon.lookup

        def word_info(lower: str) -> tuple[tuple[str, ...], str | None]:
            hit = lookup(lower)
            return tuple(classes_of(lower)), (hit.tag if hit is not None else None)

        return word_info

    @property
    def known_codes(self) -> frozenset[str]:
        from ekspertrapport.codes import imported_codes

        return frozenset(imported_codes()[0])

    def extra_spans(self, text: str, tokens: list[Token], spans: list[Span]) -> Iterable[Span]:
        for m in DOSE_RE.finditer(text):
            yield m.start(), m.end(), "health.medication", "mønster: dose"
        yield from self._clinical(text, tokens)
        yield from self._brands(text, tokens, spans)
        yield from self._treated_for(tokens, spans)
        yield from self._condition_titles(tokens, spans)
        if CODE_RE.search(text):
            yield from self._codes(text, spans)

    @staticmethod
    def _clinical(text: str, tokens: list[Token]) -> Iterable[Span]:
        """Clinical record language: measurements and scores, named tests with a result, "ua.", "st.p."."""
        texts = getattr(tokens, "texts", None) or [t.text for t in tokens]
        if not MEASURE_WORDS.isdisjoint(texts):  # (most texts: one set operation)
            for k in where(map(MEASURE_WORDS.__contains__, texts)):
                m = MEASURE_AT.match(text, tokens[k].start)
                if m:
                    yield m.start(), m.end(), "health.examination", "mønster: måling eller skår"
        if " pos." in text or " neg." in text or "\u00a0pos." in text or "\u00a0neg." in text:
            for m in TEST_RESULT_RE.finditer(text):
                name = TEST_NAME_RE.search(text, max(0, m.start() - 40), m.start())
                if name:
                    yield name.start(), m.end(), "health.examination", "mønster: klinisk test med resultat"
        for m in NORMAL_RE.finditer(text) if "ua." in text else ():
            if m.start() and _word_char(text[m.start() - 1]):
                continue
            word = WORD_BEFORE_RE.search(text, max(0, m.start() - 30), m.start())
            start = word.start() if word else m.start()
            yield start, m.end(), "health.examination", "mønster: «ua.» (uten anmerkning)"
        for m in STATUS_POST_RE.finditer(text) if "st." in text else ():
            if not (m.start() and _word_char(text[m.start() - 1])):
                yield m.start(), m.end(), "health.examination", "mønster: «st.p.» (status etter)"

    def _condition_titles(self, tokens: list[Token], spans: list[Span]) -> Iterable[Span]:
        """A clinician named by a condition, on its own: "Diabetessykepleieren har gitt henne råd",
        "ruskonsulenten", "demenskoordinatoren" — not the worker's own title ("Hun er kreftsykepleier",
        "jobber som diabetessykepleier")."""
        lowers = token_lowers(tokens)
        likely = {w for w in set(lowers) if _title_like(w)}  # checked once per distinct word
        if not likely:
            return
        starts = {s[0] for s in spans}
        for n in where(map(likely.__contains__, lowers)):
            tok = tokens[n]
            if len(tok.lower) < 7 or tok.start in starts or not tok.lower.isalpha():
                continue
            if len(tok.lower) < 10 and not self._acting_specialist(tokens, n):
                continue
            if not _condition_title(tok.lower) and not self._acting_specialist(tokens, n):
                continue
            prev = tokens[n - 1].lower if n else ""
            if prev in TITLE_COPULA or self._workplace(tokens, n, "health.treatment"):
                continue
            yield tok.start, tok.end, "health.treatment", "mønster: behandler med tilstandsnavn"

    def _acting_specialist(self, tokens: list[Token], n: int) -> bool:
        """A specialist whose name reveals a kind of condition, acting on the worker: "hudlegen har gjeve
        han lysbehandling", "Revmatologen mener ..." — not BHT roles (fysioterapeut, ergoterapeut)."""
        lower = tokens[n].lower
        if not lower.endswith(SPECIALIST_DEF) or lower.startswith(SPECIALIST_NOT) or n + 1 >= len(tokens):
            return False
        if tokens[n + 1].lower not in SPECIALIST_ACTS:
            return False
        return self.group.phrases.in_class("fagfelt", lower)

    def _treated_for(self, tokens: list[Token], spans: list[Span]) -> Iterable[Span]:
        """A body part after a treatment: "hos kiropraktor for nakken", "fysioterapi mot skulderen"."""
        ends = {s[1] for s in spans if s[2] in ("health.treatment", "health.medication", "health.examination")}
        if not ends:
            return
        in_class = self.group.phrases.in_class
        for end in sorted(ends):  # the token that ends each span (tokens are in text order)
            n = bisect_left(tokens, end, key=_END)
            if n < len(tokens) - 2 and tokens[n].end == end and tokens[n + 1].lower in ("for", "mot"):
                k = n + 2
                if tokens[k].lower in ("den", "det", "dei", "de", "venstre", "høyre", "høgre", "begge") and k + 1 < len(tokens):
                    k += 1
                if in_class("kropp", tokens[k].lower):
                    yield tokens[n + 2].start, tokens[k].end, "health.symptom", "mønster: behandling for kroppsdel"

    def _brands(self, text: str, tokens: list[Token], spans: list[Span]) -> Iterable[Span]:
        """An unknown brand-like name in a medication context: "Zorblax 20 mg", "Zorblax-tablettene",
        "medisinen Zorblax", "tar Zorblax mot smertene", "resept på Zorblax". The word is capitalised,
        not first in its sentence, no Norwegian word and no acronym."""
        starts = {s[0]: s for s in spans}
        #: ends of medication names so far, for lists ("fått Postafen og senere Zofran fra fastlegen")
        medication_ends = {s[1] for s in spans if s[2] == "health.medication"}
        for n in capitalised(tokens):
            if n == 0:
                continue
            tok = tokens[n]
            word = tok.text
            if not (word[:1].isupper() and len(word) >= 4 and word.replace("-", "").isalpha()) or word.isupper():
                continue
            if tokens[n - 1].text in (".", "!", "?", ":", "«", '"') or tok.start in starts:
                continue
            prev = tokens[n - 1].lower
            prev2 = tokens[n - 2].lower if n > 1 else ""
            nxt = tokens[n + 1].lower if n + 1 < len(tokens) else ""
            after = text[tok.end : tok.end + 16]
            cue = (
                BRAND_DOSE_RE.match(after) is not None
                or nxt in BRAND_FORMS
                or word.lower().split("-")[-1] in BRAND_FORMS
                or prev in BRAND_NOUNS
                or (prev in ("på", "av", "med", "til") and prev2 in BRAND_BEFORE)
                or (prev in ("på", "av") and prev2 in ("ned", "opp") and n > 2 and tokens[n - 3].lower in BRAND_BEFORE)
                or (
                    prev in BRAND_VERBS
                    or (prev in ("på", "med", "til") and prev2 in BRAND_WEAK_BEFORE)
                    or (prev == "på" and prev2 in ("går", "gikk", "gjekk", "står", "sto", "stod"))
                )
                and self._med_after(
                    tokens, n + 1, starts, strict=prev in ("bruker", "brukar", "brukte") or prev2 in BRAND_WEAK_BEFORE
                )
                or self._listed_after_medication(tokens, n, medication_ends)
            )
            if not cue:
                continue
            from ..morphology import known_word

            lower = word.lower()
            if "-" in lower and lower.split("-")[-1] not in BRAND_FORMS and known_word(lower.split("-")[-1]):
                continue  # "Rema-produkter", "Visma-opplæring"
            if known_word(lower) or _person_name(word) or _two_words(lower):
                continue
            medication_ends.add(tok.end)
            yield tok.start, tok.end, "health.medication", "mønster: preparatnavn i legemiddelkontekst"

    @staticmethod
    def _listed_after_medication(tokens: list[Token], n: int, medication_ends: set[int]) -> bool:
        """The next name in a list of medicines: "<medicine> og (senere) <Name>", "<medicine>, <Name>"."""
        k = n - 1
        if tokens[k].lower in BRAND_LIST_ADVERBS:
            k -= 1
        return k >= 1 and tokens[k].lower in ("og", "eller", ",", "/") and tokens[k - 1].end in medication_ends

    @staticmethod
    def _med_after(tokens: list[Token], k: int, starts: dict, strict: bool = False) -> bool:
        """After "tar/bruker <Name>": "mot smertene", "for søvnen", "ved behov"; after "tar/går på <Name>"
        also "fast", "daglig", "om kvelden" ("bruker Teams daglig" is software)."""
        words = [t.lower for t in tokens[k : k + 3]]
        if not words:
            return False
        if words[:2] == ["ved", "behov"]:
            return True
        if words[0] == "om" and words[1:2] and words[1] in BRAND_NIGHT:
            return True  # "startet med Zorblax om natta"
        if len(words) > 2 and words[0] in ("flere", "fleire", "to", "tre", "fire") and words[1] in ("ganger", "gonger"):
            return True  # "bruker Zorblax flere ganger om dagen"
        for i, t in enumerate(tokens[k : k + 6]):  # "fått Zorblax (og senere …) fra fastlegen"
            if t.text in CLAUSE_BREAKS:
                break
            if t.lower in ("fra", "frå", "av", "hos", "hjå") and k + i + 1 < len(tokens):
                if tokens[k + i + 1].lower in BRAND_PRESCRIBERS:
                    return True
        if not strict and (words[0] in BRAND_ADVERBS or (words[0] == "om" and words[1:2] and words[1] in BRAND_TIMES)):
            return True
        return words[0] in ("mot", "for") and len(words) > 1 and any(
            t.start in starts for t in tokens[k + 1 : k + 3]
        )

    def _codes(self, text: str, spans: list[Span]) -> Iterable[Span]:
        known = self.known_codes
        health_ends = {s[1] for s in spans}
        health_starts = {s[0] for s in spans}
        for m in CODE_RE.finditer(text):
            code = m.group(1) + m.group(2) + (m.group(3) or "")
            before = text[max(0, m.start() - 60) : m.start()]
            breaks = list(SENTENCE_BREAK_RE.finditer(before))
            if breaks:
                before = before[breaks[-1].start() + 1 :]
            why = None
            if CODE_CONTEXT_RE.search(before):
                why = "diagnosekode etter kontekstord"
            elif CODE_AFTER_RE.match(text[m.end() : m.end() + 60]):
                why = "diagnosekode på sykmelding/erklæring"
            elif m.group(3) and (m.group(1) not in "UV" or code in known):
                why = "diagnosekode med desimal (ICD-10)"
            elif self._beside_health(text, m.start(), m.end(), health_ends, health_starts):
                why = "diagnosekode ved siden av helseopplysning"
            if why:
                if code in known:
                    why += ", kjent fra importert kodeliste"
                yield m.start(), m.end(), "health.diagnosis-code", why

    @staticmethod
    def _beside_health(text: str, start: int, end: int, ends: set[int], starts: set[int]) -> bool:
        """"artrose (M19)" or "L84 (ryggsmerter)"."""
        if start > 0 and text[start - 1] == "(":
            j = start - 1
            while j > 0 and text[j - 1] == " ":
                j -= 1
            if j in ends:
                return True
        after = text[end : end + 3]
        if after.startswith(" (") and end + 2 in starts:
            return True
        return False


#: Definite forms of specialists ("hudlegen", "revmatologen", "psykiateren") and the verbs of their acts.
SPECIALIST_DEF = ("legen", "lækjaren", "logen", "iateren", "opeden", "urgen", "apeuten", "aten")
SPECIALIST_NOT = ("fysioterapeut", "ergoterapeut", "bedrifts", "fastleg", "kommunelege", "arbeidsmedisin")
SPECIALIST_ACTS = frozenset(
    "har hadde gav ga gjev gir gjeve gitt meiner mener anbefalte anbefaler tilrår tilrådde sa seier sier "
    "skriv skriver skreiv skrev fann fant oppdaga oppdaget vurderte konkluderte satte sette starta startet "
    "henviste tilviste foreskrev".split()
)

#: Title heads of clinicians ("diabetes|sykepleier", "rus|konsulent", "demens|koordinator").
TITLE_HEADS = ("sykepleier", "sjukepleiar", "sykepleiar", "konsulent", "koordinator", "terapeut", "spesialist")
TITLE_ENDS = tuple({h + e for h in TITLE_HEADS for e in ("", "en", "ar", "ane", "er", "ene", "ne", "ar", "n")})
#: Before the worker's own title: "Hun er kreftsykepleier", "jobber som ruskonsulent".
TITLE_COPULA = frozenset(
    "er var vore vært blitt ble blei vart som utdannet utdanna jobber jobbar arbeider arbeidar ny erfaren "
    "erfaen dyktig fagansvarlig fagansvarleg".split()
)


_TITLE_LIKE_ENDS = TITLE_ENDS + SPECIALIST_DEF


@functools.lru_cache(maxsize=20_000)
def _title_like(lower: str) -> bool:
    """A word that can be a clinician's title or a specialist at all (necessary for both): at least seven
    letters, with a title's or a specialist's ending."""
    return len(lower) >= 7 and lower.isalpha() and lower.endswith(_TITLE_LIKE_ENDS)


@functools.lru_cache(maxsize=20_000)
def _condition_title(lower: str) -> bool:
    from ..morphology import stems

    if not lower.endswith(TITLE_ENDS):
        return False
    group = HealthRecognizer._group()
    for s in stems(lower)[:5]:
        for head in TITLE_HEADS:
            if s.endswith(head) and len(s) - len(head) >= 3:
                hit = group.lexicon._modifier(s[: -len(head)])
                if hit is not None and hit.tag.endswith(("diagnosis", "substance", "symptom", "reproductive")):
                    return True
    return False


@functools.lru_cache(maxsize=5_000)
def _two_words(lower: str) -> bool:
    """A compound of two Norwegian words ("kystbussen" = "kyst" + "bussen"), so no brand name."""
    from ..morphology import known_word

    for i in range(3, len(lower) - 2):
        head = lower[i:]
        if known_word(head) and (known_word(lower[:i]) or (lower[i - 1] == "s" and known_word(lower[: i - 1]))):
            return True
    return False


@functools.lru_cache(maxsize=1)
def _person_names() -> frozenset[str]:
    from ..morphology import read_lines

    return frozenset(
        w.lower() for name in ("fornavn.txt", "etternavn.txt") for w in read_lines("person", name)
    )


def _person_name(word: str) -> bool:
    """A known first or last name (read from the person lexicon; never a brand)."""
    return word.lower() in _person_names()


def build_recognizers(language: str) -> list[EntityRecognizer]:
    """The engine's entry point for this module (see ``recognizers/__init__.py``)."""
    return [HealthRecognizer(supported_language=language)]


def lexicon_rule(word: str) -> str | None:
    """The health rule a single word belongs to ("Lyrica" → ``health.medication``), or None.

    For other recognizers that should leave health terms alone (a drug name is not a person's name).
    """
    hit = HealthRecognizer._group().lexicon.lookup(word)
    return hit.tag if hit else None
