"""Score the linter on any of the blind sets, built straight from ``src/<name>.txt``.

    /work/venv/bin/python eval/blind/score.py blind-d            # scores only
    /work/venv/bin/python eval/blind/score.py r4a r4b --errors   # scores and errors (tuning sets only)
    /work/venv/bin/python eval/blind/score.py r4a --write        # also (re)write r4a.jsonl

Sets and their use:

- ``blind-a``   first independent set; its errors drove tuning round 1.
- ``blind-b``   HELD OUT: never tuned on. Scores only.
- ``blind-c``   independent; its errors drove tuning round 3.
- ``r4a``, ``r4b`` round-4 tuning sets (long-tail vocabulary; nynorsk, third persons, services).
- ``blind-d``   HELD OUT: written for round 4 by a writer who never saw the lexicon; scored once the
                rounds were finished. Scores only.
- ``r5a`` … ``r8b`` later tuning sets (see README.md).
- ``blind-e``   HELD OUT: written after round 6; scored once. Scores only.
- ``r9a``, ``r9b``, ``r9c`` round-9 tuning sets, also training data for the health tagger.
- ``r10a`` (agency and special categories), ``r10b`` (symptoms in own words), ``r10c`` (sectors seldom
  seen) round-10 tuning sets, also training data for the health tagger.
- ``r11a`` (subtle leaks), ``r11b`` (the worker's own story), ``r11c`` (the end of reports: measures
  and directions) round-11 tuning sets, also training data for the health tagger.
- ``r12a`` (hurried experts, leaks everywhere), ``r12b`` (all nynorsk, with dialect in quotes)
  round-12 tuning sets, also training data for the health tagger.
- ``r13a`` (health in everyday words, conditions seldom written about), ``r13b`` (directions to agencies
  in the measures) round-13 tuning sets, also training data for the health tagger.
- ``blind-f``, ``blind-g`` HELD OUT: written for round 9. Scores only.
- ``blind-h`` HELD OUT: written after round 11, scored after rounds 12 and 13. Scores only.
- ``r14a`` … ``r19b`` rounds 14–19 tuning sets (see README.md), also training data for the health tagger.
- ``blind-i``, ``blind-j``, ``blind-k`` HELD OUT: written during rounds 14, 15 and 17. Scores only.

``--errors`` is refused for the held-out sets, so their individual errors are never seen.
Same matching as ``run_blind.py``: a finding matches a gold span of the same category when the
character ranges overlap; precision counts findings, recall counts gold spans.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))
from build import build  # noqa: E402
from run_blind import CATS, evaluate, table  # noqa: E402

HELD_OUT = frozenset({"blind-b", "blind-d", "blind-e", "blind-f", "blind-g", "blind-h", "blind-i", "blind-j", "blind-k"})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("names", nargs="+")
    ap.add_argument("--errors", action="store_true", help="list false negatives and positives")
    ap.add_argument("--write", action="store_true", help="write <name>.jsonl next to the source")
    args = ap.parse_args()
    if args.errors and HELD_OUT.intersection(args.names):
        print(f"--errors is not allowed for held-out sets: {', '.join(sorted(HELD_OUT & set(args.names)))}",
              file=sys.stderr)
        return 2
    from ekspertrapport.lint import Linter

    linter = Linter()
    for name in args.names:
        recs = build(name)
        if args.write:
            with open(HERE / f"{name}.jsonl", "w", encoding="utf-8") as fh:
                for r in recs:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        res = evaluate(recs, linter)
        table(name, recs, res)
        negids = {r["id"] for r in recs if not r["spans"]}
        hit = {fp[0] for fp in res[5] if fp[0] in negids}
        health_hit = {fp[0] for fp in res[5] if fp[0] in negids and fp[1] == "health"}
        print(f"hard-negative sentences with >=1 finding: {len(hit)}/{len(negids)} "
              f"(with a health finding: {len(health_hit)})")
        for mf in ("nb", "nn"):
            sub = [r for r in recs if r["malform"] == mf]
            if not sub:
                continue
            tp_p, n_p, tp_g, n_g, _, _ = evaluate(sub, linter)
            hp, hg = n_p["health"], n_g["health"]
            print(f"  {mf}: {len(sub)} sentences, health P={tp_p['health'] / hp if hp else float('nan'):.3f} "
                  f"R={tp_g['health'] / hg if hg else float('nan'):.3f}")
        if not args.errors:
            continue
        _, _, _, _, fns, fps = res
        print(f"\n== {name} false negatives (id, category, gold text, [overlapping findings of other categories])")
        for i, c, t, s, other in sorted(fns, key=lambda x: (x[1], x[0])):
            print(f"FN {i} {c:16} «{t}»{'  other=' + ','.join(other) if other else ''}\n     {s}")
        print(f"\n== {name} false positives (id, rule, flagged text, [gold categories overlapping])")
        for i, c, rule, t, s, other in sorted(fps, key=lambda x: (x[1], x[0])):
            print(f"FP {i} {rule:28} «{t}»{'  gold=' + ','.join(other) if other else ''}\n     {s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
