"""Special-category recognizer: religion, ethnic origin, political views, union membership, sexual
orientation and criminal record (GDPR art. 9 and 10).

Same pipeline as :mod:`.health` (lexicon words + patterns from ``lexicons/special/``). Ambiguous
words only count in context: party names after "medlem av"/"aktiv i" ("Høyre" is also a side of the
body), unions after "medlem i", nationality adjectives before "bakgrunn"/"opprinnelse" (not "faglig
bakgrunn"), nynorsk "same" only as a noun.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..morphology import Token, token_lowers, where
from .health import LexiconRecognizer, Span

#: "faglig bakgrunn fra Polen" is an education, not an ethnic origin.
NOT_ORIGIN = frozenset(
    "faglig fagleg yrkesfaglig yrkesfagleg utdanningsmessig akademisk profesjonell teknisk militær "
    "arbeidserfaring utdanning utdanninga utdanningen erfaring erfaringa erfaringen yrkeserfaring".split()
)


#: Words that make a church or its services the workplace, not a faith ("kantor i Den norske kyrkja").
CHURCH_WORK = frozenset(
    "kantor kantoren prest presten organist organisten kirketjener kirketjeneren kyrkjetenar kyrkjetenaren "
    "kirkeverge kyrkjeverje klokker klokkaren diakon diakonen fellesråd fellesrådet kirkelig kyrkjeleg "
    "klargjøring klargjering gravferder gravferd gravplass gravplassdrift vigsler vigslar korøvingar "
    "korøvelser".split()
)
#: A union's representative in that role (not the worker's membership).
UNION_ROLES = ("tillitsvalgt", "tillitsvald", "klubbleder", "klubbleiar", "klubbleiaren", "klubblederen",
               "representant", "representanten", "tillitsvalde", "tillitsvalgte")
IS_VERBS = frozenset("er var vore vært blitt vorte som bli verte".split())

GENDER = {"han": "m", "hun": "f", "ho": "f"}
PARTNER = {
    **dict.fromkeys("mannen ektemannen ektemann ektemaken mann".split(), "m"),
    **dict.fromkeys("kona kone konen kona hustru hustruen kvinne dame".split(), "f"),
}
DEFINITE = frozenset("mannen ektemannen kona konen hustruen".split())
POSSESSIVE = {"hans": "m", "hennes": "f", "hennar": "f"}
REFLEXIVE = frozenset({"sin", "si"})
GENERIC = frozenset({"mann", "kvinne", "dame"})  # only "gift/samboer med en mann"
TOGETHER = frozenset({"gift", "samboer", "sambuar", "sammen", "saman", "forlovet", "forlova"})


class SpecialCategoryRecognizer(LexiconRecognizer):
    GROUP = "special"
    NAME = "SpecialCategoryRecognizer"
    WORD_FILES = {
        "religion.txt": "special-category.religion",
        "ethnicity.txt": "special-category.ethnicity",
        "politics.txt": "special-category.politics",
        "union.txt": "special-category.union",
        "sexual-orientation.txt": "special-category.sexual-orientation",
        "criminal-record.txt": "special-category.criminal-record",
    }
    RULES = [
        "special-category.religion",
        "special-category.ethnicity",
        "special-category.politics",
        "special-category.union",
        "special-category.sexual-orientation",
        "special-category.criminal-record",
    ]

    def accept_token(self, tokens: list[Token], n: int, tag: str) -> bool:
        return not self._in_a_role(tokens, n, tag)

    @staticmethod
    def _in_a_role(tokens: list[Token], i: int, tag: str) -> bool:
        """The word is about a job or a role, not about the person: a church or its services as the
        workplace ("kantor i Den norske kyrkja", "klargjering til gudstenester"), a union named by its
        representative in that role ("Hovedtillitsvalgt for Fagforbundet deltok")."""
        if tag == "special-category.religion":
            near = {t.lower for t in tokens[max(0, i - 6) : i + 7]}
            return bool(near & CHURCH_WORK)
        if tag == "special-category.union":
            for k in range(max(0, i - 3), i + 1):
                if tokens[k].lower.endswith(UNION_ROLES):
                    # "hun er (verneombud og) tillitsvalgt for …" stays: her own membership
                    return not any(t.lower in IS_VERBS for t in tokens[max(0, k - 3) : k])
        return False

    def accept_phrase(self, tokens: list[Token], i: int, j: int, tag: str) -> bool:
        if self._in_a_role(tokens, i, tag):
            return False
        if tag == "special-category.ethnicity" and i > 0 and tokens[i - 1].lower in NOT_ORIGIN:
            return False
        if tag == "special-category.criminal-record" and j - i == 1 and _prison_as_workplace(tokens, i):
            return False
        if tokens[i].lower.startswith(("utenlandsk", "utanlandsk")) and tokens[j - 1].lower.startswith("statsborg"):
            return False  # "utenlandsk statsborger" is a citizenship, not an origin
        return True

    def extra_spans(self, text: str, tokens: list[Token], spans: list[Span]) -> Iterable[Span]:
        """Sexual orientation through partner terms: a man's husband ("mannen hans", "Han og mannen",
        "han er gift med en mann") or a woman's wife ("kona hennes", "Hun bor med kona si")."""
        lowers = token_lowers(tokens)
        partners = list(where(map(PARTNER.__contains__, lowers)))  # (rare words)
        for n, subject in zip(partners, _subjects(lowers, partners)):
            tok, low = tokens[n], lowers[n]
            partner = PARTNER[low]
            nxt = tokens[n + 1].lower if n + 1 < len(tokens) else ""
            prev = tokens[n - 1].lower if n else ""
            prev2 = tokens[n - 2].lower if n > 1 else ""
            start, end = tok.start, tok.end
            same = False
            if nxt in POSSESSIVE and POSSESSIVE[nxt] == partner:  # "mannen hans", "kona hennes"
                same, end = True, tokens[n + 1].end
            elif nxt in REFLEXIVE and subject == partner:  # "Hun bor med kona si"
                same, end = True, tokens[n + 1].end
            elif prev == "og" and GENDER.get(prev2) == partner and low in DEFINITE:  # "Han og mannen"
                same = True
            elif (
                prev in ("en", "ein", "ei")
                and subject == partner
                and prev2 in ("med", "har", "hadde", "fått")
                and (low not in GENERIC or (prev2 == "med" and n > 2 and tokens[n - 3].lower in TOGETHER))
            ):
                same, start = True, tokens[n - 1].start  # "gift med en mann", "har en ektemann"
            if same:
                yield start, end, "special-category.sexual-orientation", "mønster: partner av samme kjønn"


#: Words that make a bare "fengsel" a workplace: "fengselsbetjent ved Fjordby fengsel", "arbeidet i fengselet".
PRISON_WORK = frozenset(
    "jobber jobbar jobbet jobba arbeider arbeidar arbeidet arbeida ansatt ansett tilsett tilsette betjent betjentar "
    "betjenter fengselsbetjent fengselsbetjenten miljøarbeider miljøarbeidar vikar vikarar vikarer leder leiar "
    "sekretær lærer lærar kollega kollegaer kollegaene kolleger tjenestested tenestestad arbeidsplass arbeidsplassen "
    "vakt vakter vaktene innsatte innsette stilling stillinga stillingen stillingar stillinger".split()
)


def _prison_as_workplace(tokens: list[Token], i: int) -> bool:
    """A bare "fengsel" about the job: a work word within eight tokens before or after it (across a
    sentence end too), or the name of the prison ("Fjordby fengsel")."""
    if i > 0 and tokens[i - 1].text[:1].isupper() and tokens[i - 1].text.isalpha():
        return True
    if tokens[i].lower in ("fengselet", "fengslet") and not _serving(tokens, i):
        return True  # "Fengselet har ledige stillingar", "like ved fengselet": the institution
    return any(tok.lower in PRISON_WORK or tok.lower.endswith("betjent") for tok in tokens[max(0, i - 8) : i + 9])


#: Words of serving a sentence: "sit i fengselet", "sonar i fengselet", "løslaten frå fengselet".
SERVING = frozenset(
    "sit sat sitter satt sete sitje sitte sittet soner sonar sonet sona sone soning dømt dømd innsett "
    "fengsla fengslet løslatt løslaten sleppt slept overført".split()
)


def _serving(tokens: list[Token], i: int) -> bool:
    """A word of serving a sentence in the six tokens before ``i``, or "ut av"/"ut frå" just before it."""
    if any(t.lower in SERVING for t in tokens[max(0, i - 6) : i]):
        return True
    return i >= 2 and tokens[i - 2].lower == "ut" and tokens[i - 1].lower in ("av", "frå", "fra")


SENTENCE_ENDS = frozenset({".", "!", "?", "\n"})


def _subjects(lowers: list[str], positions: list[int]) -> Iterable[str | None]:
    """For each of the (ascending) token positions, the gender of the first "han"/"hun"/"ho" of its
    sentence before it, or None: read back to the sentence's start, or to the previous position when
    that is in the same sentence (whose answer then carries over), so no token is read more than twice."""
    last, last_start, last_subject = -1, 0, None
    for n in positions:
        start = n
        while start and start - 1 != last and lowers[start - 1] not in SENTENCE_ENDS:
            start -= 1
        if start and start - 1 == last:  # the previous position is in this sentence
            start, subject, read_from = last_start, last_subject, last + 1
        else:
            subject, read_from = None, start
        if subject is None:
            subject = next((GENDER[low] for low in lowers[read_from:n] if low in GENDER), None)
        yield subject
        last, last_start, last_subject = n, start, subject


def build_recognizers(language: str) -> list[SpecialCategoryRecognizer]:
    return [SpecialCategoryRecognizer(supported_language=language)]
