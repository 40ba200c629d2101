"""Render a validated report to Word (.docx), PDF and HTML.

:func:`render_report` is what the command line calls: it renders every requested format in memory,
and only when all of them succeeded writes them to the output folder, each atomically. The three
renderers (:func:`render_docx`, :func:`render_pdf`, :func:`render_html`) can also be called on their
own, for example by the approval step that writes one signed PDF per recipient.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import EkspertrapportError
from ..fileio import atomic_write_all, atomic_write_bytes, ensure_writable_dir
from ..report import Approval, Report

FORMATS: tuple[str, ...] = ("docx", "pdf", "html")
DEFAULT_FORMATS: tuple[str, ...] = ("docx", "pdf")
Recipient = Literal["arbeidstaker", "arbeidsgiver", "nav"]
RECIPIENTS: tuple[str, ...] = ("arbeidstaker", "arbeidsgiver", "nav")


@dataclass(frozen=True)
class RenderOptions:
    """How to render: draft or approved, for whom, which version.

    ``extra_metadata`` is written into the PDF document information dictionary (``/Key`` entries)
    and into the .docx custom document properties.
    """

    draft: bool = True
    approval: Approval | None = None
    recipient: Recipient | None = None
    version: int = 1
    fingerprint: str | None = None
    include_remarks: bool = False
    extra_metadata: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.recipient is not None and self.recipient not in RECIPIENTS:
            raise EkspertrapportError(f"ukjent mottaker «{self.recipient}»; bruk {', '.join(RECIPIENTS)}")
        if self.version < 1:
            raise EkspertrapportError(f"versjon må være 1 eller høyere, ikke {self.version}")
        for key in self.extra_metadata:
            if not re.fullmatch(r"/?[A-Za-z][A-Za-z0-9_.-]*", key):
                raise EkspertrapportError(f"ugyldig metadatanavn «{key}» (bruk bokstaver, sifre, _ . -)")


def slugify(text: str, max_length: int = 40) -> str:
    """ASCII-safe file-name part: «Solsikken Barnehage AS» → «solsikken-barnehage-as»."""
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > max_length:
        text = text[:max_length].rsplit("-", 1)[0] or text[:max_length]
    return text or "rapport"


def output_basename(report: Report, options: RenderOptions | None = None) -> str:
    """Stable, descriptive file name without suffix.

    ``ekspertrapport-<arbeidsgiver>-<periode til>-v<versjon>`` + ``-utkast`` for drafts and
    ``-arbeidstaker``/``-arbeidsgiver``/``-nav`` for recipient copies. The worker's name is left out
    on purpose: file names travel further than the files.
    """
    options = options or RenderOptions()
    parts = ["ekspertrapport", slugify(report.meta.arbeidsgiver.navn), report.meta.periode.til.isoformat(),
             f"v{options.version}"]
    if options.draft:
        parts.append("utkast")
    if options.recipient:
        parts.append(options.recipient)
    return "-".join(parts)


def parse_formats(value: str | Iterable[str]) -> tuple[str, ...]:
    """«docx,pdf» → ("docx", "pdf"); unknown or empty → a Norwegian error naming the allowed values."""
    items = value.split(",") if isinstance(value, str) else list(value)
    formats: list[str] = []
    for item in items:
        name = item.strip().lower().lstrip(".")
        if not name:
            continue
        if name not in FORMATS:
            raise EkspertrapportError(f"ukjent format «{item.strip()}»; tillatte formater er {', '.join(FORMATS)}")
        if name not in formats:
            formats.append(name)
    if not formats:
        raise EkspertrapportError(f"ingen format valgt; tillatte formater er {', '.join(FORMATS)}")
    return tuple(formats)


def build_bytes(report: Report, fmt: str, options: RenderOptions | None = None) -> bytes:
    """Render one format in memory."""
    options = options or RenderOptions()
    if fmt == "docx":
        from .docx import docx_bytes

        return docx_bytes(report, options)
    if fmt == "pdf":
        from .pdf import pdf_bytes

        return pdf_bytes(report, options)
    if fmt == "html":
        from .html import html_bytes

        return html_bytes(report, options)
    raise EkspertrapportError(f"ukjent format «{fmt}»; tillatte formater er {', '.join(FORMATS)}")


def _template_docx_bytes(report: Report, template: Path, options: RenderOptions) -> bytes:
    try:
        from .provider import render_with_template
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.provider":
            raise
        raise EkspertrapportError(
            "Word-maler (--template) støttes ikke i denne versjonen av ekspertrapport."
        ) from None
    with tempfile.TemporaryDirectory(prefix="ekspertrapport-") as tmp:
        out = Path(tmp) / "rapport.docx"
        render_with_template(report, Path(template), out, options)
        return out.read_bytes()


def render_report(report: Report, out_dir: str | Path, formats: str | Iterable[str] = DEFAULT_FORMATS,
                  options: RenderOptions | None = None, *, template: str | Path | None = None) -> list[Path]:
    """Render ``report`` to ``out_dir`` in each format; return the written paths.

    Everything is rendered before anything is written, so a failure leaves ``out_dir`` untouched.
    With ``template`` (a firm's .docx), the Word file comes from the template provider.
    """
    options = options or RenderOptions()
    fmts = parse_formats(formats)
    base = output_basename(report, options)
    rendered: list[tuple[str, bytes]] = []
    for fmt in fmts:
        if fmt == "docx" and template is not None:
            data = _template_docx_bytes(report, Path(template), options)
        else:
            data = build_bytes(report, fmt, options)
        rendered.append((f"{base}.{fmt}", data))
    directory = ensure_writable_dir(out_dir)  # only now: a failed render leaves no folder behind
    return atomic_write_all([(directory / name, data) for name, data in rendered])  # all or none


def render_docx(report: Report, path: str | Path, options: RenderOptions | None = None) -> Path:
    """Write ``report`` as a Word document to ``path`` (atomically)."""
    return atomic_write_bytes(path, build_bytes(report, "docx", options))


def render_pdf(report: Report, path: str | Path, options: RenderOptions | None = None) -> Path:
    """Write ``report`` as a PDF to ``path`` (atomically)."""
    return atomic_write_bytes(path, build_bytes(report, "pdf", options))


def render_html(report: Report, path: str | Path, options: RenderOptions | None = None) -> Path:
    """Write ``report`` as a self-contained HTML page to ``path`` (atomically)."""
    return atomic_write_bytes(path, build_bytes(report, "html", options))


__all__ = ["DEFAULT_FORMATS", "FORMATS", "RenderOptions", "build_bytes", "output_basename", "parse_formats",
           "render_docx", "render_html", "render_pdf", "render_report", "slugify"]
