"""Score the linter on the independent blind-c set: per-category precision / recall / F1.

    /work/venv/bin/python eval/blind/build_c.py       # (re)build blind-c.jsonl from src/blind-c.txt
    /work/venv/bin/python eval/blind/run_blind_c.py

Same matching as run_blind.py: a finding matches a gold span of the same category when the character
ranges overlap; precision counts findings, recall counts gold spans. blind-c is a held-out measure:
this script prints scores only and never lists individual errors. Do not tune on it.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))
from run_blind import CATS, evaluate, load, table  # noqa: E402


def main() -> None:
    from ekspertrapport.lint import Linter

    linter = Linter()
    recs = load("blind-c")
    res = evaluate(recs, linter)
    table("blind-c", recs, res)
    negids = {r["id"] for r in recs if not r["spans"]}
    hit = {fp[0] for fp in res[5] if fp[0] in negids}
    print(f"hard-negative sentences with >=1 finding: {len(hit)}/{len(negids)} ({len(hit)/len(negids):.1%})")
    # per målform, scores only
    for mf in ("nb", "nn"):
        sub = [r for r in recs if r["malform"] == mf]
        tp_p, n_p, tp_g, n_g, _, fps = evaluate(sub, linter)
        tpp, npp = sum(tp_p[c] for c in CATS), sum(n_p[c] for c in CATS)
        tpg, ng = sum(tp_g[c] for c in CATS), sum(n_g[c] for c in CATS)
        neg = {r["id"] for r in sub if not r["spans"]}
        h = {fp[0] for fp in fps if fp[0] in neg}
        print(f"  {mf}: {len(sub)} sentences, ALL P={tpp/npp if npp else float('nan'):.3f} "
              f"R={tpg/ng if ng else float('nan'):.3f}, hard negatives with finding {len(h)}/{len(neg)}")


if __name__ == "__main__":
    main()
