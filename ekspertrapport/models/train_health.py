"""Train the health tagger shipped in ``ekspertrapport/models/helse/`` (see ``ekspertrapport.lint.tagger``).

A logistic regression over sparse features of each token, its neighbours and its sentence, trained with
full-batch Adam and L2 regularisation in numpy (nothing else is needed, nothing is downloaded). The
training data are the project's own labelled sentences that we may tune on: ``eval/corpus/dev.jsonl``
and the independent writers' tuning sets in ``eval/blind/`` (``TRAIN_SETS``). The held-out sets
(``eval/corpus/test``, ``blind-b``, ``blind-d`` … ``blind-i``) are never read.

The threshold is chosen by leave-one-set-out cross-validation over the writers' sets: for each set, a
model trained on all the others (and dev) tags it, and its spans that no linter finding covers are added
to the linter's findings. The script prints health precision and recall of the linter alone and of the
union at each threshold, and saves the model trained on everything with ``--threshold``.

Reproduce (about a minute on one core; the defaults are the shipped model's settings)::

    OMP_NUM_THREADS=1 python -m ekspertrapport.models.train_health --cv
    OMP_NUM_THREADS=1 python -m ekspertrapport.models.train_health --out ekspertrapport/models/helse
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = Path(__file__).resolve().parent / "helse"
DEV = REPO_ROOT / "eval" / "corpus" / "dev.jsonl"
BLIND = REPO_ROOT / "eval" / "blind"
HELD_OUT = frozenset({"test", "blind-b", "blind-d", "blind-e", "blind-f", "blind-g", "blind-h", "blind-i", "blind-j", "blind-k"})


def _writers_sets() -> tuple[str, ...]:
    """The writers' sets we may tune on: every ``eval/blind/<name>.jsonl`` that is not held out, in the
    order they were written (``blind-a``, ``blind-c``, then ``r4a`` … by round; ``eval/blind/README.md``)."""

    def written(name: str) -> tuple[int, int, str]:
        rounds = re.fullmatch(r"r(\d+)([a-z]+)", name)
        return (1, int(rounds[1]), rounds[2]) if rounds else (0, 0, name)

    return tuple(sorted((p.stem for p in BLIND.glob("*.jsonl") if p.stem not in HELD_OUT), key=written))


TRAIN_SETS = _writers_sets()
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def load_set(name: str) -> list[dict]:
    if name in HELD_OUT:
        raise SystemExit(f"{name} is held out and is never used for training")
    path = DEV if name == "dev" else BLIND / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def health_gold(record: dict) -> list[tuple[int, int]]:
    return [(s["start"], s["end"]) for s in record["spans"] if s["category"] == "health"]


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# -- features ----------------------------------------------------------------------------------


class Featurizer:
    """Token feature strings exactly as :class:`~ekspertrapport.lint.tagger.HealthTagger` scores them."""

    def __init__(self) -> None:
        from ekspertrapport.lint.recognizers.health import HealthRecognizer
        from ekspertrapport.lint.tagger import BOS, EOS, role_features

        self.word_info = HealthRecognizer().tagger_word_info()
        self.role_features = role_features
        self.BOS, self.EOS = BOS, EOS
        self._cache: dict[str, dict[str, list[str]]] = {}

    def of_word(self, word: str) -> dict[str, list[str]]:
        feats = self._cache.get(word)
        if feats is None:
            classes, tag = ((), None) if word in (self.BOS, self.EOS) else self.word_info(word)
            feats = self._cache[word] = self.role_features(word, classes, tag)
        return feats

    def record(self, record: dict) -> tuple[list[list[str]], list[list[str]], list[int], list[int]]:
        """Per token: its features without the sentence part; per sentence: the sentence features;
        each token's sentence; each token's label (1 = inside a gold health span)."""
        from ekspertrapport.lint.morphology import tokenize
        from ekspertrapport.lint.tagger import SHIFTS, sentence_ids

        text = record["text"]
        tokens = tokenize(text)
        sids = sentence_ids(text, tokens).tolist()
        gold = health_gold(record)
        words = tokens.lowers
        n = len(words)
        token_feats, labels = [], []
        for k in range(n):
            sid = sids[k]
            f = list(self.of_word(words[k])["w"])
            for role, shift in SHIFTS.items():  # shift > 0: a word to the left
                j = k - shift
                inside = 0 <= j < n and sids[j] == sid
                f += self.of_word(words[j] if inside else (self.BOS if shift > 0 else self.EOS))[role]
            token_feats.append(f)
            labels.append(int(any(overlaps((tokens[k].start, tokens[k].end), g) for g in gold)))
        sentence_feats: list[list[str]] = []
        first_sid = sids[0] if sids else 0
        for sid in sorted(set(sids)):
            distinct = dict.fromkeys(w for w, s in zip(words, sids) if s == sid)
            sentence_feats.append([f for w in distinct for f in self.of_word(w)["s"]])
        return token_feats, sentence_feats, [s - first_sid for s in sids], labels


class Matrix:
    """Records as padded index arrays for numpy (index 0 is padding, its weight stays 0)."""

    def __init__(self, featurized: list[tuple], vocab: dict[str, int]):
        tok_rows, sent_rows, sent_of, labels = [], [], [], []
        for token_feats, sentence_feats, sids, ys in featurized:
            base = len(sent_rows)
            sent_rows.extend([vocab[f] for f in fs if f in vocab] for fs in sentence_feats)
            tok_rows.extend([vocab[f] for f in fs if f in vocab] for fs in token_feats)
            sent_of.extend(base + s for s in sids)
            labels.extend(ys)
        self.T = _pad(tok_rows)
        self.S = _pad(sent_rows)
        self.sent_of = np.asarray(sent_of, dtype=np.int64)
        self.y = np.asarray(labels, dtype=np.float64)


def _pad(rows: list[list[int]]) -> np.ndarray:
    width = max((len(r) for r in rows), default=1) or 1
    out = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


def build_vocab(featurized: list[tuple], min_count: int) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for token_feats, sentence_feats, _, _ in featurized:
        for fs in token_feats:
            counts.update(fs)
        for fs in sentence_feats:
            counts.update(set(fs))
    vocab = {"<pad>": 0}
    for f, c in sorted(counts.items()):
        if c >= min_count:
            vocab[f] = len(vocab)
    return vocab


# -- training ----------------------------------------------------------------------------------


def train(m: Matrix, size: int, *, steps: int, lr: float, l2: float, pos_weight: float) -> tuple[np.ndarray, float]:
    """Full-batch Adam on the weighted logistic loss + L2; returns (weights, bias)."""
    w = np.zeros(size)
    b = 0.0
    mw, vw = np.zeros(size), np.zeros(size)
    mb = vb = 0.0
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    sample_w = np.where(m.y > 0, pos_weight, 1.0)
    norm = sample_w.sum()
    for step in range(1, steps + 1):
        z = w[m.T].sum(1) + w[m.S].sum(1)[m.sent_of] + b
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        err = (p - m.y) * sample_w / norm
        g = np.bincount(m.T.ravel(), weights=np.repeat(err, m.T.shape[1]), minlength=size)
        sent_err = np.bincount(m.sent_of, weights=err, minlength=m.S.shape[0])
        g += np.bincount(m.S.ravel(), weights=np.repeat(sent_err, m.S.shape[1]), minlength=size)
        g += l2 * w
        g[0] = 0.0
        gb = err.sum()
        mw = beta1 * mw + (1 - beta1) * g
        vw = beta2 * vw + (1 - beta2) * g * g
        w -= lr * (mw / (1 - beta1**step)) / (np.sqrt(vw / (1 - beta2**step)) + eps)
        mb = beta1 * mb + (1 - beta1) * gb
        vb = beta2 * vb + (1 - beta2) * gb * gb
        b -= lr * (mb / (1 - beta1**step)) / (np.sqrt(vb / (1 - beta2**step)) + eps)
    return w, b


def fit(featurized: list[tuple], args) -> tuple[dict[str, float], float]:
    vocab = build_vocab(featurized, args.min_count)
    m = Matrix(featurized, vocab)
    w, b = train(m, len(vocab), steps=args.steps, lr=args.lr, l2=args.l2, pos_weight=args.pos_weight)
    weights = {f: round(float(w[i]), 4) for f, i in vocab.items() if i and abs(w[i]) >= args.prune}
    return weights, float(b)


# -- evaluation --------------------------------------------------------------------------------


def linter_health(records: list[dict]) -> list[list[tuple[int, int]]]:
    """The linter's health findings per record, without the tagger's own rule."""
    from ekspertrapport.lint import Linter

    linter = Linter()
    out = []
    for r in records:
        found = linter.lint_text(r["text"], malform=r["malform"])
        out.append([(f.start, f.end) for f in found
                    if f.category == "health" and f.rule != "health.description" and not f.suppressed])
    return out


def tagger_spans(tagger, record: dict, threshold: float) -> list[tuple[int, int]]:
    from ekspertrapport.lint.morphology import tokenize

    tokens = tokenize(record["text"])
    return [(tokens[s.first].start, tokens[s.last].end) for s in tagger.spans(record["text"], tokens, threshold)]


def score(records, linter_spans, model_spans) -> tuple[int, int, int, int]:
    """(true findings, findings, gold found, gold) for the union."""
    tp_p = n_p = tp_g = n_g = 0
    for r, lin, mod in zip(records, linter_spans, model_spans):
        found = list(lin) + [s for s in mod if not any(overlaps(s, t) for t in lin)]
        gold = health_gold(r)
        n_p += len(found)
        tp_p += sum(any(overlaps(f, g) for g in gold) for f in found)
        n_g += len(gold)
        tp_g += sum(any(overlaps(g, f) for f in found) for g in gold)
    return tp_p, n_p, tp_g, n_g


def make_tagger(weights: dict[str, float], bias: float, threshold: float, extend: float | None = None):
    from ekspertrapport.lint.recognizers.health import HealthRecognizer
    from ekspertrapport.lint.tagger import HealthTagger

    return HealthTagger(weights, bias, threshold, HealthRecognizer().tagger_word_info(), extend)


def cross_validate(sets: dict[str, list[dict]], featurized: dict[str, list[tuple]], args) -> None:
    print("leave-one-set-out over the writers' sets (dev always in training); health P / R;"
          f" spans extend over neighbours ≥ {args.extend}")
    names = [n for n in sets if n != "dev"]
    lin = {n: linter_health(sets[n]) for n in names}
    totals = {t: [0, 0, 0, 0] for t in THRESHOLDS}
    base = [0, 0, 0, 0]
    for name in names:
        t0 = time.perf_counter()
        training = [f for other in sets if other != name for f in featurized[other]]
        weights, bias = fit(training, args)
        tagger = make_tagger(weights, bias, 0.5, args.extend)
        alone = score(sets[name], lin[name], [[] for _ in sets[name]])
        base = [a + b for a, b in zip(base, alone)]
        row = [f"{name:8} linter {alone[0] / max(alone[1], 1):.3f}/{alone[2] / max(alone[3], 1):.3f}"]
        for t in THRESHOLDS:
            res = score(sets[name], lin[name], [tagger_spans(tagger, r, t) for r in sets[name]])
            totals[t] = [a + b for a, b in zip(totals[t], res)]
            if t in (0.7, 0.8, 0.9):
                row.append(f"@{t}: {res[0] / max(res[1], 1):.3f}/{res[2] / max(res[3], 1):.3f}")
        print("  ".join(row), f"({time.perf_counter() - t0:.0f} s)", flush=True)
    print(f"\nall sets  linter alone: P {base[0] / base[1]:.3f}  R {base[2] / base[3]:.3f}  ({base[3]} gold spans)")
    for t in THRESHOLDS:
        tp_p, n_p, tp_g, n_g = totals[t]
        print(f"  union @ {t:.2f}: P {tp_p / n_p:.3f}  R {tp_g / n_g:.3f}  (+{n_p - base[1]} findings)")


def save(weights: dict[str, float], bias: float, args, out: Path, info: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    from ekspertrapport.lint.tagger import CONTEXT, lexicon_fingerprint

    data = {"model": "ekspertrapport health tagger", "version": 1, "bias": round(bias, 4),
            "context": CONTEXT, "lexicon_sha256": lexicon_fingerprint(),
            "threshold": args.threshold, "extend": args.extend, "features": len(weights), "training": info, "weights": weights}
    fd, tmp = tempfile.mkstemp(dir=out, suffix=".tmp")
    os.close(fd)
    # no file name and mtime 0 in the gzip header: the same weights give the same bytes
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it 0600; a shipped model file is readable by all
    os.replace(tmp, out / "weights.json.gz")
    print(f"saved {out / 'weights.json.gz'}: {len(weights)} weights, {(out / 'weights.json.gz').stat().st_size / 1e6:.2f} MB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--cv", action="store_true", help="cross-validate and print the threshold table; do not save")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--pos-weight", type=float, default=1.0)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--prune", type=float, default=0.002, help="drop weights smaller than this")
    ap.add_argument("--threshold", type=float, default=0.8, help="a span needs a token this probable")
    ap.add_argument("--extend", type=float, default=0.4, help="a span extends over neighbours this probable")
    args = ap.parse_args(argv)

    names = ["dev", *TRAIN_SETS]
    sets = {n: load_set(n) for n in names}
    print(f"training sets: {', '.join(f'{n} ({len(sets[n])})' for n in names)}", flush=True)
    t0 = time.perf_counter()
    feat = Featurizer()
    featurized = {n: [feat.record(r) for r in sets[n]] for n in names}
    print(f"features in {time.perf_counter() - t0:.1f} s", flush=True)
    if args.cv:
        cross_validate(sets, featurized, args)
        return 0
    t0 = time.perf_counter()
    weights, bias = fit([f for n in names for f in featurized[n]], args)
    print(f"trained in {time.perf_counter() - t0:.1f} s")
    info = {"sets": names, "sentences": sum(len(s) for s in sets.values()), "steps": args.steps, "lr": args.lr,
            "l2": args.l2, "pos_weight": args.pos_weight, "min_count": args.min_count, "prune": args.prune}
    save(weights, bias, args, args.out, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
