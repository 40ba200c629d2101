"""Identity recognizers: numbers found 100 %, no false positives on other numbers; phone, e-mail, address."""

from __future__ import annotations

import random

import pytest
from stdnum.no import fodselsnummer, orgnr

FNR = "identity.fodselsnummer"


def _with_check_digits(base9: str) -> str | None:
    c1 = fodselsnummer.calc_check_digit1(base9)
    if c1 == "10":
        return None
    c2 = fodselsnummer.calc_check_digit2(base9 + c1)
    return None if c2 == "10" else base9 + c1 + c2


def _numbers(n: int, seed: int = 7) -> list[tuple[str, str]]:
    """(kind, number): real-looking fødselsnummer, D-nummer and synthetic (+40 / +80 month) numbers."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    kinds = ["fnr", "d", "syn40", "syn80"]
    while len(out) < n:
        kind = kinds[len(out) % 4]
        year = rng.randint(1930, 2024)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        individual = rng.randint(0, 499) if year < 2000 else rng.randint(500, 999)
        day += 40 if kind == "d" else 0
        month += {"syn40": 40, "syn80": 80}.get(kind, 0)
        number = _with_check_digits(f"{day:02d}{month:02d}{year % 100:02d}{individual:03d}")
        if number:
            out.append((kind, number))
    return out


def _found(linter, text: str, rule: str = FNR):
    return [(f.start, f.end) for f in linter.lint_text(text) if f.rule == rule]


def test_every_valid_identity_number_is_found_compact_and_spaced(linter):
    numbers = _numbers(200)
    parts, spans = [], []
    pos = 0
    templates = ["Fødselsnummeret er {}.", "Hun oppga {} i skjemaet.", "({}) ", "Nummer {}, ", "Sak om {} avsluttet."]
    for index, (_, number) in enumerate(numbers):
        written = number if index % 2 else f"{number[:6]} {number[6:]}"
        sentence = templates[index % len(templates)].format(written) + " "
        start = pos + sentence.index(written)
        spans.append((start, start + len(written)))
        parts.append(sentence)
        pos += len(sentence)
    found = _found(linter, "".join(parts))
    assert found == spans  # 100 %, exact spans, nothing else


@pytest.mark.parametrize("text", [
    "Organisasjonsnummer {orgnr} står i tilskuddsbrevet.",
    "NAV-referanse 2025/123456 og saksnummer 24/12345-6.",
    "Perioden var 14.03.2025–02.05.2025, møtet 2025-03-14 kl. 10.",
    "Kostnaden var kr 21 500, totalt 1 234 567,50 kroner for 12 345 678 901 enheter.",
    "Ring 912 34 567 eller 22 33 44 55, eller +47 41234567.",
    "Kontonummer 1234 56 78903 og 12345678903.",
    "Arbeidstaker har 11 års ansiennitet og jobber 37,5 timer i uka.",
])
def test_no_false_positives_on_other_numbers(linter, text):
    text = text.format(orgnr=orgnr.format(_valid_orgnr()))
    assert _found(linter, text) == []


def _valid_orgnr() -> str:
    for n in range(974760600, 974760700):
        if orgnr.is_valid(str(n)):
            return str(n)
    raise AssertionError


def test_invalid_eleven_digit_numbers_without_context_are_not_flagged(linter):
    rng = random.Random(3)
    numbers = []
    while len(numbers) < 200:
        n = "".join(str(rng.randint(0, 9)) for _ in range(11))
        if _with_check_digits(n[:9]) != n:
            numbers.append(n)
    text = " ".join(f"Referanse {n}." for n in numbers)
    assert _found(linter, text) == []


def test_invalid_number_next_to_identity_word_is_flagged(linter):
    text = "Fødselsnummer: 12345678901."
    found = [f for f in linter.lint_text(text) if f.rule == FNR]
    assert [(f.text, f.score < 1) for f in found] == [("12345678901", True)]
    assert "ugyldige kontrollsiffer" in found[0].explanation


def test_nynorsk_identity_context(linter):
    found = [f for f in linter.lint_text("Fødselsnummeret hennar er 12345678901.", malform="nn") if f.rule == FNR]
    assert [f.text for f in found] == ["12345678901"]
    assert found[0].message == "Fødselsnummer eller D-nummer skal ikkje stå i rapporten."


def test_kind_is_explained(linter):
    number = _numbers(2)[1][1]  # a D-nummer
    [finding] = [f for f in linter.lint_text(f"Nr. {number}.") if f.rule == FNR]
    assert "D-nummer" in finding.explanation


@pytest.mark.parametrize(("text", "expected"), [
    ("Mobil: 912 34 567.", "912 34 567"),
    ("Nås på 91234567 etter kl. 16.", "91234567"),
    ("Telefon +47 22 33 44 55 hjemme.", "+47 22 33 44 55"),
    ("Ring 0047 41234567.", "0047 41234567"),
    ("Tlf. 4123 4567.", "4123 4567"),
    ("Kona hans ringde frå +48 601 234 567 i går.", "+48 601 234 567"),
    ("Han kan nåast på +370 612 34 567 i jula.", "+370 612 34 567"),
    ("Svensk nummer: +46 70-123 45 67.", "+46 70-123 45 67"),
    # a switchboard in the sentence before does not make the next sentence's number an organisation's
    ("Ring sentralbordet. Datteren har tlf. 912 34 567.", "912 34 567"),
])
def test_phone_numbers(linter, text, expected):
    assert [f.text for f in linter.lint_text(text) if f.rule == "identity.phone"] == [expected]


@pytest.mark.parametrize("text", [
    "Kostnad kr 21500000 for hele perioden.",
    "Beløpet er 12 34 56 78 kroner.",
    "Datoen 20250314 står i vedtaket.",
    "Møtet 14032025 ble flyttet.",
    "Organisasjonsnummer 974 760 673.",
    "Tre av 12345678901 sider.",
    "Rom 123 45 er ledig.",
    "Tallene for 2024 2025 er like.",
    "Det var +12 grader ute i 2024.",
    "Resultatet ble +3 mot fjoråret.",
    "Kontaktperson hos BHT: rådgiver, tlf. 73 80 12 00 (sentralbord).",
    "Rådgiver kan nåast via BHT-sentralbordet, tlf. 55 90 00 00.",
    "Barnevernvakta har eget nummer, tlf. 800 12 345.",
])
def test_not_phone_numbers(linter, text):
    assert [f.text for f in linter.lint_text(text) if f.rule == "identity.phone"] == []


REPORT = """---
arbeidsgiver: {{navn: Solsikken Barnehage AS, orgnr: "974760673"}}
arbeidstaker: {{navn: Kari Nordmann}}
ekspert: {{navn: Eva Ekspert, kompetanse: Psykolog, virksomhet: Eksempel BHT AS, kontakt: "{kontakt}"}}
periode: {{fra: 2025-03-14, til: 2025-05-02}}
ingen_tiltak_begrunnelse: Ikke aktuelt.
---

## Gjennomføring

{body}
"""


def test_experts_own_contact_is_allowed(linter):
    text = REPORT.format(kontakt="eva@eksempel-bht.no / +47 412 34 567",
                         body="Kontakt eva@eksempel-bht.no eller 41 23 45 67. Leder: per@solsikken.no, 98 76 54 32.")
    found = [(f.rule, f.text) for f in linter.lint_text(text) if f.rule in ("identity.email", "identity.phone")]
    assert found == [("identity.email", "per@solsikken.no"), ("identity.phone", "98 76 54 32")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Skriv til kari.nordmann@gmail.com.", ["kari.nordmann@gmail.com"]),
    ("Adressen er ola_n+nav@online.no", ["ola_n+nav@online.no"]),
    ("Send til postmottak@kommune.no eller firmapost@solsikken.no.", []),
    ("Vi bruker e-post og Teams.", []),
    ("Se www.nav.no for skjema.", []),
])
def test_email(linter, text, expected):
    assert [f.text for f in linter.lint_text(text) if f.rule == "identity.email"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Hun bor i Storgata 12 med familien.", ["Storgata 12"]),
    ("Han bur i Fjellvegen 7B.", ["Fjellvegen 7B"]),
    ("Hun bor i Storgata 12 i Oslo.", ["Storgata 12"]),
    ("Han bor i Lillevegen 3 B.", ["Lillevegen 3 B"]),
    ("Adresse: Kong Oscars gate 5, 5017 Bergen.", ["Kong Oscars gate 5, 5017 Bergen"]),
    ("Post sendes til Bakkeveien 4, 0123 Oslo.", ["Bakkeveien 4, 0123 Oslo"]),
    ("Han bur i Nautneset 4 og har kort veg til lokaliteten.", ["Nautneset 4"]),
    ("Ho bur på Øvre Lid 12b.", ["Øvre Lid 12b"]),
    ("Hun bor i Oslo og pendler.", []),
    ("Hun bor på Lade 3 km fra jobben.", []),
    ("Han bor i Bergen 2 dager i uka.", []),
    ("Møtet var på kontoret i Storgata 12.", []),
    ("Arbeidsgiveren holder til i Industriveien 3, 1410 Kolbotn.", []),
    ("Hun trenger en stille arbeidsplass.", []),
])
def test_address(linter, text, expected):
    assert [f.text for f in linter.lint_text(text) if f.rule == "identity.address"] == expected


def test_front_matter_identifiers_are_not_linted(linter):
    text = REPORT.format(kontakt="eva@eksempel-bht.no", body="Arbeidet ble gjennomført som avtalt.")
    assert [f for f in linter.lint_text(text) if f.category == "identity"] == []


# -- the fast scans find exactly what the plain patterns find -------------------------------------

# The patterns as first written (a lookbehind first, tried at every character); the recognizers scan
# faster but must match the same spans.
PLAIN_FNR = r"(?<![\d.,/-])(\d{6})[ \u00a0-]?(\d{5})(?![\d]|[.,/-]\d)"
PLAIN_PHONE = (r"(?<![\w+/.,])(?<!\d )(?:(?:\+|00)47[ \u00a0]?)?"
               r"([2-9]\d{7}|[2-9]\d{2}[ \u00a0]\d{2}[ \u00a0]\d{3}|[2-9]\d[ \u00a0]\d{2}[ \u00a0]\d{2}[ \u00a0]\d{2}"
               r"|[2-9]\d{3}[ \u00a0]\d{4})(?![\d]|[.,]\d| \d)")


def _random_texts(alphabet: list[str], n: int = 3000, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(["", "x", "1", "+"]) + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
            for _ in range(n)]


def test_fast_number_scans_match_the_plain_patterns():
    import re

    from ekspertrapport.lint.recognizers.identity import FodselsnummerRecognizer, PhoneRecognizer, _finditer_from

    alphabet = list("0123456789" * 6) + [" ", " ", "\u00a0", "-", ".", ",", "/", "+", "a", "Å", "_", "\n", "00", "47"]
    texts = _random_texts(alphabet) + ["01010012356", "x01010012356", ".01010012356", "+47 912 34 567",
                                       "0047 91234567", "1 91234567"]
    plain_fnr, plain_phone = re.compile(PLAIN_FNR), re.compile(PLAIN_PHONE)
    for text in texts:
        assert ([m.span() for m in FodselsnummerRecognizer.PATTERN.finditer(text)]
                == [m.span() for m in plain_fnr.finditer(text)]), text
        fast = _finditer_from(PhoneRecognizer.PATTERN, PhoneRecognizer.START, text)
        assert [(m.span(), m.group(1)) for m in fast] == [(m.span(), m.group(1)) for m in plain_phone.finditer(text)], text


def test_fast_email_and_address_scans_match_the_plain_patterns():
    from ekspertrapport.lint.recognizers.identity import AddressRecognizer, EmailRecognizer

    email, address = EmailRecognizer(), AddressRecognizer()
    alphabet = list("abkø.._-+@@") + ["no", "com", " ", "1", "\n", "æ"]
    for text in _random_texts(alphabet) + ["a@b.com@c.no", "a@b.com-x@c.no", "x.y+z@nav.no, post@nav.no"]:
        found = [m.span() for m in email._matches(text)] if "@" in text else []
        assert found == [m.span() for m in email.PATTERN.finditer(text)], text
    alphabet = ["Storgata", "gate", "veien", "Kong", "Oscars", " ", " ", "  ", "\n", "12", "4", "B", ",", "0123",
                "Oslo", "bor i", "x"]
    rng = random.Random(5)
    for _ in range(10000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        if address.street.search(text):
            assert address._maybe_street(text), text
