"""``identity.person``: names of people other than the report's parties.

Text → candidate tokens → short windows → our NorNE-trained name model → filters → findings.

* **Candidates** are capitalised tokens that can begin a name: not all-caps acronyms ("NAV", "BHT"),
  not lower-case compounds ("NAV-veileder"), not organisations, places, roles or titles
  (``lexicons/person/ikke_navn.txt``) and, at the start of a sentence, line, list item or table cell
  (after a tab or "|"), not a common word unless it is a given name (``fornavn.txt``; "Per har ...").
  A common word is one in ``vanlige_ord.txt`` (pronouns, numerals, determiners in both målformer:
  "Eitt", "Ho", "Kva") or an ordinary Norwegian word in the lemma table behind ``lint.nlp`` — also in
  the genitive, with a nynorsk ending, or as a compound of two known words ("Oppstartsmøte", "Side") —
  that is not in our surname list (``etternavn.txt``: "Solberg", "Nordstrand" stay names).
* The model (``ekspertrapport/models/navn``, see ``models/train_names.py``) runs only on windows of
  ``WINDOW`` tokens around the candidates. Its receptive field is a few tokens each side, so a
  window gives the same answer as the whole text at a fraction of the cost (a report has a few dozen
  candidates in 2 000 words). A window's answer depends only on its words, so answers are remembered
  (a report linted again, or the same phrase twice, costs no model time).
* A given name from ``fornavn.txt`` mid-sentence ("snakket med Ola om dette", "med Tor Erik,
  lagersjef ...") is a hit without the model (no window is needed when it and the names after it are
  all in our lists), and so is a given name first in a sentence before a capitalised word ("Vidar
  Sandberg viste ...") when the model missed it.
* Spans made only of non-name words are dropped, titles in front are trimmed, names do not run over a
  line break or a tab, and names allowed by the lint context (the parties and the expert: full name,
  given name, surname, genitive "Karis", initials "Kari N.") are dropped.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Iterable

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

from ekspertrapport.errors import EkspertrapportError

RULE_ID = "identity.person"
WINDOW = 2  # tokens either side of a candidate (the model sees about 3 each way)
MODEL_SCORE = 0.85
LIST_SCORE = 0.7
_WINDOW_CACHE_MAX = 20_000  # windows whose model answer is remembered
_VOCAB_MAX = 100_000  # strings in the model's vocabulary before the model is loaded afresh (≈ 50 ms)

# Endings removed when looking a word up in ikke_navn.txt ("Lederen", "Verneombudet", "Kollegaene").
_ENDINGS = ("ene", "ane", "en", "et", "a", "er", "ar", "e")
_SENTENCE_END = {".", "!", "?", ":", ";", "«", "»", '"', "“", "”", "(", ")", "-", "–", "—", "*", "•", "#", ">", "|"}
_GENITIVE = ("'s", "’s", "'", "’")
# Noun endings no Norwegian name has; a sentence-initial word with one is a common noun
# ("Risikovurderingen", "Virksomheten", "Partene", "Situasjonen").
# (Given names from fornavn.txt such as "Irene" are exempt.)
_NOUN_ENDINGS = ("ingen", "inga", "ingane", "ingene", "heten", "heita", "heitene", "sjonen", "sjonene",
                 "ene", "ane", "skapet", "ingar", "mentet", "iteten")
_MIN_STEM = 4  # "Moe" is not "mo" + "e"
_LEGAL_FORMS = {"as", "asa", "sa", "ans", "da", "ks", "iks", "hf", "rhf", "ba", "nuf"}
# "Per" is also the preposition: "Per i dag", "Per dags dato", "Per 1. mars".
_PER_PREPOSITION_NEXT = {"i", "dags", "nå", "no", "dato", "uke", "veke", "måned", "månad", "år", "time",
                         "dag", "døgn", "person", "kvartal", "termin", "stk"}


#: A capitalised word after these is a place ("på Hernes", "i Moss"), not a person.
_PLACE_PREPOSITIONS = {"på", "i"}
#: Titles before a person's name ("Fastlege Hansen", "Kollega Trine").
_TITLES = {"fastlege", "fastlegen", "lege", "legen", "dr", "doktor", "kollega", "kollegaen", "leder", "lederen",
           "sykepleier", "psykolog", "psykologen", "verneombud", "tillitsvalgt", "avdelingsleder", "rektor",
           "professor", "advokat", "fysioterapeut", "veileder", "nav-veileder", "saksbehandler", "sjef"}
#: Lower-case unit words before a place or unit name: "bydel Grorud", "avdeling Nord".
_UNIT_WORDS = {"bydel", "bydelen", "avdeling", "avdelinga", "avdelingen", "region", "seksjon", "enhet", "eining",
               "team", "post", "kommune", "fylke", "distrikt", "sone", "krets"}
#: Adjectives that begin the names of organisations ("Norsk Medisinaldepot", "Den norske kirke").
_ORG_ADJECTIVES = {"norsk", "norske", "nordisk", "nordiske", "det", "den", "statens", "stiftelsen"}
#: Words that follow the given name "Hans" (a person), not the possessive "Hans" ("Hans far").
_VERBS_AFTER_NAME = set(
    "har hadde er var blir ble vart vil skal kan må bør sier sa seier fortel forteller fortalte jobber jobbar "
    "arbeider arbeidar mener meiner ønsker ønskjer opplever gikk går fikk får tok tar og som eller selv sjølv "
    "også og ikke ikkje ville skulle kunne måtte begynte startet starta kom kommer".split()
)


def _read_lexicon(name: str) -> frozenset[str]:
    text = files("ekspertrapport.lint.lexicons").joinpath("person").joinpath(name).read_text(encoding="utf-8")
    return frozenset(
        ln.strip().lower() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    )


@dataclass(frozen=True)
class NameHit:
    start: int
    end: int
    score: float
    why: str  # Norwegian explanation


class PersonNameFinder:
    """Finds person-name spans in a text or spaCy ``Doc`` (offsets are character offsets)."""

    def __init__(self, model_dir: Path | str | None = None):
        self._model_dir = model_dir
        self._load(model_dir)
        self.not_name = _read_lexicon("ikke_navn.txt")
        self.common = _read_lexicon("vanlige_ord.txt")
        self.given = _read_lexicon("fornavn.txt")
        self.family = _read_lexicon("etternavn.txt")
        self.org_words = _read_lexicon("organisasjonsord.txt")
        self._org_heads = tuple(w for w in self.org_words if len(w) >= 5)
        self.eponym_heads = _read_lexicon("eponym_etterord.txt")
        self._lock = threading.Lock()
        self._ordinary_cache: dict[str, bool] = {}
        self._window_cache: dict[tuple[str, ...], tuple[tuple[int, int, int], ...]] = {}
        # word-level checks are pure and words repeat: memoise them (bounded)
        for name in ("_is_not_name", "_is_org_word", "_is_given", "_capitalised", "_common_start"):
            setattr(self, name, functools.lru_cache(maxsize=1 << 15)(getattr(self, name)))

    def _load(self, model_dir: Path | str | None) -> None:
        self.nlp = _load_model(model_dir)
        self.ner = self.nlp.get_pipe("ner")
        self._ner = _window_ner(self.ner)
        self._per = self.nlp.vocab.strings.add("PER")

    # -- candidates -------------------------------------------------------------------------
    def _is_not_name(self, lower: str) -> bool:
        """A role, title, organisation or place word, also inflected or in the genitive ("Lederens")."""
        forms = [lower, _strip_genitive(lower)]
        if lower.endswith("s") and len(lower) > _MIN_STEM:
            forms.append(lower[:-1])
        for form in forms:
            if form in self.not_name:
                return True
            if any(form.endswith(e) and len(form) - len(e) >= _MIN_STEM and form[: -len(e)] in self.not_name
                   for e in _ENDINGS):
                return True
        return False

    def _is_org_word(self, text: str) -> bool:
        """An organisation word, also as the head of a compound ("Folkeparti", "Polarinstitutt")."""
        lower = text.lower()
        if lower in _LEGAL_FORMS:  # "AS", "ASA", "SA" count only in capitals, so "Asa" stays a name
            return text.isupper()
        for word in {lower, *(lower[: -len(e)] for e in _ENDINGS
                              if lower.endswith(e) and len(lower) - len(e) >= _MIN_STEM)}:
            if word in self.org_words:
                return True
            if any(word.endswith(w) and len(word) >= len(w) + 3 for w in self._org_heads):
                return True
        return False

    def _is_given(self, lower: str) -> bool:
        """A given name from our list, also in the genitive ("Olas", "Lars'") or joined ("Kjell-Arne")."""
        if "-" in lower:
            parts = lower.split("-")
            return all(parts) and self._is_given(parts[0]) and all(p in self.given for p in parts[1:-1]) \
                and self._is_given(parts[-1])
        return (lower in self.given or _strip_genitive(lower) in self.given
                or (lower.endswith("s") and lower[:-1] in self.given))

    def _capitalised(self, text: str) -> bool:
        if not text[:1].isupper() or not any(c.isalpha() for c in text):
            return False
        if len(text) > 1 and text.isupper():  # acronyms: NAV, BHT, AMU
            return False
        if "-" in text and not all(p[:1].isupper() for p in text.split("-") if p):  # NAV-veileder
            return False
        return not any(c.isdigit() for c in text)

    @staticmethod
    def _sentence_initial(toks: _Tokens, i: int) -> bool:
        j = i - 1
        while j >= 0 and toks.word(j).isspace():
            j -= 1
        if j < 0:
            return True
        prev = toks.word(j)
        gap = toks.text[toks.ends[j]:toks.starts[i]]
        if "\n" in gap or "\t" in gap or prev in _SENTENCE_END:  # a tab: a new table cell or field
            return True
        return prev.endswith(".") and prev[:-1].isdigit()  # "1." list item

    def _is_candidate(self, toks: _Tokens, i: int) -> bool:
        text = toks.word(i)
        if not self._capitalised(text):
            return False
        lower = text.lower()
        if self._is_given(lower):
            return True
        if self._is_not_name(lower):
            return False
        return not (self._sentence_initial(toks, i) and self._common_start(lower))

    def _common_start(self, lower: str) -> bool:
        """A common word or noun, not a name, at the start of a sentence, line or cell ("Kollegene",
        "Dette", "Eitt", "Side", "Oppstartsmøte"): in ``vanlige_ord.txt``, with a noun ending no name
        has, or an ordinary Norwegian word or a compound of two (:meth:`_ordinary`) that is not in
        our surname list. Given names from ``fornavn.txt`` never are ("Per", "Liv")."""
        if self._is_given(lower):
            return False
        if lower in self.common or lower.endswith(_NOUN_ENDINGS):
            return True
        return _strip_genitive(lower) not in self.family and self._ordinary(lower)

    def _ordinary(self, lower: str) -> bool:
        """An ordinary Norwegian word: a form in the lemma table behind ``lint.nlp`` (also as genitive
        or with a nynorsk ending: "samtalane", "vurderinga", "arbeidstakaren"), or a compound of two
        such words of three letters or more, with or without a linking s/e ("oppstart-s-møte",
        "arbeids-plass-vurdering" as "arbeidsplass" + "vurdering"). Decided once per word."""
        known = self._ordinary_cache.get(lower)
        if known is not None:
            return known
        if not lower.isalpha() or len(lower) < 2:
            known = False
        else:
            whole = _variants(lower)
            splits = []
            for k in range(3, len(lower) - 2):
                first, rest = lower[:k], lower[k:]
                heads = {first}
                if first[-1] in "se" and k - 1 >= 3:
                    heads.add(first[:-1])
                splits.append((heads, _variants(rest)))
            forms = set(whole)
            for heads, tails in splits:
                forms |= heads | tails
            found = _known_words(forms) | (forms & self.common)
            known = bool(whole & found) or any(heads & found and tails & found for heads, tails in splits)
        if len(self._ordinary_cache) > 1 << 16:
            self._ordinary_cache.clear()
        self._ordinary_cache[lower] = known
        return known

    # -- model ------------------------------------------------------------------------------
    def _windows(self, toks: _Tokens) -> list[tuple[int, int]]:
        """Token spans the model runs on: ``WINDOW`` tokens either side of each candidate, merged.

        Listed names mid-sentence between lower-case words ("snakket med Ola om dette", "med Tor Erik,
        lagersjef ...") need no model (:meth:`_listed_runs`): the given-name pass in :meth:`find` flags
        them all the same."""
        spans: list[tuple[int, int]] = []
        n = len(toks)
        runs = self._listed_runs(toks)
        listed = {j for i, e in runs for j in range(i, e)}
        cands = [i for i in toks.upper_initial() if i not in listed and self._is_candidate(toks, i)]
        while runs:  # a run that another candidate's window reaches goes through the model after all
            near = [(i, e) for i, e in runs if (k := bisect.bisect_left(cands, i - WINDOW)) < len(cands)
                    and cands[k] <= e - 1 + WINDOW]
            if not near:
                break
            for i, e in near:
                runs.remove((i, e))
                cands.extend(j for j in range(i, e) if self._is_candidate(toks, j))
            cands.sort()
        for i in cands:
            a, b = max(0, i - WINDOW), min(n, i + WINDOW + 1)
            if spans and a <= spans[-1][1]:
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
        return spans

    def find(self, text_or_doc, text: str | None = None) -> list[NameHit]:
        """Person names in a text, or in a ``Doc`` from the linter's pipeline (same tokenizer).

        With a Doc, pass its text too when you have it: ``Doc.text`` is slow to rebuild.
        """
        from spacy.tokens import Doc

        if isinstance(text_or_doc, Doc):
            doc = text_or_doc
        else:
            doc = self.nlp.make_doc(text_or_doc)
            text = text_or_doc
        toks = _Tokens(doc, text)
        windows = self._windows(toks)
        if not windows and not toks.upper_initial():
            return []
        spans: list[tuple[int, int]] = []  # token spans in `toks`
        other: set[int] = set()  # tokens the model takes for another kind of name (place, org, ...)
        for s, e, label in self._predict(toks, windows):
            if label != self._per:  # the model also knows other proper names (ANNET)
                other.update(range(s, e))
                continue
            span = self._clean(toks, s, e)
            if span:
                spans.append(span)
        spans = self._veto_words(toks, sorted(set(spans)))
        hits: list[NameHit] = []
        taken: set[int] = set()
        for s, e in spans:
            if any(k in taken for k in range(s, e)):
                continue
            taken.update(range(s, e))
            hits.append(NameHit(toks.starts[s], toks.ends[e - 1], MODEL_SCORE,
                                f"navnemodell (NorNE): «{toks.span_text(s, e)}»"))
        # a listed given name mid-sentence (or first, before a surname) that the model missed
        for i in toks.upper_initial():
            if i in taken or i in other or not self._is_given(toks.word(i).lower()):
                continue
            if not self._capitalised(toks.word(i)):
                continue
            if self._sentence_initial(toks, i) and not (  # "Vidar Sandberg viste ...": a name all the same
                    i + 1 < len(toks) and i + 1 not in taken and i + 1 not in other
                    and toks.ends[i] < toks.starts[i + 1] and self._surname_like(toks, i + 1)):
                continue
            e = i + 1
            while e < len(toks) and e not in taken and e not in other and self._surname_like(toks, e):
                e += 1
            if self._eponym(toks, e) or _health_term(toks.word(i)):
                continue
            taken.update(range(i, e))
            hits.append(NameHit(toks.starts[i], toks.ends[e - 1], LIST_SCORE,
                                f"fornavnsliste: «{toks.span_text(i, e)}»"))
        hits.sort(key=lambda h: h.start)
        return hits

    def _predict(self, toks: _Tokens, windows: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        """The model's entities in the windows: (start, end, label hash), token indices in `toks`.

        A window is all the model sees, so its answer depends only on the window's words: answers are
        remembered by the words (bounded), and identical windows are run once. The others go through
        the model together, one Doc each, via :class:`_WindowNER` (no spaCy label check); entities are
        read with ``Doc.to_array``, so no spaCy Token or Span objects are created here.
        """
        from spacy.attrs import ENT_IOB, ENT_TYPE
        from spacy.tokens import Doc

        if not windows:
            return []
        text, starts, ends = toks.text, toks.starts, toks.ends
        cache = self._window_cache
        keys = []
        todo: dict[tuple[str, ...], tuple[int, int]] = {}
        for a, b in windows:
            key = tuple([text[starts[j]:ends[j]] for j in range(a, b)])
            keys.append(key)
            if key not in cache and key not in todo:
                todo[key] = (a, b)
        if todo:
            with self._lock:  # spaCy's vocab/string store is not safe for concurrent writes
                if len(self.nlp.vocab.strings) > _VOCAB_MAX:
                    # The window words fill the model's vocabulary (spaCy keeps every word it has
                    # seen); a freshly loaded model gives the same answers, and the old one is freed.
                    self._load(self._model_dir)
                vocab = self.nlp.vocab
                docs = [Doc(vocab, words=list(key),
                            spaces=[ends[j] < starts[j + 1] for j in range(a, b - 1)] + [False])
                        for key, (a, b) in todo.items()]
                self._ner.set_annotations(docs, self._ner.predict(docs))
            if len(cache) > _WINDOW_CACHE_MAX:
                cache.clear()
            for key, doc in zip(todo, docs):
                found: list[tuple[int, int, int]] = []
                start, label = -1, 0
                for k, (iob, typ) in enumerate(doc.to_array([ENT_IOB, ENT_TYPE]).tolist()):
                    if iob == 1:  # inside
                        continue
                    if start >= 0:
                        found.append((start, k, label))
                        start = -1
                    if iob == 3:  # begin
                        start, label = k, typ
                if start >= 0:
                    found.append((start, len(key), label))
                cache[key] = tuple(found)
        return [(a + s, a + e, label) for (a, _), key in zip(windows, keys) for s, e, label in cache[key]]

    def _listed_runs(self, toks: _Tokens) -> list[tuple[int, int]]:
        """Tokens of listed names mid-sentence that need no model: a run of capitalised words, one space
        apart, of a given name from ``fornavn.txt`` followed by given names or surnames from our lists
        ("Ola", "Tor Erik", "Siv Karlsen"), not first in a sentence, between a lower-case word and a
        lower-case word or "," "." ")" (";", ":"). The given-name pass in :meth:`find` flags them."""
        out: list[tuple[int, int]] = []
        upper = toks.upper_initial()
        n = len(toks)
        k = 0
        while k < len(upper):
            i = upper[k]
            e = i + 1
            k += 1
            while k < len(upper) and upper[k] == e and toks.ends[e - 1] + 1 == toks.starts[e] \
                    and toks.text[toks.ends[e - 1]] == " ":
                e += 1
                k += 1
            if i == 0 or e >= n or e - i > 3 or not self._is_given(toks.word(i).lower()):
                continue
            prev, nxt = toks.word(i - 1), toks.word(e)
            if not (prev.isalpha() and prev.islower() and toks.ends[i - 1] < toks.starts[i]):
                continue
            if not ((nxt.isalpha() and nxt.islower() and toks.ends[e - 1] < toks.starts[e])
                    or nxt in (",", ".", ")", ";", ":")):
                continue
            words = [toks.word(j) for j in range(i, e)]
            if not self._capitalised(words[0]):
                continue
            if all(self._capitalised(w) and (self._is_given(w.lower()) or w.lower() in self.family)
                   for w in words[1:]) and not self._sentence_initial(toks, i):
                out.append((i, e))
        return out

    def _clean(self, toks: _Tokens, s: int, e: int) -> tuple[int, int] | None:
        """Trim titles/punctuation around a predicted span and extend it over a following surname
        ("Kristoffer Aas" when the model stopped at "Kristoffer"); None when nothing name-like is left."""
        while s < e and (not self._capitalised(toks.word(s)) or self._is_not_name(toks.word(s).lower())
                         or (self._sentence_initial(toks, s) and self._common_start(toks.word(s).lower()))):
            s += 1
        for k in range(s + 1, e):  # a name does not run over a line break or a tab (a new cell)
            gap = toks.text[toks.ends[k - 1]:toks.starts[k]]
            if "\n" in gap or "\t" in gap:
                e = k
                break
        while e > s and not any(c.isalpha() for c in toks.word(e - 1)):
            e -= 1
        if s >= e:
            return None
        while e < len(toks) and toks.ends[e - 1] < toks.starts[e] and self._surname_like(toks, e):
            e += 1
        if toks.word(s).lower() == "per" and e == s + 1 and s + 1 < len(toks):
            following = toks.word(s + 1).lower()
            if following in _PER_PREPOSITION_NEXT or following[:1].isdigit():
                return None
        words = [w for w in (toks.word(j) for j in range(s, e)) if any(c.isalpha() for c in w)]
        if all(self._is_not_name(_strip_genitive(w.lower())) for w in words):
            return None
        if any(self._is_org_word(w) for w in words):
            return None
        if self._place_or_institution(toks, s, e) or self._possessive(toks, s, e):
            return None
        if self._eponym(toks, e):
            return None
        return s, e

    def _place_or_institution(self, toks: _Tokens, s: int, e: int) -> bool:
        """A proper name that is a place or an institution, not a person: after "på"/"i"
        ("rehabilitering på Hernes", "bor i Moss"), before a lower-case institution word
        ("Fjellheim sjukeheim", "Solbakken barnehage"), or led by "Norsk"/"Den norske"."""
        if s > 0 and toks.word(s - 1) in _PLACE_PREPOSITIONS and not self._is_given(toks.word(s).lower()):
            return True
        if s > 0 and not self._is_given(toks.word(s).lower()):
            prev = toks.word(s - 1)
            if len(prev) > 1 and prev.isalpha() and prev.isupper():
                return True  # after an acronym: "NAV Hjelpemiddelsentral", "BHT Vest"
            if prev in _UNIT_WORDS or (prev[:1].islower() and self._is_org_word(prev)):
                return True  # "bydel Grorud", "avdeling Nord", "Oslo kommune Grorud"
            if (prev[:1].isupper() and prev.isalpha() and not prev.isupper()
                    and not self._sentence_initial(toks, s - 1) and not self._is_given(prev.lower())
                    and prev.lower() not in self.family and prev.lower() not in _TITLES):
                return True  # the second word of an organisation's name: "Meny Solsiden", "Coop Extra Torgallmenningen"
        if e < len(toks) and toks.word(e)[:1].islower() and self._is_org_word(toks.word(e)):
            return True
        for k in range(e, min(len(toks), e + 4)):  # "Lundgaard Lager og Logistikk AS"
            word = toks.word(k)
            if word.lower() in _LEGAL_FORMS and word.isupper():
                return True
            if not (word in ("og", "&") or self._capitalised(word)) or self._sentence_initial(toks, k):
                break
        return toks.word(s).lower() in _ORG_ADJECTIVES

    def _possessive(self, toks: _Tokens, s: int, e: int) -> bool:
        """Sentence-initial "Hans" as the possessive pronoun: "Hans far har ...", "Hans leder sier ..."."""
        if e != s + 1 or toks.word(s) != "Hans" or e >= len(toks) or not self._sentence_initial(toks, s):
            return False
        following = toks.word(e)
        return following[:1].islower() and following not in _VERBS_AFTER_NAME

    def _veto_words(self, toks: _Tokens, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Drop predicted names that are ordinary words.

        * any word of the span is a health term ("Zoloft", "Parkinson": the health rules flag those);
        * a word at the start of a sentence that is not in our given-name or surname lists ("Trine",
          "Haugen" stay) and is a label ("Årsak: ...") or an ordinary Norwegian word — a form in the
          word list behind ``ekspertrapport.lint.nlp`` ("Arbeidsplassen", "Mora"), its genitive
          ("Avdelingens") or a compound ending in a word of five letters or more ("Planmøtet",
          "Lagermedarbeider"). A lone such word is dropped, one in front of a name is trimmed.
        """
        kept: list[tuple[int, int]] = []
        first: dict[int, tuple[str, ...]] = {}  # span start -> forms to look up
        for s, e in spans:
            if any(_health_term(toks.word(j)) for j in range(s, e)):
                continue
            if self._sentence_initial(toks, s):
                lower = toks.word(s).lower()
                if not (self._is_given(lower) or _strip_genitive(lower) in self.family):
                    if e == s + 1 and e < len(toks) and toks.word(e) == ":":
                        continue
                    first[s] = _word_forms(lower)
            kept.append((s, e))
        if first:
            known = _known_words({f for forms in first.values() for f in forms})
            out = []
            for s, e in kept:
                if s in first and any(f in known for f in first[s]):
                    if e == s + 1:
                        continue
                    s += 1
                out.append((s, e))
            kept = out
        return kept

    def _surname_like(self, toks: _Tokens, i: int) -> bool:
        """A capitalised word right after a name that can be part of it (not a role, place, org)."""
        word = toks.word(i)
        return (self._capitalised(word) and not self._is_not_name(word.lower())
                and not self._is_org_word(word) and not self._sentence_initial(toks, i))

    def _eponym(self, toks: _Tokens, e: int) -> bool:
        """A genitive name before "sykdom", "syndrom", ... ("Bekhterevs sykdom") is not a person."""
        if e >= len(toks) or not toks.word(e - 1).lower().endswith(("s", "'", "’")):
            return False
        return toks.word(e).lower() in self.eponym_heads


class _Tokens:
    """Token offsets of a Doc as plain lists: far cheaper than creating spaCy Token objects."""

    __slots__ = ("text", "starts", "ends", "_upper", "_start_array")

    def __init__(self, doc, text: str | None = None):
        from spacy.attrs import IDX, LENGTH

        arr = doc.to_array([IDX, LENGTH])
        self.text: str = doc.text if text is None else text
        self._start_array = arr[:, 0]
        self.starts: list[int] = arr[:, 0].tolist() if len(doc) else []
        self.ends: list[int] = (arr[:, 0] + arr[:, 1]).tolist() if len(doc) else []
        self._upper: list[int] | None = None

    def __len__(self) -> int:
        return len(self.starts)

    def word(self, i: int) -> str:
        return self.text[self.starts[i]:self.ends[i]]

    def span_text(self, s: int, e: int) -> str:
        return self.text[self.starts[s]:self.ends[e - 1]]

    def upper_initial(self) -> list[int]:
        """Indices of the tokens that begin with a capital letter (computed once)."""
        if self._upper is None:
            import numpy

            positions = [m.start() for m in _UPPER.finditer(self.text)]
            starts, n = self.starts, len(self.starts)
            # the token that starts at or after each capital (the starts are ascending): one at it?
            found = numpy.searchsorted(self._start_array, positions).tolist() if n and positions else []
            self._upper = [i for i, p in zip(found, positions) if i < n and starts[i] == p]
        return self._upper


#: Capital letters (Latin, Greek, Cyrillic, ...): where a token can begin a name.
_UPPER = re.compile("[" + "".join(re.escape(chr(c)) for c in range(0x41, 0x2000) if chr(c).isupper()) + "]")


def _strip_genitive(word: str) -> str:
    for g in _GENITIVE:
        if word.endswith(g):
            return word[: -len(g)]
    return word


# -- other teams' vocabularies (optional: the finder works without them) ------------------------------
def _health_term(word: str) -> bool:
    """A word of the health lexicon (drug, diagnosis, ...): the health rules deal with it."""
    lookup = _health_lookup()
    return lookup is not None and lookup(word) is not None


@functools.lru_cache(maxsize=1)
def _health_lookup():
    try:
        from ekspertrapport.lint.recognizers.health import lexicon_rule
    except ImportError:  # pragma: no cover - the health recognizer is part of the package
        return None
    return functools.lru_cache(maxsize=1 << 15)(lexicon_rule)


def _word_forms(lower: str) -> tuple[str, ...]:
    """The word, its stem without a genitive -s, and its compound heads of five letters or more."""
    forms = [lower]
    if lower.endswith("s") and len(lower) > 4:
        forms.append(lower[:-1])
    forms += [lower[k:] for k in range(3, len(lower) - 4)]
    return tuple(forms)


#: Nynorsk endings and their bokmål counterparts, so that the (bokmål) lemma table knows the word.
_NN_ENDINGS = (("ingane", "ingene"), ("ingar", "inger"), ("inga", "ingen"), ("arane", "erne"), ("arar", "ere"),
               ("aren", "eren"), ("ane", "ene"), ("ar", "er"), ("ast", "est"))


def _variants(word: str) -> set[str]:
    """The word, without a genitive -s, and with nynorsk endings in their bokmål form."""
    out = {word}
    if len(word) > 4 and word.endswith("s"):
        out.add(word[:-1])
    for nn, nb in _NN_ENDINGS:
        if word.endswith(nn) and len(word) - len(nn) >= 3:
            out.add(word[: -len(nn)] + nb)
    return out


def _known_words(forms: set[str]) -> set[str]:
    """The forms that are ordinary Norwegian words (the lemma table behind ``lint.nlp``)."""
    try:
        from ekspertrapport.lint.nlp import LEMMAS
    except ImportError:  # pragma: no cover
        return set()
    return set(LEMMAS.lookup(forms))


# -- allowed names (the parties and the expert) ---------------------------------------------------
def _name_tokens(name: str) -> list[str]:
    return [t.strip(".,").lower() for t in name.split() if t.strip(".,")]


def is_allowed(span_text: str, allowed_names: Iterable[str]) -> bool:
    """True when ``span_text`` refers to one of ``allowed_names``.

    Allowed: the full name, any of its names in order ("Kari", "Nordmann", "Kari Nordmann"),
    initials for some of them ("Kari N.", "K. Nordmann"), and the genitive of any of these
    ("Karis", "Kari Nordmanns", "Lars'").
    """
    words = span_text.split()
    if not words:
        return False
    for name in allowed_names:
        target = _name_tokens(name)
        if not target:
            continue
        variants = [words]
        last = words[-1]
        stripped = _strip_genitive(last)
        if stripped != last:
            variants.append(words[:-1] + [stripped])
        elif last.endswith("s") and len(last) > 2:
            variants.append(words[:-1] + [last[:-1]])
        for v in variants:
            if _subsequence([w.lower() for w in v], target):
                return True
    return False


def _subsequence(words: list[str], target: list[str]) -> bool:
    j = 0
    full = False
    for w in words:
        initial = len(w.rstrip(".")) == 1 and w[:1].isalpha()
        w = w.rstrip(".") if initial else w
        while j < len(target):
            t = target[j]
            j += 1
            if w == t or (initial and t.startswith(w)) or _hyphen_part(w, t):
                full = full or not initial
                break
        else:
            return False
    return full or len(words) == 1


def _hyphen_part(w: str, t: str) -> bool:
    """'Anne' for 'Anne-Lise' is the same person's name."""
    return "-" in t and w in t.split("-")


# -- the model without spaCy's label check ----------------------------------------------------------
def _window_ner(ner):
    """The same ``ner`` component (shared model, vocab and transition system) without spaCy's per-call
    label check, which creates a Token object for every word to look for entity labels that our
    windows never have (``Parser._ensure_labels_are_added``); all labels were added in training."""
    from spacy.pipeline.ner import EntityRecognizer

    class _WindowNER(EntityRecognizer):
        def _ensure_labels_are_added(self, docs):
            return 0

    return _WindowNER(ner.vocab, ner.model, name=ner.name, moves=ner.moves,
                      update_with_oracle_cut_size=ner.cfg.get("update_with_oracle_cut_size", 100),
                      beam_width=ner.cfg.get("beam_width", 1), beam_density=ner.cfg.get("beam_density", 0.0))


# -- model loading ----------------------------------------------------------------------------------
def _default_model_dir() -> Path:
    return Path(str(files("ekspertrapport.models").joinpath("navn")))


def _load_model(model_dir: Path | str | None):
    import spacy

    path = Path(model_dir) if model_dir is not None else _default_model_dir()
    if not (path / "config.cfg").is_file() or not (path / "ner" / "model").is_file():
        raise EkspertrapportError(
            f"Navnemodellen mangler eller er ufullstendig ({path}). Den skal følge med pakken "
            "(ekspertrapport/models/navn); installer ekspertrapport på nytt eller tren den med "
            "«python -m ekspertrapport.models.train_names». Modellen lastes aldri ned."
        )
    try:
        return spacy.load(path)
    except Exception as exc:  # corrupt files or an incompatible spaCy
        raise EkspertrapportError(f"Kunne ikke laste navnemodellen fra {path}: {exc}") from exc


@functools.lru_cache(maxsize=1)
def get_finder() -> PersonNameFinder:
    """The shared finder (the model is loaded once, on first use)."""
    return PersonNameFinder()


def _allowed_names() -> set[str]:
    try:
        from ekspertrapport.lint.context import current
    except ImportError:  # the engine's context module is not there: nothing is allowed
        return set()
    try:
        ctx = current()
    except LookupError:
        return set()
    return set(getattr(ctx, "allowed_names", None) or ())


# -- presidio --------------------------------------------------------------------------------------
class PersonRecognizer(EntityRecognizer):
    """Presidio recognizer for ``identity.person`` (one instance per language, "nb" or "nn")."""

    ENTITIES = [RULE_ID]

    def __init__(self, supported_language: str = "nb", finder: PersonNameFinder | None = None):
        self._finder = finder
        super().__init__(
            supported_entities=self.ENTITIES,
            name="PersonRecognizer",
            supported_language=supported_language,
        )

    def load(self) -> None:  # the model is loaded lazily on the first analyze()
        pass

    @property
    def finder(self) -> PersonNameFinder:
        if self._finder is None:
            self._finder = get_finder()
        return self._finder

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if entities and RULE_ID not in entities:
            return []
        doc = getattr(nlp_artifacts, "tokens", None) if nlp_artifacts is not None else None
        if doc is None or len(doc) == 0 or doc[-1].idx + len(doc[-1]) > len(text):
            doc = None  # no usable tokens from the engine: tokenize here
        allowed = _allowed_names()
        results = []
        for hit in self.finder.find(doc if doc is not None else text, text):
            span = text[hit.start:hit.end]
            if allowed and is_allowed(span, allowed):
                continue
            results.append(RecognizerResult(
                entity_type=RULE_ID,
                start=hit.start,
                end=hit.end,
                score=hit.score,
                analysis_explanation=AnalysisExplanation(
                    recognizer=self.name,
                    original_score=hit.score,
                    textual_explanation=hit.why,
                ),
            ))
        return results
