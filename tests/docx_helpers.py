"""Build Word test documents the way an expert fills in the skeleton by hand (python-docx edits)."""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ekspertrapport.document import document_from_path
from ekspertrapport.errors import EkspertrapportError

PARTIES = [
    ("Arbeidsgiver", "Solsikken Barnehage AS"),
    ("Organisasjonsnummer", "974760673"),
    ("Nærmeste leder", "Per Leder"),
    ("Arbeidstaker", "Kari Nordmann"),
    ("Stilling", "Pedagogisk leder"),
    ("Ekspert", "Eva Ekspert"),
    ("Kompetanse", "Psykologspesialist i arbeids- og organisasjonspsykologi"),
    ("Virksomhet", "Eksempel BHT AS"),
    ("Kontakt", "eva@eksempel-bht.no"),
    ("NAV-referanse", "2025/123456"),
    ("Periode fra", "14.03.2025"),
    ("Periode til", "02.05.2025"),
    ("Timer brukt", "18"),
    ("Kostnad (kr)", "21 500"),
    ("Målform", "Bokmål"),
]

SECTIONS = [
    ("Bakgrunn og bestilling", ["Arbeidsgiver og arbeidstaker ba om hjelp til å finne tilrettelegging i avdelingen."]),
    ("Gjennomføring", ["Vi hadde tre møter og en arbeidsplassvurdering.", "Arbeidstaker prøvde ut nye oppgaver i to uker."]),
    ("Årsaker til sykefraværet", ["Stor arbeidsmengde og uklare roller i avdelingen over lang tid."]),
    ("Vurdering og anbefalinger", ["Det anbefales å fordele oppgavene tydeligere og innføre faste samtaler."]),
]

MEASURES = [
    ("Faste oppfølgingssamtaler mellom leder og arbeidstaker annenhver uke", "Arbeidsgiver", "01.06.2025",
     "Evalueres i felles møte etter seks uker", "Samme arbeid"),
]

MARKDOWN = """---
malform: nb
arbeidsgiver:
  navn: Solsikken Barnehage AS
  orgnr: "974760673"
  leder: Per Leder
arbeidstaker:
  navn: Kari Nordmann
  stilling: Pedagogisk leder
ekspert:
  navn: Eva Ekspert
  kompetanse: Psykologspesialist i arbeids- og organisasjonspsykologi
  virksomhet: Eksempel BHT AS
  kontakt: eva@eksempel-bht.no
nav:
  referanse: "2025/123456"
periode:
  fra: 2025-03-14
  til: 2025-05-02
ressursbruk:
  timer: 18
  kostnad: 21500
tiltak:
  - hva: Faste oppfølgingssamtaler mellom leder og arbeidstaker annenhver uke
    ansvarlig: arbeidsgiver
    frist: 2025-06-01
    oppfolging: Evalueres i felles møte etter seks uker
    spor: samme-arbeid
---

## Bakgrunn og bestilling
<!-- Hva ba arbeidsgiver og arbeidstaker om hjelp til? -->
Arbeidsgiver og arbeidstaker ba om hjelp til å finne tilrettelegging i avdelingen.

## Gjennomføring
Vi hadde tre møter og en arbeidsplassvurdering.

Arbeidstaker prøvde ut nye oppgaver i to uker.

## Årsaker til sykefraværet
Stor arbeidsmengde og uklare roller i avdelingen over lang tid.

## Vurdering og anbefalinger
Det anbefales å fordele oppgavene tydeligere og innføre faste samtaler.
"""

#: The same report with a second measure on another track (annen-arbeidsgiver).
TWO_TRACKS = MARKDOWN.replace("    spor: samme-arbeid\n---", """    spor: samme-arbeid
  - hva: Prøve ut arbeid i en annen bedrift
    ansvarlig: begge
    frist: fra uke 23
    oppfolging: Møte etter fire uker
    spor: annen-arbeidsgiver
---""")



def skeleton(parties=PARTIES, sections=SECTIONS, measures=MEASURES, heading_style="Heading 2",
             guidance=True) -> docx.Document:
    """A filled-in skeleton: title, parties table, sections with guidance, measures table, approval."""
    doc = docx.Document()
    doc.add_paragraph("Rapport fra ekspertbistand", style="Title")
    table = doc.add_table(rows=0, cols=2)
    for label, value in parties:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    for heading, paragraphs in sections:
        if heading_style:
            doc.add_paragraph(heading, style=heading_style)
        else:
            doc.add_paragraph(heading)
        if guidance:
            doc.add_paragraph("[Skriv her. Ikke skriv diagnoser eller andre helseopplysninger.]")
        for text in paragraphs:
            doc.add_paragraph(text)
    doc.add_paragraph("Forslag til tiltak", style=heading_style or None)
    table = doc.add_table(rows=1, cols=5)
    for cell, text in zip(table.rows[0].cells, ["Tiltak", "Ansvarlig", "Frist", "Oppfølging", "Spor"]):
        cell.text = text
    for measure in measures:
        for cell, text in zip(table.add_row().cells, measure):
            cell.text = text
    for cell in table.add_row().cells:
        cell.text = "[Fyll inn]"
    doc.add_paragraph("Arbeidstakers godkjenning", style=heading_style or None)
    doc.add_paragraph("[Fylles ut når arbeidstaker har lest rapporten.]")
    return doc


def save(doc, path: Path) -> Path:
    doc.save(str(path))
    return path


def body_paragraph(doc, text: str):
    return next(p for p in doc.paragraphs if p.text == text)


def add_tracked(paragraph, inserted: str | None = None, deleted: str | None = None, author: str = "Eva") -> None:
    """Append a tracked insertion and/or deletion to a paragraph."""
    for kind, text in (("w:ins", inserted), ("w:del", deleted)):
        if not text:
            continue
        change = OxmlElement(kind)
        change.set(qn("w:id"), str(900 + len(paragraph._p)))
        change.set(qn("w:author"), author)
        change.set(qn("w:date"), "2025-05-01T10:00:00Z")
        run = OxmlElement("w:r")
        t = OxmlElement("w:delText" if kind == "w:del" else "w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        run.append(t)
        change.append(run)
        paragraph._p.append(change)


def add_textbox(paragraph, text: str) -> None:
    """A VML-free DrawingML text box (wps) anchored in ``paragraph``, holding one paragraph of text."""
    xml = (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline><wp:extent cx="2000000" cy="500000"/>'
        '<wp:docPr id="99" name="Tekstboks"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent>'
        f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData>'
        '</a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>'
        f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>'
    )
    from docx.oxml import parse_xml

    paragraph._p.append(parse_xml(xml))


def clone(doc):
    return copy.deepcopy(doc)


FOOTNOTES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:footnote>'
    '</w:footnotes>'
)


def add_footnote(doc, paragraph, text: str) -> None:
    """A footnotes part with one footnote, referenced from ``paragraph``."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                FOOTNOTES_XML.format(text=text).encode("utf-8"), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    run = paragraph.add_run()
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), "1")
    run._r.append(ref)


def full_featured(path: Path) -> Path:
    """A skeleton with a header, footer, footnote, text box, tracked changes and an existing comment."""
    doc = skeleton()
    section = doc.sections[0]
    section.header.paragraphs[0].text = "Topptekst: Kari har migrene"
    section.footer.paragraphs[0].text = "Bunntekst: ring 912 34 567"
    para = body_paragraph(doc, "Vi hadde tre møter og en arbeidsplassvurdering.")
    add_tracked(para, inserted=" Hun fikk nye oppgaver.", deleted=" Hun bruker Sertralin.")
    add_footnote(doc, para, "Fotnote om depresjon.")
    add_textbox(body_paragraph(doc, "Stor arbeidsmengde og uklare roller i avdelingen over lang tid."), "Tekstboks med astma")
    target = body_paragraph(doc, "Det anbefales å fordele oppgavene tydeligere og innføre faste samtaler.")
    doc.add_comment(target.runs, text="Kommentar: fastlegen sier diabetes", author="Leder", initials="PL")
    return save(doc, path)


def assert_refused(path: Path, *words: str) -> str:
    """Reading ``path`` (Word or PDF) fails with a Norwegian message containing ``words`` and exit status 2,
    and the file is left untouched; returns the message."""
    before = path.read_bytes()
    with pytest.raises(EkspertrapportError) as info:
        document_from_path(path)
    for word in words:
        assert word in info.value.message, info.value.message
    assert path.read_bytes() == before
    assert info.value.exit_status == 2
    return info.value.message
