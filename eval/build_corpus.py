"""Build eval/corpus/{dev,test}.jsonl from the marked-up sources in eval/corpus/src/.

Source lines look like ``nb: Hun har {{artrose|dx}} i kneet.``; the markup is removed and each
span's offsets are computed and checked against the plain text.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "corpus" / "src"
OUT = HERE / "corpus"

TAGS = {
    "dx": "health.diagnosis",
    "code": "health.diagnosis-code",
    "sy": "health.symptom",
    "ex": "health.examination",
    "tx": "health.treatment",
    "med": "health.medication",
    "rep": "health.reproductive",
    "sub": "health.substance",
    "rel": "special-category.religion",
    "eth": "special-category.ethnicity",
    "pol": "special-category.politics",
    "uni": "special-category.union",
    "sex": "special-category.sexual-orientation",
    "crim": "special-category.criminal-record",
    "ag": "agency.directive",
    "fnr": "identity.fodselsnummer",
    "dnr": "identity.d-nummer",
    "tlf": "identity.phone",
    "epost": "identity.email",
}

MARK = re.compile(r"\{\{(.+?)\|([a-z]+)\}\}")


def parse_line(line: str) -> tuple[str, str, list[dict]]:
    malform, _, marked = line.partition(":")
    malform = malform.strip()
    if malform not in ("nb", "nn"):
        raise ValueError(f"bad målform {malform!r}")
    marked = marked.strip()
    text_parts, spans, pos, cursor = [], [], 0, 0
    for m in MARK.finditer(marked):
        text_parts.append(marked[cursor : m.start()])
        pos += m.start() - cursor
        surface, tag = m.group(1), m.group(2)
        rule = TAGS[tag]
        spans.append({"start": pos, "end": pos + len(surface), "category": rule.split(".")[0], "rule": rule})
        text_parts.append(surface)
        pos += len(surface)
        cursor = m.end()
    text_parts.append(marked[cursor:])
    text = "".join(text_parts)
    if "{{" in text or "}}" in text:
        raise ValueError(f"unparsed markup in {marked!r}")
    return malform, text, spans


def build(split: str) -> list[dict]:
    records = []
    seen = set()
    for n, raw in enumerate((SRC / f"{split}.txt").read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        malform, text, spans = parse_line(raw)
        if text in seen:
            raise ValueError(f"{split}:{n}: duplicate sentence {text!r}")
        seen.add(text)
        for span in spans:
            assert text[span["start"] : span["end"]].strip() == text[span["start"] : span["end"]], (split, n)
        records.append({"id": f"{split}-{len(records) + 1:04d}", "text": text, "malform": malform, "spans": spans})
    return records


def main() -> int:
    dev_texts = set()
    for split in ("test", "dev"):
        records = build(split)
        if split == "dev":
            overlap = dev_texts & {r["text"] for r in records}
        dev_texts |= {r["text"] for r in records}
        with open(OUT / f"{split}.jsonl", "w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        nn = sum(r["malform"] == "nn" for r in records)
        pos = sum(bool(r["spans"]) for r in records)
        print(f"{split}: {len(records)} sentences, {nn} nynorsk, {pos} with spans")
    if overlap:
        print(f"warning: {len(overlap)} sentences in both splits: {sorted(overlap)[:5]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
