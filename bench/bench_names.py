"""Benchmark the ``identity.person`` component: milliseconds per 2 000-word report (warm).

    OMP_NUM_THREADS=1 python bench/bench_names.py [--model DIR] [--runs 50]

Prints, for the same synthetic 2 000-word report (written here, bokmål, with a few names in it):
* ``windows``: what the linter does (candidate windows + model + filters) on an already tokenised Doc,
  which is what the recognizer receives from the engine;
* ``recognizer``: the presidio ``PersonRecognizer.analyze`` call on that Doc (adds allow-list filtering);
* ``no cache``: the same, with the finder's memory of window answers emptied before each call (text
  the linter has not seen: every window goes through the model);
* ``full doc``: the same model run over every token, for comparison;
* ``name-heavy``: the same report with a sentence full of names and places added to every paragraph
  (a stress case: many more windows);
* the number of candidate windows and tokens the model saw, and the one-off model load time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PARAGRAPHS = [
    "Arbeidstaker har vært ansatt i virksomheten i elleve år og jobber som pedagogisk leder på en "
    "avdeling med atten barn. Hun har hatt redusert stilling siden januar, og leder ønsket bistand for "
    "å finne ut hvordan arbeidet kan legges til rette slik at hun kan øke stillingsandelen igjen.",
    "Ekspertbistanden ble gjennomført med tre samtaler med arbeidstaker, to samtaler med nærmeste leder "
    "og et felles møte der også verneombudet deltok. I tillegg observerte eksperten en arbeidsdag på "
    "avdelingen i Bergen og gikk gjennom turnus, oppgavefordeling og rutiner for pauser.",
    "Kollegaen Trine Haugland har overtatt flere av vaktene den siste tiden. Arbeidstaker forteller at "
    "hun har snakket med Ola om dette, og at de er enige om at fordelingen ikke kan fortsette slik den "
    "er nå. Leder bekrefter at bemanningen har vært lav, særlig i ferieavviklingen.",
    "Det viktigste hinderet for å øke stillingen er at arbeidsdagen har få naturlige pauser og mange "
    "avbrudd. Arbeidstaker beskriver at hun blir sliten av støy over tid og trenger mulighet til å "
    "trekke seg tilbake en kort stund i løpet av dagen. Dette er også et tema for resten av personalet.",
    "Partene ble enige om faste oppfølgingssamtaler annenhver uke, en gradvis opptrapping med ti prosent "
    "hver fjerde uke og en tydeligere fordeling av oppgaver i møtene på mandager. Ansvarlig for "
    "oppfølgingen er nærmeste leder, og tiltakene evalueres i et felles møte etter seks uker.",
    "Tidligere har arbeidstaker fått hjelp av NAV-veileder til å søke om tilretteleggingstilskudd. "
    "Virksomheten, Solsikken Barnehage AS, har også avtale med bedriftshelsetjenesten, og AMU har hatt "
    "støy på avdelingene som tema. Risikovurderingen fra i fjor skal oppdateres i løpet av våren.",
    "Eksperten vurderer at arbeidsoppgavene i hovedsak kan beholdes, men at dagen bør organiseres med "
    "faste stille perioder og at arbeidstaker en periode fritas for ansvar for foreldresamtaler. Per "
    "Hansen i administrasjonen har sagt seg villig til å overta noen av de administrative oppgavene.",
    "Arbeidstaker og leder har et godt samarbeid, og begge uttrykker at de ønsker at arbeidsforholdet "
    "skal fortsette. Det er likevel behov for en tydelig plan med frister, slik at det blir lettere å se "
    "om tiltakene virker, og slik at begge vet hva som er avtalt og hvem som følger opp.",
]


HEAVY = " Hun har snakket med Ingrid Solberg, Jonas og Per Olav Lie fra Bergen om dette på Teams."


def report_text(words: int = 2000) -> str:
    out: list[str] = []
    n = 0
    i = 0
    while n < words:
        p = PARAGRAPHS[i % len(PARAGRAPHS)]
        out.append(p)
        n += len(p.split())
        i += 1
    return "\n\n".join(out)


def timed(fn, runs: int) -> tuple[float, float]:
    """Median wall and CPU (this thread) milliseconds; CPU time is steadier on a shared machine."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.thread_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=None, help="model folder (default: the shipped one)")
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()

    import spacy

    from ekspertrapport.lint.recognizers.person import PersonNameFinder, PersonRecognizer, _Tokens

    text = report_text()
    words = len(text.split())
    t = time.perf_counter()
    finder = PersonNameFinder(args.model)
    load_ms = (time.perf_counter() - t) * 1000
    doc = spacy.blank("nb").make_doc(text)  # the engine's tokens
    scale = 2000 / words

    class Artifacts:  # the part of presidio's NlpArtifacts the recognizer uses
        tokens = doc

    rec = PersonRecognizer("nb", finder=finder)
    windows = finder._windows(_Tokens(doc))
    seen = sum(b - a for a, b in windows)
    win = timed(lambda: finder.find(doc, text), args.runs)

    def uncached(d, t):
        finder._window_cache.clear()
        return finder.find(d, t)

    cold_win = timed(lambda: uncached(doc, text), args.runs)
    rec_t = timed(lambda: rec.analyze(text, ["identity.person"], Artifacts()), args.runs)
    full = timed(lambda: finder.nlp(text), max(5, args.runs // 5))
    heavy_text = "\n\n".join(p + HEAVY for p in text.split("\n\n"))
    heavy_doc = spacy.blank("nb").make_doc(heavy_text)
    heavy_scale = 2000 / len(heavy_text.split())
    heavy = timed(lambda: finder.find(heavy_doc, heavy_text), args.runs)
    heavy_cold = timed(lambda: uncached(heavy_doc, heavy_text), args.runs)
    heavy_windows = finder._windows(_Tokens(heavy_doc, heavy_text))
    hits = [text[h.start:h.end] for h in finder.find(doc)]
    print(f"report: {words} words, {len(doc)} tokens; {len(windows)} windows, {seen} tokens seen by the model")
    print(f"model load (cold, once): {load_ms:.0f} ms")
    for label, (w, c), k in (("windows   ", win, scale), ("no cache  ", cold_win, scale),
                             ("recognizer", rec_t, scale), ("full doc  ", full, scale),
                             ("name-heavy", heavy, heavy_scale), ("heavy, no cache", heavy_cold, heavy_scale)):
        print(f"{label}: {w * k:6.2f} ms wall, {c * k:6.2f} ms CPU per 2 000 words (median)")
    print(f"(name-heavy: {len(heavy_windows)} windows, {sum(b - a for a, b in heavy_windows)} tokens seen)")
    print("(full doc = the model over every token, for comparison; the linter uses the windows)")
    print(f"names found: {sorted(set(hits))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
