"""PDF rendering with reportlab platypus: A4, embedded fonts, outline, page numbers «Side X av Y».

Reading order is kept simple for text extraction (``pdftotext``, pypdf): the page header is drawn
first, then the body top to bottom (tables row by row), and the footer last.
"""

from __future__ import annotations

import functools
import io
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFName, PDFString
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether, ListFlowable, ListItem,
                                PageTemplate, Paragraph, Spacer, Table, TableStyle)

from ..report import Report
from . import RenderOptions
from .content import ReportView, build_view
from .markdown_blocks import Block, Heading, ListBlock, Paragraph as MdParagraph, Quote, Run, Table as MdTable

SANS, SANS_BOLD, SANS_ITALIC, SANS_BOLD_ITALIC, MONO = (
    "ER-Sans", "ER-Sans-Bold", "ER-Sans-Italic", "ER-Sans-BoldItalic", "ER-Mono")
_FONT_FILES = {
    SANS: "LiberationSans-Regular.ttf",
    SANS_BOLD: "LiberationSans-Bold.ttf",
    SANS_ITALIC: "LiberationSans-Italic.ttf",
    SANS_BOLD_ITALIC: "LiberationSans-BoldItalic.ttf",
    MONO: "LiberationMono-Regular.ttf",
}

INK = colors.HexColor("#1d1d1f")
ACCENT = colors.HexColor("#1f3a5f")
MUTED = colors.HexColor("#5b6470")
RULE = colors.HexColor("#c9d1dc")
BAND = colors.HexColor("#eef2f7")
DRAFT = colors.HexColor("#b3261e")

PAGE_W, PAGE_H = A4
MARGIN_L = MARGIN_R = 2.3 * cm
MARGIN_T = 2.5 * cm
MARGIN_B = 2.3 * cm
FRAME_W = PAGE_W - MARGIN_L - MARGIN_R


@functools.lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the bundled TTF fonts with reportlab (once per process)."""
    from reportlab.lib.fonts import addMapping

    folder = resources.files("ekspertrapport") / "fonts"
    for name, filename in _FONT_FILES.items():
        with resources.as_file(folder / filename) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD_ITALIC)
    for bold, italic, name in ((0, 0, SANS), (1, 0, SANS_BOLD), (0, 1, SANS_ITALIC), (1, 1, SANS_BOLD_ITALIC)):
        addMapping(SANS, bold, italic, name)
    pdfmetrics.registerFontFamily(MONO, normal=MONO, bold=MONO, italic=MONO, boldItalic=MONO)


@functools.lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=SANS, fontSize=10, leading=14.2, textColor=INK, alignment=TA_LEFT,
                          spaceAfter=6)
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontName=SANS_BOLD, fontSize=21, leading=26,
                                textColor=ACCENT, spaceAfter=4),
        "h1": ParagraphStyle("h1", parent=base, fontName=SANS_BOLD, fontSize=13.5, leading=17, textColor=ACCENT,
                             spaceBefore=16, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=SANS_BOLD, fontSize=11, leading=14.5, textColor=INK,
                             spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontName=SANS_BOLD_ITALIC, fontSize=10, leading=14, textColor=INK,
                             spaceBefore=8, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.2, leading=12.2, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontName=SANS_BOLD, fontSize=9.2, leading=12.2,
                                    spaceAfter=0, textColor=colors.white),
        "cell_group": ParagraphStyle("cell_group", parent=base, fontName=SANS_BOLD, fontSize=9.5, leading=12.5,
                                     spaceAfter=0, textColor=ACCENT),
        "label": ParagraphStyle("label", parent=base, fontName=SANS_BOLD, fontSize=9.4, leading=12.8, spaceAfter=0,
                                textColor=MUTED),
        "value": ParagraphStyle("value", parent=base, fontSize=9.4, leading=12.8, spaceAfter=0),
        "note": ParagraphStyle("note", parent=base, fontName=SANS_ITALIC, fontSize=9.2, leading=12.5,
                               textColor=MUTED, spaceBefore=6, spaceAfter=4),
        "status": ParagraphStyle("status", parent=base, fontName=SANS_BOLD, fontSize=10, leading=14,
                                 textColor=DRAFT, spaceAfter=6),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11.5, textColor=MUTED, spaceAfter=2),
        "mono": ParagraphStyle("mono", parent=base, fontName=MONO, fontSize=8.5, leading=11.5, textColor=INK,
                               spaceAfter=2, splitLongWords=1),
        "quote": ParagraphStyle("quote", parent=base, fontName=SANS_ITALIC, leftIndent=14, textColor=MUTED),
    }


# --- inline markup -------------------------------------------------------------------------------

def _markup(runs: list[Run]) -> str:
    parts: list[str] = []
    for run in runs:
        if run.is_break:
            parts.append("<br/>")
            continue
        text = escape(run.text)
        if run.code:
            text = f'<font name="{MONO}">{text}</font>'
        if run.italic:
            text = f"<i>{text}</i>"
        if run.bold:
            text = f"<b>{text}</b>"
        parts.append(text)
    return "".join(parts)


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), _styles()[style])


def _blocks(blocks: list[Block], outline_level: int = 1) -> list[Flowable]:
    s = _styles()
    out: list[Flowable] = []
    for block in blocks:
        if isinstance(block, MdParagraph):
            out.append(Paragraph(_markup(block.runs), s["body"]))
        elif isinstance(block, Heading):
            # Headings are kept off the foot of a page by a conditional break, not by keepWithNext, which
            # would push a heading and its whole following block to the next page.
            out.append(CondPageBreak(2.2 * cm))
            out.append(_outlined(Paragraph(_markup(block.runs), s["h2"] if block.level == 3 else s["h3"]),
                                 block.text, outline_level))
        elif isinstance(block, ListBlock):
            out.append(_list(block))
        elif isinstance(block, Quote):
            for inner in _blocks(block.blocks, outline_level):
                if isinstance(inner, Paragraph):
                    inner.style = s["quote"]
                out.append(inner)
        elif isinstance(block, MdTable):
            out.append(_body_table(block))
    return out


def _body_table(block: MdTable) -> Table:
    """A table the expert wrote in a section (Markdown pipe table): ruled, header row shaded and repeated."""
    s = _styles()
    columns = block.columns
    rows = [[Paragraph(_markup([Run(r.text, True, r.italic, r.code) for r in cell]), s["cell"]) for cell in block.header]] \
        if block.header else []
    rows += [[Paragraph(_markup(cell), s["cell"]) for cell in row] for row in block.rows]
    rows = [row + [""] * (columns - len(row)) for row in rows]
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 4),
             ("RIGHTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 3),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 4), ("LINEABOVE", (0, 0), (-1, -1), 0.5, RULE),
             ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE)]
    if block.header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), BAND))
    table = Table(rows, colWidths=[FRAME_W / columns] * columns, repeatRows=1 if block.header else 0, hAlign="LEFT",
                  splitByRow=1, spaceBefore=2, spaceAfter=8)
    table.setStyle(TableStyle(style))
    return table


def _list(block: ListBlock) -> ListFlowable:
    s = _styles()
    items = []
    for item in block.items:
        flows = _blocks(item) or [Paragraph("", s["body"])]
        for f in flows:
            if isinstance(f, Paragraph):
                f.style = ParagraphStyle("li", parent=f.style, spaceAfter=2)
        items.append(ListItem(flows))
    kwargs = dict(bulletFontName=SANS, bulletFontSize=10, leftIndent=16, bulletDedent=12, spaceAfter=6)
    if block.ordered:
        return ListFlowable(items, bulletType="1", start=str(block.start), bulletFormat="%s.", **kwargs)
    return ListFlowable(items, bulletType="bullet", start="•", **kwargs)


def _outlined(flowable: Flowable, title: str, level: int) -> Flowable:
    flowable._er_outline = (title, level)  # picked up by _Doc.afterFlowable
    return flowable


# --- the document -------------------------------------------------------------------------------

class _Info(PDFInfo):
    """The document information dictionary, with extra ``/Key`` entries."""

    extra: dict[str, str] = {}

    def format(self, document):  # noqa: A003 - reportlab's name
        if not self.extra:
            return super().format(document)
        from reportlab.pdfbase.pdfdoc import PDFDate

        d = {"Title": PDFString(self.title), "Author": PDFString(self.author), "Subject": PDFString(self.subject),
             "Keywords": PDFString(self.keywords), "Creator": PDFString(self.creator),
             "Producer": PDFString(self.producer), "Trapped": PDFName(self.trapped)}
        d["CreationDate"] = d["ModDate"] = PDFDate(ts=document._timeStamp, dateFormatter=self._dateFormatter)
        for key, value in self.extra.items():
            d[key.lstrip("/")] = PDFString(value)
        return PDFDictionary(d).format(document)


def _canvas_maker(view: ReportView):
    t = view.t

    class NumberedCanvas(Canvas):
        """Defers each page until the page count is known, then stamps footer and «Side X av Y»."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            info = _Info()
            info.extra = dict(view.extra_metadata)
            self._doc.info = info
            self._saved_pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int) -> None:
            self.saveState()
            y = MARGIN_B - 1.1 * cm
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN_L, y + 11, PAGE_W - MARGIN_R, y + 11)
            self.setFont(SANS, 8.5)
            self.setFillColor(MUTED)
            if view.footer_reference:
                self.drawString(MARGIN_L, y, view.footer_reference)
            self.drawRightString(PAGE_W - MARGIN_R, y, t.page(self._pageNumber, total))
            self.restoreState()

    return NumberedCanvas


class _Doc(BaseDocTemplate):
    def __init__(self, buffer, view: ReportView):
        self.view = view
        super().__init__(buffer, pagesize=A4, leftMargin=MARGIN_L, rightMargin=MARGIN_R, topMargin=MARGIN_T,
                         bottomMargin=MARGIN_B, title=view.meta_title, author=view.meta_author,
                         subject=view.meta_subject, keywords=view.meta_keywords, creator="ekspertrapport",
                         lang=view.language, displayDocTitle=1,
                         initialFontName=SANS, initialFontSize=10)
        frame = Frame(MARGIN_L, MARGIN_B, FRAME_W, PAGE_H - MARGIN_T - MARGIN_B, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._on_page)])
        self._outline_count = 0

    def _on_page(self, canv: Canvas, doc) -> None:
        view = self.view
        canv.saveState()
        if view.draft:  # a faint diagonal mark beneath the text; an image, so that text extraction skips it
            size = 15 * cm
            canv.drawImage(_watermark(view.t.draft_mark), (PAGE_W - size) / 2, (PAGE_H - size) / 2, size, size,
                           mask="auto")
        y = PAGE_H - MARGIN_T + 1.0 * cm
        canv.setFont(SANS, 8.5)
        canv.setFillColor(MUTED)
        canv.drawString(MARGIN_L, y, view.title)
        if view.header_marks:
            canv.setFont(SANS_BOLD, 9)
            canv.setFillColor(DRAFT if view.draft else ACCENT)
            canv.drawRightString(PAGE_W - MARGIN_R, y, "  ·  ".join(view.header_marks))
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_L, y - 5, PAGE_W - MARGIN_R, y - 5)
        canv.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab's name
        outline = getattr(flowable, "_er_outline", None)
        if outline:
            title, level = outline
            self._outline_count += 1
            key = f"er-{self._outline_count}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)


@functools.lru_cache(maxsize=4)
def _watermark(text: str):
    """A transparent PNG with ``text`` written diagonally, as a reportlab ImageReader."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    side = 900  # pixels for 15 cm: about 150 dpi, plenty for a faint mark
    folder = resources.files("ekspertrapport") / "fonts"
    with resources.as_file(folder / _FONT_FILES[SANS_BOLD]) as path:
        font = ImageFont.truetype(str(path), 150)
    square = Image.new("RGBA", (side, side), (255, 255, 255, 0))
    draw = ImageDraw.Draw(square)
    box = draw.textbbox((0, 0), text, font=font)
    w, h = box[2] - box[0], box[3] - box[1]
    draw.text(((side - w) / 2 - box[0], (side - h) / 2 - box[1]), text, font=font, fill=(179, 38, 30, 22))
    square = square.rotate(50, resample=Image.BICUBIC)
    buffer = io.BytesIO()
    square.save(buffer, "PNG", optimize=True)
    buffer.seek(0)
    return ImageReader(buffer)


def _parties_table(view: ReportView) -> Table:
    rows, style = [], [
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
    ]
    for g, group in enumerate(view.parties):
        for r, (label, value) in enumerate(group):
            if r == 0 and g > 0:
                style += [("LINEABOVE", (0, len(rows)), (-1, len(rows)), 0.5, RULE),
                          ("TOPPADDING", (0, len(rows)), (-1, len(rows)), 6)]
            rows.append([_p(label, "label"), _p(value, "value")])
    table = Table(rows, colWidths=[4.7 * cm, FRAME_W - 4.7 * cm], hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


MEASURE_WIDTHS = tuple(w * FRAME_W for w in (0.40, 0.17, 0.14, 0.29))


def _measure_rows(group) -> list[list]:
    return [[_p(r.hva, "cell"), _p(r.ansvarlig, "cell"), _p(r.frist, "cell"), _p(r.oppfolging, "cell")]
            for r in group.rows]


def _measure_table(rows: list[list], groups: list[int], split_in_row: bool) -> Table:
    """One table: header row (repeated on every page), then rows; ``groups`` are indexes of group rows."""
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE),
    ]
    for n in groups:
        style += [("SPAN", (0, n), (-1, n)), ("BACKGROUND", (0, n), (-1, n), BAND),
                  ("NOSPLIT", (0, n), (-1, n + 1))]  # a group row never stands alone at the foot of a page
    table = Table(rows, colWidths=list(MEASURE_WIDTHS), repeatRows=1, hAlign="LEFT", splitByRow=1,
                  splitInRow=int(split_in_row))
    table.setStyle(TableStyle(style))
    return table


def _measures(view: ReportView) -> list[Flowable]:
    """The measures grouped by spor: one table with a merged group row per spor.

    Rows move whole to the next page. Only when a measure is too tall for a page are rows split
    inside; reportlab cannot then keep a group row with its first measure, so each spor gets its own
    table under a group heading instead.
    """
    s = _styles()
    header = [Paragraph(escape(c), s["cell_head"]) for c in view.measure_columns]
    all_rows = [row for group in view.measure_groups for row in _measure_rows(group)]
    if _tallest_row(all_rows, MEASURE_WIDTHS) <= 0.6 * (PAGE_H - MARGIN_T - MARGIN_B):
        rows: list[list] = [header]
        groups: list[int] = []
        for group in view.measure_groups:
            groups.append(len(rows))
            rows.append([Paragraph(escape(group.heading), s["cell_group"]), "", "", ""])
            rows += _measure_rows(group)
        return [_measure_table(rows, groups, split_in_row=False)]
    out: list[Flowable] = []
    for group in view.measure_groups:
        out.append(CondPageBreak(4 * cm))
        out.append(_p(group.heading, "h2"))
        out.append(_measure_table([list(header)] + _measure_rows(group), [], split_in_row=True))
    return out


def _tallest_row(rows: list[list], widths: list[float], padding: float = 10) -> float:
    tallest = 0.0
    for row in rows:
        height = 0.0
        for cell, width in zip(row, widths):
            if isinstance(cell, Paragraph):
                height = max(height, cell.wrap(width - padding, 1e6)[1])
        tallest = max(tallest, height + padding)
    return tallest


def _rows_table(rows: list[tuple[str, str]]) -> Table:
    table = Table([[_p(label, "label"), _p(value, "value")] for label, value in rows],
                  colWidths=[4.7 * cm, FRAME_W - 4.7 * cm], hAlign="LEFT")
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return table


def _story(view: ReportView) -> list[Flowable]:
    s = _styles()
    story: list[Flowable] = [
        _p(view.title, "title"),
        Spacer(1, 4),
        _Rule(FRAME_W, ACCENT, 1.4),
        Spacer(1, 10),
        _parties_table(view),
        Spacer(1, 6),
        _p(view.recipients_line, "note"),
    ]
    for section in view.sections:
        story.append(CondPageBreak(3 * cm))
        story.append(_outlined(_p(section.heading, "h1"), section.heading, 0))
        story.extend(_blocks(section.blocks, outline_level=1))

    measures = _measures(view) if view.measure_groups else []
    # Keep the heading with the table's first rows (header, first group, first measure).
    first = measures[0] if measures and isinstance(measures[0], Table) else None
    first_rows = sum(_tallest_row([row], MEASURE_WIDTHS) for row in first._cellvalues[:3]) if first else 0
    # One table per spor (a measure taller than a page): each starts with CondPageBreak(4 cm) and its group
    # heading; leave room for that too, or the heading would be left alone at the foot of the page.
    least = 4 * cm + (1.8 * cm if measures and first is None else 0)
    story.append(CondPageBreak(max(least, min(first_rows + 1.6 * cm, 12 * cm))))
    story.append(_outlined(_p(view.measures_heading, "h1"), view.measures_heading, 0))
    if measures:
        story.extend(measures)
    else:
        story.append(_p(view.no_measures or "", "h2"))
        if view.no_measures_reason:
            label, reason = view.no_measures_reason
            story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(reason)}", s["body"]))

    approval: list[Flowable] = [_outlined(_p(view.approval_heading, "h1"), view.approval_heading, 0)]
    for line in view.approval_lines:
        approval.append(_p(line, "body" if view.approved else "status"))
    if view.approval_rows:
        approval.append(Spacer(1, 2))
        approval.append(_rows_table(view.approval_rows))
    story.append(KeepTogether(approval))

    if view.remarks_heading:
        story.append(CondPageBreak(4 * cm))
        story.append(_outlined(_p(view.remarks_heading, "h1"), view.remarks_heading, 0))
        story.extend(_blocks(view.remarks_blocks, outline_level=1))

    info: list[Flowable] = [Spacer(1, 18), _Rule(FRAME_W, RULE, 0.5), Spacer(1, 4),
                            _outlined(_p(view.info_heading, "small"), view.info_heading, 0)]
    info += [_p(f"{label}: {value}", "small") for label, value in view.info_rows]
    info += [_p(f"{view.fingerprint_label}:", "small"), _p(view.fingerprint, "mono")]
    story.append(KeepTogether(info))
    return story


class _Rule(Flowable):
    def __init__(self, width: float, color, thickness: float):
        super().__init__()
        self.width, self.color, self.thickness = width, color, thickness
        self.height = thickness

    def draw(self) -> None:
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, 0, self.width, 0)


def pdf_bytes(report: Report, options: RenderOptions) -> bytes:
    register_fonts()
    view = build_view(report, options)
    buffer = io.BytesIO()
    doc = _Doc(buffer, view)
    doc.build(_story(view), canvasmaker=_canvas_maker(view))
    return buffer.getvalue()


def render_pdf(report: Report, path: str | Path, options: RenderOptions | None = None) -> Path:
    from . import render_pdf as _render

    return _render(report, path, options)
