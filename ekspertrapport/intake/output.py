"""Formatters for the intake commands: JSON, CSV (same columns as the JSON rows) and a rich table."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from .. import __version__

TOOL = {"name": "ekspertrapport", "version": __version__}


def to_json(key: str, rows: Iterable[dict[str, Any]], **extra: Any) -> str:
    """``{"tool": ..., key: [rows], **extra}`` as indented UTF-8 JSON text."""
    document = {"tool": TOOL, key: list(rows), **extra}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


#: A spreadsheet treats a cell starting with one of these as a formula; text from received reports must not run.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value: Any) -> str:
    """A CSV cell: lists joined with «; », booleans ja/nei, None empty, formula-like text defused with «'»."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, (int, float)):
        return str(value)
    text = "; ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def to_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """CSV with a header row of ``columns``; lists joined with «; », booleans as ja/nei, None empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_value(row.get(c)) for c in columns])
    return buffer.getvalue()


VERDICT_STYLES = {"OK": "green", "MANGLER": "yellow", "PERSONVERN": "magenta", "UGYLDIG": "red bold",
                  "FEIL": "red", "HOPPET_OVER": "dim"}
