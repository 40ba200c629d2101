"""Experiment (not shipped): a trained span model for health mentions, next to the lexicon linter.

Trains a small spaCy ``ner`` (hash-embedding CNN, no pretrained vectors, like ``models/navn``) on every
labelled sentence we may tune on — ``eval/corpus/dev`` and ``eval/blind/{blind-a,blind-c,r4a…r8b}``,
health spans only — picks the epoch on ``eval/corpus/test``, and then scores the held-out independent
sets ``blind-b``, ``blind-d`` and ``blind-e``: the linter alone, the model alone, their union, and the
model only in sentences where the linter found nothing. Scores only; no errors are printed.

    OMP_NUM_THREADS=1 python eval/experiments/health_span_model.py [--width 64] [--epochs 8]

Result on 2026-11-25 (health P / R): blind-b linter 0.953 / 0.930, union 0.934 / 0.955; blind-d
0.933 / 0.893 → 0.881 / 0.931; blind-e 0.929 / 0.880 → 0.890 / 0.903. The union finds 2.5–4 points more
but costs 2–5 points of precision (F1 about the same), and running the model over every sentence would
roughly double the linter's time on unseen text, so it is not part of the linter. It shows where the
remaining misses are (symptoms in a person's own words) and is the starting point for a model with a
confidence threshold or a sentence-level filter.

What shipped instead (round 9): a linear token tagger (``ekspertrapport/lint/tagger.py``, trained by
``ekspertrapport/models/train_health.py``) with a threshold chosen by cross-validation, run only where
the lexicons have neither found nor rejected anything; it costs ≈ 0.3–0.6 ms per 2 000 words.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval" / "blind"))

TUNING = ["r4a", "r4b", "r5a", "r5b", "r6a", "r6b", "r7a", "r8a", "r8b"]
HELD_OUT = ["blind-b", "blind-d", "blind-e"]


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def health_spans(record: dict) -> list[tuple[int, int]]:
    return [(s["start"], s["end"]) for s in record["spans"] if s["category"] == "health"]


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def build_nlp(width: int):
    import spacy

    nlp = spacy.blank("nb")
    config = {"model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
        "hidden_width": 64, "maxout_pieces": 2, "use_upper": True,
        "tok2vec": {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": width,
                    "depth": 2, "embed_size": 3000, "window_size": 1, "maxout_pieces": 3,
                    "subword_features": True},
    }}
    nlp.add_pipe("ner", config=config).add_label("HELSE")
    return nlp


def examples(nlp, records: list[dict]):
    from spacy.training import Example

    out = []
    for record in records:
        doc = nlp.make_doc(record["text"])
        ents: list[tuple[int, int, str]] = []
        for a, b in sorted(health_spans(record)):
            span = doc.char_span(a, b, alignment_mode="expand")
            if span is not None and not (ents and span.start_char < ents[-1][1]):
                ents.append((span.start_char, span.end_char, "HELSE"))
        out.append(Example.from_dict(doc, {"entities": ents}))
    return out


def score(pairs) -> tuple[float, float]:
    """(precision, recall) over (predicted spans, gold spans) pairs, by overlap."""
    tp_p = n_p = tp_g = n_g = 0
    for pred, gold in pairs:
        n_p, n_g = n_p + len(pred), n_g + len(gold)
        tp_p += sum(any(overlaps(p, g) for g in gold) for p in pred)
        tp_g += sum(any(overlaps(g, p) for p in pred) for g in gold)
    return tp_p / max(n_p, 1), tp_g / max(n_g, 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=8)
    args = ap.parse_args()
    from spacy.util import compounding, fix_random_seed, minibatch
    from thinc.api import Adam

    from build import build
    from ekspertrapport.lint import Linter

    fix_random_seed(3)
    blind = ROOT / "eval" / "blind"
    train = load(ROOT / "eval" / "corpus" / "dev.jsonl") + load(blind / "blind-a.jsonl") + load(blind / "blind-c.jsonl")
    for name in TUNING:
        train += build(name)
    held = load(ROOT / "eval" / "corpus" / "test.jsonl")
    nlp = build_nlp(args.width)
    train_ex = examples(nlp, train)
    optimizer = Adam(learn_rate=0.002, L2=0.01, L2_is_weight_decay=True, grad_clip=1.0, use_averages=True)
    nlp.initialize(lambda: train_ex, sgd=optimizer)
    rng, best, t0 = random.Random(3), (-1.0, b""), time.time()
    for epoch in range(1, args.epochs + 1):
        rng.shuffle(train_ex)
        losses: dict[str, float] = {}
        for batch in minibatch(train_ex, size=compounding(8.0, 32.0, 1.001)):
            nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
        with nlp.use_params(optimizer.averages):
            p, r = score(([(e.start_char, e.end_char) for e in nlp(x["text"]).ents], health_spans(x)) for x in held)
            f = 2 * p * r / (p + r) if p + r else 0.0
            print(f"epoch {epoch}: test P {p:.3f} R {r:.3f} F1 {f:.3f} ({time.time() - t0:.0f} s)", flush=True)
            if f > best[0]:
                best = (f, nlp.to_bytes())
    nlp.from_bytes(best[1])
    linter = Linter()
    for name in HELD_OUT:
        rows: dict[str, list] = {"linter": [], "model": [], "union": [], "model where linter found nothing": []}
        for record in build(name):
            gold = health_spans(record)
            found = [(f.start, f.end) for f in linter.lint_text(record["text"], malform=record["malform"])
                     if f.category == "health"]
            model = [(e.start_char, e.end_char) for e in nlp(record["text"]).ents]
            extra = [m for m in model if not any(overlaps(m, f) for f in found)]
            rows["linter"].append((found, gold))
            rows["model"].append((model, gold))
            rows["union"].append((found + extra, gold))
            rows["model where linter found nothing"].append((found + (model if not found else []), gold))
        print(name + ": " + " | ".join(f"{k} P {p:.3f} R {r:.3f}" for k, (p, r) in
                                        ((k, score(v)) for k, v in rows.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
