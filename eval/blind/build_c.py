"""Build eval/blind/blind-c.jsonl from eval/blind/src/blind-c.txt (same format as build.py).

blind-c is an independent held-out set written from ~25 imagined complete reports. Never tune on it.

    /work/venv/bin/python eval/blind/build_c.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build import CATS, build  # noqa: E402
from stdnum.no import fodselsnummer  # noqa: E402

NAME = "blind-c"


def main() -> None:
    recs = build(NAME)
    with open(HERE / f"{NAME}.jsonl", "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    # verification pass from the written file
    ids = 0
    for r in (json.loads(l) for l in open(HERE / f"{NAME}.jsonl", encoding="utf-8")):
        for s in r["spans"]:
            assert 0 <= s["start"] < s["end"] <= len(r["text"]), r
            t = r["text"][s["start"]:s["end"]]
            assert t == t.strip() and t, r
            digits = t.replace(" ", "")
            if s["category"] == "identity" and digits.isdigit() and len(digits) == 11:
                assert fodselsnummer.is_valid(digits), r
                ids += 1
    n = len(recs)
    pos = {c: sum(1 for r in recs if any(s["category"] == c for s in r["spans"])) for c in sorted(CATS)}
    spans = {c: sum(1 for r in recs for s in r["spans"] if s["category"] == c) for c in sorted(CATS)}
    neg = sum(1 for r in recs if not r["spans"])
    nn = sum(1 for r in recs if r["malform"] == "nn")
    print(f"{NAME}: {n} sentences, nn={nn} ({nn/n:.0%}), hard negatives={neg} ({neg/n:.0%}), "
          f"valid identity numbers={ids}", file=sys.stderr)
    for c in sorted(CATS):
        print(f"  {c:17} sentences={pos[c]:4d} ({pos[c]/n:.0%})  spans={spans[c]}", file=sys.stderr)


if __name__ == "__main__":
    main()
