"""Read a Word report (.docx) into the same structures as a Markdown source.

Data flow: :mod:`.docx_safety` checks the zip container before anything is parsed →
:mod:`.docx_text` extracts every text a reader sees with offsets and locations → this module finds
the report's parts — the parties table (front matter), sections from heading styles or, where styles
were lost, from paragraphs whose text is a known heading, the measures table (``tiltak``) — and
validates them through the same pydantic model as the Markdown reader.

Paragraphs (and content in table cells) fully enclosed in [ ] are the skeleton's guidance and
placeholders: not content, and not linted; so are paragraphs that are a typed HTML comment
(``<!-- ... -->``). Suppressions work as in Markdown: a paragraph ``<!-- ekspertrapport: tillat
<regel> -- begrunnelse -->`` covers the next paragraph, and a Word comment whose text starts with
``ekspertrapport: tillat <regel> -- begrunnelse`` covers the paragraph it is anchored in. A Word file that does not follow the skeleton is still
linted as text; the report parts that could not be found are reported as problems, located by
paragraph/table («partstabellen, rad 2 (Organisasjonsnummer)», «avsnitt 12») instead of line numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from pydantic import ValidationError

from ..document import READERS, Document
from ..errors import Problem, ReportError
from ..report import FrontMatter, Report, Section
from ..sections import APPROVAL_HEADINGS, BY_KEY, MEASURES_HEADINGS, REQUIRED_KEYS, SECTIONS, match_heading, normalise_heading
from .docx_safety import damaged, open_docx
from .docx_tables import (PROSE_FIELDS, Cell, is_measures_table, is_parties_table, is_placeholder, read_measures,
                          read_parties, table_cells)
from .docx_text import Block, Extracted, describe_location, extract
from .markdown import ParsedSource
from .validation import problems_from_validation

_HTML_COMMENT_RE = re.compile(r"^\s*<!--.*-->\s*$", re.DOTALL)
_SUPPRESSION_RE = re.compile(r"^\s*ekspertrapport\s*:", re.IGNORECASE)
_HEADING_STYLE_RE = re.compile(r"^(?:heading|overskrift)\s*(\d)$")
_NN_HEADINGS = {normalise_heading(s.nn) for s in SECTIONS if s.nn != s.nb} | {normalise_heading("Arbeidstakaren si godkjenning")}


@dataclass(frozen=True)
class DocxProblem(Problem):
    """A problem in a Word source, located in words («tabell 1, rad 2 (Arbeidsgiver)») rather than by line.

    ``line`` is the line in the extracted text (what lint findings index); ``offset`` its character offset.
    """

    where: str = ""
    offset: int | None = None

    def __str__(self) -> str:
        return f"{self.path} ({self.where}): {self.message}" if self.where else f"{self.path}: {self.message}"


@dataclass
class DocxSource:
    """A read Word file: the extracted text and the report parts found in it."""

    path: str
    extracted: Extracted
    parsed: ParsedSource
    #: (start, end) spans that are not lintable: guidance, placeholders, table labels, codes.
    masked: list[tuple[int, int]]
    guidance: list[tuple[int, int]]


def _heading_level(block: Block) -> int | None:
    """0 for a title, N for «Heading N»/«Overskrift N» or an outline level, else None."""
    style = (block.style or "").strip().lower()
    if style in ("title", "tittel"):
        return 0
    match = _HEADING_STYLE_RE.match(style)
    if match:
        return int(match.group(1))
    ppr = block.element.pPr if hasattr(block.element, "pPr") else None
    outline = ppr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}outlineLvl") if ppr is not None else None
    if outline is not None:
        value = outline.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val", "")
        if value.isdigit() and int(value) < 9:
            return int(value) + 1
    return None


def _known_heading(text: str) -> bool:
    norm = normalise_heading(text)
    return bool(text.strip()) and len(text) < 90 and (match_heading(text) is not None or norm in MEASURES_HEADINGS
                                                      or norm in APPROVAL_HEADINGS)


_INLINE_SPECIAL_RE = re.compile(r"([\\`*_<\[\]])")
_LINE_START_RE = re.compile(r"^(\s*)(?:(#|[-+>](?=\s))|(\d+)([.)])(?=\s))", re.MULTILINE)


def _escape(text: str) -> str:
    """Word text is plain text: escape what Markdown would read as markup («1. januar» is not a list)."""
    text = _INLINE_SPECIAL_RE.sub(r"\\\1", text)

    def line_start(match: re.Match) -> str:
        if match.group(2):
            return f"{match.group(1)}\\{match.group(2)}"
        return f"{match.group(1)}{match.group(3)}\\{match.group(4)}"

    return _LINE_START_RE.sub(line_start, text)


def _paragraph_markdown(block: Block) -> str:
    """The paragraph as Markdown: bold/italic runs marked, deleted text left out.

    A paragraph that is italic throughout is taken as plain: that is what typing over the skeleton's
    grey italic guidance gives, and nobody emphasises a whole paragraph on purpose.
    """
    spans: list[list] = []  # [text, bold, italic], adjacent pieces with the same formatting merged
    for piece in block.pieces:
        if piece.deleted:
            continue
        text = block.text[piece.start - block.start:piece.end - block.start]
        if spans and (spans[-1][1], spans[-1][2]) == (piece.bold, piece.italic):
            spans[-1][0] += text
        else:
            spans.append([text, piece.bold, piece.italic])
    visible = [span for span in spans if span[0].strip()]
    all_italic = bool(visible) and all(span[2] for span in visible)
    out: list[str] = []
    for text, bold, italic in spans:
        marker = ("**" if bold else "") + ("*" if italic and not all_italic else "")
        lead, core, trail = re.match(r"^(\s*)(.*?)(\s*)$", text, re.DOTALL).groups()
        if core:
            core = f"{marker}{_escape(core)}{marker[::-1]}"
        out.append(lead + core + trail)
    text = "".join(out).strip()
    return re.sub(r"[ \t]+\n", "\n", text)


def _table_markdown(rows: list[list[Cell]]) -> str:
    """A table written in a section, as a Markdown pipe table (first row as the header row)."""
    cells = [[_escape(c.text.replace("\n", " ")).replace("|", "\\|") for c in row] for row in rows]
    cells = [row for row in cells if any(text.strip() for text in row)]
    if not cells:
        return ""
    width = max(len(row) for row in cells)
    cells = [row + [""] * (width - len(row)) for row in cells]
    lines = ["| " + " | ".join(row) + " |" for row in cells]
    lines.insert(1, "|" + " --- |" * width)
    return "\n" + "\n".join(lines) + "\n"


def _items(blocks: list[Block]):
    """Body items in order: ("p", block) or ("table", number, blocks)."""
    body = [b for b in blocks if b.part == "document" and "textbox" not in b.location]
    index = 0
    while index < len(body):
        block = body[index]
        if block.table is None:
            yield "p", block
            index += 1
            continue
        number, group = block.table[0], []
        while index < len(body) and body[index].table is not None and body[index].table[0] == number:
            group.append(body[index])
            index += 1
        yield "table", number, group


class _Reader:
    def __init__(self, path: str, extracted: Extracted):
        self.path = path
        self.ex = extracted
        self.text = extracted.text
        self.problems: list[Problem] = []
        self.masked: list[tuple[int, int]] = []
        self.guidance: list[tuple[int, int]] = []
        self.fields: dict[str, tuple[str, str, int]] = {}  # field path → (where, label, offset)
        self.front: dict[str, Any] = {}
        self.measures = []
        self.no_measures_text: list[str] = []
        self.parties_found = False
        self.measures_found = False
        self.nynorsk = False
        #: front-matter path → line of its cell in the extracted text (what the Markdown reader calls
        #: ``_lines``), so that structure findings point at the right table cell.
        self.lines: dict[tuple, int] = {}
        self.label_text: dict[str, str] = {}  # field path → the label as written in the table

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def problem(self, message: str, where: str = "", offset: int | None = None, field: str | None = None) -> None:
        offset = len(self.text) if offset is None else offset
        line = self.text.count("\n", 0, offset) + 1
        self.problems.append(DocxProblem(self.path, line, message, field, where, offset))

    # -- parts ------------------------------------------------------------------------------------
    def read(self) -> ParsedSource:
        for block in self.ex.blocks:
            visible = block.visible_text or block.text
            if block.text.strip() and (is_placeholder(visible) or _HTML_COMMENT_RE.match(visible)):
                self.guidance.append((block.start, block.end))
        items = list(_items(self.ex.blocks))
        heading_levels = [_heading_level(item[1]) for item in items if item[0] == "p" and _known_heading(item[1].visible_text)]
        styled = [level for level in heading_levels if level]
        level = min(styled) if styled else 2
        sections = self._sections(items, level)
        malform = self.front.get("malform") if self.front.get("malform") in ("nb", "nn") else None
        if malform is None:
            nn = self.nynorsk or any(normalise_heading(s.heading) in _NN_HEADINGS for s in sections)
            malform = "nn" if nn else "nb"
        parsed = ParsedSource(path=self.path, text=self.text, malform=malform, sections=sections,
                              comments=list(self.guidance))
        parsed._lines = self.lines  # type: ignore[attr-defined]
        self._check_sections(parsed, sections)
        self._build(parsed)
        return parsed

    def _sections(self, items, level: int) -> list[Section]:
        sections: list[Section] = []
        mode, current = "preamble", None  # mode: preamble | section | measures | approval | outside
        seen: dict[str, str] = {}

        def close(end: int) -> None:
            nonlocal current
            if current is not None:
                key, heading, start, parts = current
                body = "\n".join(parts).strip()
                body = re.sub(r"\n{3,}", "\n\n", body)
                line = self.text.count("\n", 0, start) + 1
                # An optional part left with only the skeleton's guidance is not used: leave it out.
                if body or key is None or BY_KEY[key].required:
                    sections.append(Section(key=key, heading=heading, body=body, start=start, end=end, line=line))
            current = None

        last_kind = None
        for item in items:
            if item[0] == "table":
                _, number, group = item
                rows = table_cells(group)
                if is_parties_table(rows):
                    self._parties(rows)
                elif is_measures_table(rows):
                    self._measures(rows)
                elif current is not None:
                    current[3].append(_table_markdown(rows))
                last_kind = None
                continue
            block = item[1]
            text = block.visible_text.strip()
            if not text or is_placeholder(text) or _HTML_COMMENT_RE.match(text):
                continue
            block_level = _heading_level(block)
            is_heading = (block_level is not None and block_level <= level) or (block_level is None and _known_heading(text))
            if is_heading and block_level is not None and block_level < level and not _known_heading(text):
                close(block.start)
                mode = "outside"  # a title above the section level
                continue
            if is_heading:
                close(block.start)
                norm = normalise_heading(text)
                if norm in MEASURES_HEADINGS or norm in APPROVAL_HEADINGS:
                    # Fixed texts of the skeleton, not written by the expert: not linted.
                    mode = "measures" if norm in MEASURES_HEADINGS else "approval"
                    self.masked.append((block.start, block.end))
                    continue
                key = match_heading(text)
                if key in seen:
                    self.problem(f"delen «{text}» står to ganger (første gang i {seen[key]}); slå dem sammen",
                                 describe_location(block.location), block.start)
                    mode = "outside"
                    continue
                if key:
                    seen[key] = describe_location(block.location)
                mode, current = "section", (key, text, block.start, [])
                last_kind = None
                continue
            markdown = _paragraph_markdown(block)
            if mode == "section":
                if block_level is not None and block_level > level:
                    markdown = "#" * min(block_level - level + 2, 6) + " " + markdown
                if block.list_kind:
                    prefix = "1. " if block.list_kind == "number" else "- "
                    sep = "" if last_kind == "list" else "\n"
                    current[3].append(sep + prefix + markdown)
                    last_kind = "list"
                else:
                    current[3].append("\n" + markdown)
                    last_kind = "p"
            elif mode == "measures":
                self.no_measures_text.append(markdown)
        body_end = max((b.end for b in self.ex.blocks if b.part == "document" and "textbox" not in b.location), default=0)
        close(body_end)
        return sections

    def _parties(self, rows: list[list[Cell]]) -> None:
        if self.parties_found:
            return
        self.parties_found = True
        values, labels, nynorsk = read_parties(rows)
        self.nynorsk = nynorsk
        for path, cell in labels:
            if cell.span:
                self.masked.append(cell.span)
            where = (f"partstabellen, rad {cell.row} ({cell.text})", cell.text, cell.blocks[0].start)
            self.label_text[".".join(map(str, path))] = cell.text
            self.fields.setdefault(".".join(map(str, path)), where)
            self.fields.setdefault(path[0], where)  # a whole group missing: located at its first row
            if path[-1] == "navn":  # ... and named by it: «Arbeidstakar»
                self.label_text[path[0]] = cell.text
        if labels:
            self.lines[()] = self.line(labels[0][1].blocks[0].start)
        for value in values:
            target = self.front
            for key in value.path[:-1]:
                target = target.setdefault(key, {})
            target[value.path[-1]] = value.value
            self.fields[".".join(map(str, value.path))] = (value.where, value.label, value.cell.blocks[0].start)
            self.lines[value.path] = self.line(value.cell.blocks[0].start)
            if value.path[-1] not in PROSE_FIELDS and value.cell.span:
                self.masked.append(value.cell.span)

    def _measures(self, rows: list[list[Cell]]) -> None:
        if self.measures_found:
            return
        self.measures_found = True
        for cell in rows[0]:
            if cell.span:
                self.masked.append(cell.span)
        if rows[0] and rows[0][0].blocks:
            self.lines[("tiltak",)] = self.line(rows[0][0].blocks[0].start)
        for measure in read_measures(rows):
            self.measures.append(measure.values)
            first = next(iter(measure.cells.values()))
            self.lines[("tiltak", measure.index)] = self.line(first.blocks[0].start)
            for name, cell in measure.cells.items():
                self.fields[f"tiltak[{measure.index + 1}].{name}"] = (f"{measure.where} ({cell.text[:20] or name})",
                                                                       name, cell.blocks[0].start)
                self.lines[("tiltak", measure.index, name)] = self.line(cell.blocks[0].start)
                if name not in PROSE_FIELDS and cell.span:
                    self.masked.append(cell.span)
            for name, where, message in measure.problems:
                self.problem(message, where, measure.cells[next(iter(measure.cells))].blocks[0].start,
                             f"tiltak[{measure.index + 1}].{name}")

    # -- checks -----------------------------------------------------------------------------------
    def _check_sections(self, parsed: ParsedSource, sections: list[Section]) -> None:
        if not self.parties_found:
            self.problem("fant ikke partstabellen (tabellen med Arbeidsgiver, Arbeidstaker, Ekspert, Periode fra/til "
                         "osv. i første kolonne); dokumentet følger ikke Word-malen («ekspertrapport new --docx»)",
                         "starten av dokumentet", 0)
        if not self.measures_found:
            self.problem("fant ikke tiltakstabellen (kolonnene Tiltak | Ansvarlig | Frist | Oppfølging | Spor) under "
                         "«Forslag til tiltak»", "Forslag til tiltak")
        for key in REQUIRED_KEYS:
            spec = BY_KEY[key]
            section = next((s for s in sections if s.key == key), None)
            heading = spec.heading(parsed.malform)
            if section is None:
                self.problem(f"delen «{heading}» mangler; legg til overskriften «{heading}» (stil Overskrift 2) med innhold",
                             "dokumentet", None, key)
            elif not section.body:
                self.problem(f"delen «{section.heading}» er tom (veiledning i [ ] teller ikke som innhold)",
                             describe_location(self.ex.locate(section.start)), section.start, key)

    def _build(self, parsed: ParsedSource) -> None:
        front = dict(self.front)
        front.setdefault("malform", parsed.malform)
        front["tiltak"] = self.measures
        if not self.measures and self.no_measures_text and "ingen_tiltak_begrunnelse" not in front:
            front["ingen_tiltak_begrunnelse"] = "\n\n".join(self.no_measures_text)
        parsed.front_matter = front if self.parties_found else None
        if self.parties_found:
            try:
                parsed.meta = FrontMatter.model_validate(front)
            except ValidationError as exc:
                self.problems[:0] = [self._locate(p) for p in problems_from_validation(exc, self.path, lambda loc: None)]
        parsed.problems = self.problems
        if parsed.meta is not None and not self.problems:
            parsed.report = Report(meta=parsed.meta, sections=parsed.sections)

    def _locate(self, problem: Problem) -> DocxProblem:
        """Say where in the Word file a model problem is, with the table's label instead of the YAML path."""
        field = problem.field or ""
        message = problem.message
        where, label, offset = self.fields.get(field, ("", "", None))
        if not where:
            parent = field.rsplit(".", 1)[0] if "." in field else ""
            if field.startswith("tiltak") or not field:
                where = "Forslag til tiltak" if not field or field == "tiltak" else self.fields.get(parent, ("tiltakstabellen",))[0]
            else:
                where = "partstabellen"
        label = self.label_text.get(field) or _FIELD_LABELS.get(re.sub(r"\[\d+\]", "", field))
        if label and message.startswith(field):
            message = f"«{label}»" + message[len(field):]
        offset = offset if offset is not None else 0
        return DocxProblem(self.path, self.text.count("\n", 0, offset) + 1, message, problem.field, where, offset)


_FIELD_LABELS = {
    "arbeidsgiver": "Arbeidsgiver", "arbeidstaker": "Arbeidstaker", "ekspert": "Ekspert",
    "arbeidsgiver.navn": "Arbeidsgiver", "arbeidsgiver.orgnr": "Organisasjonsnummer", "arbeidsgiver.leder": "Nærmeste leder",
    "arbeidstaker.navn": "Arbeidstaker", "arbeidstaker.stilling": "Stilling", "ekspert.navn": "Ekspert",
    "ekspert.kompetanse": "Kompetanse", "ekspert.virksomhet": "Virksomhet", "ekspert.kontakt": "Kontakt",
    "nav.referanse": "NAV-referanse", "periode.fra": "Periode fra", "periode.til": "Periode til", "periode": "Periode fra/til",
    "ressursbruk.timer": "Timer brukt", "ressursbruk.kostnad": "Kostnad (kr)", "malform": "Målform",
    "tiltak.hva": "Tiltak", "tiltak.ansvarlig": "Ansvarlig", "tiltak.frist": "Frist", "tiltak.oppfolging": "Oppfølging",
    "tiltak.spor": "Spor",
}


def read_docx(path: str | Path) -> DocxSource:
    """Check, extract and parse a Word file (raises EkspertrapportError for files that cannot be read)."""
    document = open_docx(path)
    try:
        extracted = extract(document)
    except (etree.XMLSyntaxError, AttributeError, TypeError, KeyError) as exc:  # a damaged story part
        raise damaged(path, exc) from None
    reader = _Reader(str(path), extracted)
    parsed = reader.read()
    return DocxSource(str(path), extracted, parsed, sorted(reader.masked), reader.guidance)


def _regions(text: str, masked: list[tuple[int, int]], blocks: list[Block]) -> list[tuple[int, int]]:
    """Lintable spans: every block's text minus the masked spans."""
    spans = sorted(masked)
    regions = []
    for block in blocks:
        pos = block.start
        for a, b in spans:
            if b <= pos or a >= block.end:
                continue
            if a > pos:
                regions.append((pos, a))
            pos = max(pos, b)
        if pos < block.end:
            regions.append((pos, block.end))
    return regions


def document_from_docx(path: str | Path) -> Document:
    """The Document the linter sees for a Word file; ``location(offset)`` gives paragraph/table/part."""
    source = read_docx(path)
    ex = source.extracted
    regions = _regions(ex.text, source.masked + source.guidance, ex.blocks)
    comments = [(a, b, ex.text[a:b]) for a, b in source.guidance]
    comments += _word_comment_suppressions(ex)
    comments.sort()
    return Document(str(path), ex.text, source.parsed.malform, regions, source.parsed.sections, source.parsed,
                    comments, locator=ex.locate, kind="docx")


def _word_comment_suppressions(ex: Extracted) -> list[tuple[int, int, str]]:
    """Word comments that start with «ekspertrapport:» act like the Markdown comment
    ``<!-- ekspertrapport: tillat <regel> -- begrunnelse -->`` on the paragraph they are anchored in."""
    texts: dict[str, list[str]] = {}
    for block in ex.blocks:
        if block.part == "comments":
            texts.setdefault(str(block.location.get("comment")), []).append(block.visible_text)
    out = []
    for comment_id, paragraphs in texts.items():
        text = " ".join(p.strip() for p in paragraphs if p.strip())
        anchor = ex.comment_anchors.get(comment_id)
        if anchor is not None and _SUPPRESSION_RE.match(text):
            out.append((anchor, anchor, f"<!-- {text} -->"))
    return out


def load_report(path: str | Path) -> Report:
    """Read a Word report strictly: raises ReportError listing every problem, located in the document."""
    parsed = read_docx(path).parsed
    if parsed.report is None:
        raise ReportError(sorted(parsed.problems, key=lambda p: getattr(p, "offset", None) or 0))
    return parsed.report


READERS[".docx"] = document_from_docx
# Word templates are read like documents; for .doc and macro files the checks give the precise message
# («lagre som .docx», «makroer støttes ikke») instead of «filtypen støttes ikke».
for _suffix in (".dotx", ".doc", ".dot", ".docm", ".dotm"):
    READERS[_suffix] = document_from_docx
