"""The spaCy pipeline: ``spacy.blank("nb")`` plus a lookup lemmatizer — nothing is ever downloaded.

The lemmas come from the Norwegian tables in the installed ``spacy-lookups-data`` package. spaCy's own
lookup lemmatizer would use the ``nb_lemma_lookup`` table, which has only 1 582 entries; the real data
is the POS-keyed ``nb_lemma_exc`` table (587 000 word forms). Reading that JSON takes ~1.5 s and
~150 MB, so the first run converts it once into an SQLite file in the user cache directory (keyed by
the table's content hash), and each lint looks up only the distinct words of its text. Where the cache
cannot be written, the table is read into memory instead.

``token.lemma_`` is the lower-cased lemma, or the lower-cased word where the table has none.

Speed: spaCy's tokenizer is wrapped in :class:`CachingTokenizer` (same tokens, working cache) and the
lemmas are set per distinct lower-cased form from an in-memory map that grows as texts are linted, so
a warm 2 000-word report costs ≈ 0.5 ms here instead of ≈ 5.5 ms.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: The parts of speech read from the table, in order of preference.
_POS_ORDER = ("noun", "verb", "adj", "adv")
_TABLE = "nb_lemma_exc.json.gz"
_FORMAT = 2  # bump when the way the cache is built changes
_LOOKUP_SQL = "SELECT form, lemma FROM lemma WHERE form IN (SELECT value FROM json_each(?))"
_CHUNK = 900  # without SQLite's JSON functions: below its default limit on host parameters
_SEEN_MAX = 200_000  # forms remembered between texts
_CHUNKS_MAX = 100_000  # whitespace-separated chunks primed into spaCy's tokenizer cache
#: Strings in the pipeline's vocabulary before :func:`renew_pipeline` starts afresh (≈ 0.75 kB each).
VOCAB_MAX = 100_000


class LemmaTable:
    """Form → lemma lookups backed by an SQLite cache of the spacy-lookups-data table."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._memory: dict[str, str] | None = None
        self._loaded = False
        self._json = True  # json_each() is there (SQLite ≥ 3.38 has it built in)
        #: Forms looked up before (lemma, or None for "not in the table"): most words recur across texts.
        self._seen: dict[str, str | None] = {}

    def _load(self) -> None:
        source = resources.files("spacy_lookups_data") / "data" / _TABLE
        raw = source.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()[:16]
        path = _cache_dir() / f"lemmas-nb-v{_FORMAT}-{digest}.sqlite"
        if not path.exists():
            try:
                _build_sqlite(raw, path)
            except OSError as exc:
                log.info("lemma cache not writable (%s); keeping the table in memory", exc)
                self._memory = _read_table(raw)
                return
        self._db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        try:
            self._db.execute(_LOOKUP_SQL, ("[]",)).fetchall()
        except sqlite3.OperationalError:  # an SQLite built without JSON functions
            self._json = False

    def lookup(self, forms: set[str]) -> dict[str, str]:
        with self._lock:
            if not self._loaded:
                self._load()
                self._loaded = True
            if self._memory is not None:
                return {f: self._memory[f] for f in forms if f in self._memory}
            seen = self._seen
            new = [f for f in forms if f not in seen]
            if new:
                found = dict(self._query(new))
                if len(seen) > _SEEN_MAX:
                    seen.clear()
                seen.update((f, found.get(f)) for f in new)
            return {f: lemma for f in forms if (lemma := seen.get(f)) is not None}

    def _query(self, words: list[str]):
        assert self._db is not None
        if self._json:
            # One statement whatever the number of words (a JSON array as its only parameter), so
            # SQLite compiles it once instead of once per list length.
            yield from self._db.execute(_LOOKUP_SQL, (json.dumps(words, ensure_ascii=False),))
            return
        for i in range(0, len(words), _CHUNK):
            chunk = words[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            yield from self._db.execute(f"SELECT form, lemma FROM lemma WHERE form IN ({marks})", chunk)


def _cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("EKSPERTRAPPORT_CACHE_DIR") or user_cache_dir("ekspertrapport"))


def _read_table(raw: bytes) -> dict[str, str]:
    """form → lemma. Where parts of speech disagree, an inflected reading (lemma ≠ form) wins over an
    uninflected one («var» → «være», not the noun «var»), then the order in ``_POS_ORDER``."""
    data = json.loads(gzip.decompress(raw))
    table: dict[str, str] = {}
    for pos in _POS_ORDER:
        for form, lemmas in data.get(pos, {}).items():
            if not lemmas or not form.islower():
                continue
            lemma = lemmas[0].lower()
            if form not in table or (table[form] == form and lemma != form):
                table[form] = lemma
    return table


def _build_sqlite(raw: bytes, path: Path) -> None:
    from ..fileio import atomic_writer

    path.parent.mkdir(parents=True, exist_ok=True)
    table = _read_table(raw)
    with atomic_writer(path) as tmp:
        tmp.unlink()
        db = sqlite3.connect(tmp)
        try:
            db.execute("CREATE TABLE lemma (form TEXT PRIMARY KEY, lemma TEXT NOT NULL) WITHOUT ROWID")
            db.executemany("INSERT INTO lemma VALUES (?, ?)", table.items())
            db.commit()
        finally:
            db.close()


LEMMAS = LemmaTable()


class CachingTokenizer:
    """spaCy's own tokenizer for the text, with a cache that keeps working.

    spaCy tokenizes a text chunk by chunk (the runs between whitespace) and caches each chunk's tokens,
    but once a special case has occurred in a text («f.eks.», «kl.», «bl.a.», a newline) it saves no
    more chunks to the cache for the rest of that text (``has_special`` in ``spacy/tokenizer.pyx`` is
    per text, spaCy #1250). Reports are full of such abbreviations, so most chunks went through the
    affix and infix rules on every lint (≈ 4.3 ms per 2 000 words instead of ≈ 0.3 ms).

    Before tokenizing a text, the chunks not seen before are put in the cache where no special case
    blocks it: all-letter chunks (which use no special case unless they are one) in one call, the others
    one by one. Then spaCy's tokenizer runs on the whole text as before. The tokens are spaCy's own by
    construction: priming only fills the cache, and which chunks get cached never changes a token.
    After ``_CHUNKS_MAX`` distinct chunks, priming stops and spaCy's tokenizer is used unchanged.
    """

    def __init__(self, tokenizer: Any, max_chunks: int = _CHUNKS_MAX):
        self.tokenizer = tokenizer
        self.max_chunks = max_chunks
        # spaCy's default cache holds 10 000 chunks; room for the primed ones and spaCy's own saves.
        tokenizer.max_cache_size = max(tokenizer.max_cache_size, 2 * max_chunks)
        self._special = frozenset(tokenizer.rules or ())
        self._seen: set[str] = set()

    def __call__(self, text: str) -> Doc:
        seen = self._seen
        if len(seen) < self.max_chunks:
            chunks = text.split()  # str.split() splits on str.isspace(), as spaCy does
            if not seen.issuperset(chunks):  # (cheaper than the difference when there is none)
                new = set(chunks).difference(seen)
                self._prime(new)
                seen.update(new)
        return self.tokenizer(text)

    def _prime(self, chunks: set[str]) -> None:
        tokenize, special = self.tokenizer, self._special
        words = [c for c in chunks if c.isalpha() and c not in special]
        if words:
            tokenize(" ".join(words))
        if len(words) < len(chunks):
            for chunk in chunks.difference(words):
                tokenize(chunk)

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> Any:  # vocab, rules, explain, to_bytes ...: spaCy's tokenizer
        try:
            tokenizer = self.__dict__["tokenizer"]
        except KeyError:  # not initialised (copy, unpickling)
            raise AttributeError(name) from None
        return getattr(tokenizer, name)


class LookupLemmatizer:
    """Pipeline component: ``token.lemma_`` from :data:`LEMMAS` for every token.

    Works on hash arrays (``to_array``/``from_array``) rather than Token objects: a 2 000-word text has
    only a few hundred distinct lower-cased forms, and each form's lemma hash is remembered, so a warm
    text costs one ``numpy.unique`` and a dict lookup per distinct form. Only alphabetic forms are looked
    up; every other token's lemma is its lower-cased form.
    """

    def __init__(self, vocab: Any):
        self.vocab = vocab
        self._lemma_of: dict[int, int] = {}  # LOWER hash -> LEMMA hash (its string is in vocab.strings)

    def __call__(self, doc: Doc) -> Doc:
        import numpy
        from spacy.attrs import LEMMA, LOWER

        if not len(doc):
            return doc
        # The map is valid for our vocabulary's string store; a Doc from another one starts afresh.
        lemma_of = self._lemma_of if doc.vocab is self.vocab else {}
        if len(lemma_of) > _SEEN_MAX:
            lemma_of.clear()
        unique, inverse = numpy.unique(doc.to_array(LOWER), return_inverse=True)
        keys = unique.tolist()
        new = [h for h in keys if h not in lemma_of]
        if new:
            strings = doc.vocab.strings
            forms = {h: strings[h] for h in new}
            found = LEMMAS.lookup({f for f in forms.values() if f.isalpha()})
            for h, form in forms.items():
                lemma = found.get(form)
                lemma_of[h] = h if lemma is None else strings.add(lemma)
        lemmas = numpy.fromiter(map(lemma_of.__getitem__, keys), dtype="uint64", count=len(keys))[inverse]
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


class WordsOfLetters:
    """spaCy's ``token_match`` for words of letters only («arbeidsgiveren», «søvnvanskar»): one token each.

    A new word costs spaCy's tokenizer its prefix, suffix, infix and URL searches (≈ 5 µs of ≈ 15 µs,
    the rest is the new lexeme). None of the Norwegian rules can split a word of letters, so the answer
    is always «one token»; with this ``token_match`` spaCy gives that answer without the searches.
    Special cases are still looked up first, so the tokens are spaCy's own. :func:`letters_never_split`
    checks the rules when the pipeline is built; if it cannot show that they never split such a word,
    the tokenizer is left as it is.
    """

    pattern = None  # (spaCy's to_bytes stores a token_match's regex pattern; this is no regex)

    def match(self, string: str) -> bool:
        return string.isalpha()


def letters_never_split(tokenizer: Any) -> bool:
    """True when none of the tokenizer's prefix, suffix and infix patterns can match anywhere in a string
    of letters only: each of their alternatives must consume (or look at) a character that is never a
    letter (``str.isalpha``). Conservative: anything it does not understand counts as a possible match."""
    try:
        from re import _parser  # the standard parser of regular expressions
    except ImportError:  # pragma: no cover
        return False
    patterns = []
    for search in (tokenizer.prefix_search, tokenizer.suffix_search, tokenizer.infix_finditer):
        compiled = getattr(search, "__self__", None)
        if search is None:
            continue
        if not isinstance(compiled, re.Pattern) or compiled.flags & re.IGNORECASE:
            return False
        patterns.append(compiled)
    try:
        return not any(_may_match_letters(_parser.parse(p.pattern, p.flags), _parser) for p in patterns)
    except Exception:  # pragma: no cover - a construct the parser of another Python version lacks
        return False


def _may_match_letters(sequence: Any, sre: Any) -> bool:
    """Whether a parsed pattern (a sequence of elements) may match in a string of letters only."""
    for op, arg in sequence:
        if op is sre.LITERAL:
            possible = chr(arg).isalpha()
        elif op is sre.IN:
            possible = _set_may_hold_letters(arg, sre)
        elif op is sre.BRANCH:
            possible = any(_may_match_letters(alternative, sre) for alternative in arg[1])
        elif op is sre.SUBPATTERN:
            possible = _may_match_letters(arg[-1], sre)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            possible = arg[0] == 0 or _may_match_letters(arg[2], sre)
        elif op is sre.ASSERT:  # a lookahead or lookbehind must find its characters in the string too
            possible = _may_match_letters(arg[1], sre)
        else:  # anchors, negative lookarounds, "any character", ...: possible
            possible = True
        if not possible:
            return False
    return True


def _set_may_hold_letters(items: Any, sre: Any) -> bool:
    for kind, value in items:
        if kind is sre.LITERAL and not chr(value).isalpha():
            continue
        if kind is sre.RANGE and not any(chr(c).isalpha() for c in range(value[0], value[1] + 1)):
            continue
        if kind is sre.CATEGORY and value in (sre.CATEGORY_DIGIT, sre.CATEGORY_SPACE, sre.CATEGORY_NOT_WORD):
            continue
        return True  # a letter, a negated set, another category: possible
    return False


def _make_lemmatizer(nlp: Language, name: str) -> LookupLemmatizer:
    return LookupLemmatizer(nlp.vocab)


def lemmatize(doc: Doc) -> Doc:
    """Set ``token.lemma_`` on any Doc from the lemma table (:func:`build_pipeline` does this itself)."""
    return build_pipeline().get_pipe("ekspertrapport_lemmas")(doc)


def renew_pipeline() -> Language:
    """A new shared pipeline in place of the one :func:`build_pipeline` returned.

    spaCy's vocabulary keeps every word form it has seen (a lexeme and its strings, ≈ 0.75 kB), so in
    a long-running process that lints many reports it only grows. Its caller (the lint engine) swaps
    in a new pipeline when the vocabulary holds :data:`VOCAB_MAX` strings: the tokens and lemmas are the
    same, the old vocabulary is freed once no Doc uses it, and building one takes ≈ 20 ms.
    """
    build_pipeline.cache_clear()
    return build_pipeline()


@functools.cache
def build_pipeline() -> Language:
    """The shared pipeline, built once per process: spaCy's Norwegian tokenizer (cached) + lookup lemmas."""
    import spacy
    from spacy.language import Language

    if "ekspertrapport_lemmas" not in Language.factories:
        Language.factory("ekspertrapport_lemmas", func=_make_lemmatizer)
    nlp = spacy.blank("nb")
    nlp.max_length = 20_000_000  # inputs are capped by size when read; spaCy's 1M default is not our limit
    if nlp.tokenizer.token_match is None and letters_never_split(nlp.tokenizer):
        nlp.tokenizer.token_match = WordsOfLetters().match
    nlp.tokenizer = CachingTokenizer(nlp.tokenizer)
    nlp.add_pipe("ekspertrapport_lemmas")
    return nlp
