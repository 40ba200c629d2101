"""Build the blind evaluation files from eval/blind/src/*.txt.

Source format, one sentence per line:
    nb|Hun har hatt [[health:artrose]] i mange år.
    nn|Ho ringde frå [[identity:{TLF}]] ...
Lines starting with '#' or empty lines are ignored.
Placeholders: {FNR} -> a valid fødselsnummer (python-stdnum), {FNRS} -> valid one written with a space
(6+5), {DNR} -> a valid D-nummer, {BAD11} -> an 11-digit number with invalid check digits.
Every span's offsets are computed here and verified against the text.
"""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from stdnum.no import fodselsnummer

HERE = Path(__file__).resolve().parent
CATS = {"health", "identity", "special-category", "agency"}
MARK = re.compile(r"\[\[([a-z-]+):(.+?)\]\]")


def _fnr(rng: random.Random, dnr: bool = False) -> str:
    while True:
        d = rng.randint(1, 28) + (40 if dnr else 0)
        m = rng.randint(1, 12)
        y = rng.randint(50, 99)
        ind = rng.randint(0, 499)
        base = f"{d:02d}{m:02d}{y:02d}{ind:03d}"
        for cc in range(100):
            cand = base + f"{cc:02d}"
            if fodselsnummer.is_valid(cand):
                return cand


def _bad(rng: random.Random) -> str:
    while True:
        cand = "".join(str(rng.randint(0, 9)) for _ in range(11))
        if not fodselsnummer.is_valid(cand):
            return cand


def fill(text: str, rng: random.Random) -> str:
    text = text.replace("{FNR}", "\0F")
    while "\0F" in text:
        text = text.replace("\0F", _fnr(rng), 1)
    while "{FNRS}" in text:
        n = _fnr(rng)
        text = text.replace("{FNRS}", n[:6] + " " + n[6:], 1)
    while "{DNR}" in text:
        text = text.replace("{DNR}", _fnr(rng, dnr=True), 1)
    while "{BAD11}" in text:
        text = text.replace("{BAD11}", _bad(rng), 1)
    return text


def parse(line: str, rng: random.Random):
    malform, _, src = line.partition("|")
    assert malform in ("nb", "nn"), line
    src = fill(src.strip(), rng)
    out, spans, pos = [], [], 0
    for m in MARK.finditer(src):
        out.append(src[pos:m.start()])
        start = sum(map(len, out))
        cat, inner = m.group(1), m.group(2)
        assert cat in CATS, (cat, line)
        out.append(inner)
        spans.append({"start": start, "end": start + len(inner), "category": cat, "_t": inner})
        pos = m.end()
    out.append(src[pos:])
    text = "".join(out)
    assert "[[" not in text and "]]" not in text, line
    for s in spans:
        assert text[s["start"]:s["end"]] == s.pop("_t"), line
    return text, malform, spans


def build(name: str) -> list[dict]:
    rng = random.Random(name)
    recs = []
    for raw in (HERE / "src" / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        text, malform, spans = parse(raw, rng)
        recs.append({"id": f"{name}-{len(recs)+1:04d}", "text": text, "malform": malform, "spans": spans})
    return recs


def main() -> None:
    for name in ("blind-a", "blind-b"):
        recs = build(name)
        with open(HERE / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        # verification pass from the written file
        for r in (json.loads(l) for l in open(HERE / f"{name}.jsonl", encoding="utf-8")):
            for s in r["spans"]:
                assert 0 <= s["start"] < s["end"] <= len(r["text"]), r
        n = len(recs)
        pos = {c: sum(1 for r in recs if any(s["category"] == c for s in r["spans"])) for c in sorted(CATS)}
        neg = sum(1 for r in recs if not r["spans"])
        nn = sum(1 for r in recs if r["malform"] == "nn")
        print(f"{name}: {n} sentences, nn={nn} ({nn/n:.0%}), negatives={neg} ({neg/n:.0%}), "
              + ", ".join(f"{c}={v} ({v/n:.0%})" for c, v in pos.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
