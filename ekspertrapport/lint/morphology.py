"""Norwegian morphology for the lexicon recognizers: tokens, stems, compounds, misspellings, phrases.

Everything here is built once from the data files in ``lexicons/`` and then works with dict/set
lookups per token, so a 2 000-word report costs a few thousand hash lookups:

* :func:`tokenize` — a regex tokenizer that keeps hyphenated compounds ("MR-undersøkelsen") together.
* :func:`stems` — candidate base forms of a word: the word with bokmål and nynorsk noun, verb and
  adjective endings removed (and an "-e" put back: "smertene" → "smert", "smerte").
* :class:`Lexicon` — single-word entries with inflection, bokmål→nynorsk transforms, case-sensitive
  acronyms, prefix entries and edit-distance-1 tolerance for long entries (deletion index, as in
  SymSpell), plus compound analysis: modifier + linking -s-/-e- + head ("hofte|plagene",
  "angst|problematikken", "rygg|skade").
* :class:`PhraseMatcher` — multi-word patterns over tokens, indexed by their first token.

Pattern syntax (one pattern per line in ``phrases.txt`` files, tokens separated by spaces)::

    word        the token, lower-cased, exactly          a|b|c     alternatives
    word*       a token starting with "word"              ~word     a token with "word" among its stems
    @class      a token whose stems are in class_<class>.txt of the same lexicon group (may be an
                alternative too: "psyken|@kropp")
    _           any word token                            spec?     the token is optional
    !a|b        (zero-width) the next token is none of these
"""

from __future__ import annotations

import functools
import re
from itertools import accumulate, compress, count, repeat
from operator import is_, itemgetter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from typing import NamedTuple

# -- tokens -------------------------------------------------------------------------------------

TOKEN_RE = re.compile(r"\w+(?:[-.’'\u00ad]\w+)*|[^\w\s\u00ad]", re.UNICODE)  # \u00ad: soft hyphen
#: TOKEN_RE as one group: ``split`` gives [gap, token, gap, token, ..., gap] (only whitespace and soft
#: hyphens are ever skipped), so the offsets are the running sum of the parts' lengths.
_SPLIT_RE = re.compile(f"({TOKEN_RE.pattern})", re.UNICODE)


class Token(NamedTuple):
    start: int
    end: int
    text: str
    lower: str


class TokenList(list):
    """The tokens of a text (a ``list[Token]``), with their texts and lower-cased forms as plain lists too:
    the recognizers look words up in bulk (``map`` over a list) instead of token by token."""

    __slots__ = ("texts", "lowers")

    def __init__(self, tokens: Iterable[Token] = (), texts: list[str] | None = None, lowers: list[str] | None = None):
        super().__init__(tokens)
        self.texts: list[str] = [t.text for t in self] if texts is None else texts
        self.lowers: list[str] = [t.lower for t in self] if lowers is None else lowers


def token_texts(tokens: list[Token]) -> list[str]:
    """The texts of the tokens (a :class:`TokenList` has them already)."""
    texts = getattr(tokens, "texts", None)
    return [t.text for t in tokens] if texts is None else texts


def token_lowers(tokens: list[Token]) -> list[str]:
    """The lower-cased forms of the tokens (a :class:`TokenList` has them already)."""
    lowers = getattr(tokens, "lowers", None)
    return [t.lower for t in tokens] if lowers is None else lowers


def where(flags: Iterable[object]) -> Iterator[int]:
    """The indices of the true flags: ``where(map(WORDS.__contains__, lowers))`` finds the tokens of a
    text that are in WORDS without a Python step per token (the recognizers' scans look for rare words)."""
    return compress(count(), flags)


_FIRST = itemgetter(slice(0, 1))


def capitalised(tokens: list[Token]) -> Iterator[int]:
    """The indices of the tokens that begin with an upper-case letter (``text[:1].isupper()``)."""
    return where(map(str.isupper, map(_FIRST, token_texts(tokens))))


_last: tuple[str, TokenList] = ("", TokenList())  # the last call: the three recognizers share one tokenization


def tokenize(text: str) -> TokenList:
    """The tokens of ``text``: runs of word characters (joined by ``-``, ``.``, apostrophes or soft
    hyphens: "MR-undersøkelsen", "f.eks") and single other characters; whitespace is skipped.

    Built without a Python step per token: ``re.split`` gives the tokens and the gaps between them,
    ``itertools.accumulate`` their offsets, ``str.lower`` the lower-cased forms — the same tokens as
    ``TOKEN_RE.finditer`` (≈ 0.4 ms instead of ≈ 1.8 ms per 2 000 words).
    """
    global _last
    last = _last  # one read of an immutable pair: safe when several threads lint at once
    if last[0] == text and text:
        return last[1]
    parts = _SPLIT_RE.split(text)
    bounds = list(accumulate(map(len, parts)))  # bounds[k]: where parts[k] ends
    texts = parts[1::2]
    lowers = list(map(str.lower, texts))
    # tuple.__new__ in C: NamedTuple's own __new__ is a Python function
    rows = zip(bounds[0:-1:2], bounds[1::2], texts, lowers)
    tokens = TokenList(map(tuple.__new__, repeat(Token), rows), texts, lowers)
    _last = (text, tokens)
    return tokens


# -- stems --------------------------------------------------------------------------------------

# Endings, longest first. Noun: -ene/-ane/-ne/-er/-ar/-en/-et/-a/-i/-s; verb: -er/-ar/-te/-de/-et/-es/
# -ast/-ende/-r/-t; adjective: -e/-t/-ere/-est(e). Nynorsk feminine definite -a and -inga are covered.
SUFFIXES = (
    "ingane", "ingene", "ingar", "inger", "ingen", "inga", "heita", "heiten", "heten",
    "endes", "ende", "ene", "ane", "ers", "ars", "ens", "ets", "ast", "est", "ere", "erne",
    "ne", "er", "ar", "en", "et", "te", "de", "es", "st", "ta", "a", "e", "r", "t", "s", "i",
)
_MIN_STEM = 2
#: SUFFIXES by their last letter, in their order: a word is tried only with the endings it can have.
_SUFFIXES_BY_LAST: dict[str, tuple[str, ...]] = {
    last: tuple(s for s in SUFFIXES if s[-1] == last) for last in {s[-1] for s in SUFFIXES}
}


@functools.lru_cache(maxsize=100_000)
def stems(word: str) -> tuple[str, ...]:
    """Candidate base forms of a lower-cased word, the word itself first."""
    out = [word]
    for suffix in _SUFFIXES_BY_LAST.get(word[-1:], ()):
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            stem = word[: -len(suffix)]
            out.append(stem)
            out.append(stem + "e")
            if len(stem) > 3 and stem[-1] == stem[-2]:  # "smerten" fine; "kneet"→"kne"; "sommer"→"sommr"
                out.append(stem[:-1])
            if suffix in ("ingen", "inga", "inger", "ingar", "ingene", "ingane"):
                out.append(stem + "ing")
            if suffix in ("heten", "heiten", "heita"):
                out.append(stem + "het")
                out.append(stem + "heit")
    return tuple(dict.fromkeys(out))


# -- data files ---------------------------------------------------------------------------------


def read_lines(group: str, name: str) -> list[str]:
    """Entries of ``lexicons/<group>/<name>``: stripped, without blank lines and ``#`` comments."""
    path = files("ekspertrapport.lint.lexicons").joinpath(group).joinpath(name)
    if not path.is_file():
        return []
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


@functools.lru_cache(maxsize=None)
def transforms() -> tuple[tuple[str, str], ...]:
    """Bokmål → nynorsk spelling transforms (``lexicons/transforms/nn.txt``: ``bokmål => nynorsk``)."""
    pairs = []
    for line in read_lines("transforms", "nn.txt"):
        src, _, dst = line.partition("=>")
        pairs.append((src.strip(), dst.strip()))
    return tuple(pairs)


def variants(entry: str) -> set[str]:
    """The entry and its nynorsk spellings (each transform applied on its own and all together)."""
    return set(_variants(entry))


@functools.lru_cache(maxsize=100_000)
def _variants(entry: str) -> frozenset[str]:
    out = {entry}
    combined = entry
    for src, dst in transforms():
        if src in entry:
            out.add(entry.replace(src, dst))
            combined = combined.replace(src, dst)
    out.add(combined)
    return frozenset(out)


def deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


# -- lexicon ------------------------------------------------------------------------------------

_LOOKUP_CACHE_MAX = 100_000  # distinct tokens whose lexicon hit is remembered
FUZZY_MIN = 7  # entries and words at least this long tolerate one edit (health lexicon only)
FUZZY_FIRST_LETTER = 9  # words this long need only their first letter to agree with the entry
FUZZY_SHORT = 5  # shorter entries (5-6 letters) tolerate one edit in a word that is no Norwegian word
LINKS = ("", "s", "e", "-")


@dataclass
class Hit:
    tag: str  # the value the lexicon stores (e.g. a rule id)
    why: str  # the entry that matched, for the explanation


@dataclass
class Lexicon:
    """Single-word entries with inflection, transforms, acronyms, prefixes, fuzziness and compounds."""

    words: dict[str, Hit] = field(default_factory=dict)  # lower-case base forms (and nn variants)
    exact: dict[str, Hit] = field(default_factory=dict)  # case-sensitive acronyms ("ME", "MR", "BUP")
    prefixes: dict[str, Hit] = field(default_factory=dict)  # "svangerskap*"
    heads: dict[str, Hit] = field(default_factory=dict)  # compound heads ("plage", "smerte", "skade")
    modifiers: dict[str, Hit] = field(default_factory=dict)  # compound modifiers ("hofte", "søvn")
    exceptions: set[str] = field(default_factory=set)  # never a hit (forms and stems)
    fuzzy: dict[str, int] = field(default_factory=dict)  # entries of 7+ letters → the order they came in
    fuzzy_short: dict[str, int] = field(default_factory=dict)  # the same for 5-6 letter entries
    use_fuzzy: bool = True
    exception_suffixes: tuple[str, ...] = ()  # "-krefter": "naturkrefter" is not "kreft"
    open_heads: set[str] = field(default_factory=set)  # heads that take any modifier ("gruppe|terapi")
    strict_heads: set[str] = field(default_factory=set)  # heads that need a non-body modifier ("rus|bruk")
    suffix_rules: list[tuple[str, str, int]] = field(default_factory=list)  # ("itt", rule, min length)
    _cache: dict[str, Hit | None] = field(default_factory=dict, repr=False)

    def add(self, entry: str, tag: str, *, table: str = "words") -> None:
        """Add one entry from a data file (acronyms in capitals are case-sensitive)."""
        if entry.endswith("*"):
            for v in variants(entry[:-1].lower()):
                self.prefixes.setdefault(v, Hit(tag, entry))
            return
        letters = [c for c in entry if c.isalpha()]
        if table == "words" and letters and all(c.isupper() for c in letters) and len(entry) <= 6:
            self.exact.setdefault(entry, Hit(tag, entry))
            return
        target = getattr(self, table)
        for v in {w for e in variants(entry.lower()) for w in (e, e.replace("-", ""))}:
            target.setdefault(v, Hit(tag, entry))
            if table == "words" and len(v) >= FUZZY_SHORT and v.isalpha():
                if len(v) < FUZZY_MIN and tag.endswith("medication"):
                    continue  # short brand names are arbitrary: "dimor" is one letter from nynorsk "difor"
                index = self.fuzzy if len(v) >= FUZZY_MIN else self.fuzzy_short
                index.setdefault(v, len(self.fuzzy) + len(self.fuzzy_short))

    def finish(self) -> None:
        """Index the entries for lookups; call after the last :meth:`add` (and after filling the other tables)."""
        #: For :meth:`_compound`, by a stem's last three letters: the lengths (longest first) of the
        #: heads, and of the diagnosis words any modifier may precede ("bryst|kreft"), that end so.
        self._diagnoses = {w: hit for w, hit in self.words.items()
                           if len(w) >= 4 and w not in self.exceptions and hit.tag.endswith("diagnosis")}
        self._head_lengths = _lengths_by_end(self.heads)
        self._diagnosis_lengths = _lengths_by_end(self._diagnoses)
        self._prefix_lengths = sorted({len(p) for p in self.prefixes}, reverse=True)
        #: The entries that tolerate a misspelling, by (first letters, length): two letters for the long
        #: entries, one for the short ones (see :meth:`_fuzzy`).
        self._fuzzy_groups: dict[tuple[str, int], list[str]] = {}
        for index, letters in ((self.fuzzy, 2), (self.fuzzy_short, 1)):
            for entry in index:
                self._fuzzy_groups.setdefault((entry[:letters], len(entry)), []).append(entry)
        for entry in self.fuzzy:  # long words need only the first letter (FUZZY_FIRST_LETTER)
            self._fuzzy_groups.setdefault((entry[:1], len(entry)), []).append(entry)
        #: Every ending of ``suffix_rules``: one ``str.endswith`` tells whether any rule can apply.
        self._suffix_endings = tuple(ending for ending, _, _ in self.suffix_rules)
        #: Nothing can ever match (the agency group has phrases only): no token needs a lookup.
        self._empty = not (self.words or self.exact or self.prefixes or self.heads or self.suffix_rules)
        self._cache.clear()

    # -- lookup ---------------------------------------------------------------------------------
    def lookup_all(self, texts: list[str]) -> list[Hit | None]:
        """``[lookup(t) for t in texts]`` for the tokens of a text, without a Python step per token.

        Most tokens of a text are already in the cache (a report repeats its words, and reports share
        most of theirs), so the known ones are read with one ``map`` over the list. Tokens that do not
        begin with a letter or digit are not looked up (None), as the recognizers always did.
        """
        if self._empty:
            return [None] * len(texts)
        cache = self._cache
        new = set(texts).difference(cache)
        fresh = {t: self._lookup(t) for t in new if t[:1].isalnum()}
        if fresh:
            if len(cache) + len(fresh) > _LOOKUP_CACHE_MAX:
                cache.clear()
            cache.update(fresh)
        hits = list(map(cache.get, texts))
        found = {t: hit for t, hit in fresh.items() if hit is not None}
        if found:  # from `fresh`, not the cache, which another thread may have cleared meanwhile
            hits = list(map(found.get, texts, hits))
        return hits

    def lookup(self, text: str) -> Hit | None:
        """The hit for one token (original case), or None. Cached per distinct token text."""
        try:
            return self._cache[text]
        except KeyError:
            pass
        hit = self._lookup(text)
        if len(self._cache) > _LOOKUP_CACHE_MAX:
            self._cache.clear()
        self._cache[text] = hit
        return hit

    def _excluded(self, lower: str) -> bool:
        candidates = stems(lower)
        if lower in self.exceptions or not self.exceptions.isdisjoint(candidates[1:4]):
            return True
        if self.exception_suffixes:
            for s in candidates[:4]:
                if s.endswith(self.exception_suffixes) and lower.startswith(s):
                    return True
        return False

    def _lookup(self, text: str) -> Hit | None:
        if "\u00ad" in text:  # a soft hyphen inside a word ("eksem\u00adplarene" is "eksemplarene")
            text = text.replace("\u00ad", "")
        if text in self.exact:
            return self.exact[text]
        lower = text.lower()
        if not (lower.isalpha() or any(c.isalpha() for c in lower)):
            return None
        if lower not in self.words and self._excluded(lower):
            return None
        if "-" in text or "/" in text:
            return self._lookup_parts(text)
        # endings: all rules for lower-case words; for a capitalised word only the drug-name endings
        # ("Kvetiapin", "Atorvastatin"), never for acronyms
        suffix: bool | str = True if text[:1].islower() else ("drug" if not text.isupper() else False)
        return self._word(lower, suffix=suffix, excluded=False)

    def _lookup_parts(self, text: str) -> Hit | None:
        """A hyphenated compound: the whole, then the head (last part), then an acronym modifier."""
        parts = [p for p in re.split(r"[-/]", text) if p]
        whole = self._word(text.lower().replace("-", ""))
        if whole:
            return whole
        for part in parts:
            if part in self.exact:  # "MR-undersøkelsen", "AKAN-avtale", "IVF-behandling"
                return self.exact[part]
        head = parts[-1].lower()
        if head in self.exceptions:
            return None
        hit = self._word(head, compounds=False)
        if hit and len(parts) > 1 and parts[0].lower() not in self.exceptions:
            return hit
        mod = self._word(parts[0].lower(), compounds=False)
        if mod and self._is_head(head):
            return mod
        return None

    def _is_head(self, word: str) -> Hit | None:
        for s in stems(word):
            if s in self.heads:
                return self.heads[s]
        return None

    def _word(self, lower: str, compounds: bool = True, suffix: bool | str = False,
              excluded: bool | None = None) -> Hit | None:
        """The hit for a lower-cased word (``excluded``: :meth:`_excluded` when the caller knows it)."""
        if lower in self.words:
            return self.words[lower]
        if self._excluded(lower) if excluded is None else excluded:
            return None
        candidates = stems(lower)
        for s in candidates:
            if s in self.words:
                return self.words[s]
        for length in self._prefix_lengths:
            if len(lower) >= length and lower[:length] in self.prefixes:
                return self.prefixes[lower[:length]]
        if compounds and len(lower) >= 6:
            for s in candidates:
                hit = self._compound(s)
                if hit:
                    return hit
        for s in candidates[:4] if suffix else ():
            if not lower.startswith(s):  # only real endings: "artrose|n", not "bremseklos(s)" → "bremseklose"
                continue
            if not s.endswith(self._suffix_endings):  # no rule's ending (one check for all rules)
                continue
            for ending, tag, min_len in self.suffix_rules:
                if suffix is not True and not tag.endswith("medication"):
                    continue
                if len(s) >= min_len and s.endswith(ending) and s.isalpha():
                    return Hit(tag, f"-{ending}")
        if self.use_fuzzy and suffix is True and len(lower) >= FUZZY_SHORT and lower.isalpha():
            for s in candidates[:3]:
                if len(s) >= FUZZY_MIN and lower.startswith(s):
                    hit = self._fuzzy(s)
                    if hit is not None:
                        return None if known_word(lower) or known_word(s) else hit  # "poliklinikkane"
            # short words ("migrne", "asthma", "eksemm", "angts"): the uninflected word only, an entry of
            # five letters or more, the first letter agrees, and the word is no Norwegian word form
            if len(lower) <= FUZZY_MIN:
                hit = self._fuzzy(lower, short=True)
                if hit is not None and not known_word(lower):
                    return hit
        return None

    def _modifier(self, mod: str) -> Hit | None:
        for link in LINKS:
            if link and not mod.endswith(link):
                continue
            m = mod[: len(mod) - len(link)] if link else mod
            if m in self.modifiers and len(m) >= 2:  # a listed modifier wins over an exception
                return self.modifiers[m]  # ("kiropraktor|behandling", though "kiropraktor" is a job)
            if len(m) < 2 or m in self.exceptions:
                continue
            if m in self.words:
                return self.words[m]
        # a modifier that is itself a compound ending in a known modifier: "korsrygg", "nakkesleng"
        for length in range(min(len(mod) - 2, 8), 2, -1):
            tail = mod[-length:]
            if tail in self.modifiers:
                return self.modifiers[tail]
        return None

    def _compound(self, stem: str) -> Hit | None:
        """modifier + head ("hofte|plage", "rus|problem"), or any modifier + a lexicon word ("bryst|kreft")."""
        end = stem[-3:]
        if end in self._head_lengths:
            for length in self._head_lengths[end]:
                if len(stem) - length >= 2 and stem[-length:] in self.heads:
                    head = self.heads[stem[-length:]]
                    mod = self._modifier(stem[:-length])
                    if mod is None and stem[-length:] in self.open_heads and len(stem) - length >= 3:
                        mod = Hit("body", stem[:-length])
                    if mod and mod.tag == "body" and stem[-length:] in self.strict_heads:
                        mod = None
                    if mod:
                        tag = head.tag if mod.tag == "body" else mod.tag
                        return Hit(tag, f"{mod.why}+{head.why}")
        for length in self._diagnosis_lengths.get(end, ()):
            if len(stem) - length < 3:
                continue
            tail = stem[-length:]
            if tail in self._diagnoses:
                return Hit(self._diagnoses[tail].tag, f"…{self._diagnoses[tail].why}")
        return None

    def _fuzzy(self, lower: str, short: bool = False) -> Hit | None:
        """An entry at Damerau distance 1: a letter missing, extra, substituted or two swapped
        ("fibromalgi", "fibromyyalgi", "epelepsi", "fibromylagi"). The first two letters must agree
        (the first letter only: 5-6 letter entries (``short``), a 6-letter word for a 7-letter entry, and
        words of :data:`FUZZY_FIRST_LETTER` letters or more, "dipresjon").

        The entries that could be one share the word's first letters and differ in length by at most
        one (:attr:`_fuzzy_groups`), so only those few are compared with the word. When two or more are
        one edit away, :meth:`_fuzzy_first` picks one.
        """
        groups, size = self._fuzzy_groups, len(lower)
        found = []
        for length in (size - 1, size, size + 1):
            if length >= FUZZY_MIN:
                if short and length > FUZZY_MIN:
                    continue
                # one agreeing letter for long words ("dipresjon" for "depresjon"), else two
                first = lower[:1] if size >= FUZZY_FIRST_LETTER and not short else lower[:2]
                entries = groups.get((first, length), ())
            elif short:
                entries = groups.get((lower[:1], length), ())
            else:
                continue
            for entry in entries:
                if entry != lower and damerau1(lower, entry):
                    found.append(entry)
        if not found:
            return None
        entry = found[0] if len(found) == 1 else self._fuzzy_first(lower, found)
        hit = self.words[entry]
        return Hit(hit.tag, f"{hit.why} (stavefeil: {lower})")

    def _fuzzy_first(self, lower: str, found: list[str]) -> str:
        """Of several entries one edit away, the one a SymSpell deletion index finds first (the order
        this lexicon has always used): by the first of the word and its one-letter deletions that is
        the entry or one of its deletions, then the long entries before the short ones, then the order
        the entries came in."""
        for key in (lower, *deletions(lower)):
            here = [e for e in found if key == e or key in deletions(e)]
            if here:
                return min(here, key=lambda e: (0, self.fuzzy[e]) if e in self.fuzzy else (1, self.fuzzy_short[e]))
        raise AssertionError(f"{found} are not one edit from {lower!r}")  # pragma: no cover


def _lengths_by_end(words: Iterable[str]) -> dict[str, list[int]]:
    """Last three letters → the lengths of the words (of three letters or more) that end so, longest first."""
    lengths: dict[str, set[int]] = {}
    for word in words:
        if len(word) >= 3:
            lengths.setdefault(word[-3:], set()).add(len(word))
    return {end: sorted(found, reverse=True) for end, found in lengths.items()}


def damerau1(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one insertion, deletion, substitution or swap."""
    size_a, size_b = len(a), len(b)
    if a == b or size_a - size_b > 1 or size_b - size_a > 1:
        return False
    shorter = size_a if size_a < size_b else size_b
    i = 0
    while i < shorter and a[i] == b[i]:
        i += 1
    if size_a == size_b:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < size_a and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if size_a > size_b:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


def known_word(lower: str) -> bool:
    """A form in the Norwegian word list behind ``lint.nlp`` (a real word, not a misspelling)."""
    try:
        from ekspertrapport.lint.nlp import LEMMAS
    except ImportError:  # pragma: no cover
        return False
    try:
        return bool(LEMMAS.lookup({lower}))
    except Exception:  # pragma: no cover - no lemma table: do not guess
        return True


# -- phrases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    kind: str  # "token" | "any" | "not"
    words: frozenset[str] = frozenset()  # exact lower-case words
    stems: frozenset[str] = frozenset()  # ~stem: any of the token's stems
    prefixes: tuple[str, ...] = ()  # word*
    optional: bool = False
    classes: frozenset[str] = frozenset()  # @class


@functools.lru_cache(maxsize=100_000)
def parse_spec(raw: str) -> Spec:
    optional = raw.endswith("?") and len(raw) > 1
    raw = raw[:-1] if optional else raw
    if raw.startswith("!"):
        return Spec("not", words=frozenset(raw[1:].lower().split("|")))
    if raw == "_":
        return Spec("any", optional=optional)
    words, stem_set, prefixes, classes = set(), set(), [], set()
    for alt in raw.lower().split("|"):
        if alt.startswith("@"):
            classes.add(alt[1:])
        elif alt.startswith("~"):
            stem_set |= _variants(alt[1:])
        elif alt.endswith("*") and len(alt) > 1:
            prefixes.append(alt[:-1])
        else:
            words.add(alt)
    return Spec("token", frozenset(words), frozenset(stem_set), tuple(prefixes), optional, frozenset(classes))


@dataclass
class Phrase:
    tag: str
    specs: tuple[Spec, ...]
    source: str
    #: The specs after the first, each with its number in the matcher (see
    #: :meth:`PhraseMatcher._signature`); set by :meth:`PhraseMatcher.add`.
    rest: tuple[tuple[Spec, int], ...] = field(default=(), repr=False, compare=False)
    #: No spec after the first is optional or "!": matched token by token, without backtracking.
    linear: bool = field(default=False, repr=False, compare=False)


_CANDIDATES_MAX = 100_000  # distinct words whose candidate phrases are remembered
_SIGNATURES_MAX = 100_000  # distinct words whose matching specs are remembered
_PAIRS_MAX = 50_000  # pairs of words whose surviving candidates are remembered
_CLASSES_MAX = 20_000  # distinct words whose classes are remembered
_NO_CLASSES: frozenset[str] = frozenset()
_NO_SPECS: frozenset[int] = frozenset()


class PhraseMatcher:
    """Multi-word patterns over tokens, indexed by the first token (exact word, stem or prefix).

    Everything a word's match depends on is worked out once per distinct word and remembered
    (bounded): the phrases that may start at it, the specs it matches (its :meth:`signature`, from
    indexes of the specs' words, stems, prefixes and classes, so checking a spec is a set lookup),
    and the classes it belongs to.
    """

    def __init__(self, classes: dict[str, set[str]] | None = None):
        self.classes = {k: set(v) for k, v in (classes or {}).items()}
        self.by_word: dict[str, list[Phrase]] = {}
        self.by_prefix: dict[str, list[Phrase]] = {}
        self.by_class: dict[str, list[Phrase]] = {}
        self._prefix_lengths: list[int] = []
        self._cache: dict[str, tuple[Phrase, ...]] = {}
        self._pairs: dict[tuple[str, str], tuple[Phrase, ...]] = {}  # (word, next word) → candidates left
        # The specs by number, and indexes from what a word can match to the numbers of the specs:
        self._specs: list[Spec] = []
        self._spec_numbers: dict[int, int] = {}  # id(spec) → number (the specs stay alive in _specs)
        self._specs_by_word: dict[str, list[int]] = {}
        self._specs_by_stem: dict[str, list[int]] = {}
        self._specs_by_class: dict[str, list[int]] = {}
        self._prefix_specs: list[tuple[tuple[str, ...], int]] = []
        self._any_specs: list[int] = []  # "_": any word
        self._signatures: dict[str, frozenset[int]] = {}
        self._class_index: dict[str, tuple[str, ...]] | None = None  # member → its classes
        self._class_cache: dict[str, frozenset[str]] = {}
        self._all_heads: tuple[str, ...] | None = None  # the heads of all classes (built on first use)
        #: "+head" lines of class files: compounds <condition modifier>+<head> are members too
        self.class_heads: dict[str, tuple[str, ...]] = {}
        #: "-ending" lines of class files: any word with that ending is a member ("-forbundet")
        self.class_endings: dict[str, tuple[str, ...]] = {}
        self.compound_member = None  # callable(modifier) -> bool, set by load_group

    def add(self, tag: str, pattern: str) -> None:
        specs = tuple(parse_spec(t) for t in pattern.split())
        if not specs or specs[0].optional or specs[0].kind in ("any", "not"):
            raise ValueError(f"a phrase must start with a required word: {pattern!r}")
        numbers = [self._number(spec) for spec in specs]
        rest = tuple(zip(specs[1:], numbers[1:]))
        linear = all(spec.kind != "not" and not spec.optional for spec in specs[1:])
        phrase = Phrase(tag, specs, pattern, rest, linear)
        first = specs[0]
        for v in first.words | first.stems:
            self.by_word.setdefault(v, []).append(phrase)
        for v in first.prefixes:
            self.by_prefix.setdefault(v, []).append(phrase)
        for name in first.classes:
            self.by_class.setdefault(name, []).append(phrase)
        for spec in specs:
            if not spec.classes <= self.classes.keys():
                raise ValueError(f"unknown class in {pattern!r}")
        if first.prefixes:
            self._prefix_lengths = sorted({len(p) for p in self.by_prefix})
        self._cache.clear()
        self._pairs.clear()
        self._signatures.clear()
        self._class_cache.clear()
        self._class_index = None
        self._all_heads = None

    def _number(self, spec: Spec) -> int:
        """The spec's number, indexing it under what can match it the first time it is seen."""
        number = self._spec_numbers.get(id(spec))
        if number is None:
            number = self._spec_numbers[id(spec)] = len(self._specs)
            self._specs.append(spec)
            if spec.kind == "token":
                for word in spec.words:
                    self._specs_by_word.setdefault(word, []).append(number)
                for stem in spec.stems:
                    self._specs_by_stem.setdefault(stem, []).append(number)
                for name in spec.classes:
                    self._specs_by_class.setdefault(name, []).append(number)
                if spec.prefixes:
                    self._prefix_specs.append((spec.prefixes, number))
            elif spec.kind == "any":
                self._any_specs.append(number)
            # "not" specs name their words and are checked against them directly
        return number

    def candidates(self, lower: str) -> tuple[Phrase, ...]:
        """Phrases that may start at a token (cached per distinct word)."""
        try:
            return self._cache[lower]
        except KeyError:
            pass
        found = tuple(self._candidates(lower))
        if len(self._cache) > _CANDIDATES_MAX:
            self._cache.clear()
        self._cache[lower] = found
        return found

    def _candidates(self, lower: str) -> list[Phrase]:
        """The phrases whose first spec the word matches: by word or stem, by prefix, by class."""
        found: list[Phrase] = []
        seen: set[int] = set()
        by_word = self.by_word
        signature = None
        for s in stems(lower):
            for p in by_word.get(s, ()):
                if signature is None:
                    signature = self.signature(lower)
                if id(p) not in seen and self._spec_numbers[id(p.specs[0])] in signature:
                    seen.add(id(p))
                    found.append(p)
        for length in self._prefix_lengths:
            for p in self.by_prefix.get(lower[:length], ()) if len(lower) >= length else ():
                if id(p) not in seen:
                    seen.add(id(p))
                    found.append(p)
        if self.by_class:
            classes = self._classes_of(lower)
            for name, phrases in self.by_class.items():
                if name in classes:
                    for p in phrases:
                        if id(p) not in seen:
                            seen.add(id(p))
                            found.append(p)
        return found

    def in_class(self, name: str, lower: str) -> bool:
        if name not in self.classes:
            raise KeyError(name)
        return name in self._classes_of(lower)

    def classes_of(self, lower: str) -> frozenset[str]:
        """The classes a lower-cased word belongs to (see :meth:`_classes_of`)."""
        return self._classes_of(lower)

    def _classes_of(self, lower: str) -> frozenset[str]:
        """The classes of a word (cached): those with one of its stems as a member or ending with one of
        their "-endings", and those with a "+head" it is a compound of (:meth:`_compound_member`)."""
        found = self._class_cache.get(lower)
        if found is not None:
            return found
        index = self._class_index
        if index is None:
            members: dict[str, list[str]] = {}
            for name, words in self.classes.items():
                for word in words:
                    members.setdefault(word, []).append(name)
            index = self._class_index = {word: tuple(names) for word, names in members.items()}
        names: set[str] = set()
        for s in stems(lower):
            names.update(index.get(s, ()))
        for name, endings in self.class_endings.items():  # "-forbundet": "Finansforbundet"
            if name not in names and any(s.endswith(e) and len(s) >= len(e) + 3 for s in stems(lower)[:3] for e in endings):
                names.add(name)
        if self.compound_member is not None and self._may_be_compound(lower):
            for name, heads in self.class_heads.items():
                if heads and name not in names and name in self.classes and self._compound_member(heads, lower):
                    names.add(name)
        found = frozenset(names) if names else _NO_CLASSES  # (most words: one shared empty set)
        if len(self._class_cache) > _CLASSES_MAX:
            self._class_cache.clear()
        self._class_cache[lower] = found
        return found

    def _may_be_compound(self, lower: str) -> bool:
        """False when no stem :meth:`_compound_member` would try ends with any class head (one check
        for all classes: most words end with none)."""
        ends = self._all_heads
        if ends is None:
            ends = self._all_heads = tuple({h for heads in self.class_heads.values() for h in heads})
        for s in stems(lower)[:5]:
            if s.endswith(ends) and lower.startswith(s[:-1]):
                return True
        return False

    def _compound_member(self, heads: tuple[str, ...], lower: str) -> bool:
        """A compound of a condition word and a class head: "diabetes|sykepleier", "hjarte|poliklinikken"."""
        for s in stems(lower)[:5]:
            if not lower.startswith(s[:-1]) or not s.endswith(heads):  # (one check for all heads)
                continue
            for head in heads:
                if s.endswith(head) and len(s) - len(head) >= 3 and self.compound_member(s[: -len(head)]):
                    return True
        return False

    def signature(self, lower: str) -> frozenset[int]:
        """The numbers of the specs a word matches (cached): its word, one of its stems, a prefix, one of
        its classes, or any word at all ("_")."""
        found = self._signatures.get(lower)
        if found is not None:
            return found
        numbers = set(self._specs_by_word.get(lower, ()))
        by_stem = self._specs_by_stem
        for s in stems(lower):
            numbers.update(by_stem.get(s, ()))
        for prefixes, number in self._prefix_specs:
            if lower.startswith(prefixes):
                numbers.add(number)
        if self._specs_by_class:
            for name in self._classes_of(lower):
                numbers.update(self._specs_by_class.get(name, ()))
        if self._any_specs and lower[:1].isalnum():
            numbers.update(self._any_specs)
        found = frozenset(numbers) if numbers else _NO_SPECS
        if len(self._signatures) > _SIGNATURES_MAX:
            self._signatures.clear()
        self._signatures[lower] = found
        return found

    def _matches(self, spec: Spec, lower: str) -> bool:
        return self._number(spec) in self.signature(lower)

    def _match_from(self, rest: tuple[tuple[Spec, int], ...], k: int, words: list[str], i: int) -> int | None:
        """Index after the last matched token for ``rest[k:]`` from token ``i``, or None. Backtracks over
        optional specs."""
        if k == len(rest):
            return i
        spec, number = rest[k]
        if spec.kind == "not":
            if i < len(words) and words[i] in spec.words:
                return None
            return self._match_from(rest, k + 1, words, i)
        if i < len(words) and number in self.signature(words[i]):
            end = self._match_from(rest, k + 1, words, i + 1)
            if end is not None:
                return end
        if spec.optional:
            return self._match_from(rest, k + 1, words, i)
        return None

    def _candidates_at(self, words: list[str]) -> list[tuple[Phrase, ...]]:
        """The candidate phrases of each word (words that begin with no letter or digit have none)."""
        cache = self._cache
        found = list(map(cache.get, words))
        if None in found:  # words not seen before
            fresh = {word: self.candidates(word) if word[:1].isalnum() else ()
                     for word in set(compress(words, map(is_, found, repeat(None))))}
            cache.update(fresh)
            found = list(map(fresh.get, words, found))  # (the new ones from `fresh`: safe from other threads)
        return found

    def _continuing(self, word: str, following: str, cands: tuple[Phrase, ...]) -> tuple[Phrase, ...]:
        """The candidates of ``word`` that the next token does not rule out (:meth:`_may_take`; cached
        per pair of words).

        Most candidates fail on the next token ("har" starts dozens of phrases, and is followed by
        "vært" or "hatt" far more often than by "vondt"); a pair of words recurs, so its survivors are
        remembered and the others are never tried there again.
        """
        key = (word, following)
        left = self._pairs.get(key)
        if left is None:
            signature = self.signature(following)
            left = tuple(phrase for phrase in cands if self._may_take(phrase, signature))
            if len(self._pairs) > _PAIRS_MAX:
                self._pairs.clear()
            self._pairs[key] = left
        return left

    @staticmethod
    def _may_take(phrase: Phrase, following: frozenset[int]) -> bool:
        """False when the phrase cannot go on with the next token (given by its signature): that token
        is matched by one of its specs after the first, up to the first required one (the optional ones
        before it may be skipped). A "!" spec, or only optional ones left, decide nothing here."""
        for spec, number in phrase.rest:
            if spec.kind == "not" or number in following:
                return True
            if not spec.optional:
                return False
        return True

    def find(self, tokens: list[Token]) -> Iterable[tuple[int, int, Phrase]]:
        """(first token index, end token index, phrase) for each match, longest per start (the first
        candidate among equally long ones)."""
        words = getattr(tokens, "lowers", None)  # a TokenList has them
        if words is None:
            words = [t.lower for t in tokens]
        n = len(words)
        found = self._candidates_at(words)
        last, pairs, signatures = n - 1, self._pairs, self._signatures
        for i in compress(range(n), found):  # the tokens with candidates
            if i == last:
                cands = found[i]
            else:
                cands = pairs.get((words[i], words[i + 1]))
                if cands is None:
                    cands = self._continuing(words[i], words[i + 1], found[i])
                if not cands:
                    continue
            best_end, best = -1, None
            for phrase in cands:
                if phrase.linear:  # the common case, inline: a set lookup per token
                    end = i + 1
                    for _spec, number in phrase.rest:
                        if end == n:
                            break
                        signature = signatures.get(words[end])
                        if signature is None:
                            signature = self.signature(words[end])
                        if number not in signature:
                            break
                        end += 1
                    else:
                        if end > best_end:
                            best_end, best = end, phrase
                    continue
                end = self._match_from(phrase.rest, 0, words, i + 1)
                if end is not None and end > best_end:
                    best_end, best = end, phrase
            if best is not None:
                yield i, best_end, best


# -- lexicon groups -----------------------------------------------------------------------------


@dataclass
class Group:
    """A lexicon group (``lexicons/<name>/``) compiled for matching."""

    name: str
    lexicon: Lexicon
    phrases: PhraseMatcher


def _list_dir(group: str) -> list[str]:
    root = files("ekspertrapport.lint.lexicons").joinpath(group)
    return sorted(p.name for p in root.iterdir() if p.name.endswith(".txt"))


def load_group(
    group: str, word_files: dict[str, str], extra_words: Iterable[tuple[str, str]] = (), *, fuzzy: bool = False
) -> Group:
    """Compile ``lexicons/<group>/``: ``word_files`` maps a word-list file name to its tag."""
    names = _list_dir(group)
    # class_<name>.txt: members, "+head" lines (compounds with a condition word) and "-ending" lines
    classes: dict[str, set[str]] = {}
    class_heads: dict[str, tuple[str, ...]] = {}
    class_endings: dict[str, tuple[str, ...]] = {}
    for n in names:
        if not n.startswith("class_"):
            continue
        name, lines = n[len("class_") : -len(".txt")], read_lines(group, n)
        classes[name] = {v for e in lines if not e.startswith(("+", "-")) for v in variants(e.lower())}
        heads = {v for e in lines if e.startswith("+") for v in variants(e[1:].lower())}
        class_heads[name] = tuple(sorted(heads, key=len, reverse=True))
        class_endings[name] = tuple(sorted({v for e in lines if e.startswith("-") for v in variants(e[1:].lower())}))
    lexicon = Lexicon()
    phrases = PhraseMatcher(classes)
    phrases.class_heads = {k: v for k, v in class_heads.items() if v}
    phrases.class_endings = {k: v for k, v in class_endings.items() if v}

    def _condition_modifier(mod: str) -> bool:
        hit = lexicon._modifier(mod)
        return hit is not None and not hit.tag.endswith(("treatment", "examination", "medication"))

    phrases.compound_member = _condition_modifier
    entries = [(entry, tag) for fname, tag in word_files.items() for entry in read_lines(group, fname)]
    for entry, tag in [*entries, *extra_words]:
        if " " in entry.strip():
            phrases.add(tag, " ".join(f"~{w}" if w.isalpha() and not w.isupper() else w.lower() for w in entry.split()))
        else:
            lexicon.add(entry, tag)
    for table in ("heads", "modifiers"):
        for line in read_lines(group, f"compound_{table}.txt"):
            word, tag, *flags = line.split()
            lexicon.add(word, tag, table=table)
            if "any" in flags:
                lexicon.open_heads |= variants(word.lower())
            if "strict" in flags:
                lexicon.strict_heads |= variants(word.lower())
    suffixes = []
    for line in read_lines(group, "exceptions.txt"):
        if line.startswith("-"):
            suffixes.extend(variants(line[1:].lower()))
        else:
            lexicon.exceptions |= variants(line.lower())
    lexicon.exception_suffixes = tuple(suffixes)
    for line in read_lines(group, "suffixes.txt"):
        ending, tag, min_len = line.split()
        lexicon.suffix_rules.append((ending, tag, int(min_len)))
    lexicon.use_fuzzy = fuzzy
    for line in read_lines(group, "phrases.txt"):
        tag, _, pattern = line.partition(":")
        phrases.add(tag.strip(), pattern.strip())
    lexicon.finish()
    return Group(group, lexicon, phrases)
