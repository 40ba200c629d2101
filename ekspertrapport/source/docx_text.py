"""Extract all text a reader sees in a Word document, with offsets mapped back to the XML.

The extracted text is built block by block (a block is one paragraph), blocks separated by a blank
line: the body in document order (paragraphs and table cells, text boxes right after the paragraph
that anchors them), then headers, footers, footnotes, endnotes and existing comments. Text in
tracked changes is included: inserted text as ordinary text, deleted text (``w:delText``, still in the
file and recoverable by the recipient) inline where it was, marked ``deleted`` in its location.

Every character of a block maps back to the ``w:t``/``w:delText`` node it came from (:class:`Piece`),
which is what the Word-comment formatter uses to anchor comments on exactly the flagged words.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

W_P, W_TBL, W_TR, W_TC, W_SDT, W_SDTCONTENT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt"), qn("w:sdtContent")
W_T, W_DELTEXT, W_TAB, W_BR, W_CR, W_NBH = qn("w:t"), qn("w:delText"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
W_R, W_RPR, W_PPR, W_DEL, W_INS, W_MOVEFROM, W_MOVETO = qn("w:r"), qn("w:rPr"), qn("w:pPr"), qn("w:del"), qn("w:ins"), qn("w:moveFrom"), qn("w:moveTo")
W_TXBX = qn("w:txbxContent")
W_COMMENT_MARKS = (qn("w:commentRangeStart"), qn("w:commentReference"))
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
#: Subtrees whose text a reader does not see (field codes, properties) or that duplicate other text.
SKIP = {qn("w:instrText"), qn("w:delInstrText"), W_RPR, W_PPR, MC_FALLBACK, qn("w:sectPr"), qn("w:tblPr"),
        qn("w:trPr"), qn("w:tcPr"), qn("w:sdtPr"), qn("w:sdtEndPr")}
SEPARATOR = "\n\n"


@dataclass
class Piece:
    """Characters [start, end) of the extracted text that come from one XML text node."""

    start: int
    end: int
    node: object  # lxml element: w:t, w:delText, w:tab, w:br ...
    bold: bool = False
    italic: bool = False
    deleted: bool = False
    inserted: bool = False


@dataclass
class Block:
    """One paragraph of extracted text, with where it is in the document."""

    start: int
    end: int
    text: str
    location: dict
    element: object  # the w:p
    part: str = "document"
    style: str | None = None  # paragraph style name
    pieces: list[Piece] = field(default_factory=list)
    table: tuple[int, int, int] | None = None  # (table, row, cell), 1-based, for body tables
    list_kind: str | None = None  # "bullet" | "number" for list paragraphs

    @property
    def visible_text(self) -> str:
        """The paragraph as shown in Word's final view: deleted text left out."""
        return "".join(self.text[p.start - self.start:p.end - self.start] for p in self.pieces if not p.deleted)


@dataclass
class Extracted:
    text: str
    blocks: list[Block]
    tables: list[object]  # body w:tbl elements, index + 1 = table number
    #: Word comment id → offset of the body paragraph the comment is anchored in.
    comment_anchors: dict[str, int] = field(default_factory=dict)

    def locate(self, offset: int) -> dict | None:
        """Location of a character offset: the block's location, plus deleted/inserted flags."""
        if not self.blocks:
            return None
        starts = getattr(self, "_starts", None)
        if starts is None:
            starts = self._starts = [b.start for b in self.blocks]
        index = max(bisect.bisect_right(starts, offset) - 1, 0)
        block = self.blocks[index]
        location = dict(block.location)
        for piece in block.pieces:
            if piece.start <= offset < piece.end:
                if piece.deleted:
                    location["deleted"] = True
                elif piece.inserted:
                    location["inserted"] = True
                break
        return location


def _on(rpr, tag: str) -> bool:
    if rpr is None:
        return False
    el = rpr.find(qn(tag))
    return el is not None and el.get(qn("w:val"), "true").lower() not in ("0", "false", "off", "none")


class _Builder:
    def __init__(self, styles: dict[str, str]):
        self.chunks: list[str] = []
        self.pos = 0
        self.blocks: list[Block] = []
        self.tables: list[object] = []
        self.styles = styles  # style id → name
        self.body_paragraphs = 0
        self.textboxes = 0
        self.comment_anchors: dict[str, int] = {}

    # -- blocks -------------------------------------------------------------------------------
    def paragraph(self, p, location: dict, part: str, table=None) -> None:
        if self.chunks:
            self.chunks.append(SEPARATOR)
            self.pos += len(SEPARATOR)
        start = self.pos
        pieces: list[Piece] = []
        textboxes: list[object] = []
        self._runs(p, pieces, textboxes, deleted=False, inserted=False, rpr=None)
        text = "".join(self.chunks[len(self.chunks) - len(pieces):]) if pieces else ""
        ppr = p.find(W_PPR)
        style_id = None
        list_kind = None
        if ppr is not None:
            ps = ppr.find(qn("w:pStyle"))
            style_id = ps.get(qn("w:val")) if ps is not None else None
            if ppr.find(qn("w:numPr")) is not None:
                list_kind = "bullet"
        style = self.styles.get(style_id, style_id) if style_id else None
        lowered = (style or "").lower()
        if "list" in lowered and "paragraph" not in lowered or "liste" in lowered:
            list_kind = "number" if ("number" in lowered or "nummer" in lowered) else "bullet"
        self.blocks.append(Block(start, self.pos, text, location, p, part, style, pieces, table, list_kind))
        if part == "document":
            for mark in p.iter(*W_COMMENT_MARKS):
                self.comment_anchors.setdefault(mark.get(qn("w:id")), start)
        for txbx in textboxes:
            self.textboxes += 1
            number = self.textboxes
            for index, inner in enumerate(_paragraphs(txbx), 1):
                loc = {"textbox": number, "paragraph": index}
                if part != "document":
                    loc = {"part": part, **loc}
                self.paragraph(inner, loc, part)

    def _runs(self, el, pieces, textboxes, deleted, inserted, rpr) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP:
                continue
            if tag == W_TXBX:
                textboxes.append(child)
                continue
            run_rpr = child.find(W_RPR) if tag == W_R else rpr
            d = deleted or tag in (W_DEL, W_MOVEFROM)
            i = inserted or tag in (W_INS, W_MOVETO)
            if tag in (W_T, W_DELTEXT):
                self._add(child.text or "", child, pieces, rpr, d or tag == W_DELTEXT, i)
            elif tag == W_TAB and el.tag == W_R:
                self._add("\t", child, pieces, rpr, d, i)
            elif tag in (W_BR, W_CR):
                self._add("\n", child, pieces, rpr, d, i)
            elif tag == W_NBH:
                self._add("-", child, pieces, rpr, d, i)
            else:
                self._runs(child, pieces, textboxes, d, i, run_rpr)

    def _add(self, text: str, node, pieces, rpr, deleted: bool, inserted: bool) -> None:
        if not text:
            return
        pieces.append(Piece(self.pos, self.pos + len(text), node, _on(rpr, "w:b"), _on(rpr, "w:i"), deleted, inserted))
        self.chunks.append(text)
        self.pos += len(text)

    # -- containers ---------------------------------------------------------------------------
    def body(self, body) -> None:
        for child in _block_items(body):
            if child.tag == W_P:
                self.body_paragraphs += 1
                self.paragraph(child, {"paragraph": self.body_paragraphs}, "document")
            else:
                self.table(child)

    def table(self, tbl, outer: tuple[int, int, int] | None = None) -> None:
        if outer is None:
            self.tables.append(tbl)
            number = len(self.tables)
        for r, tr in enumerate(_rows(tbl), 1):
            for c, tc in enumerate(_cells(tr), 1):
                where = outer or (number, r, c)
                for item in _block_items(tc):
                    if item.tag == W_P:
                        loc = {"table": where[0], "row": where[1], "cell": where[2]}
                        self.paragraph(item, loc, "document", where)
                    else:
                        self.table(item, where)

    def story(self, root, part: str, key: str | None = None) -> None:
        """Paragraphs of a header/footer/footnotes/endnotes/comments part."""
        if key is None:
            for index, p in enumerate(_paragraphs(root), 1):
                self.paragraph(p, {"part": part, "paragraph": index}, part)
            return
        for note in root:
            if not isinstance(note.tag, str):
                continue
            if note.get(qn("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            loc = {"part": part, key: note.get(qn("w:id"))}
            if key == "comment" and note.get(qn("w:author")):
                loc["author"] = note.get(qn("w:author"))
            for p in _paragraphs(note):
                self.paragraph(p, dict(loc), part)


def _block_items(container):
    """Paragraphs and tables of a body/cell in order, looking through content controls (w:sdt)."""
    for child in container:
        if child.tag in (W_P, W_TBL):
            yield child
        elif child.tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from _block_items(content)
        elif child.tag in (W_INS, W_DEL):  # block-level tracked changes hold paragraphs/tables
            yield from _block_items(child)


def _children(element, tag):
    """Children with ``tag``, looking through content controls (w:sdt) that wrap them."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag == W_SDT and child.find(W_SDTCONTENT) is not None:
            yield from _children(child.find(W_SDTCONTENT), tag)


def _rows(tbl):
    return _children(tbl, W_TR)


def _cells(tr):
    return _children(tr, W_TC)


def _paragraphs(container):
    """All paragraphs of a story (including those in its tables), in order."""
    for item in _block_items(container):
        if item.tag == W_P:
            yield item
        else:
            for tr in _rows(item):
                for tc in _cells(tr):
                    yield from _paragraphs(tc)


def style_names(document) -> dict[str, str]:
    """Paragraph style id → name (e.g. «Overskrift2» → «heading 2»)."""
    names = {}
    try:
        for style in document.styles:
            names[style.style_id] = style.name or style.style_id
    except Exception:  # a damaged styles part: fall back to ids
        pass
    return names


#: (relationship type suffix, location part prefix, per-note key)
_STORIES = (("/header", None), ("/footer", None), ("/footnotes", "footnote"), ("/endnotes", "endnote"),
            ("/comments", "comment"))


def _part_element(part):
    element = getattr(part, "element", None)
    if element is None:
        element = parse_xml(part.blob)
    return element


def extract(document) -> Extracted:
    """Extract the text of a python-docx Document (see the module docstring for the layout)."""
    builder = _Builder(style_names(document))
    builder.body(document.element.body)
    rels = list(document.part.rels.values())
    for suffix, key in _STORIES:
        parts = sorted({rel.target_part.partname: rel.target_part for rel in rels
                        if not rel.is_external and rel.reltype.endswith(suffix)}.items())
        for partname, part in parts:
            name = partname.rsplit("/", 1)[-1].removesuffix(".xml")
            builder.story(_part_element(part), name, key)
    return Extracted("".join(builder.chunks), builder.blocks, builder.tables, builder.comment_anchors)


def describe_location(location: dict | None) -> str:
    """A location in words for messages: «tabell 1, rad 2, celle 2», «avsnitt 12», «topptekst (header1)»,
    «side 3» (PDF)."""
    if not location:
        return "dokumentet"
    if "page" in location:
        return f"side {location['page']}"
    words = []
    part = location.get("part")
    if part:
        kinds = {"header": "topptekst", "footer": "bunntekst", "footnotes": "fotnote", "endnotes": "sluttnote",
                 "comments": "kommentar"}
        kind = next((v for k, v in kinds.items() if part.startswith(k)), part)
        note = location.get("footnote") or location.get("endnote") or location.get("comment")
        words.append(f"{kind} {note}" if note is not None else f"{kind} ({part})")
    if "textbox" in location:
        words.append(f"tekstboks {location['textbox']}")
    if "table" in location:
        words.append(f"tabell {location['table']}, rad {location['row']}, celle {location['cell']}")
    elif "paragraph" in location and not location.get("comment") and not location.get("footnote"):
        words.append(f"avsnitt {location['paragraph']}")
    if location.get("deleted"):
        words.append("slettet tekst (sporede endringer)")
    return ", ".join(words)
