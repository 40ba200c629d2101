"""Run the linter on the blind corpus: per-category precision / recall / F1.

    /work/venv/bin/python eval/blind/run_blind.py            # scores for blind-a and blind-b, errors of blind-a
    /work/venv/bin/python eval/blind/run_blind.py --no-errors

A finding matches a gold span when the category is the same and the character ranges overlap.
Precision counts findings, recall counts gold spans. Errors are only ever printed for blind-a;
blind-b is a held-out measure and its errors are never shown.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
CATS = ("health", "identity", "special-category", "agency")


def load(name):
    return [json.loads(l) for l in (HERE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]


def ov(a0, a1, b0, b1):
    return a0 < b1 and b0 < a1


def evaluate(recs, linter):
    tp_p, n_p, tp_g, n_g = (defaultdict(int) for _ in range(4))
    fns, fps = [], []
    for r in recs:
        text = r["text"]
        found = [f for f in linter.lint_text(text, malform=r["malform"])
                 if f.category in CATS and not getattr(f, "suppressed", False)]
        for f in found:
            n_p[f.category] += 1
            if any(g["category"] == f.category and ov(f.start, f.end, g["start"], g["end"]) for g in r["spans"]):
                tp_p[f.category] += 1
            else:
                other = [g["category"] for g in r["spans"] if ov(f.start, f.end, g["start"], g["end"])]
                fps.append((r["id"], f.category, f.rule, text[f.start:f.end], text, other))
        for g in r["spans"]:
            n_g[g["category"]] += 1
            if any(f.category == g["category"] and ov(f.start, f.end, g["start"], g["end"]) for f in found):
                tp_g[g["category"]] += 1
            else:
                other = [f.rule for f in found if ov(f.start, f.end, g["start"], g["end"])]
                fns.append((r["id"], g["category"], text[g["start"]:g["end"]], text, other))
    return tp_p, n_p, tp_g, n_g, fns, fps


def table(name, recs, res):
    tp_p, n_p, tp_g, n_g, _, _ = res
    print(f"\n== {name}: {len(recs)} sentences, {sum(1 for r in recs if not r['spans'])} without gold spans")
    print(f"{'category':18} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}")
    rows = list(CATS) + ["ALL"]
    for c in rows:
        if c == "ALL":
            tpp, npp, tpg, ng = (sum(d[k] for k in CATS) for d in (tp_p, n_p, tp_g, n_g))
        else:
            tpp, npp, tpg, ng = tp_p[c], n_p[c], tp_g[c], n_g[c]
        p = tpp / npp if npp else float("nan")
        rc = tpg / ng if ng else float("nan")
        f1 = 2 * p * rc / (p + rc) if npp and ng and (p + rc) else float("nan")
        print(f"{c:18} {ng:5d} {npp:5d} {p:6.3f} {rc:6.3f} {f1:6.3f}")
    neg = [r for r in recs if not r["spans"]]
    return neg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-errors", action="store_true")
    args = ap.parse_args()
    from ekspertrapport.lint import Linter

    linter = Linter()
    results = {}
    for name in ("blind-a", "blind-b"):
        recs = load(name)
        res = evaluate(recs, linter)
        results[name] = (recs, res)
        table(name, recs, res)
        # share of hard-negative sentences with any finding (no errors listed)
        negids = {r["id"] for r in recs if not r["spans"]}
        hit = {fp[0] for fp in res[5] if fp[0] in negids}
        print(f"hard-negative sentences with >=1 finding: {len(hit)}/{len(negids)}")
    if args.no_errors:
        return
    recs, (_, _, _, _, fns, fps) = results["blind-a"]
    print("\n== blind-a false negatives (id, category, gold text, [overlapping findings of other categories])")
    for i, c, t, s, other in sorted(fns, key=lambda x: (x[1], x[0])):
        print(f"FN {i} {c:16} «{t}»{'  other=' + ','.join(other) if other else ''}\n     {s}")
    print("\n== blind-a false positives (id, rule, flagged text, [gold categories overlapping])")
    for i, c, rule, t, s, other in sorted(fps, key=lambda x: (x[1], x[0])):
        print(f"FP {i} {rule:28} «{t}»{'  gold=' + ','.join(other) if other else ''}\n     {s}")


if __name__ == "__main__":
    main()
