"""Build ``samples/rapport-word.docx``: the content of ``rapport-bokmal.md`` filled into the Word skeleton.

Run from the repository root: ``python samples/make_word_sample.py``. It rewrites only its own output.
The Word file is a report *source* like the Markdown file, so the Word reader
(``ekspertrapport.source.docx``) must read it back to the same report.
"""

from __future__ import annotations

import re
import sys
from datetime import date, datetime
from pathlib import Path

from ekspertrapport.fileio import atomic_write_bytes
from ekspertrapport.report import Report, Tiltak
from ekspertrapport.scaffold_docx import Content, build_document, document_bytes
from ekspertrapport.source.markdown import load_report

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "rapport-bokmal.md"
OUTPUT = HERE / "rapport-word.docx"

#: Values the Word reader accepts in the «Spor» and «Ansvarlig» columns, as a Word user would write them.
SPOR_TEXT = {
    "samme-arbeid": "Samme arbeid",
    "annet-arbeid-samme-arbeidsgiver": "Annet arbeid samme arbeidsgiver",
    "annen-arbeidsgiver": "Annen arbeidsgiver",
}


def markdown_blocks(body: str) -> list[tuple[str, str]]:
    """Paragraphs and list items of a section body (the simple Markdown the samples use)."""
    blocks: list[tuple[str, str]] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        items = re.split(r"\n(?=- |\d+\. )", chunk.strip())
        for item in items:
            text = " ".join(line.strip() for line in item.splitlines())
            if text.startswith("- "):
                blocks.append(("bullet", text[2:]))
            elif re.match(r"\d+\. ", text):
                blocks.append(("number", text.split(" ", 1)[1]))
            else:
                blocks.append(("p", text))
    return blocks


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}".replace(",", " ") if float(value).is_integer() else str(value).replace(".", ",")


def _measure(measure: Tiltak) -> dict[str, str]:
    frist = measure.frist.isoformat() if isinstance(measure.frist, date) else (measure.frist or "")
    return {
        "hva": measure.hva,
        "ansvarlig": measure.ansvarlig.value.capitalize() if measure.ansvarlig else "",
        "frist": frist,
        "oppfolging": measure.oppfolging or "",
        "spor": SPOR_TEXT[measure.spor.value],
    }


def content_from_report(report: Report) -> Content:
    meta = report.meta
    parties = {
        "arbeidsgiver": meta.arbeidsgiver.navn,
        "orgnr": meta.arbeidsgiver.orgnr,
        "leder": meta.arbeidsgiver.leder or "",
        "arbeidstaker": meta.arbeidstaker.navn,
        "stilling": meta.arbeidstaker.stilling or "",
        "ekspert": meta.ekspert.navn,
        "kompetanse": meta.ekspert.kompetanse,
        "virksomhet": meta.ekspert.virksomhet,
        "kontakt": meta.ekspert.kontakt or "",
        "nav_referanse": (meta.nav.referanse if meta.nav else None) or "",
        "fra": meta.periode.fra.isoformat(),
        "til": meta.periode.til.isoformat(),
        "timer": _number(meta.ressursbruk.timer) if meta.ressursbruk else "",
        "kostnad": _number(meta.ressursbruk.kostnad) if meta.ressursbruk else "",
        "malform": meta.malform,
    }
    sections = {s.key: markdown_blocks(s.body) for s in report.sections if s.key and s.body.strip()}
    return Content(parties=parties, sections=sections, measures=[_measure(m) for m in meta.tiltak],
                   no_measures_reason=meta.ingen_tiltak_begrunnelse or "")


def main() -> int:
    report = load_report(SOURCE)
    document = build_document(report.meta.malform, content_from_report(report))
    # Fixed metadata so that rebuilding gives the same document properties.
    stamp = datetime(2025, 10, 31, 12, 0, 0)
    properties = document.core_properties
    properties.author = properties.last_modified_by = report.meta.ekspert.navn
    properties.created = properties.modified = stamp
    properties.revision = 1
    atomic_write_bytes(OUTPUT, document_bytes(document))
    print(f"Skrev {OUTPUT.relative_to(Path.cwd()) if OUTPUT.is_relative_to(Path.cwd()) else OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
