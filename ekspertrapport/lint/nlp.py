"""The spaCy pipeline: ``spacy.blank("nb")`` plus a lookup lemmatizer — nothing is ever downloaded.

The lemmas come from the Norwegian tables in the installed ``spacy-lookups-data`` package. spaCy's own
lookup lemmatizer would use the ``nb_lemma_lookup`` table, which has only 1 582 entries; the real data
is the POS-keyed ``nb_lemma_exc`` table (587 000 word forms). Reading that JSON takes ~1.5 s and
~150 MB, so the first run converts it once into an SQLite file in the user cache directory (keyed by
the table's content hash), and each lint looks up only the distinct words of its text. Where the cache
cannot be written, the table is read into memory instead.

``token.lemma_`` is the lower-cased lemma, or the lower-cased word where the table has none.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import logging
import os
import sqlite3
import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: The parts of speech read from the table, in order of preference.
_POS_ORDER = ("noun", "verb", "adj", "adv")
_TABLE = "nb_lemma_exc.json.gz"
_FORMAT = 2  # bump when the way the cache is built changes
_CHUNK = 900  # below SQLite's default limit on host parameters
_SEEN_MAX = 200_000  # forms remembered between texts


class LemmaTable:
    """Form → lemma lookups backed by an SQLite cache of the spacy-lookups-data table."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._memory: dict[str, str] | None = None
        self._loaded = False
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


def lemmatize(doc: Doc) -> Doc:
    """Set ``token.lemma_`` for every token from the lemma table (a spaCy pipeline component).

    Works on hash arrays (``to_array``/``from_array``) rather than Token objects: a 2 000-word text has
    only a few hundred distinct words, and creating Python Token objects is what costs.
    """
    import numpy

    from spacy.attrs import LEMMA, LOWER

    if not len(doc):
        return doc
    strings = doc.vocab.strings
    lowers = doc.to_array(LOWER)
    unique = numpy.unique(lowers)
    forms = {int(h): strings[int(h)] for h in unique}
    found = LEMMAS.lookup({f for f in forms.values() if f.isalpha()})
    mapping = {h: strings.add(found[form]) if form in found else h for h, form in forms.items()}
    lemmas = numpy.fromiter((mapping[int(h)] for h in lowers), dtype="uint64", count=len(lowers))
    doc.from_array([LEMMA], lemmas.reshape(-1, 1))
    return doc


@functools.cache
def build_pipeline() -> Language:
    """The shared pipeline, built once per process: blank Norwegian tokenizer + lookup lemmas."""
    import spacy
    from spacy.language import Language

    if "ekspertrapport_lemmas" not in Language.factories:
        Language.component("ekspertrapport_lemmas", func=lemmatize)
    nlp = spacy.blank("nb")
    nlp.max_length = 20_000_000  # inputs are capped by size when read; spaCy's 1M default is not our limit
    nlp.add_pipe("ekspertrapport_lemmas")
    return nlp
