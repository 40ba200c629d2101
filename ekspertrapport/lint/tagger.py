"""A trained token tagger for health descriptions that the lexicons and patterns do not know.

The lexicons find named conditions, medicines and the common ways of saying a symptom; what they miss
on text written by others is mostly a person's own description of a bodily or mental state ("knokene er
hovne og røde", "det piper når hun puster"). This tagger is a logistic regression over sparse features
of a word, its two neighbours on each side and the words of its sentence (word forms, endings, stems,
the lexicon classes the word belongs to — body part, sensation, … — and its lexicon hit if any). It is
trained on the project's labelled sentences by ``ekspertrapport/models/train_health.py``; the weights
are ``ekspertrapport/models/helse/weights.json.gz``.

Scoring is cheap because the model is linear: a token's score is the sum of what each word contributes
in the role it has (the token itself, the first or second word to its left or right, a word of its
sentence), so each distinct word's six contributions are computed once from the weights and cached, and
a text is scored with a few look-ups per token.

:meth:`HealthTagger.spans` returns runs of tokens whose probability reaches the model's threshold,
with the highest probability in each run; the health recognizer reports those that no lexicon hit or
pattern match overlaps, whether the lexicon's context rules kept or rejected it (``health.description``).
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from collections.abc import Callable, Iterable
from importlib import resources
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np

from ..errors import EkspertrapportError
from .morphology import TokenList, stems, where

#: How many words on each side of a token are features of it.
CONTEXT = 2
#: The roles a word plays for the token being scored ("l2": second word to its left), the distance of
#: each neighbour role (positive: to the left), and the feature templates used in each role.
ROLES: tuple[str, ...] = ("w", *(f"{side}{k}" for k in range(1, CONTEXT + 1) for side in "lr"), "s")
SHIFTS: dict[str, int] = {f"{side}{k}": (k if side == "l" else -k) for k in range(1, CONTEXT + 1) for side in "lr"}
_ROLE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "w": ("w", "s3", "s4", "s5", "p4", "st", "c", "lex", "sh"),
    **{role: ("w", "s4", "st", "c", "lex") if abs(shift) == 1 else ("w", "c", "lex") for role, shift in SHIFTS.items()},
    "s": ("w", "c", "lex"),
}
_ZERO = (0.0,) * len(ROLES)
BOS, EOS = "<s>", "</s>"
#: Tokens that end a sentence for the tagger (besides a line break between two tokens).
SENTENCE_ENDS = frozenset({".", "!", "?"})
_CACHE_MAX = 50_000  # distinct words whose contributions are remembered
_START = itemgetter(0)
_NEWLINE = re.compile("\n")

WordInfo = Callable[[str], tuple[tuple[str, ...], str | None]]  # lower → (classes, lexicon tag)


def _templates() -> frozenset[str]:
    return frozenset(t for templates in _ROLE_TEMPLATES.values() for t in templates)


def _shape(word: str) -> str:
    if word in (BOS, EOS):
        return word
    if word.isdigit():
        return "d"
    if word.isalpha():
        return "a"
    return "p" if len(word) == 1 else "m"


def base_features(word: str, classes: Iterable[str], lexicon_tag: str | None) -> dict[str, list[str]]:
    """The features of a lower-cased word by template (before the role prefix)."""
    feats: dict[str, list[str]] = {"w": [word], "sh": [_shape(word)]}
    if word not in (BOS, EOS) and word[:1].isalpha():
        if len(word) > 4:
            feats["s3"], feats["s4"], feats["p4"] = [word[-3:]], [word[-4:]], [word[:4]]
        if len(word) > 6:
            feats["s5"] = [word[-5:]]
        stem = min((s for s in stems(word) if len(s) >= 3), key=len, default=word)
        feats["st"] = [stem]
    feats["c"] = sorted(classes)
    if lexicon_tag:
        feats["lex"] = [lexicon_tag]
    return feats


def role_features(word: str, classes: Iterable[str], lexicon_tag: str | None) -> dict[str, list[str]]:
    """The feature strings of a word in each role ("r1|c=kropp": the next word is a body part)."""
    base = base_features(word, classes, lexicon_tag)
    return {role: [f"{role}|{t}={v}" for t in _ROLE_TEMPLATES[role] for v in base.get(t, ())] for role in ROLES}


def sentence_ids(text: str, tokens: TokenList) -> np.ndarray:
    """The sentence number of each token: a new sentence after ".", "!", "?" or a line break."""
    n = len(tokens)
    new = np.zeros(n, dtype=np.intp)
    ends = np.fromiter(where(map(SENTENCE_ENDS.__contains__, tokens.lowers)), dtype=np.intp)
    new[ends[ends + 1 < n] + 1] = 1
    if "\n" in text:
        starts = np.fromiter(map(_START, tokens), dtype=np.intp, count=n)
        breaks = np.fromiter((m.start() for m in _NEWLINE.finditer(text)), dtype=np.intp)
        after = np.searchsorted(starts, breaks)  # the first token after each line break
        new[after[(after > 0) & (after < n)]] = 1
    return np.cumsum(new)


def _neighbour(values: np.ndarray, sids: np.ndarray, shift: int, edge: float) -> np.ndarray:
    """``values`` of the token ``shift`` places to the left (> 0) or right (< 0) of each token, or
    ``edge`` where that token is in another sentence or outside the text."""
    out = np.full(len(values), edge)
    k = abs(shift)
    if k < len(values):
        if shift > 0:
            same = sids[k:] == sids[:-k]
            out[k:][same] = values[:-k][same]
        else:
            same = sids[:-k] == sids[k:]
            out[:-k][same] = values[k:][same]
    return out


class TaggedSpan(NamedTuple):
    first: int  # token index
    last: int  # token index (inclusive)
    probability: float


class HealthTagger:
    """The trained health tagger (see the module docstring)."""

    def __init__(self, weights: dict[str, float], bias: float, threshold: float, word_info: WordInfo,
                 extend: float | None = None):
        self._tables = _tables(weights)  # the flat weights are not kept: the tables hold them
        self.bias = bias
        self.threshold = threshold
        self.extend = threshold if extend is None else extend
        self.word_info = word_info
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        # Each known word has a row in the table: its contributions in the six roles.
        self._ids: dict[str, int] = {}
        self._table = np.zeros((1024, len(ROLES)))
        self._bos = np.asarray(self.contributions(BOS))
        self._eos = np.asarray(self.contributions(EOS))

    @classmethod
    def from_file(cls, path: Any, word_info: WordInfo) -> HealthTagger:
        """The tagger saved at ``path`` (see :func:`read_model`)."""
        data = read_model(path)
        return cls(data["weights"], data["bias"], data["threshold"], word_info, data.get("extend"))

    def contributions(self, word: str) -> tuple[float, ...]:
        """What ``word`` adds to a token's score in each role of :data:`ROLES`: the sum of the weights
        of its features, looked up by template and value (no feature strings are built)."""
        classes, tag = ((), None) if word in (BOS, EOS) else self.word_info(word)
        tables = self._tables
        rows = [row for t, values in base_features(word, classes, tag).items() if t in tables
                for row in map(tables[t].get, values) if row is not None]
        return tuple(map(sum, zip(*rows))) if rows else _ZERO

    def _rows(self, words: list[str]) -> tuple[np.ndarray, int]:
        """The table rows of ``words`` (a new word gets one) and the number of rows in use. Called
        under ``self._lock``, so that threads linting at once never share or lose a row."""
        if len(self._ids) + len(words) > _CACHE_MAX:
            self._reset()
        ids = self._ids
        found = list(map(ids.get, words))
        if None in found:
            table = self._table
            for k in where(x is None for x in found):
                word = words[k]
                row = ids.get(word)
                if row is None:
                    row = len(ids)
                    if row >= len(table):
                        table = self._table = np.concatenate([table, np.zeros_like(table)])
                    table[row] = self.contributions(word)
                    ids[word] = row
                found[k] = row
        return np.fromiter(found, dtype=np.intp, count=len(found)), len(ids)

    def probabilities(self, text: str, tokens: TokenList) -> np.ndarray:
        """The probability that each token belongs to a health description."""
        n = len(tokens)
        if not n:
            return np.zeros(0)
        with self._lock:
            ids, known = self._rows(tokens.lowers)
            c = self._table[ids]  # (n, 6), a copy
        sids = sentence_ids(text, tokens)
        z = c[:, 0] + self.bias
        for j, role in enumerate(ROLES[1:-1], start=1):
            shift = SHIFTS[role]
            z += _neighbour(c[:, j], sids, shift, (self._bos if shift > 0 else self._eos)[j])
        # each distinct word of a sentence adds its sentence contribution once
        pairs = np.unique(sids * (known + 1) + ids, return_index=True)[1]
        sentence = np.bincount(sids[pairs], weights=c[pairs, -1], minlength=int(sids[-1]) + 1)
        z += sentence[sids]
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))

    def spans(self, text: str, tokens: TokenList, threshold: float | None = None,
              extend: float | None = None) -> list[TaggedSpan]:
        """Runs of word tokens around each token at or above ``threshold``, extended over neighbouring
        word tokens at or above ``extend`` (the model's own values unless given)."""
        limit = self.threshold if threshold is None else threshold
        low = min(limit, self.extend if extend is None else extend)
        probs = self.probabilities(text, tokens)
        lowers = tokens.lowers
        spans: list[TaggedSpan] = []
        n = len(probs)

        def word(k: int) -> bool:
            return lowers[k][:1].isalnum()

        for k in np.flatnonzero(probs >= limit).tolist():  # few tokens: the rest in Python
            if not word(k) or (spans and k <= spans[-1].last):
                continue
            first = last = k
            floor = spans[-1].last + 1 if spans else 0
            while first > floor and probs[first - 1] >= low and word(first - 1):
                first -= 1
            while last + 1 < n and probs[last + 1] >= low and word(last + 1):
                last += 1
            spans.append(TaggedSpan(first, last, float(probs[first : last + 1].max())))
        return spans


def lexicon_fingerprint() -> str:
    """SHA-256 over the health lexicon files (names and contents): the word features depend on them,
    so the shipped model records the fingerprint it was trained with (a test compares them)."""
    import hashlib

    digest = hashlib.sha256()
    root = resources.files("ekspertrapport.lint.lexicons").joinpath("health")
    for name in sorted(p.name for p in root.iterdir() if p.name.endswith(".txt")):
        digest.update(name.encode() + b"\0" + root.joinpath(name).read_bytes() + b"\0")
    return digest.hexdigest()


def _tables(weights: dict[str, float]) -> dict[str, dict[str, tuple[float, ...]]]:
    """The weights by template and value: ``{"c": {"kropp": (w, l1, r1, l2, r2, s)}}``."""
    rows: dict[str, dict[str, list[float]]] = {t: {} for t in _templates()}
    position = {role: k for k, role in enumerate(ROLES)}
    for feature, weight in weights.items():
        role, _, rest = feature.partition("|")
        template, _, value = rest.partition("=")
        if role in position and template in rows:
            rows[template].setdefault(value, [0.0] * len(ROLES))[position[role]] = weight
    return {t: {v: tuple(r) for v, r in values.items()} for t, values in rows.items()}


def model_path() -> Any:
    """The shipped weights (``ekspertrapport/models/helse/weights.json.gz``)."""
    return resources.files("ekspertrapport.models").joinpath("helse", "weights.json.gz")


def read_model(path: Any) -> dict:
    """The model file's contents; a missing or broken file is a Norwegian error, never a download."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        data["bias"], data["threshold"] = float(data["bias"]), float(data["threshold"])
        if not isinstance(data["weights"], dict):
            raise TypeError("weights er ikke en tabell")
        if data.get("context", CONTEXT) != CONTEXT:
            raise ValueError(f"modellen bruker {data['context']} ord på hver side, koden {CONTEXT}")
        return data
    except FileNotFoundError as exc:
        raise EkspertrapportError(
            f"Den trente helsemodellen mangler ({path}). Installer pakken på nytt, eller tren den med "
            "«python -m ekspertrapport.models.train_health»."
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EkspertrapportError(f"Den trente helsemodellen kunne ikke leses ({path}): {exc}.") from exc
