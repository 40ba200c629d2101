"""The two tables of the Word skeleton: the parties table (→ front-matter fields) and the measures
table (→ ``tiltak``). Labels and values are matched tolerantly (case, bokmål/nynorsk, punctuation);
placeholders fully enclosed in [ ] (e.g. «[Fyll inn]») count as empty.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date

from ..report import Ansvarlig, Spor
from ..sections import normalise_heading
from ..texts import texts
from .docx_text import Block

#: normalised first-column label → (front-matter path, label shown in messages)
PARTY_LABELS: dict[str, tuple[tuple[str, ...], str]] = {}
for _labels, _path in (
    (("Arbeidsgiver", "Arbeidsgivar", "Arbeidsgjevar", "Virksomhet (arbeidsgiver)"), ("arbeidsgiver", "navn")),
    (("Organisasjonsnummer", "Org.nr.", "Orgnr"), ("arbeidsgiver", "orgnr")),
    (("Nærmeste leder", "Næraste leiar", "Nærmaste leiar", "Leder", "Leiar"), ("arbeidsgiver", "leder")),
    (("Arbeidstaker", "Arbeidstakar"), ("arbeidstaker", "navn")),
    (("Stilling",), ("arbeidstaker", "stilling")),
    (("Ekspert",), ("ekspert", "navn")),
    (("Kompetanse",), ("ekspert", "kompetanse")),
    (("Virksomhet", "Verksemd"), ("ekspert", "virksomhet")),
    (("Kontakt", "Kontaktinformasjon"), ("ekspert", "kontakt")),
    (("NAV-referanse", "Nav-referanse", "Referanse"), ("nav", "referanse")),
    (("Periode fra", "Periode frå", "Fra", "Frå"), ("periode", "fra")),
    (("Periode til", "Til"), ("periode", "til")),
    (("Periode",), ("periode",)),  # «14.03.2025–02.05.2025» in one cell, as the rendered report has it
    (("Timer brukt", "Timar brukt", "Timar brukte", "Timer", "Timar"), ("ressursbruk", "timer")),
    (("Kostnad (kr)", "Kostnad"), ("ressursbruk", "kostnad")),
    (("Målform",), ("malform",)),
    (("Begrunnelse for ingen tiltak", "Grunngiving for ingen tiltak", "Ingen tiltak begrunnelse"),
     ("ingen_tiltak_begrunnelse",)),
):
    for _label in _labels:
        PARTY_LABELS[normalise_heading(_label)] = (_path, _labels[0])
NYNORSK_LABELS = {normalise_heading(x) for x in ("Arbeidsgjevar", "Næraste leiar", "Arbeidstakar", "Verksemd",
                                                 "Periode frå", "Timar brukt", "Leiar")}
#: Fields whose values are prose and are linted (as in the Markdown reader's PROSE_KEYS).
PROSE_FIELDS = {"navn", "leder", "stilling", "kompetanse", "virksomhet", "kontakt", "ingen_tiltak_begrunnelse",
                "hva", "frist", "oppfolging"}

MEASURE_COLUMNS = {"tiltak": "hva", "hva": "hva", "ansvarlig": "ansvarlig", "ansvarleg": "ansvarlig", "ansvar": "ansvarlig",
                   "frist": "frist", "oppfolging": "oppfolging", "oppfylging": "oppfolging", "spor": "spor"}
MEASURE_LABELS = {"hva": "Tiltak", "ansvarlig": "Ansvarlig", "frist": "Frist", "oppfolging": "Oppfølging", "spor": "Spor"}

_ANSVARLIG = {
    Ansvarlig.ARBEIDSGIVER: ("arbeidsgiver", "arbeidsgivar", "arbeidsgjevar", "leder", "leiar"),
    Ansvarlig.ARBEIDSTAKER: ("arbeidstaker", "arbeidstakar"),
    Ansvarlig.BEGGE: ("begge", "begge to", "arbeidsgiver og arbeidstaker", "arbeidsgjevar og arbeidstakar"),
    Ansvarlig.ANNEN: ("annen", "annan", "anna", "andre", "annen aktor", "annan aktor"),
}
_SPOR = {
    Spor.SAMME_ARBEID: ("samme arbeid", "same arbeid", "samme arbeid samme arbeidsgiver",
                        "same arbeid same arbeidsgjevar", "tilbake til samme arbeid", "tilbake til same arbeid"),
    Spor.ANNET_ARBEID: ("annet arbeid samme arbeidsgiver", "anna arbeid same arbeidsgjevar", "annet arbeid",
                        "anna arbeid", "annet arbeid hos samme arbeidsgiver", "anna arbeid hos same arbeidsgjevar"),
    Spor.ANNEN_ARBEIDSGIVER: ("annen arbeidsgiver", "annan arbeidsgjevar", "ny arbeidsgiver", "ny arbeidsgjevar"),
}


@functools.lru_cache(maxsize=1)
def ansvarlig_words() -> dict[str, Ansvarlig]:
    """Normalised word → Ansvarlig: the values, common variants, and the rendered texts in both målformer."""
    words = {normalise_heading(w): value for value, variants in _ANSVARLIG.items() for w in (value.value, *variants)}
    for malform in ("nb", "nn"):
        words.update({normalise_heading(texts(malform).ansvarlig(value)): value for value in Ansvarlig})
    return words


@functools.lru_cache(maxsize=1)
def spor_words() -> dict[str, Spor]:
    """Normalised word → Spor, as :func:`ansvarlig_words` (rendered texts such as «Tilbake til samme arbeid ...»)."""
    words = {normalise_heading(w): value for value, variants in _SPOR.items() for w in (value.value, *variants)}
    for malform in ("nb", "nn"):
        words.update({normalise_heading(texts(malform).spor(value)): value for value in Spor})
    return words


#: Measure columns with a fixed set of values: (words → value, column label, what to write instead).
_CHOICE_CELLS = {
    "ansvarlig": (ansvarlig_words, "Ansvarlig", "Arbeidsgiver, Arbeidstaker, Begge eller Annen"),
    "spor": (spor_words, "Spor", "Samme arbeid, Annet arbeid samme arbeidsgiver eller Annen arbeidsgiver"),
}

_PLACEHOLDER_RE = re.compile(r"^\s*\[[^\[\]]*\]\s*$", re.DOTALL)
_DATE_RE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_ANY_DATE = r"\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}-\d{2}-\d{2}"
PERIOD_RE = re.compile(rf"({_ANY_DATE})\s*(?:[–—-]+|til)\s*({_ANY_DATE})")


def is_placeholder(text: str) -> bool:
    """Guidance or a placeholder: text fully enclosed in [ ] (or several such chunks)."""
    stripped = text.strip()
    return bool(stripped) and all(_PLACEHOLDER_RE.match(chunk) for chunk in re.split(r"(?<=\])\s+(?=\[)", stripped))


def parse_date(text: str) -> date | str:
    """«14.03.2025» / «14.3.2025» / «2025-03-14» → a date (as YAML gives the Markdown reader); anything
    else unchanged (text such as «fra uke 23» is a valid deadline; the model complains about the rest)."""
    value = text.strip()
    match = _DATE_RE.match(value)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        if re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            return date.fromisoformat(value)
    except ValueError:
        return value
    return value


def parse_number(text: str) -> float | str:
    """«21 500 kr» / «18,5» → number; anything else unchanged."""
    value = re.sub(r"(?i)^(kr|nok)\.?\s*", "", text.strip())
    value = re.sub(r"(?i)\s*(kr|nok|timer|timar|t)\.?\s*$", "", value).replace("\u00a0", "").replace(" ", "")
    value = value.replace(",", ".").removesuffix(",-").removesuffix(".-")
    try:
        return float(value)
    except ValueError:
        return text.strip()


@dataclass
class Cell:
    row: int
    column: int
    text: str  # visible text, paragraphs joined with a newline, placeholders removed
    blocks: list[Block] = field(default_factory=list)

    @property
    def span(self) -> tuple[int, int] | None:
        return (self.blocks[0].start, self.blocks[-1].end) if self.blocks else None


def table_cells(blocks: list[Block]) -> list[list[Cell]]:
    """Rows of cells of one body table, from its blocks."""
    rows: dict[int, dict[int, Cell]] = {}
    for block in blocks:
        _, r, c = block.table
        cell = rows.setdefault(r, {}).setdefault(c, Cell(r, c, ""))
        cell.blocks.append(block)
    out = []
    for r in sorted(rows):
        cells = [rows[r][c] for c in sorted(rows[r])]
        for cell in cells:
            parts = [b.visible_text.strip() for b in cell.blocks]
            cell.text = "\n".join(p for p in parts if p and not is_placeholder(p))
        out.append(cells)
    return out


def is_parties_table(rows: list[list[Cell]]) -> bool:
    labels = [normalise_heading(row[0].text) for row in rows if row]
    return sum(label in PARTY_LABELS for label in labels) >= 3


def is_measures_table(rows: list[list[Cell]]) -> bool:
    if not rows:
        return False
    header = [MEASURE_COLUMNS.get(normalise_heading(c.text)) for c in rows[0]]
    return header[:1] == ["hva"] and "ansvarlig" in header


@dataclass
class FieldValue:
    path: tuple[str | int, ...]
    label: str
    value: object
    cell: Cell
    where: str


def read_parties(rows: list[list[Cell]]) -> tuple[list[FieldValue], list[tuple[tuple, Cell]], bool]:
    """(filled fields, (path, label cell) pairs, nynorsk labels seen) of the parties table."""
    values, labels, nynorsk = [], [], False
    for row in rows:
        if len(row) < 2:
            continue
        key = normalise_heading(row[0].text)
        if key not in PARTY_LABELS:
            continue
        nynorsk = nynorsk or key in NYNORSK_LABELS
        path, label = PARTY_LABELS[key]
        labels.append((path, row[0]))
        cell = row[1]
        text = " ".join(c.text for c in row[1:] if c.text).strip()
        if not text:
            continue
        value: object = text
        where = f"partstabellen, rad {row[0].row} ({row[0].text})"
        if path == ("periode",):
            match = PERIOD_RE.search(text)
            if match:
                for key, found in (("fra", match.group(1)), ("til", match.group(2))):
                    values.append(FieldValue(("periode", key), label, parse_date(found), cell, where))
                continue
            path = ("periode", "fra")  # let the model say what is wrong with it
        if path in (("periode", "fra"), ("periode", "til")):
            value = parse_date(text)
        elif path[0] == "ressursbruk":
            value = parse_number(text)
        elif path == ("malform",):
            norm = normalise_heading(text)
            value = {"bokmal": "nb", "nynorsk": "nn"}.get(norm, text.strip().lower())
        elif path == ("arbeidsgiver", "orgnr"):
            value = text.replace(" ", "").replace("\u00a0", "")
        values.append(FieldValue(path, label, value, cell, where))
    return values, labels, nynorsk


@dataclass
class MeasureRow:
    index: int  # 0-based index in tiltak
    values: dict[str, object]
    cells: dict[str, Cell]
    where: str
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (field, where, message)


def read_measures(rows: list[list[Cell]]) -> list[MeasureRow]:
    header = [MEASURE_COLUMNS.get(normalise_heading(c.text)) for c in rows[0]]
    measures: list[MeasureRow] = []
    group: str | None = None  # spor from a group heading row («Tilbake til samme arbeid ...»)
    for row in rows[1:]:
        cells = {name: cell for name, cell in zip(header, row) if name}
        if not any(cell.text for cell in cells.values()):
            continue  # an empty row of the skeleton
        texts_in_row = {cell.text for cell in row if cell.text}
        found = spor_words().get(normalise_heading(texts_in_row.pop())) if len(texts_in_row) == 1 else None
        if found is not None:  # a group heading row (one merged cell) as in the rendered report
            group = found.value
            continue
        measure = MeasureRow(len(measures), {}, cells, f"tiltakstabellen, rad {row[0].row}")
        if group is not None and "spor" not in cells:
            measure.values["spor"] = group
        for name, cell in cells.items():
            text = cell.text.strip()
            if not text:
                continue
            where = f"{measure.where} ({MEASURE_LABELS[name]})"
            if name in _CHOICE_CELLS:
                words, label, allowed = _CHOICE_CELLS[name]
                value = words().get(normalise_heading(text))
                if value is None:
                    measure.problems.append((name, where, f"«{text}» er ikke en gyldig verdi for {label}; skriv {allowed}"))
                    continue
                measure.values[name] = value.value
            elif name == "frist":
                measure.values[name] = parse_date(text)
            else:
                measure.values[name] = text
        if "hva" not in measure.values:
            measure.problems.append(("hva", f"{measure.where} (Tiltak)", "tiltaket mangler beskrivelse i kolonnen «Tiltak»"))
        measures.append(measure)
    return measures
