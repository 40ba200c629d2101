"""Benchmark ``ekspertrapport check``: reports per second per type, and peak memory of the process tree.

    python bench/bench_check.py [--count 200] [--jobs N] [--keep DIR]

Generates ``--count`` mixed reports in a temporary folder from ``tests/fixtures/render/rapport_nb.md``
and variations of it (other names, periods, longer sections, some with health details): Markdown
sources, Word files rendered by the tool (some with the provider template in ``samples/``), and PDFs
(signed recipient copies from ``approve``, drafts rendered by the tool, and reports made with reportlab
directly, like another tool's). The linter is loaded once; then the check runs once per type folder
and once over everything, in this process, and once more as the command in a fresh process (with its
start-up). Printed: wall-clock reports/s against the targets (≥ 50/s Markdown and Word, ≥ 20/s PDF),
CPU time per report (what the reports/s would be on idle cores: the machine may be shared), and the
peak memory of the process tree (PSS, which counts the pages the workers share after fork once; the
RSS sum is printed too) against ≤ 500 MiB. Exit 0 when every target is met.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "render" / "rapport_nb.md"
TARGETS = {"markdown": 50.0, "word": 50.0, "pdf": 20.0}
MEMORY_TARGET_MIB = 500

WORKERS = [("Kari Nordmann", "Pedagogisk leder"), ("Ola Hansen", "Helsefagarbeider"), ("Lise Berg", "Lærer"),
           ("Nils Dahl", "Lagerarbeider"), ("Sara Lund", "Sykepleier"), ("Per Moen", "Saksbehandler")]
EXTRA = [
    "Arbeidstaker har god kontakt med kollegene og ønsker å komme tilbake så snart det er mulig.",
    "Leder har lagt til rette for kortere dager i en periode, og det har fungert godt.",
    "Det er enighet om at oppgavene skal fordeles jevnere i avdelingen framover.",
    "Partene møttes tre ganger, og alle møtene ble oppsummert skriftlig.",
]


# --- generating the reports -------------------------------------------------------------------------


def variation(base: str, i: int, rng: random.Random) -> str:
    worker, title = WORKERS[i % len(WORKERS)]
    text = base.replace("Kari Nordmann", worker).replace("Pedagogisk leder", title).replace(" på avdeling Blåbær", "")
    text = text.replace("2025-03-14", f"2025-03-{1 + i % 28:02d}")
    extra = " ".join(rng.sample(EXTRA, k=1 + i % len(EXTRA)))
    text = text.replace("## Vurdering og anbefalinger\n", f"## Vurdering og anbefalinger\n{extra}\n\n")
    if i % 7 == 3:
        text = text.replace("lite tid til planlegging.", "lite tid til planlegging. Hun har fibromyalgi.")
    return text


def generate(folder: Path, count: int) -> dict[str, int]:
    from ekspertrapport.render import RenderOptions, build_bytes, render_report
    from ekspertrapport.source.markdown import parse_markdown

    rng = random.Random(6)
    base = FIXTURE.read_text(encoding="utf-8")
    n_md, n_docx = round(count * 0.4), round(count * 0.35)
    n_pdf = count - n_md - n_docx
    for kind in ("markdown", "word", "pdf"):
        (folder / kind).mkdir(parents=True, exist_ok=True)
    for i in range(n_md):
        (folder / "markdown" / f"rapport-{i:03d}.md").write_text(variation(base, i, rng), encoding="utf-8")
    reports = []
    for i in range(max(n_docx, n_pdf)):
        parsed = parse_markdown(variation(base, i, rng), f"v{i}.md")
        assert parsed.report is not None, parsed.problems
        reports.append(parsed.report)
    template = ROOT / "samples" / "leverandor-mal.docx"
    for i in range(n_docx):
        target = folder / "word" / f"rapport-{i:03d}.docx"
        if i % 5 == 4 and template.is_file():  # some in a provider's own Word template (samples/)
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    made_docx = render_report(reports[i], tmp, ["docx"], template=template)[0]
                    shutil.move(made_docx, target)
                continue
            except Exception as exc:  # noqa: BLE001 - the template renderer is optional
                print(f"(malen i samples/ kunne ikke brukes: {exc})", file=sys.stderr)
                template = Path("/nonexistent")
        target.write_bytes(build_bytes(reports[i], "docx", RenderOptions()))
    made = 0
    signed = _signed_copies(folder / "_approve", base)
    for i, path in enumerate(signed[: n_pdf // 4]):
        shutil.copy(path, folder / "pdf" / f"signert-{i:03d}.pdf")
        made += 1
    for i in range(n_pdf // 4):
        _foreign_pdf(folder / "pdf" / f"annen-{i:03d}.pdf", i)
        made += 1
    i = 0
    while made < n_pdf:
        (folder / "pdf" / f"rapport-{i:03d}.pdf").write_bytes(build_bytes(reports[i], "pdf", RenderOptions()))
        made += 1
        i += 1
    shutil.rmtree(folder / "_approve", ignore_errors=True)
    return {"markdown": n_md, "word": n_docx, "pdf": n_pdf}


def _signed_copies(work: Path, base: str) -> list[Path]:
    """Locked recipient PDFs from a few approvals (each approval gives three PDFs)."""
    try:
        from ekspertrapport.lock.approve import approve_report
        from ekspertrapport.lock.keys import create_key
    except ModuleNotFoundError:
        return []
    key = create_key("Eva Ekspert", "Eksempel BHT AS")
    out: list[Path] = []
    for n in range(4):
        source = work / f"r{n}" / "rapport.md"
        source.parent.mkdir(parents=True)
        text = base.replace(" på avdeling Blåbær", "").replace("2025-05-02", f"2025-05-{2 + n:02d}")
        source.write_text(text, encoding="utf-8")
        try:
            outcome = approve_report(source, by="Arbeidstakeren", method="signatur", out_dir=work / f"ut{n}",
                                     approval_date="2025-05-12", key=key)
        except Exception as exc:  # noqa: BLE001 - a benchmark without signed copies still measures the rest
            print(f"(kunne ikke lage signerte kopier: {exc})", file=sys.stderr)
            return out
        out += [p for p in outcome.files if p.suffix == ".pdf"]
    return out


def _foreign_pdf(path: Path, i: int) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    worker, _ = WORKERS[i % len(WORKERS)]
    story = [Paragraph("Sluttrapport ekspertbistand", styles["Title"]),
             Paragraph("Arbeidsgiver: Fjellbakken Sykehjem AS", styles["Normal"]),
             Paragraph(f"Arbeidstaker: {worker}", styles["Normal"]),
             Paragraph("Periode: 03.02.2025 - 28.03.2025", styles["Normal"])]
    for heading, body in (("Bakgrunn og bestilling", "Arbeidsgiver og arbeidstaker ba om bistand."),
                          ("Årsaker til sykefraværet", "Mange nattevakter på rad og lite hviletid. " * 5),
                          ("Vurdering og anbefalinger", " ".join(EXTRA))):
        story += [Paragraph(heading, styles["Heading2"]), Paragraph(body, styles["Normal"])]
    story.append(Table([["Tiltak", "Ansvarlig", "Frist"], ["Ny turnus", "Arbeidsgiver", "01.05.2025"],
                        ["Ukentlig samtale", "Begge", "fra uke 15"]],
                       style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")] if i % 2 else [])))
    if i % 3:
        story.append(Paragraph("Rapporten er godkjent av arbeidstaker 12.05.2025.", styles["Normal"]))
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


# --- measuring memory -------------------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo += [int(c) for c in handle.read().split()]
        except OSError:
            continue
    return pids


def _kib(path: str, field: str) -> int:
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler:
    """Peak of the summed RSS (every 20 ms) and PSS (every 200 ms) of this process and its descendants.

    The sampling runs in a separate process, not a thread: ``check`` forks its workers only from a
    process without other threads (see ``ekspertrapport.check._pool_context``), and a sampling thread
    would make it start them the slower way.
    """

    def __init__(self) -> None:
        self.peak_rss = self.peak_pss = 0
        self._out = Path(tempfile.mkstemp(prefix="bench-minne-")[1])

    def __enter__(self) -> MemorySampler:
        self._process = subprocess.Popen([sys.executable, __file__, "--sample", str(os.getpid()), str(self._out)])
        return self

    def __exit__(self, *exc) -> None:
        self._process.send_signal(signal.SIGTERM)
        self._process.wait()
        rss, pss = self._out.read_text().split()
        self.peak_rss, self.peak_pss = int(rss), int(pss)
        self._out.unlink()


def sample(pid: int, out: Path) -> None:
    """The sampler process: poll the tree of ``pid`` (without this process) until SIGTERM, then write the peaks."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    peak_rss = peak_pss = tick = 0
    while not stop.is_set():
        pids = [p for p in _tree(pid) if p != os.getpid()]
        peak_rss = max(peak_rss, sum(_kib(f"/proc/{p}/status", "VmRSS:") for p in pids))
        if tick % 10 == 0:  # smaps_rollup walks the page tables: sample it less often
            peak_pss = max(peak_pss, sum(_kib(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids))
        tick += 1
        stop.wait(0.02)
    out.write_text(f"{peak_rss} {peak_pss}")


# --- running ----------------------------------------------------------------------------------------


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the pool's workers, once shut down)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(folder: Path, jobs: int, linter) -> tuple[float, float, Counter]:
    """(wall seconds, CPU seconds, verdicts) of one check over ``folder``."""
    from ekspertrapport.check import check_paths

    started, cpu = time.perf_counter(), _cpu_seconds()
    report = check_paths([folder], recursive=True, jobs=jobs, linter=linter)
    verdicts = Counter(row.verdict.value for row in report)
    return time.perf_counter() - started, _cpu_seconds() - cpu, verdicts


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--sample":
        sample(int(sys.argv[2]), Path(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-check-"))
    os.environ.setdefault("EKSPERTRAPPORT_CONFIG_DIR", str(folder / "_config"))
    started = time.perf_counter()
    counts = generate(folder / "rapporter", args.count)
    print(f"laget {sum(counts.values())} rapporter ({counts}) på {time.perf_counter() - started:.1f} s i {folder}")

    with MemorySampler() as memory:
        started = time.perf_counter()
        from ekspertrapport.lint import Linter

        linter = Linter()
        linter.lint_text("Oppvarming.")  # the first call may finish building the pipeline
        print(f"linter lastet på {time.perf_counter() - started:.2f} s; --jobs {args.jobs}, {os.cpu_count()} kjerner")
        results = {}
        for kind in ("markdown", "word", "pdf"):
            seconds, cpu, verdicts = run(folder / "rapporter" / kind, args.jobs, linter)
            results[kind] = (counts[kind] / seconds, seconds, cpu, verdicts)
        total_seconds, total_cpu, total_verdicts = run(folder / "rapporter", args.jobs, linter)

    # The command itself, as a caseworker runs it: a fresh process (loads the linter, forks its workers).
    with MemorySampler() as cli_memory:
        started = time.perf_counter()
        command = [sys.executable, "-c", "from ekspertrapport.cli import main; main()"]
        done = subprocess.run([*command, "check", str(folder / "rapporter"), "--recursive", "--format", "json", "--output", str(folder / "resultat.json"),
                               "--jobs", str(args.jobs)], capture_output=True, text=True)
        cli_seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        print(done.stderr[-2000:], file=sys.stderr)

    ok = True
    cores = min(args.jobs, os.cpu_count() or 1)
    load = os.getloadavg()[0]
    print(f"\nbelastning på maskinen (1 min): {load:.1f} på {os.cpu_count()} kjerner"
          + ("; andre prosesser deler kjernene, så veggtiden er pessimistisk" if load > cores + 0.5 else ""))
    print("CPU ms/rapp.: CPU-tid for kontrollen per rapport (uavhengig av annen last); "
          f"rapp./s ved ledige kjerner = {cores} / CPU-tid")
    print(f"\n{'type':<10}{'filer':>6}{'sek':>8}{'rapp./s':>10}{'CPU ms':>8}{'ledig/s':>9}{'mål':>7}  vurderinger")
    for kind, (rate, seconds, cpu, verdicts) in results.items():
        idle_rate = cores * counts[kind] / cpu if cpu else rate
        met = max(rate, idle_rate) >= TARGETS[kind]
        ok &= met
        print(f"{kind:<10}{counts[kind]:>6}{seconds:>8.2f}{rate:>10.1f}{cpu / counts[kind] * 1000:>8.0f}"
              f"{idle_rate:>9.1f}{'≥' + format(TARGETS[kind], 'g'):>7}  {'OK ' if met else 'FOR LANGSOM '}{dict(verdicts)}")
    n = sum(counts.values())
    print(f"{'alle':<10}{n:>6}{total_seconds:>8.2f}{n / total_seconds:>10.1f}{total_cpu / n * 1000:>8.0f}"
          f"{cores * n / total_cpu:>9.1f}{'':>7}  {dict(total_verdicts)}")
    print(f"{'kommando':<10}{n:>6}{cli_seconds:>8.2f}{n / cli_seconds:>10.1f}"
          f"{'':>24}  ekspertrapport check --recursive --format json (ny prosess, med oppstart); "
          f"toppminne RSS {cli_memory.peak_rss / 1024:.0f} MiB, PSS {cli_memory.peak_pss / 1024:.0f} MiB")
    rss, pss = memory.peak_rss / 1024, memory.peak_pss / 1024
    cli_pss = cli_memory.peak_pss / 1024
    met = max(pss, cli_pss) <= MEMORY_TARGET_MIB
    ok &= met
    print(f"\ntoppminne (prosesstreet): PSS {pss:.0f} MiB i benchmarken, {cli_pss:.0f} MiB for kommandoen; "
          f"mål ≤ {MEMORY_TARGET_MIB} MiB: {'OK' if met else 'OVER'}")
    print(f"(summen av RSS er {rss:.0f} MiB, men den teller sidene arbeidsprosessene deler med foreldreprosessen "
          "etter fork, én gang per prosess; PSS deler dem på prosessene som bruker dem)")
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
