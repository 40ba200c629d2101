"""Measures tables in reports written with other tools: a header row naming «Tiltak» and «Ansvarlig».

Our own reports carry their measures as data (front matter / the locked payload); other experts write
them as a table. This module finds such a table in Markdown/plain text (pipe or tab separated), Word
(``python-docx`` tables) and PDF (``pdfplumber`` table extraction) and returns its rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..sections import normalise_heading


@dataclass(frozen=True)
class MeasureRow:
    hva: str
    ansvarlig: str = ""
    frist: str = ""
    oppfolging: str = ""
    spor: str = ""

    @property
    def has_responsible(self) -> bool:
        return bool(self.ansvarlig.strip())


#: Column roles by words in the (normalised) header cell; the first match wins.
_COLUMN_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ansvarlig", ("ansvar",)),
    ("frist", ("frist", "tidspunkt", "tidsfrist", "nar", "naar", "dato")),
    ("oppfolging", ("oppfolging", "oppfolgjing", "evaluering", "status")),
    ("spor", ("spor",)),
    ("hva", ("tiltak", "hva", "kva", "forslag")),
)


def _column_roles(header: list[str]) -> dict[str, int] | None:
    """Map roles to column indexes if ``header`` is a measures header (has Tiltak and Ansvarlig)."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(header):
        words = normalise_heading(cell or "")
        for role, keys in _COLUMN_WORDS:
            if role not in roles and any(k in words.split() or words.startswith(k) for k in keys):
                roles[role] = index
                break
    if "hva" in roles and "ansvarlig" in roles:
        return roles
    return None


def rows_from_cells(table: list[list[str | None]]) -> list[MeasureRow]:
    """Measures from a table given as rows of cells, if a row of it is a measures header."""
    rows: list[MeasureRow] = []
    roles: dict[str, int] | None = None
    for raw in table:
        cells = [" ".join((c or "").split()) for c in raw]
        if roles is None:
            roles = _column_roles(cells)
            continue
        if _column_roles(cells) is not None:  # a repeated header (table continued on a new page)
            continue
        if not any(cells):
            continue
        row = _row(cells, roles)
        if row.hva:
            rows.append(row)
    return rows


def _row(cells: list[str], roles: dict[str, int]) -> MeasureRow:
    def get(role: str) -> str:
        index = roles.get(role)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    return MeasureRow(hva=get("hva"), ansvarlig=get("ansvarlig"), frist=get("frist"),
                      oppfolging=get("oppfolging"), spor=get("spor"))


_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def rows_from_text(text: str) -> list[MeasureRow]:
    """Measures from a pipe- or tab-separated table in text (Markdown tables, extracted Word text)."""
    if not _mentions_table(text):
        return []
    rows: list[MeasureRow] = []
    block: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if ("|" in line or "\t" in line) and not _SEPARATOR_ROW.match(line):
            sep = "|" if "|" in line else "\t"
            cells = line.strip().strip("|").split(sep) if sep == "|" else line.split("\t")
            block.append([c.strip() for c in cells])
        elif _SEPARATOR_ROW.match(line):
            continue
        else:
            if block:
                rows += rows_from_cells(block)
            block = []
    return rows


def _mentions_table(text: str) -> bool:
    lowered = text.lower()
    return "tiltak" in lowered and "ansvar" in lowered


def rows_from_docx(path: str | Path) -> list[MeasureRow]:
    from ..source.docx_safety import open_docx  # the same zip-bomb and macro checks as the Word reader

    document = open_docx(path)
    rows: list[MeasureRow] = []
    for table in document.tables:
        cells = [[cell.text for cell in row.cells] for row in table.rows]
        rows += rows_from_cells(cells)
    return rows


#: Pages read when looking for a measures table in a PDF (bounded time for very long files).
MAX_PDF_TABLE_PAGES = 60


def rows_from_pdf(path: str | Path, pages: set[int] | None = None) -> list[MeasureRow]:
    """Measures tables in a PDF; ``pages`` (1-based) limits the search to where the text names one."""
    import pdfplumber

    rows: list[MeasureRow] = []
    with pdfplumber.open(str(path)) as pdf:
        carried: dict[str, int] | None = None  # header roles of a table that may continue on the next page
        for number, page in enumerate(pdf.pages[:MAX_PDF_TABLE_PAGES], start=1):
            if carried is None and (number not in pages if pages is not None
                                    else not _mentions_table(page.extract_text() or "")):
                page.close()
                continue
            tables = page.extract_tables()
            if not tables and carried is None:
                rows += rows_from_words(page)  # a table without ruling lines
                page.close()
                continue
            for index, table in enumerate(tables):
                cells = [[" ".join((c or "").split()) for c in r] for r in table]
                if not cells:
                    continue
                if _column_roles(cells[0]) is None and carried is not None and index == 0:
                    rows += [r for r in (_row(c, carried) for c in cells if any(c)) if r.hva]
                    continue
                found = rows_from_cells(cells)
                rows += found
                carried = _column_roles(cells[0]) if found else None
            if not tables:
                carried = None
            page.close()
    return rows


def rows_from_words(page) -> list[MeasureRow]:
    """A measures table without ruling lines, from word positions under its column headings.

    Rows are told apart by the extra space between them (wrapped lines inside a cell sit closer); the
    table ends at a large gap, at text left of the first column, or at a word that crosses a column
    start (running text).
    """
    lines: dict[int, list[dict]] = {}
    for word in page.extract_words():
        lines.setdefault(round(word["top"]), []).append(word)
    ordered = [sorted(lines[top], key=lambda w: w["x0"]) for top in sorted(lines)]
    for index, line in enumerate(ordered):
        columns: list[tuple[float, str]] = []
        for word in line:
            role = _single_role(word["text"])
            if role and role not in {r for _, r in columns}:
                columns.append((word["x0"], role))
        roles = {r for _, r in columns}
        if {"hva", "ansvarlig"} <= roles and len(line) <= 2 * len(columns) + 2:  # a header, not a sentence
            return _word_rows(ordered[index + 1:], columns, line)
    return []


def _single_role(text: str) -> str | None:
    words = normalise_heading(text)
    for role, keys in _COLUMN_WORDS:
        if any(words == k or words.startswith(k) for k in keys):
            return role
    return None


def _word_rows(lines: list[list[dict]], columns: list[tuple[float, str]], header: list[dict]) -> list[MeasureRow]:
    height = max(w["bottom"] - w["top"] for w in header) or 10.0
    left = columns[0][0]
    starts = [x for x, _ in columns[1:]]
    rows: list[dict[str, str]] = []
    previous_bottom = max(w["bottom"] for w in header)
    for line in lines:
        top = min(w["top"] for w in line)
        gap = top - previous_bottom
        if gap > 2.5 * height or line[0]["x0"] < left - 2 or any(w["x0"] < x - 2 < w["x1"] for w in line for x in starts):
            break
        cells: dict[str, str] = {}
        for word in line:
            role = [r for x, r in columns if word["x0"] >= x - 2][-1]
            cells[role] = f"{cells.get(role, '')} {word['text']}".strip()
        if not rows or gap > 0.45 * height:
            rows.append({})
        for role, text in cells.items():
            rows[-1][role] = f"{rows[-1].get(role, '')} {text}".strip()
        previous_bottom = max(w["bottom"] for w in line)
    return [MeasureRow(hva=r.get("hva", ""), ansvarlig=r.get("ansvarlig", ""), frist=r.get("frist", ""),
                       oppfolging=r.get("oppfolging", ""), spor=r.get("spor", "")) for r in rows if r.get("hva")]


_HEADER_HINT = re.compile(r"\btiltak\b[^\n]{0,120}\bansvar|\bansvar\w*[^\n]{0,120}\btiltak\b|"
                          r"^[ \t]*(?:tiltak|forslag til tiltak)[ \t]*\n[ \t]*ansvar", re.IGNORECASE | re.MULTILINE)


def measure_rows(path: str | Path, text: str, locate: Callable[[int], dict | None] | None = None) -> list[MeasureRow]:
    """The measures table of a report file written with another tool; [] when none is found.

    ``locate`` (a Document's ``location``) maps a text offset to ``{"page": n}``, so that only the PDF
    pages whose text names a measures table are parsed for tables.
    """
    suffix = Path(path).suffix.lower()
    if not _mentions_table(text):
        return []
    if suffix == ".docx":
        return rows_from_docx(path) or rows_from_text(text)
    if suffix == ".pdf":
        pages = None
        if locate is not None:
            found = [(locate(m.start()) or {}).get("page") for m in _HEADER_HINT.finditer(text)]
            if not found:  # header cells far apart in the extracted text: every page that names a responsible party
                found = [(locate(m.start()) or {}).get("page") for m in re.finditer(r"(?i)\bansvarlig", text)]
            pages = {p for p in found if p}
        return rows_from_pdf(path, pages) or rows_from_text(text)
    return rows_from_text(text)
