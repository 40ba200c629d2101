"""The Word skeleton of a report (``ekspertrapport new --docx``), built with python-docx.

Layout, top to bottom: title, the parties table (labels in the first column, as
:mod:`ekspertrapport.source.docx_tables` reads them), the sections of the report format as
«Heading 2» paragraphs, «Forslag til tiltak» with the measures table, and the approval heading.
Guidance and placeholders are grey italic paragraphs fully enclosed in [ ]: the Word reader treats
them as guidance, not content. The texts live in ``templates/ny_rapport_docx.yaml``.

:func:`build_document` can also fill the skeleton with content (``samples/make_word_sample.py``
uses it to build the Word sample from the Markdown sample).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .sections import SECTIONS
from .texts import texts

FONT = "Calibri"
GREY = RGBColor(0x6E, 0x6E, 0x6E)
HEADING_COLOUR = RGBColor(0x1F, 0x3A, 0x5F)
LABEL_SHADING = "E8EDF3"
HEADER_SHADING = "D5DEE9"
LANGUAGE = {"nb": "nb-NO", "nn": "nn-NO"}

#: Parties table rows: (label key, placeholder kind). The label texts are in the YAML file.
PARTY_ROWS: tuple[tuple[str, str], ...] = (
    ("arbeidsgiver", "required"), ("orgnr", "orgnr"), ("leder", "optional"),
    ("arbeidstaker", "required"), ("stilling", "optional"),
    ("ekspert", "required"), ("kompetanse", "required"), ("virksomhet", "required"), ("kontakt", "optional"),
    ("nav_referanse", "optional"), ("fra", "date"), ("til", "date"),
    ("timer", "optional"), ("kostnad", "optional"), ("malform", "malform"),
)
LIST_STYLES: dict[str, str] = {"bullet": "List Bullet", "number": "List Number"}
MEASURE_HEADER: tuple[str, ...] = ("Tiltak", "Ansvarlig", "Frist", "Oppfølging", "Spor")
MEASURE_KEYS: tuple[str, ...] = ("hva", "ansvarlig", "frist", "oppfolging", "spor")
MEASURE_WIDTHS_MM: tuple[int, ...] = (50, 25, 22, 40, 23)  # sums to the 160 mm text width


@dataclass
class Content:
    """Content to fill into the skeleton; anything left empty keeps its placeholder/guidance."""

    #: label key (as in PARTY_ROWS) → value text
    parties: Mapping[str, str] = field(default_factory=dict)
    #: section key → list of blocks: ("p" | "bullet" | "number", text); ``**bold**`` is honoured
    sections: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    #: measures: dicts with the MEASURE_KEYS as keys, already formatted as text
    measures: Sequence[Mapping[str, str]] = ()
    no_measures_reason: str = ""


@lru_cache(maxsize=1)
def _all_texts() -> dict[str, Any]:
    data = resources.files("ekspertrapport").joinpath("templates/ny_rapport_docx.yaml").read_text("utf-8")
    return yaml.safe_load(data)


def skeleton_texts(malform: str) -> dict[str, Any]:
    return _all_texts()[malform]


# -- low-level formatting ---------------------------------------------------------------------------

def _set_run_font(rpr_parent: Any, language: str | None = None) -> None:
    """Make a style or run use FONT for every script (python-docx only sets the ASCII font)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)
    if language:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), language)


def _shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tcpr.append(shading)


def _row_flag(row: Any, name: str) -> None:
    """Set a row property such as ``w:tblHeader`` (repeat on each page) or ``w:cantSplit``."""
    marker = OxmlElement(name)
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _set_widths(table: Table, widths_mm: Sequence[int]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)  # the grid (LibreOffice reads this)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _tight(table: Table, size: Pt | None = None) -> None:
    """Table text: a little air above and below, no paragraph gap; optionally a smaller size."""
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_before = Pt(1)
                paragraph.paragraph_format.space_after = Pt(1)
                for run in paragraph.runs:
                    if size is not None:
                        run.font.size = size


def _after_table(paragraph: Paragraph) -> Paragraph:
    paragraph.paragraph_format.space_before = Pt(8)
    return paragraph


def _guidance(paragraph: Paragraph, text: str) -> Paragraph:
    """Grey italic guidance, fully enclosed in [ ] so that the reader skips it."""
    run = paragraph.add_run(f"[{text}]")
    run.italic = True
    run.font.color.rgb = GREY
    return paragraph


def _add_markdown_runs(paragraph: Paragraph, text: str) -> None:
    """Add ``text`` with ``**bold**`` spans as bold runs."""
    for index, part in enumerate(text.split("**")):
        if part:
            paragraph.add_run(part).bold = index % 2 == 1


def _cell_text(cell: _Cell, value: str, placeholder: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    if value:
        paragraph.add_run(value).bold = bold
    else:
        _guidance(paragraph, placeholder)


# -- document parts ---------------------------------------------------------------------------------

def _setup(document: DocxDocument, malform: str, header_text: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.header_distance = section.footer_distance = Mm(12)

    styles = document.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    _set_run_font(normal.element, LANGUAGE[malform])
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 13)):
        style = styles[name]
        _set_run_font(style.element)
        style.font.size = Pt(size)
        style.font.color.rgb = HEADING_COLOUR
        style.font.bold = name != "Title"
    styles["Heading 2"].paragraph_format.space_before = Pt(14)
    styles["Heading 2"].paragraph_format.space_after = Pt(4)
    styles["Title"].paragraph_format.space_after = Pt(12)
    for name in ("List Bullet", "List Number", "Table Grid"):
        _set_run_font(styles[name].element)

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = header.add_run(header_text)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(10), GREY


def _parties_table(document: DocxDocument, t: Mapping[str, Any], malform: str, values: Mapping[str, str]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    placeholders = t["placeholders"]
    for key, kind in PARTY_ROWS:
        label_cell, value_cell = table.add_row().cells
        label_cell.paragraphs[0].add_run(t["labels"][key]).bold = True
        _shade(label_cell, LABEL_SHADING)
        if kind == "malform":
            value_cell.paragraphs[0].add_run(values.get(key) or malform)
        else:
            _cell_text(value_cell, values.get(key, ""), placeholders[kind])
    _set_widths(table, (50, 110))
    _tight(table)


def _section_body(document: DocxDocument, blocks: Sequence[tuple[str, str]], guidance: Sequence[str]) -> None:
    if not blocks:
        for text in guidance:
            _guidance(document.add_paragraph(), text)
        return
    for kind, text in blocks:
        paragraph = document.add_paragraph(style=LIST_STYLES.get(kind))
        _add_markdown_runs(paragraph, text)


def _measures_table(document: DocxDocument, t: Mapping[str, Any], measures: Sequence[Mapping[str, str]]) -> None:
    table = document.add_table(rows=1, cols=len(MEASURE_HEADER))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _row_flag(header, "w:tblHeader")
    for cell, title in zip(header.cells, MEASURE_HEADER):
        cell.paragraphs[0].add_run(title).bold = True
        _shade(cell, HEADER_SHADING)
    rows = measures or [None]
    for measure in rows:
        row = table.add_row()
        _row_flag(row, "w:cantSplit")  # keep a measure on one page
        for cell, key in zip(row.cells, MEASURE_KEYS):
            if measure is None:
                _guidance(cell.paragraphs[0], t["measures_example"][key])
            else:
                cell.paragraphs[0].add_run(measure.get(key, ""))
    _set_widths(table, MEASURE_WIDTHS_MM)
    _tight(table, size=Pt(9.5))


def build_document(malform: str = "nb", content: Content | None = None) -> DocxDocument:
    """The Word skeleton in ``malform``, optionally filled with ``content``."""
    content = content or Content()
    t = skeleton_texts(malform)
    fixed = texts(malform)
    document = Document()
    _setup(document, malform, t["header"])
    document.core_properties.title = fixed.title
    document.core_properties.language = LANGUAGE[malform]

    document.add_paragraph(fixed.title, style="Title")
    if not content.parties:
        for text in t["intro"]:
            _guidance(document.add_paragraph(), text)
    _parties_table(document, t, malform, content.parties)

    for spec in SECTIONS:
        blocks = content.sections.get(spec.key, ())
        if content.sections and not blocks and not spec.required:
            continue  # a filled report leaves out an optional section it does not use
        document.add_paragraph(spec.heading(malform), style="Heading 2")
        _section_body(document, blocks, t["sections"][spec.key])

    document.add_paragraph(fixed.measures_heading, style="Heading 2")
    if not content.measures:
        for text in t["measures"]:
            _guidance(document.add_paragraph(), text)
    _measures_table(document, t, content.measures)
    if content.no_measures_reason:
        _after_table(document.add_paragraph(content.no_measures_reason))
    elif not content.measures:
        for text in t["measures_values"]:
            _guidance(_after_table(document.add_paragraph()), text)

    document.add_paragraph(fixed.approval_heading, style="Heading 2")
    for text in t["approval"]:
        _guidance(document.add_paragraph(), text)
    return document


def build_skeleton(malform: str = "nb") -> DocxDocument:
    """The empty Word skeleton with guidance, as written by ``ekspertrapport new --docx``."""
    return build_document(malform)


def document_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
