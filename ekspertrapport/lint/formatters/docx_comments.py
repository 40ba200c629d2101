"""Write lint findings into a copy of a Word file as Word comments (author «ekspertrapport»).

Each finding becomes a comment anchored on exactly the flagged characters: runs are split where a
finding starts or ends inside them (each part keeps a copy of the run's formatting, ``w:rPr``) and
``w:commentRangeStart``/``w:commentRangeEnd`` are placed around the runs. The comment holds the message,
the suggestion and the rule id.

Findings in headers, footers, footnotes, endnotes, text boxes and existing comments cannot carry a
comment anchor of their own (Word anchors comments in the body), so they are listed together in one
comment on the first body paragraph, each with where it is («topptekst (header1)», «fotnote 1», ...).

The original is never modified: the copy is built in memory and written atomically to ``out_path``.
"""

from __future__ import annotations

import bisect
import copy
import io
from pathlib import Path
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ...errors import EkspertrapportError
from ...fileio import atomic_write_bytes
from ...source.docx_safety import damaged, open_docx
from ...source.docx_text import Extracted, Piece, describe_location, extract

AUTHOR, INITIALS = "ekspertrapport", "ER"
SEVERITY_WORDS = {"error": "feil", "warning": "advarsel", "info": "info"}
W_P, W_R, W_RPR, W_T = qn("w:p"), qn("w:r"), qn("w:rPr"), qn("w:t")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _get(finding: Any, name: str, default: Any = None) -> Any:
    if isinstance(finding, dict):
        return finding.get(name, default)
    return getattr(finding, name, default)


def comment_text(finding: Any) -> str:
    """Message, suggestion and rule id, one paragraph each."""
    lines = [str(_get(finding, "message") or "")]
    if _get(finding, "suggestion"):
        lines.append(f"Forslag: {_get(finding, 'suggestion')}")
    severity = SEVERITY_WORDS.get(_get(finding, "severity") or "", _get(finding, "severity") or "")
    lines.append(f"({_get(finding, 'rule')}{', ' + severity if severity else ''})")
    return "\n".join(lines)


class _Anchors:
    """Pieces of the body text, kept up to date while runs are split."""

    def __init__(self, extracted: Extracted):
        self.pieces: list[Piece] = sorted(
            (p for b in extracted.blocks if b.part == "document" and "textbox" not in b.location for p in b.pieces),
            key=lambda p: p.start)
        self.starts = [p.start for p in self.pieces]

    def piece_at(self, offset: int) -> Piece | None:
        index = bisect.bisect_right(self.starts, offset) - 1
        if index >= 0 and self.pieces[index].start <= offset < self.pieces[index].end:
            return self.pieces[index]
        return None

    def first_from(self, offset: int, end: int) -> Piece | None:
        index = bisect.bisect_left(self.starts, offset)
        piece = self.piece_at(offset)
        if piece is not None:
            return piece
        return self.pieces[index] if index < len(self.pieces) and self.pieces[index].start < end else None

    def last_before(self, end: int, start: int) -> Piece | None:
        piece = self.piece_at(end - 1)
        if piece is not None:
            return piece
        index = bisect.bisect_left(self.starts, end) - 1
        return self.pieces[index] if index >= 0 and self.pieces[index].end > start else None

    def split(self, offset: int) -> None:
        """Make ``offset`` a run boundary: split the text node and the run holding it."""
        piece = self.piece_at(offset)
        if piece is None:
            return
        node = piece.node
        if offset > piece.start:
            k = offset - piece.start
            text = node.text or ""
            new = OxmlElement(_prefixed(node.tag))
            new.text = text[k:]
            new.set(XML_SPACE, "preserve")
            node.text = text[:k]
            node.set(XML_SPACE, "preserve")
            node.addnext(new)
            index = bisect.bisect_left(self.starts, piece.start)  # starts are unique: pieces are never empty
            right = Piece(offset, piece.end, new, piece.bold, piece.italic, piece.deleted, piece.inserted)
            piece.end = offset
            self.pieces.insert(index + 1, right)
            self.starts.insert(index + 1, offset)
            node = new
        _split_run_before(node)


def _prefixed(tag: str) -> str:
    return "w:" + tag.rsplit("}", 1)[1]


def _split_run_before(child) -> None:
    """Move ``child`` and its following siblings into a new run (with a copy of the run's rPr)."""
    run = child.getparent()
    if run is None or run.tag != W_R:
        return
    content = [c for c in run if c.tag != W_RPR]
    if not content or content[0] is child:
        return
    new_run = OxmlElement("w:r")
    for name, value in run.attrib.items():
        new_run.set(name, value)
    rpr = run.find(W_RPR)
    if rpr is not None:
        new_run.append(copy.deepcopy(rpr))
    moving = content[content.index(child):]
    for node in moving:
        new_run.append(node)
    run.addnext(new_run)


def _run_of(piece: Piece):
    node = piece.node
    while node is not None and node.tag != W_R:
        node = node.getparent()
    return node


def _top_child(element):
    """The ancestor of ``element`` that is a direct child of its paragraph."""
    while element.getparent() is not None and element.getparent().tag != W_P:
        element = element.getparent()
    return element


def _reference_run(comment_id: int):
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "CommentReference")
    rpr.append(style)
    run.append(rpr)
    ref = OxmlElement("w:commentReference")
    ref.set(qn("w:id"), str(comment_id))
    run.append(ref)
    return run


def _mark(first_run, last_run, comment_id: int) -> None:
    start = OxmlElement("w:commentRangeStart")
    start.set(qn("w:id"), str(comment_id))
    first_run.addprevious(start)
    end = OxmlElement("w:commentRangeEnd")
    end.set(qn("w:id"), str(comment_id))
    last_run.addnext(end)
    if end.getparent().tag == W_P:
        end.addnext(_reference_run(comment_id))
    else:  # inside a hyperlink, tracked change, content control: the reference goes after it
        _top_child(end).addnext(_reference_run(comment_id))


def _mark_paragraph(p, comment_id: int) -> None:
    runs = [c for c in p if c.tag == W_R]
    if runs:
        _mark(runs[0], runs[-1], comment_id)
        return
    start = OxmlElement("w:commentRangeStart")
    start.set(qn("w:id"), str(comment_id))
    end = OxmlElement("w:commentRangeEnd")
    end.set(qn("w:id"), str(comment_id))
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)
    p.append(_reference_run(comment_id))


def _extract(src: Path, document) -> Extracted:
    try:
        return extract(document)
    except Exception as exc:  # noqa: BLE001 - as when reading: a damaged story part
        raise damaged(src, exc) from None


def annotate_docx(src_path: str | Path, findings: list[Any], out_path: str | Path) -> Path:
    """Write a copy of ``src_path`` to ``out_path`` with one Word comment per (unsuppressed) finding."""
    src, out = Path(src_path), Path(out_path)
    if out.exists() and src.exists() and out.resolve() == src.resolve():
        raise EkspertrapportError(f"{out}: kommentarene skrives til en kopi; velg et annet filnavn enn originalen.")
    document = open_docx(src)
    extracted = _extract(src, document)
    text = extracted.text
    active = [f for f in findings if not _get(f, "suppressed", False) and _get(f, "end", 0) > _get(f, "start", 0)]
    for finding in active:
        start, end = _get(finding, "start"), _get(finding, "end")
        flagged = _get(finding, "text")
        if end > len(text) or (flagged is not None and text[start:end] != flagged):
            raise EkspertrapportError(
                f"{src}: funnene passer ikke til teksten i dokumentet (er filen endret etter sjekken?); kjør sjekken på nytt.")
    anchors = _Anchors(extracted)
    placed: list[tuple[Any, Piece, Piece]] = []
    elsewhere: list[Any] = []
    for finding in sorted(active, key=lambda f: (_get(f, "start"), _get(f, "end"))):
        first = anchors.first_from(_get(finding, "start"), _get(finding, "end"))
        last = anchors.last_before(_get(finding, "end"), _get(finding, "start"))
        if first is None or last is None or first.start > last.start:
            elsewhere.append(finding)
        else:
            placed.append((finding, first, last))
    comments = document.comments
    if elsewhere:
        _summary_comment(document, extracted, elsewhere)
    ids = [comments.add_comment(comment_text(f), author=AUTHOR, initials=INITIALS).comment_id for f, _, _ in placed]
    # Anchor from the end backwards; splitting keeps the left part of a node in place.
    for (finding, _, _), comment_id in sorted(zip(placed, ids), key=lambda item: -_get(item[0][0], "start")):
        start, end = _get(finding, "start"), _get(finding, "end")
        anchors.split(end)
        anchors.split(start)
        first = anchors.first_from(start, end)
        last = anchors.last_before(end, start)
        _mark(_run_of(first), _run_of(last), comment_id)
    buffer = io.BytesIO()
    document.save(buffer)
    return atomic_write_bytes(out, buffer.getvalue())


def _summary_comment(document, extracted: Extracted, findings: list[Any]) -> None:
    """One comment on the first body paragraph listing findings outside the body text."""
    lines = ["ekspertrapport fant tekst utenfor brødteksten (topptekst, bunntekst, fotnoter, tekstbokser "
             "eller kommentarer), der kommentarer ikke kan festes:"]
    for finding in findings:
        where = describe_location(extracted.locate(_get(finding, "start")))
        line = f"• {where}: «{_get(finding, 'text') or ''}»: {_get(finding, 'message')}"
        if _get(finding, "suggestion"):
            line += f" Forslag: {_get(finding, 'suggestion')}"
        lines.append(line + f" ({_get(finding, 'rule')})")
    comment = document.comments.add_comment("\n".join(lines), author=AUTHOR, initials=INITIALS)
    body = [b for b in extracted.blocks if b.part == "document" and b.table is None and "textbox" not in b.location]
    target = next((b.element for b in body if b.text.strip()), None)
    if target is None:
        target = body[0].element if body else document.element.body.add_p()
    _mark_paragraph(target, comment.comment_id)
