"""Identity recognizers: fødselsnummer/D-nummer/synthetic numbers, phone numbers, e-mail and home addresses.

One class per rule, in the style of presidio's country-specific recognizers (class-level patterns and
context words, a ``validate`` step). Identity numbers are validated with python-stdnum; the word lists
that are policy (role e-mail addresses, street-name endings) are rule parameters in
``rules/identity.yaml``. Allowed contacts (the expert's own ``kontakt``) come from the lint context.

Speed: a pattern that begins with a lookbehind makes Python's regex engine try a match at every
character of the text (≈ 0.3 ms per 2 000 words each). The patterns here either begin with a character
class (the engine then skips ahead to candidates in C), or are tried only where a cheap necessary
condition holds (an «@», a digit after a street ending); the matches are the same.
"""

from __future__ import annotations

import calendar
import re
from typing import ClassVar

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from stdnum.no import fodselsnummer

from ..context import current
from ..rules import load_rules


def _result(recognizer: EntityRecognizer, entity: str, start: int, end: int, score: float, why: str) -> RecognizerResult:
    explanation = AnalysisExplanation(recognizer=recognizer.name, original_score=score, textual_explanation=why)
    return RecognizerResult(entity_type=entity, start=start, end=end, score=score, analysis_explanation=explanation,
                            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
                                                  RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id})


def _near(pattern: re.Pattern[str], text: str, start: int, before: int = 40) -> re.Match[str] | None:
    """The last match of ``pattern`` in the ``before`` characters preceding ``start``."""
    window = text[max(0, start - before):start]
    found = None
    for found in pattern.finditer(window):
        pass
    return found


class _Recognizer(EntityRecognizer):
    ENTITY: ClassVar[str]

    def __init__(self, supported_language: str = "nb"):
        super().__init__(supported_entities=[self.ENTITY], supported_language=supported_language,
                         name=self.__class__.__name__)

    def load(self) -> None:  # nothing to load: patterns are compiled at import
        pass


class FodselsnummerRecognizer(_Recognizer):
    """11 digits (``01019012345`` or ``010190 12345``) with valid check digits and a plausible birth date:
    fødselsnummer, D-nummer (day + 40), H-nummer/synthetic numbers (month + 40, Tenor's month + 80) and
    FH-nummer. An 11-digit number with invalid check digits is flagged only next to an identity word."""

    ENTITY = "identity.fodselsnummer"
    # ``(?<![\d.,/-])\d{6}``, written with the lookbehind after the first digit so that the regex
    # engine can skip to digits (a character-class prefix).
    PATTERN = re.compile(r"(\d(?<![\d.,/-]\d)\d{5})[ \u00a0-]?(\d{5})(?![\d]|[.,/-]\d)")
    CONTEXT = re.compile(r"\b(?:fødselsnummer\w*|fødselsnr|f\.?nr|personnummer\w*|personnr|d-nummer\w*|"
                         r"identitetsnummer\w*|id-nummer\w*|personidentifikator)\b", re.IGNORECASE)

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for match in self.PATTERN.finditer(text):
            number = match.group(1) + match.group(2)
            kind = self.kind(number)
            if kind:
                results.append(_result(self, self.ENTITY, match.start(), match.end(), 1.0,
                                       f"{kind} med gyldige kontrollsiffer (python-stdnum)"))
            elif (word := _near(self.CONTEXT, text, match.start())) is not None:
                results.append(_result(self, self.ENTITY, match.start(), match.end(), 0.6,
                                       f"11 siffer ved «{word.group()}» (ugyldige kontrollsiffer)"))
        return results

    @staticmethod
    def kind(number: str) -> str | None:
        """«fødselsnummer», «D-nummer», «syntetisk testnummer», «FH-nummer», or None if not valid."""
        if number[9] != fodselsnummer.calc_check_digit1(number) or number[10] != fodselsnummer.calc_check_digit2(number):
            return None
        day, month = int(number[:2]), int(number[2:4])
        if day >= 80:
            return "FH-nummer"
        kind = "fødselsnummer"
        if day > 40:
            day, kind = day - 40, "D-nummer"
        if month > 80:
            month, kind = month - 80, "syntetisk testnummer"
        elif month > 40:
            month, kind = month - 40, "syntetisk testnummer"
        if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
            return None
        return kind


class PhoneRecognizer(_Recognizer):
    """Norwegian phone numbers: 8 digits starting with 2–9, written ``91234567``, ``912 34 567``,
    ``91 23 45 67`` or ``9123 4567``, optionally after ``+47``/``0047``. Amounts and dates are skipped,
    and so is the expert's own contact number."""

    ENTITY = "identity.phone"
    PATTERN = re.compile(
        r"(?<![\w+/.,])(?<!\d )(?:(?:\+|00)47[ \u00a0]?)?"
        r"([2-9]\d{7}|[2-9]\d{2}[ \u00a0]\d{2}[ \u00a0]\d{3}|[2-9]\d[ \u00a0]\d{2}[ \u00a0]\d{2}[ \u00a0]\d{2}|[2-9]\d{3}[ \u00a0]\d{4})"
        r"(?![\d]|[.,]\d| \d)"
    )
    #: Where PATTERN can start: a «+» or digit where its lookbehinds hold (a character-class prefix,
    #: so the engine skips to such characters; PATTERN is then tried only there).
    START = re.compile(r"[+\d](?<![\w+/.,].)(?<!\d .)")
    CONTEXT = re.compile(r"\b(?:tlf|telefon\w*|mobil\w*|mob|ring\w*|sms|nummer\w*|nr)\b", re.IGNORECASE)
    #: «+48 601 234 567», «+370 612 34 567», «+46 70-123 45 67»: a country code other than 47 and 9–15 digits.
    FOREIGN = re.compile(r"(?<![\w+])\+(?!47)[1-9]\d{0,2}(?:[ \u00a0-]?\d{1,4}){2,6}(?![\d])")
    AMOUNT_BEFORE = re.compile(r"(?:\bkr\.?|\bnok|\bkroner|\bbeløp\w*|\bkostnad\w*|\bsum\w*|\$|€)\s*$", re.IGNORECASE)
    AMOUNT_AFTER = re.compile(r"^\s*(?:kr\b|kroner|nok\b|,-|prosent|%|timer|ord\b)", re.IGNORECASE)
    #: A switchboard or service centre's number is an organisation's, not a person's.
    SWITCHBOARD = re.compile(
        r"\b(?:sentralbord\w*|hovednummer\w*|hovudnummer\w*|kontaktsenter\w*|servicesenter\w*|kundesenter\w*|"
        r"kundeservice\w*|vaktsentral\w*|direktenummer\w*)", re.IGNORECASE)
    #: Non-geographic service numbers (800 free phone, 810/815/820/829 shared cost): never a person's.
    SERVICE_PREFIXES = ("800", "810", "815", "820", "829")

    def analyze(self, text, entities, nlp_artifacts=None):
        allowed = current().allowed_contacts
        results = []
        for match in _finditer_from(self.PATTERN, self.START, text):
            digits = re.sub(r"\D", "", match.group(1))
            if digits in allowed or digits.startswith(self.SERVICE_PREFIXES):
                continue
            if self._switchboard(text, match.start(), match.end()):
                continue
            if self.AMOUNT_BEFORE.search(text[max(0, match.start() - 20):match.start()]) or \
                    self.AMOUNT_AFTER.match(text[match.end():match.end() + 12]):
                continue
            context = _near(self.CONTEXT, text, match.start(), 30)
            international = match.group().startswith(("+", "00"))
            if context is None and not international and _looks_like_date(digits):
                continue
            why = f"norsk telefonnummer ved «{context.group()}»" if context else "norsk telefonnummer (8 siffer)"
            results.append(_result(self, self.ENTITY, match.start(), match.end(), 0.9 if context else 0.7, why))
        if "+" in text:
            taken = [(r.start, r.end) for r in results]
            for match in self.FOREIGN.finditer(text):
                digits = re.sub(r"\D", "", match.group())
                if not 9 <= len(digits) <= 15 or digits[-8:] in allowed:
                    continue
                if any(a < match.end() and match.start() < b for a, b in taken):
                    continue
                results.append(_result(self, self.ENTITY, match.start(), match.end(), 0.85,
                                       "utenlandsk telefonnummer (+landskode)"))
        return results

    def _switchboard(self, text: str, start: int, end: int) -> bool:
        """«tlf. 73 80 12 00 (sentralbord)», «via BHT-sentralbordet, tlf. 55 90 00 00»: the word in the
        same sentence, up to 40 characters before or 25 after the number."""
        before = _SENTENCE_END.split(text[max(0, start - 40):start])[-1]
        after = _SENTENCE_END.split(text[end:end + 25])[0]
        return bool(self.SWITCHBOARD.search(before) or self.SWITCHBOARD.search(after))


_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÆØÅ«])|\n")


def _looks_like_date(digits: str) -> bool:
    """``20250314``, ``14032025`` or ``2024 2025``: dates or years, not a phone number."""
    if all(1900 <= int(half) <= 2100 for half in (digits[:4], digits[4:])):
        return True
    for year, month, day in ((digits[:4], digits[4:6], digits[6:]), (digits[4:], digits[2:4], digits[:2])):
        y, m, d = int(year), int(month), int(day)
        if 1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]:
            return True
    return False


class EmailRecognizer(_Recognizer):
    """E-mail addresses, except the expert's own contact and role addresses (``post@``, ``postmottak@``…,
    listed in the rule's ``params.role_addresses``). No tldextract: the pattern requires a dot-separated
    domain with an alphabetic top-level part."""

    ENTITY = "identity.email"
    PATTERN = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")

    def load(self) -> None:
        params = load_rules()[self.ENTITY].params
        self.role_addresses = frozenset(a.lower() for a in params.get("role_addresses", ()))

    def analyze(self, text, entities, nlp_artifacts=None):
        if "@" not in text:
            return []
        allowed = current().allowed_contacts
        results = []
        for match in self._matches(text):
            address = match.group().lower()
            if address in allowed or address.split("@", 1)[0] in self.role_addresses:
                continue
            results.append(_result(self, self.ENTITY, match.start(), match.end(), 1.0, "e-postadresse"))
        return results

    def _matches(self, text: str) -> list[re.Match[str]]:
        """``PATTERN.finditer(text)``, tried only at the start of the ``[\\w.+-]`` run before each «@»:
        every match holds exactly one «@» and, by its lookbehind, starts where that run starts."""
        out: list[re.Match[str]] = []
        last_end = 0
        at = text.find("@")
        while at != -1:
            start = at
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.+-"):  # \w is isalnum() or _
                start -= 1
            if start >= last_end and (match := self.PATTERN.match(text, start)) is not None:
                out.append(match)
                last_end = match.end()
            at = text.find("@", at + 1)
        return out


class AddressRecognizer(_Recognizer):
    """Home addresses: a street name with a number («Storgata 12», «Kong Oscars gate 5B») after a
    residence word («bor i», «adresse:», «flyttet til»), or followed by postnummer and place
    («Bakkeveien 4, 0123 Oslo») where no workplace word is near."""

    ENTITY = "identity.address"
    RESIDENCE = re.compile(r"\b(?:bor|bur|bodde|budde|bosatt|busett|bustad\w*|bosted\w*|hjem\w*|heim\w*|"
                           r"adresse\w*|adressa|flytt\w*\s+til)\b", re.IGNORECASE)
    WORKPLACE = re.compile(r"\b(?:kontor\w*|lokale\w*|arbeidsplass\w*|arbeidsstad\w*|arbeidssted\w*|avdeling\w*|"
                           r"arbeidsgiver\w*|arbeidsgjevar\w*|virksomhet\w*|verksemd\w*|bedrift\w*|butikk\w*|AS|ASA|"
                           r"møte\w*)\b", re.IGNORECASE)

    def load(self) -> None:
        endings = "|".join(sorted((re.escape(e) for e in load_rules()[self.ENTITY].params["street_endings"]), key=len, reverse=True))
        name = r"[A-ZÆØÅ][\wæøåÆØÅéü.-]*"
        self.street = re.compile(
            rf"\b(?:(?:{name}\s+){{1,2}}(?:{endings})\b|{name}(?:{endings}))"
            rf"\s+\d{{1,4}}(?:[A-Za-z]|\s[A-Z])?\b(?:,?\s+\d{{4}}\s+[A-ZÆØÅ][\wæøå-]+)?"
        )
        self.postcode = re.compile(r",?\s+\d{4}\s+[A-ZÆØÅ]")
        # Every street match has a street ending right before «\s+\d»: look for that first.
        self.ending_before = re.compile(rf"(?:{endings})\Z")
        street_endings = load_rules()[self.ENTITY].params["street_endings"]
        self.ending_span = max(len(e) for e in street_endings)
        self.ending_tails = frozenset(e[-2:] for e in street_endings)

    #: «bur i Nautneset 4»: a name and a house number right after a residence verb, with no street ending.
    RESIDENCE_DIRECT = re.compile(
        r"\b(?:bor|bur|bodde|budde|bosatt|busett)\s+(?:i|på)\s+"
        r"([A-ZÆØÅ][\wæøåÆØÅ-]+(?:\s+[A-ZÆØÅ][\wæøåÆØÅ-]+)?\s+\d{1,4}[A-Za-z]?)\b"
        r"(?![.,]?\d|\s*(?:km|kilometer|mil|m|meter|min|minutt\w*|time\w*|timar|dag\w*|uke\w*|veke\w*|år|"
        r"måned\w*|månad\w*|mnd|prosent|%|gang\w*|gong\w*)\b)"  # «bor i Bergen 2 dager i uka»
    )

    def analyze(self, text, entities, nlp_artifacts=None):
        results = self._streets(text)
        if "bo" in text or "bu" in text:
            streets = [(r.start, r.end) for r in results]
            for match in self.RESIDENCE_DIRECT.finditer(text):
                if any(s < match.end(1) and match.start(1) < e for s, e in streets):
                    continue  # the street pattern has it, with its letter and postcode
                why = f"adresse etter «{text[match.start():match.start(1)].strip()}»"
                results.append(_result(self, self.ENTITY, match.start(1), match.end(1), 0.85, why))
        return results

    def _streets(self, text: str) -> list:
        results: list = []
        if not self._maybe_street(text):
            return results
        for match in self.street.finditer(text):
            residence = _near(self.RESIDENCE, text, match.start(), 30)
            if residence is not None:
                why = f"gateadresse etter «{residence.group()}»"
                score = 0.9
            elif self.postcode.search(match.group()) and not _near(self.WORKPLACE, text, match.start(), 60):
                why, score = "gateadresse med postnummer og sted", 0.7
            else:
                continue
            results.append(_result(self, self.ENTITY, match.start(), match.end(), score, why))
        return results

    def _maybe_street(self, text: str) -> bool:
        """A street ending followed by whitespace and a digit occurs (necessary for a ``street`` match)."""
        span, ending, tails = self.ending_span, self.ending_before, self.ending_tails
        for digit in _DIGIT_AFTER_SPACE.finditer(text):
            end = digit.start()
            while end > 0 and text[end - 1].isspace():  # back over the whitespace (\s is str.isspace())
                end -= 1
            if text[end - 2:end] in tails and ending.search(text, max(0, end - span), end):
                return True
        return False


_DIGIT_AFTER_SPACE = re.compile(r"\d(?<=\s\d)")  # character-class prefix: the engine skips to digits


def _finditer_from(pattern: re.Pattern[str], start: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` where ``pattern`` can only match at the positions ``start`` matches
    (``start`` is a fast character-class scan; lookbehinds see the text before the position)."""
    out: list[re.Match[str]] = []
    last_end = 0
    for candidate in start.finditer(text):
        pos = candidate.start()
        if pos < last_end:
            continue
        match = pattern.match(text, pos)
        if match is not None:
            out.append(match)
            last_end = match.end()
    return out
