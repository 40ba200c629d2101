"""The document the linter sees: text, lintable regions, sections and (for reports) the parsed model.

Every reader (Markdown, plain text, Word, PDF) produces a :class:`Document`; offsets in findings
index :attr:`Document.text`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EkspertrapportError
from .fileio import read_text
from .report import FrontMatter, Section
from .source.markdown import ParsedSource, parse_markdown


@dataclass
class Document:
    path: str
    text: str
    malform: str = "nb"
    #: (start, end) spans the recognizers may flag; everything else (guidance comments, YAML keys) is masked.
    regions: list[tuple[int, int]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    #: The parsed source when the input is (meant to be) a full report; None for plain text.
    parsed: ParsedSource | None = None
    #: (start, end, text) of comments that may hold suppressions.
    comments: list[tuple[int, int, str]] = field(default_factory=list)
    #: For .docx/.pdf: offset → {"paragraph": 12} / {"page": 3} etc.
    locator: Callable[[int], dict | None] | None = None
    kind: str = "text"  # text | markdown | docx | pdf
    _line_starts: list[int] | None = field(default=None, repr=False)

    @property
    def meta(self) -> FrontMatter | None:
        return self.parsed.meta if self.parsed is not None else None

    @property
    def is_report(self) -> bool:
        return self.parsed is not None

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def location(self, offset: int) -> dict | None:
        return self.locator(offset) if self.locator else None

    def masked_text(self) -> str:
        """The text with everything outside :attr:`regions` replaced by spaces (newlines kept)."""
        chars = [c if c == "\n" else " " for c in self.text]
        for start, end in self.regions:
            chars[start:end] = self.text[start:end]
        return "".join(chars)


def document_from_markdown(text: str, path: str = "<tekst>") -> Document:
    """A Document for a .md/.txt input; with front matter it is a full report."""
    parsed = parse_markdown(text, path)
    comments = [(a, b, text[a:b]) for a, b in parsed.comments]
    if parsed.front_matter_span is None:
        # Plain text: lint everything outside HTML comments; no structure rules.
        regions = _complement(comments, parsed.body_start, len(text))
        return Document(path, text, "nb", regions, parsed.sections, None, comments, kind="text")
    regions = [(a, b) for a, b, _ in parsed.prose_spans]
    regions += _complement(comments, parsed.body_start, len(text))
    return Document(path, text, parsed.malform, regions, parsed.sections, parsed, comments, kind="markdown")


def _complement(comments: list[tuple[int, int, str]], start: int, end: int) -> list[tuple[int, int]]:
    regions, pos = [], start
    for a, b, _ in comments:
        if a > pos:
            regions.append((pos, a))
        pos = max(pos, b)
    if pos < end:
        regions.append((pos, end))
    return regions


#: Readers for other formats register here (the Word/PDF readers add ".docx" and ".pdf").
READERS: dict[str, Callable[[Path], Document]] = {}


def document_from_path(path: str | Path) -> Document:
    """Read any supported input into a Document, with a Norwegian error for what we cannot read."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".md", ".markdown", ".txt", ""):
        return document_from_markdown(read_text(p), str(path))
    reader = READERS.get(suffix)
    if reader is None:
        _load_optional_readers()
        reader = READERS.get(suffix)
    if reader is None:
        raise EkspertrapportError(
            f"{path}: filtypen «{suffix}» støttes ikke; bruk .md, .txt, .docx eller .pdf."
        )
    return reader(p)


def _load_optional_readers() -> None:
    """Import the Word and PDF readers, which register themselves in READERS."""
    import importlib

    for module in ("ekspertrapport.source.docx", "ekspertrapport.source.pdf"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
