"""Train the person-name model shipped in ``ekspertrapport/models/navn/``.

The model is a spaCy ``ner`` component on top of ``spacy.blank("nb")``: a narrow hash-embedding CNN
(no pretrained vectors, nothing downloaded) feeding the transition-based entity recogniser. Its label
is ``PER``, plus a helper label ``ANNET`` for every other kind of name (places, organisations, ...),
which teaches it what a capitalised non-person looks like. Training data are augmented with
name-swapped copies (our own name lists) and our own report-like sentences
(``models/data/rapportsetninger.txt``). It is trained on the NorNE annotations of the UD Norwegian Bokmål and Nynorsk
*dev* files and evaluated on the *test* files; the data is read from ``../shared/data/norne`` and is
never copied into the repository. Only the trained weights are written.

Reproduce (about 1.5 minutes on one core; the defaults are the shipped model's settings)::

    OMP_NUM_THREADS=1 python -m ekspertrapport.models.train_names \
        --norne ../shared/data/norne --out ekspertrapport/models/navn

The script prints precision/recall/F1 on the bokmål and nynorsk test files, both for the model run
over whole sentences and for the way the linter runs it (short windows around candidate tokens, see
``ekspertrapport.lint.recognizers.person``), and the size of the saved model.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_NORNE = REPO_ROOT.parent / "shared" / "data" / "norne"
DEFAULT_OUT = Path(__file__).resolve().parent / "navn"
REPORT_SENTENCES = Path(__file__).resolve().parent / "data" / "rapportsetninger.txt"

FILES = {
    "bokmål": ("no_bokmaal-ud-dev.conllu", "no_bokmaal-ud-test.conllu"),
    "nynorsk": ("no_nynorsk-ud-dev.conllu", "no_nynorsk-ud-test.conllu"),
}


@dataclass(frozen=True)
class Sentence:
    """One NorNE sentence: its text and the character spans of its PER entities."""

    text: str
    persons: tuple[tuple[int, int], ...]
    others: tuple[tuple[int, int], ...] = ()  # non-person names (ORG, LOC, GPE, PROD, ...)


def read_conllu(path: Path) -> list[Sentence]:
    """Read a NorNE CoNLL-U file; the text is rebuilt from the tokens and ``SpaceAfter=No``."""
    sentences: list[Sentence] = []
    parts: list[str] = []
    spans: dict[str, list[tuple[int, int]]] = {"PER": [], "other": []}
    offset = 0
    open_kind: str | None = None
    open_start = open_end = 0

    def close() -> None:
        nonlocal open_kind
        if open_kind is not None:
            spans[open_kind].append((open_start, open_end))
            open_kind = None

    def flush() -> None:
        close()
        if parts:
            sentences.append(Sentence("".join(parts).rstrip(), tuple(spans["PER"]), tuple(spans["other"])))

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                flush()
                parts, spans, offset = [], {"PER": [], "other": []}, 0
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:  # multiword ranges / empty nodes
                continue
            form, misc = cols[1], cols[9]
            feats = dict(f.split("=", 1) for f in misc.split("|") if "=" in f)
            tag = feats.get("name", "O")
            start, end = offset, offset + len(form)
            kind = None if tag == "O" else ("PER" if tag[2:] == "PER" else "other")
            if kind is None or tag.startswith("B-") or kind != open_kind:
                close()
                if kind is not None:
                    open_kind, open_start = kind, start
            if open_kind is not None:
                open_end = end
            space = "" if feats.get("SpaceAfter") == "No" else " "
            parts.append(form + space)
            offset = end + len(space)
    flush()
    return sentences


def read_name_list(name: str) -> list[str]:
    """Our own given-name / surname lists (``lint/lexicons/person``), used for augmentation."""
    from importlib.resources import files

    text = files("ekspertrapport.lint.lexicons").joinpath("person").joinpath(name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def read_report_sentences(path: Path, rng: random.Random, given: list[str], family: list[str],
                          fills: int) -> list[Sentence]:
    """Fill the slots of our own report-like sentences (``models/data/rapportsetninger.txt``)."""
    out: list[Sentence] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for _ in range(fills if "{" in line else 1):
            text, persons, pos = "", [], 0
            for m in re.finditer(r"\{([FEN])\}", line):
                text += line[pos:m.start()]
                slot = m.group(1)
                name = {"F": lambda: rng.choice(given), "E": lambda: rng.choice(family),
                        "N": lambda: f"{rng.choice(given)} {rng.choice(family)}"}[slot]()
                persons.append((len(text), len(text) + len(name)))
                text += name
                pos = m.end()
            text += line[pos:]
            out.append(Sentence(text, tuple(persons)))
    return out


def swap_names(s: Sentence, rng: random.Random, given: list[str], family: list[str],
               seen: list[str]) -> Sentence:
    """A copy of ``s`` with every person name replaced by another plausible name.

    This keeps the model from memorising the (few) names in the training data and makes it rely on
    context and word shape. A genitive ``-s`` on the original name is kept.
    """
    out: list[str] = []
    persons: list[tuple[int, int]] = []
    shift: list[tuple[int, int]] = []  # (original offset, change in length) for the other names
    pos = 0
    for a, b in s.persons:
        original = s.text[a:b]
        n_tokens = len(original.split())
        if rng.random() < 0.3 and seen:
            name = rng.choice(seen)
        elif n_tokens == 1:
            name = rng.choice(given) if rng.random() < 0.7 else rng.choice(family)
        else:
            middle = [rng.choice(given if rng.random() < 0.5 else family) for _ in range(n_tokens - 2)]
            name = " ".join([rng.choice(given), *middle, rng.choice(family)])
        if original.endswith("s") and not name.endswith("s") and rng.random() < 0.5:
            name += "s"
        out.append(s.text[pos:a])
        start = sum(map(len, out))
        out.append(name)
        persons.append((start, start + len(name)))
        shift.append((b, len(name) - (b - a)))
        pos = b
    out.append(s.text[pos:])

    def moved(i: int) -> int:
        return i + sum(d for at, d in shift if at <= i)

    others = tuple((moved(a), moved(b)) for a, b in s.others)
    return Sentence("".join(out), tuple(persons), others)


AUX_LABEL = "ANNET"  # optional helper label: any other proper name (ORG, LOC, GPE, PROD, ...)


def build_nlp(width: int, depth: int, embed_size: int, hidden: int, aux: bool | None):
    """A blank Norwegian pipeline with one untrained ``ner`` component (labels PER [+ ANNET];
    none when ``aux`` is None, for loading trained weights into it)."""
    import spacy

    nlp = spacy.blank("nb")
    config = {
        "model": {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "ner",
            "extra_state_tokens": False,
            "hidden_width": hidden,
            "maxout_pieces": 2,
            "use_upper": True,
            "tok2vec": {
                "@architectures": "spacy.HashEmbedCNN.v2",
                "pretrained_vectors": None,
                "width": width,
                "depth": depth,
                "embed_size": embed_size,
                "window_size": 1,
                "maxout_pieces": 3,
                "subword_features": True,
            },
        }
    }
    ner = nlp.add_pipe("ner", config=config)
    if aux is not None:
        ner.add_label("PER")
    if aux:
        ner.add_label(AUX_LABEL)
    return nlp


def to_examples(nlp, sentences: list[Sentence], aux: bool):
    from spacy.training import Example

    examples = []
    for s in sentences:
        doc = nlp.make_doc(s.text)
        ents = [(a, b, "PER") for a, b in s.persons]
        if aux:
            ents += [(a, b, AUX_LABEL) for a, b in s.others]
        examples.append(Example.from_dict(doc, {"entities": ents}))
    return examples


def prf(gold: set, pred: set) -> tuple[float, float, float]:
    tp = len(gold & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate_full(nlp, sentences: list[Sentence]) -> tuple[float, float, float]:
    """Exact-span PER scores with the model run over each whole sentence."""
    gold, pred = set(), set()
    for i, (s, doc) in enumerate(zip(sentences, nlp.pipe(s.text for s in sentences))):
        gold.update((i, a, b) for a, b in s.persons)
        pred.update((i, e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER")
    return prf(gold, pred)


def evaluate_windows(sentences: list[Sentence], model_dir: Path) -> tuple[float, float, float]:
    """Exact-span PER scores the way the linter runs the model (candidate windows, filters)."""
    from ekspertrapport.lint.recognizers.person import PersonNameFinder

    finder = PersonNameFinder(model_dir)
    gold, pred = set(), set()
    for i, s in enumerate(sentences):
        gold.update((i, a, b) for a, b in s.persons)
        pred.update((i, h.start, h.end) for h in finder.find(s.text))
    return prf(gold, pred)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--norne", type=Path, default=DEFAULT_NORNE, help="folder with the NorNE .conllu files")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the trained pipeline")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--patience", type=int, default=6, help="stop after this many epochs without gain")
    ap.add_argument("--width", type=int, default=32)
    ap.add_argument("--depth", type=int, default=2)
    ap.add_argument("--embed-size", type=int, default=3000)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--learn-rate", type=float, default=0.001)
    ap.add_argument("--heldout", type=float, default=0.1,
                    help="share at the end of each dev file (contiguous, so other documents) to pick the epoch")
    ap.add_argument("--aux", action=argparse.BooleanOptionalAction, default=True,
                    help=f"also learn other proper names as {AUX_LABEL} (at run time it only vetoes the name list)")
    ap.add_argument("--report-fills", type=int, default=4,
                    help="filled copies of each of our report-like sentences (0: leave them out)")
    ap.add_argument("--augment", type=int, default=2,
                    help="name-swapped copies of each training sentence with a person in it")
    args = ap.parse_args(argv)

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import spacy
    from spacy.util import fix_random_seed, minibatch, compounding

    missing = [n for pair in FILES.values() for n in pair if not (args.norne / n).is_file()]
    if missing:
        print(f"Fant ikke NorNE-filene {missing} i {args.norne}", file=sys.stderr)
        return 2

    fix_random_seed(args.seed)
    rng = random.Random(args.seed)
    train: list[Sentence] = []
    held: list[Sentence] = []
    test: dict[str, list[Sentence]] = {}
    for variety, (dev_name, test_name) in FILES.items():
        dev = read_conllu(args.norne / dev_name)
        cut = len(dev) - int(len(dev) * args.heldout)
        train += dev[:cut]
        held += dev[cut:]
        test[variety] = read_conllu(args.norne / test_name)
    given, family = read_name_list("fornavn.txt"), read_name_list("etternavn.txt")
    seen = sorted({s.text[a:b] for s in train for a, b in s.persons})
    with_person = [s for s in train for _ in range(args.augment) if s.persons]
    train = train + [swap_names(s, rng, given, family, seen) for s in with_person]
    if args.report_fills:
        train += read_report_sentences(REPORT_SENTENCES, rng, given, family, args.report_fills)
    print(f"train {len(train)} sentences / {sum(len(s.persons) for s in train)} PER; "
          f"held-out {len(held)} / {sum(len(s.persons) for s in held)} PER")

    nlp = build_nlp(args.width, args.depth, args.embed_size, args.hidden, args.aux)
    train_ex = to_examples(nlp, train, args.aux)
    from thinc.api import Adam

    optimizer = Adam(learn_rate=args.learn_rate, L2=0.01, L2_is_weight_decay=True, grad_clip=1.0,
                     use_averages=True)
    nlp.initialize(lambda: train_ex, sgd=optimizer)
    best_f, best_epoch, best_bytes = -1.0, 0, None
    t0 = time.time()
    for epoch in range(1, args.epochs + 1):
        rng.shuffle(train_ex)
        losses: dict[str, float] = {}
        for batch in minibatch(train_ex, size=compounding(8.0, 32.0, 1.001)):
            nlp.update(batch, drop=args.dropout, sgd=optimizer, losses=losses)
        # evaluate and keep the running average of the weights (steadier than the last step's)
        with nlp.use_params(optimizer.averages):
            p, r, f = evaluate_full(nlp, held)
            mark = ""
            if f > best_f:
                best_f, best_epoch, best_bytes, mark = f, epoch, nlp.to_bytes(), " *"
        print(f"epoch {epoch:2d} loss {losses.get('ner', 0):8.1f}  held-out P {p:.3f} R {r:.3f} "
              f"F1 {f:.3f}  {time.time() - t0:5.0f}s{mark}", flush=True)
        if epoch - best_epoch >= args.patience:
            break

    nlp.from_bytes(best_bytes)
    # Ship the weights only: a fresh pipeline whose string store holds no words from the training
    # texts (spaCy would otherwise save every token it saw in vocab/strings.json).
    trained = nlp
    nlp = build_nlp(args.width, args.depth, args.embed_size, args.hidden, None)
    nlp.get_pipe("ner").from_bytes(trained.get_pipe("ner").to_bytes(exclude=["vocab"]), exclude=["vocab"])
    nlp.meta.update({
        "name": "navn", "version": "1.0.0", "lang": "nb",
        "description": "Personnavn (PER) for ekspertrapport, trent på NorNE dev (bokmål+nynorsk).",
        "license": "MIT (vekter); treningsdata NorNE CC0",
    })
    if args.out.exists():
        shutil.rmtree(args.out)
    nlp.to_disk(args.out)
    print(f"best epoch {best_epoch}; saved {args.out} ({dir_size(args.out) / 1e6:.2f} MB)")

    loaded = spacy.load(args.out)
    performance: dict[str, float] = {}
    for variety, sents in test.items():
        p, r, f = evaluate_full(loaded, sents)
        n = sum(len(s.persons) for s in sents)
        print(f"test {variety:8s} ({n} PER) whole sentences:  P {p:.3f} R {r:.3f} F1 {f:.3f}")
        try:
            p, r, f = evaluate_windows(sents, args.out)
        except ImportError as exc:  # the recognizer is not importable in this checkout
            print(f"(linter windows not evaluated: {exc})")
            continue
        print(f"test {variety:8s} ({n} PER) linter windows:   P {p:.3f} R {r:.3f} F1 {f:.3f}")
        key = "nb" if variety == "bokmål" else "nn"
        performance.update({f"norne_test_{key}_p": round(p, 3), f"norne_test_{key}_r": round(r, 3),
                            f"norne_test_{key}_f": round(f, 3)})
    meta_path = args.out / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["performance"] = performance
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"model size {dir_size(args.out) / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
