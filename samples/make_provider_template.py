"""Build ``samples/leverandor-mal.docx``: a sample provider template for ``render --template``.

A fictitious occupational-health service, «Fjordhelse BHT AS», with its own letterhead (a logo drawn
here with Pillow and embedded in the .docx), fonts, colours and styles. jinja2 tags (docxtpl) mark where
the report goes; every variable is documented in ``docs/leverandormal.md``.

Run: ``python samples/make_provider_template.py [OUT.docx]``
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from PIL import Image, ImageDraw

FJORD = RGBColor(0x0B, 0x5E, 0x6B)  # the firm's teal
SAND = "F2EBDD"
INK = RGBColor(0x22, 0x2B, 0x30)
HEADING_FONT, BODY_FONT = "Trebuchet MS", "Georgia"


def logo_png() -> bytes:
    """A small logo: a teal disc with a white fjord wave and mountain."""
    size = 240
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=(11, 94, 107, 255))
    draw.polygon([(40, 150), (105, 60), (140, 110), (165, 85), (205, 150)], fill=(255, 255, 255, 255))
    for offset in (0, 26):
        draw.arc((30, 150 + offset, 120, 200 + offset), 200, 340, fill=(242, 235, 221, 255), width=10)
        draw.arc((120, 150 + offset, 210, 200 + offset), 200, 340, fill=(242, 235, 221, 255), width=10)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _font(style_or_run, name: str, size: float | None = None, color: RGBColor | None = None, bold: bool | None = None):
    font = style_or_run.font
    font.name = name
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)
    if size:
        font.size = Pt(size)
    if color is not None:
        font.color.rgb = color
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):  # a theme colour would win over ours
            rpr.find(qn("w:color")).attrib.pop(qn(attr), None)
    if bold is not None:
        font.bold = bold


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _page_field(paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "1":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        run._r.append(element)


def _styles(doc) -> None:
    styles = doc.styles
    _font(styles["Normal"], BODY_FONT, 10.5, INK)
    styles["Normal"].paragraph_format.space_after = Pt(6)
    styles["Normal"].paragraph_format.line_spacing = 1.15
    _font(styles["Title"], HEADING_FONT, 22, FJORD, True)
    _font(styles["Heading 1"], HEADING_FONT, 14, FJORD, True)
    styles["Heading 1"].paragraph_format.space_before = Pt(16)
    styles["Heading 1"].paragraph_format.space_after = Pt(4)
    _font(styles["Heading 2"], HEADING_FONT, 12, FJORD, True)
    for name in ("List Bullet", "List Number"):
        _font(styles[name], BODY_FONT, 10.5, INK)
    for name in ("Header", "Footer"):
        _font(styles[name], HEADING_FONT, 8.5, RGBColor(0x55, 0x62, 0x68))


def _letterhead(section) -> None:
    header = section.header
    table = header.add_table(1, 2, Cm(17))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    logo_cell, text_cell = table.rows[0].cells
    logo_cell.width, text_cell.width = Cm(2.6), Cm(14.4)
    logo_cell.paragraphs[0].add_run().add_picture(io.BytesIO(logo_png()), width=Cm(2.0))
    name = text_cell.paragraphs[0]
    name.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(name.add_run("Fjordhelse BHT AS"), HEADING_FONT, 16, FJORD, True)
    line = text_cell.add_paragraph(style="Header")
    line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    line.add_run("Bedriftshelsetjeneste · Strandkaien 12, 5013 Bergen · post@fjordhelse.example")
    marks = text_cell.add_paragraph(style="Header")
    marks.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(marks.add_run("{{ merker }}"), HEADING_FONT, 9, RGBColor(0xB0, 0x3A, 0x2E), True)
    header.paragraphs[0].text = ""

    footer = section.footer.paragraphs[0]
    footer.text = "Fjordhelse BHT AS · Konfidensielt · {{ nav_referanse }} · Side "
    _page_field(footer, "PAGE")
    footer.add_run(" av ")
    _page_field(footer, "NUMPAGES")


def _widths(table, widths_cm: list[float]) -> None:
    """Column widths that both Word and LibreOffice honour (grid and every cell)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _label_table(doc, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = doc.styles["Table Grid"]
    for label, value in rows:
        cells = table.add_row().cells
        _shade(cells[0], SAND)
        _font(cells[0].paragraphs[0].add_run(label), HEADING_FONT, 9.5, FJORD, True)
        cells[1].paragraphs[0].add_run(value)
    _widths(table, [4.5, 12.5])


def _measures_table(doc) -> None:
    doc.add_paragraph("{%p if tiltak %}")
    table = doc.add_table(rows=4, cols=5)
    table.style = doc.styles["Table Grid"]
    header = ["{{ tiltak_kolonner.tiltak }}", "{{ tiltak_kolonner.ansvarlig }}", "{{ tiltak_kolonner.frist }}",
              "{{ tiltak_kolonner.oppfolging }}", "{{ tekst.col_spor }}"]
    for cell, text in zip(table.rows[0].cells, header):
        _shade(cell, "0B5E6B")
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 9.5, RGBColor(0xFF, 0xFF, 0xFF), True)
    header_row = table.rows[0]._tr.get_or_add_trPr()
    header_row.append(OxmlElement("w:tblHeader"))  # repeat the header on every page the table spans
    table.rows[1].cells[0].text = "{%tr for t in tiltak %}"
    for cell, text in zip(table.rows[2].cells, ["{{ t.hva }}", "{{ t.ansvarlig }}", "{{ t.frist }}",
                                                 "{{ t.oppfolging }}", "{{ t.spor }}"]):
        _font(cell.paragraphs[0].add_run(text), BODY_FONT, 9.5)  # smaller than the body: five columns
    table.rows[3].cells[0].text = "{%tr endfor %}"
    _widths(table, [5.0, 2.6, 2.3, 4.1, 3.0])
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("{{ ingen_tiltak }} {{ ingen_tiltak_begrunnelse }}")
    doc.add_paragraph("{%p endif %}")


def build(out: Path) -> Path:
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.header_distance = Cm(3.6), Cm(1)
    _styles(doc)
    _letterhead(section)
    doc.core_properties.title = "Fjordhelse BHT AS – mal for rapport fra ekspertbistand"
    doc.core_properties.author = "Fjordhelse BHT AS"

    doc.add_paragraph("{{ tittel }}", style="Title")
    _label_table(doc, [
        ("{{ tekst.label_arbeidsgiver }}", "{{ arbeidsgiver.navn }} (org.nr. {{ arbeidsgiver.orgnr }})"),
        ("{{ tekst.label_leder }}", "{{ arbeidsgiver.leder }}"),
        ("{{ tekst.label_arbeidstaker }}", "{{ arbeidstaker.navn }}, {{ arbeidstaker.stilling }}"),
        ("{{ tekst.label_ekspert }}", "{{ ekspert.navn }}, {{ ekspert.kompetanse }}"),
        ("{{ tekst.label_periode }}", "{{ periode.fra }} – {{ periode.til }}"),
        ("{{ tekst.label_nav_referanse }}", "{{ nav_referanse }}"),
        ("{{ tekst.label_ressursbruk }}", "{{ tekst.label_timer }}: {{ ressursbruk.timer }}, {{ ressursbruk.kostnad }}"),
    ])
    note = doc.add_paragraph()
    _font(note.add_run("{{ mottakere }}"), BODY_FONT, 9.5, RGBColor(0x55, 0x62, 0x68))
    note.runs[0].italic = True

    doc.add_paragraph("{%p for s in seksjoner %}")
    doc.add_paragraph("{{ s.overskrift }}", style="Heading 1")
    doc.add_paragraph("{{p s.innhold }}")
    doc.add_paragraph("{%p endfor %}")

    doc.add_paragraph("{{ tiltak_overskrift }}", style="Heading 1")
    _measures_table(doc)

    doc.add_paragraph("{{ godkjenning.overskrift }}", style="Heading 1")
    doc.add_paragraph("{{ godkjenning.tekst }}")
    doc.add_paragraph("{%p if godkjenning.godkjent %}")
    doc.add_paragraph("{{ godkjenning.av }}, {{ godkjenning.dato }} ({{ godkjenning.metode }})")
    doc.add_paragraph("{%p endif %}")

    closing = doc.add_paragraph("{{ tekst.closing }}")
    closing.paragraph_format.space_before = Pt(18)
    signature = doc.add_paragraph()
    _font(signature.add_run("{{ ekspert.navn }}"), HEADING_FONT, 10.5, FJORD, True)
    signature.add_run("\n{{ ekspert.kompetanse }}\nFjordhelse BHT AS")
    small = doc.add_paragraph()
    _font(small.add_run("Versjon {{ versjon }} · fingeravtrykk {{ fingeravtrykk }}"), HEADING_FONT, 7.5,
          RGBColor(0x88, 0x90, 0x94))
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("leverandor-mal.docx")
    print(build(target))
