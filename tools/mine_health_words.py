"""Mine the Norwegian word list for health words our lexicon does not know yet.

A lexicon-maintenance tool, not part of the linter. It trains a character n-gram softmax regression
(3- to 5-letter n-grams with ``<``/``>`` at the word's ends) that tells health words from other words:

- **positives**: every single-word entry of our health lexicon (``lint/lexicons/health``, with its
  nynorsk variants) and every form of the word list that the lexicon flags without misspelling
  tolerance (inflections and compounds included; the rule is the lexicon's);
- **negatives**: every other form of the Norwegian word list of spacy-lookups-data (577 000 forms),
  nynorsk-looking variants of them, the words of the NorNE *dev* texts when ``../shared/data/norne`` is
  there (read, never copied), and the lexicon's exceptions.

It then ranks the word list's lemmas the lexicon does not flag by the model's health probability and
writes the top ``--top`` to ``--out``: candidates for a person to review (medical words of the word
list that the lexicon misses are exactly the "noisy negatives" the model still scores high). Round 4
of the lexicon work reviewed the top 3 000 by hand and added 170 of them (the rest were ordinary
words). As a classifier on its own the model is too weak to run inside the linter (held-out
precision ≈ 0.75 at recall ≈ 0.47 on dictionary words; it adds one hit in the evaluation corpora), so
it is not shipped.

    OMP_NUM_THREADS=1 python tools/mine_health_words.py --top 3000 --out candidates.txt \
        [--codes ../shared/data/diagnosekoder/ICD10.json]

``--codes`` adds a measurement only: the share of single-word ICD-10 three-character titles the
lexicon flags (the list is never trained on).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from pathlib import Path

import numpy

CLASSES = (
    "none",
    "health.diagnosis",
    "health.symptom",
    "health.examination",
    "health.treatment",
    "health.medication",
)
NGRAM_SIZES = (3, 4, 5)
MIN_LENGTH = 7


def features(lower: str) -> list[str]:
    """The character n-grams of a lower-case word, with ``<``/``>`` at its ends."""
    padded = f"<{lower}>"
    return [padded[i : i + n] for n in NGRAM_SIZES for i in range(len(padded) - n + 1)]

DEFAULT_NORNE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "norne"
CLASS_ID = {c: i for i, c in enumerate(CLASSES)}


def health_lexicon():
    """The compiled health lexicon (without codes the user imported)."""
    from ekspertrapport.lint.morphology import load_group
    from ekspertrapport.lint.recognizers.health import HealthRecognizer

    return load_group("health", dict(HealthRecognizer.WORD_FILES), fuzzy=True).lexicon


def word_list() -> dict[str, str]:
    """form → lemma from spacy-lookups-data's Norwegian table (the one behind ``lint.nlp``)."""
    from importlib.resources import files

    from ekspertrapport.lint.nlp import _TABLE, _read_table

    raw = files("spacy_lookups_data").joinpath("data").joinpath(_TABLE).read_bytes()
    return _read_table(raw)


def nynorsk_forms(forms: dict[str, str]) -> dict[str, str]:
    """Nynorsk-looking forms of the (bokmål) word list, so that nynorsk endings are no health signal:
    the spelling transforms of ``lexicons/transforms/nn.txt`` and the plural endings -ar/-ane."""
    from ekspertrapport.lint.morphology import variants

    out: dict[str, str] = {}
    for form, lemma in forms.items():
        for v in variants(form):
            out.setdefault(v, lemma)
        if form.endswith("ene"):
            out.setdefault(form[:-3] + "ane", lemma)
        elif form.endswith("er"):
            out.setdefault(form[:-2] + "ar", lemma)
    return {f: l for f, l in out.items() if f not in forms}


def norne_words(directory: Path) -> dict[str, str]:
    """Lower-case words of the NorNE *dev* texts (bokmål and nynorsk), each its own group."""
    import re

    out: dict[str, str] = {}
    for path in sorted(directory.glob("*-dev.conllu")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# text = "):
                for w in re.findall(r"\w+", line[9:]):
                    if w.islower():
                        out.setdefault(w, w)
    return out


def label_words(lexicon, forms: dict[str, str]) -> tuple[list[str], list[int], list[str]]:
    """(words, class ids, groups): the group is the lemma, so held-out words share no lemma with training."""
    lexicon.use_fuzzy = False
    lexicon._cache.clear()
    words: dict[str, tuple[int, str]] = {}
    try:
        for form, lemma in forms.items():
            if not form.isalpha() or len(form) < 4:
                continue
            hit = lexicon.lookup(form)
            label = CLASS_ID.get(hit.tag, 0) if hit is not None else 0
            words[form] = (label, lemma)
        for word, hit in lexicon.words.items():
            if word.isalpha() and len(word) >= 4 and hit.tag in CLASS_ID:
                words[word] = (CLASS_ID[hit.tag], words.get(word, (0, word))[1])
        for word in lexicon.exceptions:
            if word.isalpha() and len(word) >= 4 and word not in lexicon.words:
                words[word] = (0, forms.get(word, word))
    finally:
        lexicon.use_fuzzy = True
        lexicon._cache.clear()
    ordered = sorted(words)
    return ordered, [words[w][0] for w in ordered], [words[w][1] for w in ordered]


def encode(words: list[str], vocab: dict[str, int] | None = None):
    """Flat n-gram ids and per-word offsets; builds the vocabulary when none is given."""
    building = vocab is None
    vocab = {} if vocab is None else vocab
    ids: list[int] = []
    offsets = [0]
    for w in words:
        for f in features(w):
            i = vocab.get(f)
            if i is None:
                if not building:
                    continue
                i = vocab[f] = len(vocab)
            ids.append(i)
        offsets.append(len(ids))
    return numpy.array(ids, dtype=numpy.int64), numpy.array(offsets, dtype=numpy.int64), vocab


def scores(weights, bias, ids, offsets):
    """Raw class scores for encoded words (a word without known n-grams gets the bias)."""
    out = numpy.tile(bias, (len(offsets) - 1, 1))
    counts = numpy.diff(offsets)
    nonempty = counts > 0
    if ids.size:
        sums = numpy.add.reduceat(weights[ids], offsets[:-1][nonempty], axis=0)
        out[nonempty] += sums
    return out


def softmax(x):
    x = x - x.max(axis=1, keepdims=True)
    e = numpy.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def train(ids, offsets, labels, n_feats, *, epochs: int, lr: float, l2: float, pos_weight: float, seed: int):
    """Softmax regression with Adam over minibatches; returns (weights, bias)."""
    rng = numpy.random.default_rng(seed)
    n_classes = len(CLASSES)
    w = numpy.zeros((n_feats, n_classes), dtype=numpy.float32)
    b = numpy.zeros(n_classes, dtype=numpy.float32)
    m_w, v_w = numpy.zeros_like(w), numpy.zeros_like(w)
    m_b, v_b = numpy.zeros_like(b), numpy.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    sample_weight = numpy.where(labels > 0, pos_weight, 1.0).astype(numpy.float32)
    onehot = numpy.eye(n_classes, dtype=numpy.float32)[labels]
    n = len(labels)
    step = 0
    for epoch in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, 4096):
            batch = order[start : start + 4096]
            b_offsets = [0]
            b_ids = []
            for j in batch:
                seg = ids[offsets[j] : offsets[j + 1]]
                b_ids.append(seg)
                b_offsets.append(b_offsets[-1] + len(seg))
            flat = numpy.concatenate(b_ids)
            b_off = numpy.array(b_offsets)
            probs = softmax(scores(w, b, flat, b_off))
            sw = sample_weight[batch][:, None]
            total += float(-(numpy.log(probs + 1e-9) * onehot[batch] * sw).sum())
            grad_out = (probs - onehot[batch]) * sw / sw.sum()
            g_w = numpy.zeros_like(w)
            numpy.add.at(g_w, flat, numpy.repeat(grad_out, numpy.diff(b_off), axis=0))
            g_w += l2 * w
            g_b = grad_out.sum(axis=0)
            step += 1
            for param, grad, m, v in ((w, g_w, m_w, v_w), (b, g_b, m_b, v_b)):
                m *= beta1
                m += (1 - beta1) * grad
                v *= beta2
                v += (1 - beta2) * grad * grad
                m_hat = m / (1 - beta1**step)
                v_hat = v / (1 - beta2**step)
                param -= lr * m_hat / (numpy.sqrt(v_hat) + eps)
        print(f"  epoch {epoch + 1}: weighted loss {total / sample_weight.sum():.4f}", file=sys.stderr)
    return w, b


def report(name: str, health_prob, is_health, thresholds=(0.5, 0.7, 0.9, 0.95)) -> None:
    print(f"{name}: {int(is_health.sum())} health words of {len(is_health)}")
    print(f"  {'threshold':>9} {'P':>6} {'R':>6} {'flagged':>8}")
    for t in thresholds:
        flagged = health_prob >= t
        tp = int((flagged & is_health).sum())
        p = tp / flagged.sum() if flagged.sum() else float("nan")
        r = tp / is_health.sum() if is_health.sum() else float("nan")
        print(f"  {t:9.2f} {p:6.3f} {r:6.3f} {int(flagged.sum()):8d}")


def health_probability(weights, bias, vocab, words: list[str]):
    ids, offsets, _ = encode(words, vocab)
    return 1.0 - softmax(scores(weights, bias, ids, offsets))[:, 0]


def measure_codes(path: Path, lexicon) -> None:
    """Share of single-word ICD-10 three-character titles the lexicon flags (a measurement only)."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    titles = {e["text"].strip().lower() for e in entries if len(e["code"]) == 3}
    single = sorted(t for t in titles if t.isalpha() and len(t) >= MIN_LENGTH)
    lexicon._cache.clear()
    flagged = sum(1 for t in single if lexicon.lookup(t) is not None)
    print(f"ICD-10 single-word three-character titles flagged by the lexicon: {flagged}/{len(single)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    ap.add_argument("--out", type=Path, required=True, help="where to write the ranked candidates")
    ap.add_argument("--top", type=int, default=3000)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--l2", type=float, default=1e-5)
    ap.add_argument("--pos-weight", type=float, default=4.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--codes", type=Path, help="ICD10.json to measure with (never trained on)")
    ap.add_argument("--norne", type=Path, default=DEFAULT_NORNE,
                    help="NorNE folder: the words of its dev texts are added as negatives (read, never copied)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    lexicon = health_lexicon()
    base = word_list()  # read once: decompressing the 577 000-form table takes a second or two
    forms = dict(base)
    forms.update(nynorsk_forms(forms))
    if args.norne and args.norne.is_dir():
        forms.update({w: l for w, l in norne_words(args.norne).items() if w not in forms})
    words, labels, groups = label_words(lexicon, forms)
    labels_arr = numpy.array(labels)
    held = numpy.array([zlib.crc32(g.encode()) % 10 == 0 for g in groups])
    train_words = [w for w, h in zip(words, held) if not h]
    test_words = [w for w, h in zip(words, held) if h]
    print(f"{len(words)} words ({int((labels_arr > 0).sum())} health), {len(train_words)} train, "
          f"{len(test_words)} held out (one lemma in ten)", file=sys.stderr)
    ids, offsets, vocab = encode(train_words)
    weights, bias = train(ids, offsets, labels_arr[~held], len(vocab), epochs=args.epochs, lr=args.lr,
                          l2=args.l2, pos_weight=args.pos_weight, seed=args.seed)
    report("held-out words", health_probability(weights, bias, vocab, test_words), labels_arr[held] > 0)

    lexicon.use_fuzzy = False
    lexicon._cache.clear()
    lemmas = sorted({l for l in base.values() if l.isalpha() and len(l) >= 5})
    unknown = [l for l in lemmas if lexicon.lookup(l) is None]
    ranked = sorted(zip(health_probability(weights, bias, vocab, unknown), unknown), reverse=True)[: args.top]
    args.out.write_text("".join(f"{w}\n" for _, w in ranked), encoding="utf-8")
    print(f"wrote the {len(ranked)} highest-ranked of {len(unknown)} unflagged lemmas to {args.out} "
          f"in {time.perf_counter() - t0:.0f} s")
    if args.codes:
        lexicon.use_fuzzy = True
        measure_codes(args.codes, lexicon)
    return 0


if __name__ == "__main__":
    sys.exit(main())
