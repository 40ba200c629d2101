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


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


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
