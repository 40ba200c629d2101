"""``measures export``: the measures of received reports as rows NAV can follow up.

Where the measures come from, by file:

- our locked PDF: the payload embedded at approval (``content.meta.tiltak``), after verification;
- our locked Word copy: the canonical content in its custom properties, after verification (alone,
  without ``manifest.json`` and the signed PDFs, only its own fingerprint can be checked: ``kilde``
  says so);
- a Markdown or Word source in our format: its front matter / parties and measures tables;
- another tool's report: its measures table (header with «Tiltak» and «Ansvarlig»), where one is found.

One report version counts once: the recipient copies of a locked version (worker, employer, NAV, Word)
share its fingerprint and version number, and its measures are listed once, from the first copy in
path order. Reports without a fingerprint are counted once per (NAV reference, employer, measures).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EkspertrapportError
from . import signature, strip_path
from .completeness import as_dict, as_list, measure_from_tiltak, front_matter_of
from .discover import discover
from .tables import MeasureRow, measure_rows

#: Columns of a measures row in JSON and CSV, in order (documented in docs/check.md).
COLUMNS: tuple[str, ...] = ("referanse", "versjon", "arbeidsgiver", "orgnr", "hva", "ansvarlig", "frist",
                            "oppfolging", "spor", "kilde", "fil", "fingeravtrykk")

SOURCE_LOCKED = "låst rapport"
SOURCE_WORD_COPY = "låst Word-kopi"  # our Word copy without manifest.json beside it: not verifiable on its own
SOURCE_SOURCE = "rapportkilde"
SOURCE_TABLE = "tiltakstabell"


@dataclass
class MeasureExportRow:
    referanse: str | None
    versjon: int | str | None
    arbeidsgiver: str | None
    orgnr: str | None
    hva: str
    ansvarlig: str | None
    frist: str | None
    oppfolging: str | None
    spor: str | None
    kilde: str
    fil: str
    fingeravtrykk: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class MeasuresExport:
    measures: list[MeasureExportRow] = field(default_factory=list)
    #: Files that gave no measures, with the reason (unreadable, changed after approval, no table found).
    skipped: list[dict[str, str]] = field(default_factory=list)
    #: Report versions counted (after removing recipient copies).
    reports: int = 0
    #: Recipient copies of a version already counted: {"fil": ..., "samme_som": ...}.
    copies: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"measures": [m.to_json() for m in self.measures],
                "summary": {"reports": self.reports, "measures": len(self.measures),
                            "copies": self.copies, "skipped": self.skipped}}


@dataclass
class _Found:
    key: tuple[Any, ...]
    kilde: str
    referanse: str | None = None
    versjon: int | str | None = None
    arbeidsgiver: str | None = None
    orgnr: str | None = None
    fingerprint: str | None = None
    rows: list[MeasureRow] = field(default_factory=list)


def export_measures(paths: Iterable[str | os.PathLike], *, recursive: bool = False,
                    trust: str | os.PathLike | None = None) -> MeasuresExport:
    """Measures of the reports in ``paths`` (files and folders), one report version once."""
    if trust is not None:
        signature.trust_certificates(os.fspath(trust))
    found = discover([os.fspath(p) for p in paths], recursive=recursive)
    if not found.entries:
        raise EkspertrapportError(f"ingen filer å lese tiltak fra: {' '.join(found.notes) or 'fant ingen filer.'}")
    out = MeasuresExport()
    first_by_key: dict[tuple[Any, ...], str] = {}
    for entry in found.entries:
        if not entry.checkable:
            out.skipped.append({"fil": entry.path, "grunn": entry.error or entry.skip or "hoppet over"})
            continue
        try:
            report = _read(entry.path, None if trust is None else os.fspath(trust))
        except EkspertrapportError as exc:
            out.skipped.append({"fil": entry.path, "grunn": strip_path(exc.message, entry.path)})
            continue
        except Exception as exc:  # one bad file never stops the export
            out.skipped.append({"fil": entry.path, "grunn": f"uventet feil ({type(exc).__name__}: {exc})"})
            continue
        if report.key in first_by_key:
            out.copies.append({"fil": entry.path, "samme_som": first_by_key[report.key]})
            continue
        first_by_key[report.key] = entry.path
        out.reports += 1
        for row in report.rows:
            out.measures.append(MeasureExportRow(
                referanse=report.referanse, versjon=report.versjon, arbeidsgiver=report.arbeidsgiver,
                orgnr=report.orgnr, hva=row.hva, ansvarlig=row.ansvarlig or None, frist=row.frist or None,
                oppfolging=row.oppfolging or None, spor=row.spor or None, kilde=report.kilde, fil=entry.path,
                fingeravtrykk=report.fingerprint))
    return out


def _read(path: str, trust: str | None) -> _Found:
    status = signature.inspect(path, trust=trust)
    if status.status == signature.SIGNED_INVALID:
        detail = "; ".join(status.reasons) or "verifiseringen feilet"
        raise EkspertrapportError(f"låst rapport som ikke verifiserer (endret etter godkjenning?): {detail}")
    if status.status == signature.SIGNED_VALID or status.word_copy:
        content = _locked_content(path, status)
        if content is not None:
            meta = content.get("meta") or {}
            kilde = SOURCE_LOCKED if status.status == signature.SIGNED_VALID else SOURCE_WORD_COPY
            return _from_meta(meta, kilde=kilde, version=status.version, fingerprint=status.fingerprint)

    from ..document import document_from_path

    document = document_from_path(path)
    front = front_matter_of(document)
    if front.get("tiltak"):
        fingerprint = status.fingerprint
        if fingerprint is None and document.parsed is not None and document.parsed.report is not None:
            fingerprint = document.parsed.report.fingerprint()
        kilde = SOURCE_LOCKED if status.status == signature.SIGNED_VALID else SOURCE_SOURCE
        return _from_meta(front, kilde=kilde, version=status.version, fingerprint=fingerprint)
    rows = measure_rows(path, document.text, document.location)
    if not rows:
        raise EkspertrapportError("fant ingen tiltakstabell (kolonner «Tiltak» og «Ansvarlig»)")
    flat = " ".join(document.text.split())
    referanse, arbeidsgiver = find_reference(flat), find_employer(document.text)
    key = ("tabell", referanse, arbeidsgiver, tuple(rows))
    return _Found(key, SOURCE_TABLE, referanse=referanse, arbeidsgiver=arbeidsgiver, rows=rows)


def _locked_content(path: str, status: signature.SignatureStatus) -> dict[str, Any] | None:
    """The canonical content of our locked copy: the PDF's embedded payload or the Word copy's property."""
    if status.payload is not None:
        return status.payload.get("content")
    if Path(path).suffix.lower() == ".docx":
        from ..lock.payload import META_CONTENT

        raw = signature.our_marks(path).get(META_CONTENT)
        if raw:
            try:
                return json.loads(raw)
            except json.JSONDecodeError:
                return None
    return None


def _from_meta(meta: dict[str, Any], *, kilde: str, version: Any, fingerprint: str | None) -> _Found:
    """From front matter as data (validated, or raw as a reader found it: every field may be missing)."""
    employer = as_dict(meta.get("arbeidsgiver"))
    referanse = as_dict(meta.get("nav")).get("referanse")
    referanse = str(referanse) if referanse is not None else None
    rows = [measure_from_tiltak(t) for t in as_list(meta.get("tiltak")) if isinstance(t, dict) and t.get("hva")]
    key = ("fingeravtrykk", fingerprint, version) if fingerprint else ("kilde", referanse, employer.get("navn"),
                                                                       tuple(rows), version)
    return _Found(key, kilde, referanse=referanse, versjon=version, arbeidsgiver=employer.get("navn"),
                  orgnr=employer.get("orgnr"), fingerprint=fingerprint, rows=rows)


_REFERENCE_RE = re.compile(r"\b(?:(?:nav[- ]?)?referanse|saksnummer|saksnr\.?|vår ref\.?|dykkar ref\.?|"
                           r"deres ref\.?)\s*:?\s*([0-9]{4}/[0-9]{3,}|[0-9]{6,})", re.IGNORECASE)


def find_reference(flat_text: str) -> str | None:
    """A NAV case / grant reference («Referanse: 2025/123456») in a report's text."""
    match = _REFERENCE_RE.search(flat_text)
    return match.group(1) if match else None


_EMPLOYER_VALUE_RE = re.compile(r"^[ \t|]*(?:arbeidsgiver|arbeidsgjevar|virksomhet|verksemd)\s*(?::|\t|\|)?[ \t]*"
                                r"(?-i:(?P<navn>[A-ZÆØÅ0-9][^\n|\t]{1,80}))$", re.IGNORECASE | re.MULTILINE)


def find_employer(text: str) -> str | None:
    match = _EMPLOYER_VALUE_RE.search(text)
    return match.group("navn").strip() if match else None
