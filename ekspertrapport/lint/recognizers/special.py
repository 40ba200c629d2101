"""Special-category recognizer: religion, ethnic origin, political views, union membership, sexual
orientation and criminal record (GDPR art. 9 and 10).

Same pipeline as :mod:`.health` (lexicon words + patterns from ``lexicons/special/``). Ambiguous
words only count in context: party names after "medlem av"/"aktiv i" ("Høyre" is also a side of the
body), unions after "medlem i", nationality adjectives before "bakgrunn"/"opprinnelse" (not "faglig
bakgrunn"), nynorsk "same" only as a noun.
"""

from __future__ import annotations

from ..morphology import Token
from .health import LexiconRecognizer

#: "faglig bakgrunn fra Polen" is an education, not an ethnic origin.
NOT_ORIGIN = frozenset(
    "faglig fagleg yrkesfaglig yrkesfagleg utdanningsmessig akademisk profesjonell teknisk militær "
    "arbeidserfaring utdanning utdanninga utdanningen erfaring erfaringa erfaringen yrkeserfaring".split()
)


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

    def accept_phrase(self, tokens: list[Token], i: int, j: int, tag: str) -> bool:
        if tag == "special-category.ethnicity" and i > 0 and tokens[i - 1].lower in NOT_ORIGIN:
            return False
        return True


def build_recognizers(language: str) -> list[SpecialCategoryRecognizer]:
    return [SpecialCategoryRecognizer(supported_language=language)]
