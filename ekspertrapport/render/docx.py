"""Word (.docx) rendering with python-docx.

Real paragraph styles throughout (Title, Heading 1–3, List Bullet/Number, Quote), so Word's navigation
pane, table of contents and accessibility checker work; the measures are a real table whose header row
repeats on every page; header and footer carry UTKAST / recipient marks and «Side X av Y» as
PAGE/NUMPAGES fields. The text font is Arial (Liberation Sans, which the PDF embeds, has its metrics).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from ..report import Report
from . import RenderOptions
from .content import ReportView, build_view
from .markdown_blocks import Block, Heading, ListBlock, Paragraph as MdParagraph, Quote, Run, Table as MdTable

FONT = "Arial"
MONO = "Courier New"
INK = RGBColor(0x1D, 0x1D, 0x1F)
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
MUTED = RGBColor(0x5B, 0x64, 0x70)
DRAFT = RGBColor(0xB3, 0x26, 0x1E)
ACCENT_HEX, BAND_HEX, RULE_HEX = "1F3A5F", "EEF2F7", "C9D1DC"

PAGE_W, PAGE_H = Cm(21.0), Cm(29.7)
MARGIN_LR, MARGIN_T, MARGIN_B = Cm(2.3), Cm(2.5), Cm(2.3)
TEXT_W = PAGE_W - 2 * MARGIN_LR
INFO_STYLE = "Dokumentinformasjon"
CUSTOM_PROPS_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"


# --- styles ----------------------------------------------------------------------------------------

def _set_font(font, name: str) -> None:
    """Set a font on every script slot and drop theme fonts that would override it."""
    font.name = name
    rpr = font.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), name)


def _style_font(style, size: float, *, bold: bool | None = None, italic: bool | None = None, color=INK,
                name: str = FONT) -> None:
    _set_font(style.font, name)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = color
    # Drop the default template's theme colour, which would win over the RGB value in some readers.
    rpr = style.element.get_or_add_rPr()
    color_el = rpr.find(qn("w:color"))
    if color_el is not None:
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color_el.attrib.pop(qn(attr), None)


def _setup_styles(doc, language: str) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    _style_font(normal, 10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)
    lang.set(qn("w:bidi"), "ar-SA")

    title = styles["Title"]
    _style_font(title, 22, bold=True, color=ACCENT)
    title.paragraph_format.space_after = Pt(10)
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    ppr.append(parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="12" w:space="4" '
                         f'w:color="{ACCENT_HEX}"/></w:pBdr>'))

    for name, size, bold, italic, color, before, after in (
            ("Heading 1", 14, True, False, ACCENT, 16, 6),
            ("Heading 2", 11.5, True, False, INK, 10, 4),
            ("Heading 3", 10.5, True, True, INK, 8, 3)):
        style = styles[name]
        _style_font(style, size, bold=bold, italic=italic, color=color)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True

    for name in ("List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2", "List Number 3"):
        styles[name].paragraph_format.space_after = Pt(2)
    quote = styles["Quote"]
    _style_font(quote, 10.5, italic=True, color=MUTED)

    for name in ("Header", "Footer"):
        _style_font(styles[name], 8.5, color=MUTED)
        ppr = styles[name].element.get_or_add_pPr()
        for tabs in ppr.findall(qn("w:tabs")):  # the template's Letter-size centre/right tabs
            ppr.remove(tabs)

    info = styles.add_style(INFO_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    info.base_style = normal
    _style_font(info, 8.5, bold=True, color=MUTED)
    info.paragraph_format.space_before = Pt(18)
    info.paragraph_format.space_after = Pt(2)
    info.paragraph_format.keep_with_next = True
    info.element.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="0"/>'))  # in the nav pane
    small = styles.add_style("Liten tekst", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    _style_font(small, 8.5, color=MUTED)
    small.paragraph_format.space_after = Pt(2)
    small.paragraph_format.keep_with_next = True


# --- inline and block content ---------------------------------------------------------------------

def _add_runs(paragraph, runs: list[Run]) -> None:
    for run in runs:
        if run.is_break:
            paragraph.add_run().add_break(WD_BREAK.LINE)
            continue
        r = paragraph.add_run(run.text)
        if run.bold:
            r.bold = True
        if run.italic:
            r.italic = True
        if run.code:
            _set_font(r.font, MONO)


class _Numbering:
    """Fresh numbering instances, so that every numbered list starts at its own first number."""

    def __init__(self, doc):
        self.doc = doc

    def restart(self, style_name: str, start: int) -> int:
        numbering = self.doc.part.numbering_part.element
        style = self.doc.styles[style_name]
        num_pr = style.element.pPr.numPr
        base_num_id = num_pr.numId.val
        abstract_id = next(n.abstractNumId.val for n in numbering.num_lst if n.numId == base_num_id)
        num = numbering.add_num(abstract_id)
        num.append(parse_xml(f'<w:lvlOverride {nsdecls("w")} w:ilvl="0"><w:startOverride w:val="{start}"/>'
                             f'</w:lvlOverride>'))
        return num.numId


def _add_blocks(doc, blocks: list[Block], numbering: _Numbering, depth: int = 0, quote: bool = False) -> None:
    for block in blocks:
        if isinstance(block, MdParagraph):
            _add_runs(doc.add_paragraph(style="Quote" if quote else None), block.runs)
        elif isinstance(block, Heading):
            _add_runs(doc.add_paragraph(style="Heading 2" if block.level == 3 else "Heading 3"), block.runs)
        elif isinstance(block, ListBlock):
            level = min(depth, 2)
            suffix = "" if level == 0 else f" {level + 1}"
            style = ("List Number" if block.ordered else "List Bullet") + suffix
            num_id = numbering.restart(style, block.start) if block.ordered else None
            for item in block.items:
                first = True
                for inner in item:
                    if isinstance(inner, MdParagraph) and first:
                        p = doc.add_paragraph(style=style)
                        if num_id is not None:
                            p._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num_id
                            p._p.get_or_add_pPr().get_or_add_numPr().get_or_add_ilvl().val = 0
                        _add_runs(p, inner.runs)
                        first = False
                    elif isinstance(inner, MdParagraph):  # a second paragraph in the same item
                        p = doc.add_paragraph(style="List Continue" + suffix)
                        _add_runs(p, inner.runs)
                    else:
                        _add_blocks(doc, [inner], numbering, depth + 1, quote)
        elif isinstance(block, Quote):
            _add_blocks(doc, block.blocks, numbering, depth, quote=True)
        elif isinstance(block, MdTable):
            _body_table(doc, block)


# --- tables ---------------------------------------------------------------------------------------

def _shade(cell, hex_color: str) -> None:
    cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{hex_color}"/>'))


def _borders(cell, **sides: str) -> None:
    """Cell borders, e.g. top="single:4:C9D1DC"; "nil" removes a side."""
    xml = "".join(
        f'<w:{side} w:val="nil"/>' if spec == "nil" else
        f'<w:{side} w:val="{spec.split(":")[0]}" w:sz="{spec.split(":")[1]}" w:space="0" w:color="{spec.split(":")[2]}"/>'
        for side, spec in sides.items())
    cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:tcBorders {nsdecls("w")}>{xml}</w:tcBorders>'))


def _no_table_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    tbl_pr.append(parse_xml(f'<w:tblBorders {nsdecls("w")}>' + "".join(
        f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"))


def _flush_left(table) -> None:
    """No left/right cell margins: the text lines up with the body text's margin."""
    table._tbl.tblPr.append(parse_xml(f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/>'
                                      f'<w:right w:w="113" w:type="dxa"/></w:tblCellMar>'))


def _set_widths(table, widths) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(width.twips if hasattr(width, "twips") else width / 635)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _cell_text(cell, text: str, *, bold: bool = False, color=None, size: float | None = 9.5) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(1.5)
    paragraph.paragraph_format.line_spacing = 1.05
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        if i < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)
        run.bold = bold or None
        if color is not None:
            run.font.color.rgb = color
        if size:
            run.font.size = Pt(size)


def _label_table(doc, groups: list[list[tuple[str, str]]], *, keep_together: bool = False):
    rows = [row for group in groups for row in group]
    table = doc.add_table(rows=len(rows), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _no_table_borders(table)
    _flush_left(table)
    _set_widths(table, [Cm(4.7), TEXT_W - Cm(4.7)])
    index = 0
    for g, group in enumerate(groups):
        for r, (label, value) in enumerate(group):
            cells = table.rows[index].cells
            _cell_text(cells[0], label, bold=True, color=MUTED)
            _cell_text(cells[1], value)
            if g > 0 and r == 0:
                for cell in cells:
                    _borders(cell, top=f"single:4:{RULE_HEX}")
                    cell.paragraphs[0].paragraph_format.space_before = Pt(4)
            index += 1
    if keep_together:  # Word keeps a table's rows on one page when each row keeps with the next
        for row in table.rows[:-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
    return table


def _fits_half_a_page(item, widths) -> bool:
    """Whether a measure row is surely shorter than half a page (9.5 pt text: ~0.2 cm per character, ~0.45 cm a line)."""
    lines = 0
    for text, width in zip((item.hva, item.ansvarlig, item.frist, item.oppfolging), widths):
        per_line = max(int(width / Cm(0.2)), 1)
        lines = max(lines, sum(len(part) // per_line + 1 for part in (text or "").split("\n")))
    return lines * Cm(0.45) < (PAGE_H - MARGIN_T - MARGIN_B) / 2


def _measures_table(doc, view: ReportView):
    rows = 1 + sum(1 + len(g.rows) for g in view.measure_groups)
    table = doc.add_table(rows=rows, cols=4)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _no_table_borders(table)
    widths = [int(TEXT_W * f) for f in (0.40, 0.17, 0.14, 0.29)]
    _set_widths(table, widths)
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))  # repeat on every page
    tr_pr.append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
    for cell, text in zip(header.cells, view.measure_columns):
        _shade(cell, ACCENT_HEX)
        _cell_text(cell, text, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF))
    index = 1
    for group in view.measure_groups:
        row = table.rows[index]
        row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
        merged = row.cells[0].merge(row.cells[3])
        _shade(merged, BAND_HEX)
        _cell_text(merged, group.heading, bold=True, color=ACCENT)
        index += 1
        for item in group.rows:
            row = table.rows[index]
            if _fits_half_a_page(item, widths):  # Word cuts off a row that may not split but is taller than a page
                row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
            for cell, text in zip(row.cells, (item.hva, item.ansvarlig, item.frist, item.oppfolging)):
                _cell_text(cell, text)
                _borders(cell, bottom=f"single:4:{RULE_HEX}")
            index += 1
    for row in table.rows:  # breathing room inside cells
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.space_before = Pt(3)
            cell.paragraphs[-1].paragraph_format.space_after = Pt(3)
    return table


def _body_table(doc, block: MdTable):
    """A table the expert wrote in a section (Markdown pipe table): ruled, header row shaded and repeated."""
    columns = block.columns
    rows = ([block.header] if block.header else []) + block.rows
    table = doc.add_table(rows=len(rows), cols=columns)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _no_table_borders(table)
    _set_widths(table, [int(TEXT_W / columns)] * columns)
    for r, (row, cells) in enumerate(zip(rows, table.rows)):
        head = r == 0 and bool(block.header)
        if head:
            cells._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
        for cell, runs in zip(cells.cells, row):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_before = Pt(2)
            paragraph.paragraph_format.space_after = Pt(2)
            _add_runs(paragraph, [Run(x.text, x.bold or head, x.italic, x.code) for x in runs])
            for run in paragraph.runs:
                run.font.size = Pt(9.5)
            _borders(cell, top=f"single:4:{RULE_HEX}", bottom=f"single:4:{RULE_HEX}")
            if head:
                _shade(cell, BAND_HEX)
    spacer = doc.add_paragraph()  # Word joins two tables that touch; keep text off the table's edge
    spacer.paragraph_format.space_after = Pt(2)
    return table


# --- page furniture -------------------------------------------------------------------------------

def _field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A complex field (PAGE, NUMPAGES) that Word and LibreOffice update when laying out."""
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>'))
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> {instruction} </w:instrText>'))
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>'))
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>'))


def _page_furniture(section, view: ReportView) -> None:
    header = section.header.paragraphs[0]
    header.paragraph_format.tab_stops.add_tab_stop(TEXT_W, WD_TAB_ALIGNMENT.RIGHT)
    header.add_run(view.title)
    if view.header_marks:
        header.add_run("\t")
        mark = header.add_run("  ·  ".join(view.header_marks))
        mark.bold = True
        mark.font.color.rgb = DRAFT if view.draft else ACCENT
        mark.font.size = Pt(9)
    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(TEXT_W, WD_TAB_ALIGNMENT.RIGHT)
    if view.footer_reference:
        footer.add_run(view.footer_reference)
    footer.add_run("\t")
    # «Side {x} av {y}»: text from the template, numbers as fields.
    for part in re.split(r"(\{x\}|\{y\})", view.t.page_x_of_y):
        if part == "{x}":
            _field(footer, "PAGE")
        elif part == "{y}":
            _field(footer, "NUMPAGES")
        elif part:
            footer.add_run(part)


def _custom_properties(doc, values: dict[str, str]) -> None:
    """docProps/custom.xml: extra metadata as custom document properties (File → Properties → Custom)."""
    if not values:
        return
    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(values.items(), start=2))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' + props + "</Properties>")
    package = doc.part.package
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_PROPS_CT, xml.encode("utf-8"), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _drop_template_thumbnail(doc) -> None:
    """python-docx's default template carries a thumbnail of an empty page; file browsers would show it."""
    rels = doc.part.package.rels
    for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[r_id]


def read_custom_properties(path_or_doc) -> dict[str, str]:
    """The custom document properties of a .docx (what :func:`_custom_properties` wrote)."""
    from lxml import etree

    doc = Document(str(path_or_doc)) if isinstance(path_or_doc, (str, Path)) else path_or_doc
    for rel in doc.part.package.rels.values():
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            root = etree.fromstring(rel.target_part.blob)
            ns = {"p": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"}
            return {p.get("name"): "".join(p.itertext()) for p in root.findall("p:property", ns)}
    return {}


def _document_info(doc, view: ReportView) -> None:
    """Version and fingerprint at the end, in a borderless one-cell table whose row never splits, so
    the block stays whole on the last page (LibreOffice does not honour keep-with-next chains there)."""
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)
    table = doc.add_table(rows=1, cols=1)
    _no_table_borders(table)
    _flush_left(table)
    _set_widths(table, [TEXT_W])
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
    cell = table.rows[0].cells[0]
    _borders(cell, top=f"single:4:{RULE_HEX}")
    heading = cell.paragraphs[0]
    heading.style = doc.styles[INFO_STYLE]
    heading.paragraph_format.space_before = Pt(4)
    heading.add_run(view.info_heading)
    for label, value in view.info_rows:
        cell.add_paragraph(f"{label}: {value}", style="Liten tekst")
    cell.add_paragraph(f"{view.fingerprint_label}:", style="Liten tekst")
    fp = cell.add_paragraph(style="Liten tekst")
    fp_run = fp.add_run(view.fingerprint)
    _set_font(fp_run.font, MONO)
    fp_run.font.color.rgb = INK


# --- the document ---------------------------------------------------------------------------------

def docx_bytes(report: Report, options: RenderOptions) -> bytes:
    view = build_view(report, options)
    doc = Document()
    _setup_styles(doc, view.language)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.left_margin = section.right_margin = MARGIN_LR
    section.top_margin, section.bottom_margin = MARGIN_T, MARGIN_B
    section.header_distance = section.footer_distance = Cm(1.1)
    _page_furniture(section, view)
    numbering = _Numbering(doc)

    doc.add_paragraph(view.title, style="Title")
    _label_table(doc, view.parties)
    recipients = doc.add_paragraph()
    recipients.paragraph_format.space_before = Pt(8)
    run = recipients.add_run(view.recipients_line)
    run.italic = True
    run.font.color.rgb = MUTED
    run.font.size = Pt(9.5)

    for sec in view.sections:
        doc.add_heading(sec.heading, level=1)
        _add_blocks(doc, sec.blocks, numbering)

    doc.add_heading(view.measures_heading, level=1)
    if view.measure_groups:
        _measures_table(doc, view)
    else:
        doc.add_heading(view.no_measures or "", level=2)
        if view.no_measures_reason:
            label, reason = view.no_measures_reason
            p = doc.add_paragraph()
            p.add_run(f"{label}: ").bold = True
            p.add_run(reason)

    doc.add_heading(view.approval_heading, level=1)
    for line in view.approval_lines:
        p = doc.add_paragraph()
        p.paragraph_format.keep_with_next = bool(view.approval_rows)
        run = p.add_run(line)
        if not view.approved:
            run.bold = True
            run.font.color.rgb = DRAFT
    if view.approval_rows:
        _label_table(doc, [view.approval_rows], keep_together=True)

    if view.remarks_heading:
        doc.add_heading(view.remarks_heading, level=1)
        _add_blocks(doc, view.remarks_blocks, numbering)

    _document_info(doc, view)

    props = doc.core_properties
    props.title = view.meta_title
    props.author = view.meta_author
    props.last_modified_by = view.meta_author
    props.subject = view.meta_subject
    props.keywords = view.meta_keywords
    props.language = view.language
    props.comments = ""
    props.category = view.t.title
    custom = {"ekspertrapport-versjon": str(options.version), "ekspertrapport-fingeravtrykk": view.fingerprint,
              "ekspertrapport-status": "utkast" if view.draft else "godkjent"}  # machine-readable code
    custom.update(view.extra_metadata)
    _custom_properties(doc, custom)
    _drop_template_thumbnail(doc)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render_docx(report: Report, path: str | Path, options: RenderOptions | None = None) -> Path:
    from . import render_docx as _render

    return _render(report, path, options)
