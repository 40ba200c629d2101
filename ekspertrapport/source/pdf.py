"""Read a received PDF report: text in reading order with page numbers, and (best effort) its parts.

Text comes from pypdf, page by page (pages separated by a blank line); ``location(offset)`` gives
``{"page": n}`` (1-based). Sections are found from lines whose whole text is a known heading (either
målform, numbering tolerated). Best effort, from the text, for PDFs made by this tool or laid out like
it: the parties («Arbeidsgiver» followed by its value on the same or the next line; «Periode» with two
dates, or «Periode fra»/«Periode til»), and the measures table under «Forslag til tiltak», read with
pdfplumber from word positions under the column headings (Tiltak | Ansvarlig | Frist | Oppfølging |
Spor), with group headings such as «Tilbake til samme arbeid ...» setting the track. A PDF with fewer
than two known section headings is linted as plain text.

Refused with a Norwegian message: not a PDF or corrupt, password-protected, more than MAX_PAGES pages
or MAX_BYTES bytes, and PDFs without extractable text (scanned PDFs need OCR, which this tool does not do).
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..document import READERS, Document
from ..errors import EkspertrapportError, Problem, ReportError
from ..fileio import read_bytes
from ..report import FrontMatter, Report, Section
from ..sections import APPROVAL_HEADINGS, BY_KEY, MEASURES_HEADINGS, REQUIRED_KEYS, SECTIONS, match_heading, normalise_heading
from .docx import DocxProblem
from .docx_tables import MEASURE_COLUMNS, PARTY_LABELS, PERIOD_RE, ansvarlig_words, parse_date, parse_number, spor_words
from .markdown import ParsedSource
from .validation import problems_from_validation

MAX_BYTES = 50 * 1024 * 1024
MAX_PAGES = 300
NO_TEXT = ("PDF-en har ingen tekst som kan hentes ut; skannede PDF-er må tolkes (OCR) først, "
           "og det gjør ikke dette verktøyet")
_NN_HEADINGS = {normalise_heading(s.nn) for s in SECTIONS if s.nn != s.nb}
_LABELS = sorted(PARTY_LABELS, key=len, reverse=True)


@dataclass
class PdfSource:
    path: str
    text: str
    page_starts: list[int]
    parsed: ParsedSource | None

    def locate(self, offset: int) -> dict:
        return {"page": max(bisect.bisect_right(self.page_starts, offset), 1)}


@contextlib.contextmanager
def _quiet_pdf_libraries():
    """pypdf and pdfminer log a warning for every oddity in a damaged PDF; we report problems ourselves."""
    loggers = [logging.getLogger(name) for name in ("pypdf", "pdfminer")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _open(path: Path):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    data = read_bytes(path, limit=MAX_BYTES)
    if not data.lstrip()[:5] == b"%PDF-":
        raise EkspertrapportError(f"{path}: er ikke en PDF (filen mangler PDF-hodet; den er skadet eller av en annen type).")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, IndexError) as exc:
        raise EkspertrapportError(f"{path}: PDF-en er skadet og kan ikke leses ({type(exc).__name__}).") from None
    if encrypted:
        try:
            opened = reader.decrypt("")  # owner-password-only PDFs open with an empty user password
        except Exception:
            opened = 0
        if not opened:
            raise EkspertrapportError(
                f"{path}: PDF-en er passordbeskyttet og kan ikke leses. Be avsenderen om en kopi uten passord.")
    try:
        count = len(reader.pages)
    except Exception as exc:
        raise EkspertrapportError(f"{path}: PDF-en er skadet og kan ikke leses ({type(exc).__name__}).") from None
    if count == 0:
        raise EkspertrapportError(f"{path}: PDF-en er skadet (fant ingen sider).")
    if count > MAX_PAGES:
        raise EkspertrapportError(f"{path}: PDF-en har {count} sider; grensen er {MAX_PAGES}.")
    return reader, data


def read_pdf(path: str | Path) -> PdfSource:
    """Check and read a PDF (raises EkspertrapportError for files that cannot be read)."""
    with _quiet_pdf_libraries():
        return _read_pdf(Path(path))


def _read_pdf(p: Path) -> PdfSource:
    reader, data = _open(p)
    chunks, page_starts, pos = [], [], 0
    for number, page in enumerate(reader.pages, 1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # pypdf raises many kinds on damaged content streams
            raise EkspertrapportError(f"{p}: side {number} i PDF-en er skadet og kan ikke leses ({type(exc).__name__}).") from None
        text = "\n".join(line.rstrip() for line in text.replace("\r", "\n").splitlines())
        if chunks:
            chunks.append("\n\n")
            pos += 2
        page_starts.append(pos)
        chunks.append(text)
        pos += len(text)
    text = "".join(chunks)
    if not text.strip():
        raise EkspertrapportError(f"{p}: {NO_TEXT}.")
    source = PdfSource(str(p), text, page_starts, None)
    source.parsed = _parse(source, data)
    return source


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _heading_kind(line: str) -> str | None:
    stripped = line.strip()
    if not stripped or len(stripped) > 90:
        return None
    norm = normalise_heading(stripped)
    if norm in MEASURES_HEADINGS:
        return "measures"
    if norm in APPROVAL_HEADINGS:
        return "approval"
    return "section" if match_heading(stripped) else None


def _parse(source: PdfSource, data: bytes) -> ParsedSource | None:
    text = source.text
    lines = list(_lines(text))
    headings = [(pos, line.strip(), _heading_kind(line)) for pos, line in lines if _heading_kind(line)]
    if sum(1 for h in headings if h[2] == "section") < 2:
        return None
    sections, seen = [], set()
    for index, (pos, heading, kind) in enumerate(headings):
        end = headings[index + 1][0] if index + 1 < len(headings) else len(text)
        if kind != "section":
            continue
        key = match_heading(heading)
        if key in seen:
            continue
        seen.add(key)
        body = text[pos + len(heading):end].strip()
        body = re.sub(r"\n{3,}", "\n\n", body)
        sections.append(Section(key=key, heading=heading, body=body, start=pos, end=end, line=text.count("\n", 0, pos) + 1))
    nn = any(normalise_heading(h) in _NN_HEADINGS for _, h, _ in headings)
    parsed = ParsedSource(path=source.path, text=text, malform="nn" if nn else "nb", sections=sections)
    problems: list[Problem] = []

    def problem(message: str, offset: int, field: str | None = None) -> None:
        where = f"side {source.locate(offset)['page']}"
        problems.append(DocxProblem(source.path, text.count("\n", 0, offset) + 1, message, field, where, offset))

    for key in REQUIRED_KEYS:
        section = next((s for s in sections if s.key == key), None)
        heading = BY_KEY[key].heading(parsed.malform)
        if section is None:
            problem(f"delen «{heading}» mangler", len(text), key)
        elif not section.body:
            problem(f"delen «{section.heading}» er tom", section.start, key)
    front = _parties(text[:headings[0][0]], parsed.malform)
    measures_at = next((pos for pos, _, kind in headings if kind == "measures"), None)
    front["tiltak"] = _measures(data, source, measures_at) if measures_at is not None else []
    if measures_at is not None and not front["tiltak"]:
        after = next((pos for pos, _, _ in headings if pos > measures_at), len(text))
        reason = _no_measures_reason(text[measures_at:after])
        if reason:
            front["ingen_tiltak_begrunnelse"] = reason
        elif text[measures_at:after].strip().count("\n") >= 1:
            problem("fant tekst under «Forslag til tiltak», men kunne ikke lese den som en tiltakstabell "
                    "(kolonnene Tiltak | Ansvarlig | Frist | Oppfølging); kontroller tiltakene manuelt", measures_at, "tiltak")
    parsed.front_matter = front
    try:
        parsed.meta = FrontMatter.model_validate(front)
    except ValidationError as exc:
        for found in problems_from_validation(exc, source.path, lambda loc: None):
            offset = measures_at if (found.field or "").startswith("tiltak") and measures_at is not None else 0
            problem(found.message, offset or 0, found.field)
    parsed.problems = problems
    if parsed.meta is not None and not problems:
        parsed.report = Report(meta=parsed.meta, sections=sections)
    return parsed


def _no_measures_reason(chunk: str) -> str | None:
    """The reason under «Ingen tiltak foreslått» («Begrunnelse: ...» / «Grunngiving: ...»), as rendered."""
    from ..texts import texts

    labels = {texts(m).no_measures_reason_label for m in ("nb", "nn")}
    marks = {normalise_heading(texts(m).no_measures) for m in ("nb", "nn")}
    lines = chunk.split("\n")[1:]  # after the «Forslag til tiltak» heading
    if not any(normalise_heading(line) in marks for line in lines):
        return None
    for index, line in enumerate(lines):
        label = next((lab for lab in labels if line.strip().startswith(lab + ":")), None)
        if label:
            rest = [line.strip()[len(label) + 1:]]
            for more in lines[index + 1:]:
                if not more.strip():  # the page ends (the next page's running header follows)
                    break
                rest.append(more)
            while len(rest) > 1 and _FOOTER_RE.search(rest[-1]):  # the page footer: reference, «Side X av Y»
                rest.pop()
            return " ".join(" ".join(rest).split()) or None
    return None


_FOOTER_RE = re.compile(r"(\bSide \d+ av \d+|^NAV-referanse: \S+)\s*$")


def _parties(preamble: str, malform: str) -> dict:
    """Front-matter fields from «Label value» / «Label: value» / label-then-value lines."""
    front: dict = {"malform": malform}
    lines = [line.strip() for line in preamble.split("\n") if line.strip()]
    index = 0
    while index < len(lines):
        line = lines[index]
        norm = normalise_heading(line)
        label = next((lab for lab in _LABELS if norm == lab or norm.startswith(lab + " ")), None)
        if label is None:
            index += 1
            continue
        value = re.sub(r"^[^:]*:\s*", "", line) if ":" in line else ""
        if not value and norm != label:  # «Arbeidsgiver Solsikken AS»: drop the label's words
            words = len(label.split())
            value = " ".join(line.split()[words:])
        if not value and index + 1 < len(lines):
            value = lines[index + 1]
            index += 1
        index += 1
        if label == "periode":
            match = PERIOD_RE.search(value)
            if match:
                front.setdefault("periode", {}).update(fra=parse_date(match.group(1)), til=parse_date(match.group(2)))
            continue
        path, _ = PARTY_LABELS[label]
        if path == ("malform",) or (len(path) > 1 and path[1] in front.get(path[0], {})):
            continue
        if path[0] == "ressursbruk":
            value = parse_number(re.sub(r"(?i)^kr\.?\s*", "", value))
        elif path[0] == "periode":
            value = parse_date(value)
        elif path == ("arbeidsgiver", "orgnr"):
            value = re.sub(r"\s", "", value)
        target = front
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
    return front


def _measures(data: bytes, source: PdfSource, offset: int) -> list[dict]:
    """Rows of the measures table, from word positions on the page(s) after the heading (best effort)."""
    try:
        measures = _measure_rows(data, source, offset)
    except Exception:  # noqa: BLE001 - best effort: a table pdfminer cannot read is reported as missing measures
        return []
    for row in measures:
        if "frist" in row:
            row["frist"] = parse_date(row["frist"])
        for name, words in (("ansvarlig", ansvarlig_words()), ("spor", spor_words())):
            if name in row:
                found = words.get(normalise_heading(row[name]))
                row[name] = found.value if found else row[name]
    return [row for row in measures if row.get("hva")]


def _row_bands(page) -> list[float]:
    """Tops/bottoms of wide horizontal rules and shaded bars: the row borders of a ruled table."""
    wide = page.width * 0.4
    edges = {round(line["top"]) for line in page.lines if abs(line["x1"] - line["x0"]) > wide}
    for rect in page.rects:
        if rect["x1"] - rect["x0"] > wide:
            edges.update((round(rect["top"]), round(rect["bottom"])))
    return sorted(edges)


def _measure_rows(data: bytes, source: PdfSource, offset: int) -> list[dict]:
    """Words under the column headings, grouped into rows by the table's rules where it has them, else
    a new row starts at each recognised «Ansvarlig» value; group headings (spor in words) set the track."""
    import pdfplumber

    first_page = source.locate(offset)["page"]
    measures: list[dict] = []
    spor = "samme-arbeid"
    columns: list[tuple[float, str]] = []
    header_norm = ""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages[first_page - 1:]):  # until the heading after the table
            words = page.extract_words(use_text_flow=True)
            bands = _row_bands(page)
            lines: dict[int, list[dict]] = {}
            for word in words:
                if page.height * 0.07 < word["top"] < page.height * 0.92:  # skip running header/footer
                    lines.setdefault(round(word["top"]), []).append(word)
            started = bool(columns) or number > 0  # on a later page: the heading was on the page before
            current_band = None
            continued = bool(measures)  # the first row on a later page may be the rest of a measure split there
            for top in sorted(lines):
                line = sorted(lines[top], key=lambda w: w["x0"])
                line_text = " ".join(w["text"] for w in line)
                norm = normalise_heading(line_text)
                if not started:
                    started = norm in MEASURES_HEADINGS
                    continue
                if not columns:
                    names = [(w["x0"], MEASURE_COLUMNS.get(normalise_heading(w["text"]))) for w in line]
                    if names and names[0][1] == "hva":
                        columns = [(x, name) for x, name in names if name]
                        header_norm = norm
                    continue
                if norm == header_norm:
                    continue  # the header row repeated on a new page
                if _heading_kind(line_text):
                    return measures
                group = spor_words().get(norm)
                if group is not None and (len(columns) < 2 or line[-1]["x0"] < columns[1][0]):
                    spor = group.value  # a group heading such as «Tilbake til samme arbeid hos arbeidsgiveren»
                    current_band = None
                    continue
                cells: dict[str, str] = {}
                for word in line:
                    name = [n for x, n in columns if word["x0"] >= x - 2][-1:] or [columns[0][1]]
                    cells[name[0]] = (cells.get(name[0], "") + " " + word["text"]).strip()
                band = bisect.bisect_right(bands, top) if bands else None
                if band is not None:
                    new_row = band != current_band
                    current_band = band
                else:
                    new_row = ansvarlig_words().get(normalise_heading(cells.get("ansvarlig", ""))) is not None
                if new_row and continued and not ({"ansvarlig", "frist"} & cells.keys()):
                    new_row = False  # top-aligned cells: a new measure shows its Ansvarlig/Frist on its first line
                continued = False
                if new_row or not measures:
                    measures.append({"spor": spor})
                row = measures[-1]
                for name, value in cells.items():
                    row[name] = f"{row[name]} {value}" if name in row and name != "spor" else value
    return measures


_LINE_TEXTS = ("title", "measures_heading", "no_measures", "recipients_line", "approval_heading", "approval_statement",
               "not_approved", "remarks_heading", "draft_mark", "draft_notice", "document_info_heading",
               "col_tiltak", "col_ansvarlig", "col_frist", "col_oppfolging")
_PREFIX_TEXTS = ("no_measures_reason_label", "approval_by_label", "approval_date_label", "approval_method_label",
                 "version_label", "fingerprint_label")


@functools.lru_cache(maxsize=1)
def _fixed_texts() -> tuple[frozenset[str], re.Pattern]:
    """The texts this tool prints in every report (headings, labels, page furniture), both målformer:
    whole lines, and a pattern for a label at the start of a line («Arbeidsgiver Fjordlys AS»)."""
    from ..texts import MALFORMER, texts

    lines, labels = set(), set()
    for malform in MALFORMER:
        t = texts(malform)
        lines.update(getattr(t, name) for name in _LINE_TEXTS)
        lines.update(t.spor(value) for value in ("samme-arbeid", "annet-arbeid-samme-arbeidsgiver", "annen-arbeidsgiver"))
        lines.update(t.copy_mark(r) for r in ("arbeidstaker", "arbeidsgiver", "nav"))
        labels.update(value for name, value in t.as_dict().items() if name.startswith("label_"))
        labels.update(getattr(t, name) for name in _PREFIX_TEXTS)
    labels.update(label for _, label in PARTY_LABELS.values())
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return frozenset(lines), re.compile(rf"^\s*(?:{alternatives})(?=:|\s|$):?")


def _fixed_spans(text: str) -> list[tuple[int, int]]:
    """Spans of a PDF's text that are the report's fixed texts, not what the expert wrote: not linted
    (as the Word reader masks the skeleton's labels). Page numbers and a fingerprint count too."""
    lines, label_re = _fixed_texts()
    spans = []
    for pos, line in _lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped in lines or _heading_kind(stripped) or _PAGE_RE.fullmatch(stripped) \
                or re.fullmatch(r"[0-9a-f]{64}", stripped):
            spans.append((pos, pos + len(line)))
        elif match := label_re.match(line):
            spans.append((pos, pos + match.end()))
        elif match := _PAGE_RE.search(line):  # «NAV-referanse: 2025/1 Side 1 av 2»
            spans.append((pos + match.start(), pos + len(line)))
    return spans


_PAGE_RE = re.compile(r"\bSide \d+ av \d+\s*$")


def document_from_pdf(path: str | Path) -> Document:
    """The Document the linter sees for a PDF; ``location(offset)`` gives ``{"page": n}``."""
    source = read_pdf(path)
    regions, pos = [], 0
    for a, b in _fixed_spans(source.text):
        if a > pos:
            regions.append((pos, a))
        pos = max(pos, b)
    if pos < len(source.text):
        regions.append((pos, len(source.text)))
    sections = source.parsed.sections if source.parsed else []
    malform = source.parsed.malform if source.parsed else "nb"
    return Document(str(path), source.text, malform, regions, sections, source.parsed, [],
                    locator=source.locate, kind="pdf")


def load_report(path: str | Path) -> Report:
    """A report read back from a PDF (best effort; raises ReportError with what is missing)."""
    source = read_pdf(path)
    if source.parsed is None:
        raise EkspertrapportError(f"{path}: fant ikke rapportens deler (overskriftene) i PDF-en.")
    if source.parsed.report is None:
        raise ReportError(source.parsed.problems)
    return source.parsed.report


READERS[".pdf"] = document_from_pdf
