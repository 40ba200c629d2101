"""Correctness gate for speed work: every finding on a fixed set of inputs, as JSON.

    OMP_NUM_THREADS=1 python bench/_golden.py OUT.json [--compare GOLDEN.json]

Lints, in a fixed order and with one :class:`~ekspertrapport.lint.Linter`, every sentence of
``eval/corpus/{dev,test}.jsonl`` and ``eval/blind/blind-{a,b,c}.jsonl`` (each in its own målform),
every ``samples/*.md`` and ``samples/*.docx`` (``Linter.lint_path``, as the CLI does), the benchmark's
2 000-word report and its never-seen texts. Everything is linted twice — cold caches, then warm — and
both passes are written: an optimisation must leave both byte-identical, and the passes must agree.

Each finding is dumped as (rule, start, end, severity, message, suggestion, text, explanation,
suppressed). With ``--compare`` the output is compared with an earlier run and the first differences
are printed (exit status 1 when they differ).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def inputs() -> list[tuple[str, str, str | None]]:
    """(name, text or path, målform; None for a path) in a fixed order."""
    from bench_lint import report_text, unseen_texts

    out: list[tuple[str, str, str | None]] = []
    for rel in ("eval/corpus/dev.jsonl", "eval/corpus/test.jsonl", "eval/blind/blind-a.jsonl",
                "eval/blind/blind-b.jsonl", "eval/blind/blind-c.jsonl", "eval/blind/r4a.jsonl", "eval/blind/r4b.jsonl", "eval/blind/r5a.jsonl", "eval/blind/r5b.jsonl", "eval/blind/r6a.jsonl", "eval/blind/r6b.jsonl", "eval/blind/r7a.jsonl"):
        for line in (ROOT / rel).read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                out.append((f"{rel}:{record['id']}", record["text"], record.get("malform", "nb")))
    for path in sorted((ROOT / "samples").glob("*.md")) + sorted((ROOT / "samples").glob("*.docx")):
        out.append((f"samples/{path.name}", str(path), None))
    out.append(("bench:report", report_text(), "nb"))
    for n, text in enumerate(unseen_texts()):
        out.append((f"bench:unseen-{n}", text, "nb"))
    return out


def dump(finding) -> list:
    return [finding.rule, finding.start, finding.end, finding.severity, finding.message, finding.suggestion,
            finding.text, finding.explanation, finding.suppressed]


def run() -> dict:
    from ekspertrapport.lint import Linter

    linter = Linter()
    items = inputs()
    result: dict = {}
    for label in ("cold", "warm"):
        start = time.perf_counter()
        found = {}
        for name, source, malform in items:
            if malform is None:
                lint = linter.lint_path(source)
                found[name] = {"error": lint.error, "findings": [dump(f) for f in lint.findings]}
            else:
                found[name] = [dump(f) for f in linter.lint_text(source, malform=malform)]
        result[label] = found
        print(f"{label}: {len(items)} inputs in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--compare", help="an earlier output to compare with")
    args = parser.parse_args()
    result = run()
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
    status = 0
    if result["cold"] != result["warm"]:
        print("cold and warm passes differ", file=sys.stderr)
        status = 1
    if args.compare:
        golden = Path(args.compare).read_text(encoding="utf-8")
        if golden == Path(args.out).read_text(encoding="utf-8"):
            print("identical to", args.compare, file=sys.stderr)
        else:
            status = 1
            old = json.loads(golden)
            shown = 0
            for label in ("cold", "warm"):
                for name in old[label]:
                    if old[label][name] != result[label].get(name) and shown < 10:
                        shown += 1
                        print(f"DIFF {label} {name}:\n  was {old[label][name]}\n  now {result[label].get(name)}",
                              file=sys.stderr)
            print("DIFFERENT from", args.compare, file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
