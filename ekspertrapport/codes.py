"""Official diagnosis code lists: ``ekspertrapport codes import FILE.json``.

NAV and Helsedirektoratet publish ICD-10 and ICPC-2 as JSON lists of ``{"code": ..., "text": ...}``.
:func:`import_codes` validates such a file and stores it in the user's data directory
(``platformdirs.user_data_dir("ekspertrapport")/koder/``, or ``$EKSPERTRAPPORT_DATA_DIR``).
:func:`imported_codes` gives the health recognizer every imported code and the lexicon entries
derived from the titles; the derived form is cached in the user cache directory, keyed by the content
hashes of the imported files, so loading stays fast.

Titles are normalised before they become lexicon entries: qualifiers ("IKA", "uspesifisert", "annen")
and parentheses are dropped, the title is split at "/" "," ";"; what remains becomes a phrase entry
(each word in any inflected form) and, for specific words (long, not generic, not from the social
chapter Z), a single-word entry.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from pathlib import Path

from .errors import EkspertrapportError
from .fileio import atomic_write_text

CODE_RE = re.compile(r"^[A-Z][0-9][0-9A-Z]{0,5}(?:\.[0-9A-Z]{1,3})?$")
_QUALIFIERS = frozenset(
    """ika ina uspesifisert uspesifiserte uspesifiserert spesifisert spesifiserte annen annet andre
    ikke klassifisert sted steder other flere""".split()
)
_CUT = re.compile(r"\s*(?:[,;/]|\(.*?\)|\s-\s)\s*")
_WORD_RE = re.compile(r"\w+(?:[-/.’']\w+)*")
#: Words that never become single-word entries from a title (too generic for a report's text).
_GENERIC = frozenset(
    """problem problemer sykdom sykdommer tilstand tilstander symptom symptomer plage plager risiko
    frykt engstelig bekymret redd opptatt utseende behandling undersøkelse kontroll oppfølging
    komplikasjon komplikasjoner følgetilstand følgetilstander diskusjon spørsmål helse sosial sosiale
    arbeid arbeidet arbeidssituasjon arbeidsledighet arbeidsløshet jobb familie partner ektefelle barn
    foreldre relasjon tap dødsfall akutt kronisk generell generelle redusert funksjonsevne mangel
    manglende unormal unormale funn ukjent ukjente årsak årsaker følger påvirkning skade skader vekst
    forsinket økt nedsatt foster nyfødt nyfødte person personer kontakt eksponering observasjon
    screening vaksinasjon behov omsorg bolig utdanning fattigdom levekår livsstil forhold
    forbindelse med uten ved som skyldes hos eller og etter under mot til fra grunnet tidligere
    fremmedlegeme vanskeligheter vansker atferd reaksjon reaksjoner følelse følelser tretthet""".split()
)
#: The ICPC-2 and ICD-10 chapter for social problems and factors influencing health.
_SOCIAL_CHAPTER = "Z"


# -- locations ------------------------------------------------------------------------------------


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("EKSPERTRAPPORT_DATA_DIR") or user_data_dir("ekspertrapport")) / "koder"


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("EKSPERTRAPPORT_CACHE_DIR") or user_cache_dir("ekspertrapport"))


# -- import ---------------------------------------------------------------------------------------


def validate(data: object, source: str) -> list[dict[str, str]]:
    """The list of ``{"code", "text"}`` records, or an error naming the first bad record."""
    if not isinstance(data, list) or not data:
        raise EkspertrapportError(f"{source}: forventet en ikke-tom JSON-liste med {{\"code\", \"text\"}}-oppføringer")
    out = []
    for i, rec in enumerate(data, 1):
        if not isinstance(rec, dict) or not isinstance(rec.get("code"), str) or not isinstance(rec.get("text"), str):
            raise EkspertrapportError(
                f"{source}: oppføring {i} mangler tekstfeltene «code» og «text»"
            )
        code = rec["code"].strip().upper()
        if not CODE_RE.match(code):
            raise EkspertrapportError(f"{source}: oppføring {i}: «{rec['code']}» ser ikke ut som en diagnosekode")
        if not rec["text"].strip():
            raise EkspertrapportError(f"{source}: oppføring {i} ({code}) har tom tekst")
        out.append({"code": code, "text": rec["text"].strip()})
    return out


def import_codes(path: str | os.PathLike) -> tuple[Path, int]:
    """Validate ``path`` and store it in the data directory; returns (stored path, number of codes)."""
    from .fileio import read_text

    source = Path(path)
    text = read_text(source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EkspertrapportError(f"{source}: ugyldig JSON (linje {exc.lineno}: {exc.msg})") from None
    records = validate(data, str(source))
    name = re.sub(r"[^\w.-]", "_", source.stem) + ".json"
    target = data_dir() / name
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, json.dumps(records, ensure_ascii=False, indent=0))
    imported_codes.cache_clear()
    return target, len(records)


# -- loading --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def imported_codes() -> tuple[frozenset[str], tuple[str, ...]]:
    """(known codes without dots, lexicon entries from the titles) of every imported list."""
    folder = data_dir()
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        return frozenset(), ()
    raws = [f.read_bytes() for f in files]
    key = hashlib.sha256(b"\0".join(hashlib.sha256(r).digest() for r in raws) + _VERSION).hexdigest()[:20]
    cached = cache_dir() / f"koder-{key}.json"
    try:
        compiled = json.loads(cached.read_text(encoding="utf-8"))
        return frozenset(compiled["codes"]), tuple(compiled["entries"])
    except (OSError, ValueError, KeyError):
        pass
    codes: set[str] = set()
    entries: dict[str, None] = {}
    for raw in raws:
        try:
            records = json.loads(raw)
        except ValueError:
            continue  # a damaged file in the data dir is skipped, not fatal for a lint
        for rec in records if isinstance(records, list) else []:
            if not isinstance(rec, dict) or "code" not in rec or "text" not in rec:
                continue
            code = str(rec["code"]).replace(".", "").upper()
            codes.add(code)
            for entry in title_entries(str(rec["text"]), social=code.startswith(_SOCIAL_CHAPTER)):
                entries.setdefault(entry)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(cached, json.dumps({"codes": sorted(codes), "entries": list(entries)}, ensure_ascii=False))
    except OSError:
        pass
    return frozenset(codes), tuple(entries)


_VERSION = b"titles-v1"


def title_entries(title: str, *, social: bool = False) -> list[str]:
    """Lexicon entries for one code title ("Uspesifisert kronisk bronkitt" → "kronisk bronkitt", "bronkitt")."""
    out: list[str] = []
    for part in _CUT.split(title.lower()):
        words = _WORD_RE.findall(part)
        while words and words[0] in _QUALIFIERS:
            words.pop(0)
        while words and words[-1] in _QUALIFIERS:
            words.pop()
        words = [w for w in words if not w.isdigit()]
        if not words:
            continue
        if len(words) == 1:
            word = words[0]
            if not social and _specific(word, min_len=5):
                out.append(word)
            continue
        phrase = words[:6]
        if phrase[-1] in _GENERIC_TAIL:
            phrase = phrase[:-1]
        if len(phrase) >= 2:
            out.append(" ".join(phrase))
        if not social and len(words) <= 4:
            out.extend(w for w in words if _specific(w, min_len=8))
    return out


_GENERIC_TAIL = frozenset({"med", "uten", "ved", "som", "hos", "i", "av", "på", "og", "eller", "for"})


def _specific(word: str, *, min_len: int) -> bool:
    return (
        len(word) >= min_len
        and word.isalpha()
        and word not in _GENERIC
        and word not in _QUALIFIERS
    )
