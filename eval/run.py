"""Evaluate the linter on the labelled corpus: per-category precision, recall and F1.

    python eval/run.py                 # dev and test, plus samples/ if present
    python eval/run.py --split dev     # one split
    python eval/run.py --json          # machine-readable
    python eval/run.py --errors dev    # list false positives / negatives of a split (never tune on test)

A finding matches a gold span of the same category when they overlap. Identity numbers come from the
engine team's recognizers and are reported on their own line. By default the full linter
(``ekspertrapport.lint.Linter``) is used; ``--direct`` runs only the lexicon recognizers (health,
special categories, agency) without presidio, which is what the lexicon tests use too.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CATEGORIES = ("health", "special-category", "agency", "identity")


def load(split: str) -> list[dict]:
    path = HERE / "corpus" / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class DirectLinter:
    """Our recognizers without presidio/spaCy: (start, end, rule) per finding."""

    def __init__(self) -> None:
        from ekspertrapport.lint.recognizers.agency import AgencyRecognizer
        from ekspertrapport.lint.recognizers.health import HealthRecognizer
        from ekspertrapport.lint.recognizers.special import SpecialCategoryRecognizer

        self.recognizers = [HealthRecognizer(), SpecialCategoryRecognizer(), AgencyRecognizer()]

    def findings(self, text: str, malform: str) -> list[tuple[int, int, str]]:
        return [(s, e, rule) for r in self.recognizers for s, e, rule, _ in r.find(text)]


class FullLinter:
    def __init__(self) -> None:
        from ekspertrapport.lint import Linter

        self.linter = Linter()

    def findings(self, text: str, malform: str) -> list[tuple[int, int, str]]:
        return [(f.start, f.end, f.rule) for f in self.linter.lint_text(text, malform=malform) if not f.suppressed]


def make_linter(direct: bool):
    if not direct:
        try:
            linter = FullLinter()
            linter.findings("Test.", "nb")
            return linter, "full"
        except Exception as exc:  # the engine may not be there yet
            print(f"(full linter unavailable: {exc!r}; using --direct)", file=sys.stderr)
    return DirectLinter(), "direct"


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(records: list[dict], linter) -> tuple[dict, list[dict]]:
    tp_pred, n_pred, tp_gold, n_gold = (defaultdict(int) for _ in range(4))
    errors = []
    for rec in records:
        found = [f for f in linter.findings(rec["text"], rec["malform"]) if f[2].split(".")[0] in CATEGORIES]
        gold = rec["spans"]
        for s, e, rule in found:
            cat = rule.split(".")[0]
            n_pred[cat] += 1
            if any(g["category"] == cat and overlaps((s, e), (g["start"], g["end"])) for g in gold):
                tp_pred[cat] += 1
            else:
                errors.append({"id": rec["id"], "kind": "FP", "category": cat, "rule": rule,
                               "text": rec["text"][s:e], "sentence": rec["text"]})
        for g in gold:
            n_gold[g["category"]] += 1
            if any(f[2].split(".")[0] == g["category"] and overlaps((f[0], f[1]), (g["start"], g["end"])) for f in found):
                tp_gold[g["category"]] += 1
            else:
                errors.append({"id": rec["id"], "kind": "FN", "category": g["category"], "rule": g["rule"],
                               "text": rec["text"][g["start"]:g["end"]], "sentence": rec["text"]})
    scores = {}
    for cat in CATEGORIES:
        p = tp_pred[cat] / n_pred[cat] if n_pred[cat] else 1.0
        r = tp_gold[cat] / n_gold[cat] if n_gold[cat] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        scores[cat] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3),
                       "gold": n_gold[cat], "found": n_pred[cat]}
    return scores, errors


def samples_report(linter) -> dict:
    out = {}
    for path in sorted((ROOT / "samples").glob("*.md")) if (ROOT / "samples").is_dir() else []:
        text = path.read_text(encoding="utf-8")
        found = linter.findings(text, "nn" if "malform: nn" in text else "nb")
        counts = defaultdict(int)
        for _, _, rule in found:
            counts[rule.split(".")[0]] += 1
        out[path.name] = dict(counts)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("dev", "test", "all"), default="all")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--direct", action="store_true", help="only the lexicon recognizers, without presidio")
    ap.add_argument("--errors", choices=("dev",), help="print the errors of the dev split")
    args = ap.parse_args(argv)
    linter, mode = make_linter(args.direct)
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    report = {"mode": mode, "splits": {}}
    for split in splits:
        records = load(split)
        t0 = time.perf_counter()
        scores, errors = evaluate(records, linter)
        report["splits"][split] = {"sentences": len(records), "scores": scores,
                                   "seconds": round(time.perf_counter() - t0, 3)}
        if args.errors == split:
            report["splits"][split]["errors"] = errors
    if args.errors == "dev" and "dev" not in splits:
        report["splits"]["dev"] = {"errors": evaluate(load("dev"), linter)[1]}
    report["samples"] = samples_report(linter)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"linter: {mode}")
    for split, res in report["splits"].items():
        if "scores" in res:
            print(f"\n{split} ({res['sentences']} sentences, {res['seconds']} s)")
            print(f"  {'category':18} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'found':>5}")
            for cat, s in res["scores"].items():
                label = f"{cat} (engine)" if cat == "identity" else cat
                print(f"  {label:18} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['gold']:5} {s['found']:5}")
        for err in res.get("errors", []):
            print(f"  {err['kind']} {err['category']:16} {err['rule']:28} «{err['text']}»  ← {err['sentence']}")
    if report["samples"]:
        print("\nsamples/ (findings per category):")
        for name, counts in report["samples"].items():
            print(f"  {name}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
