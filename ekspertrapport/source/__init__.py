"""Readers that turn a report file (Markdown, Word, PDF) into a parsed report and lintable text."""

from __future__ import annotations

from pathlib import Path

from ..errors import EkspertrapportError
from ..report import Report


def load_report(path: str | Path) -> Report:
    """Load and strictly validate a report source of any supported kind (.md, .docx)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".docx", ".dotx", ".doc", ".docm", ".dot", ".dotm"):
        # The Word reader refuses .doc («lagre som .docx») and macro files («makroer støttes ikke») precisely.
        from .docx import load_report as load_docx_report

        return load_docx_report(path)
    if suffix == ".pdf":
        raise EkspertrapportError(
            f"{path}: en PDF kan ikke brukes som rapportkilde; bruk Markdown-kilden (.md) eller Word-filen (.docx)."
        )
    from .markdown import load_report as load_markdown_report

    return load_markdown_report(path)
