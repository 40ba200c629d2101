"""The main job end to end on the bundled sample: render → lint → approve → verify.

The demo works on copies in a fresh run folder, signs with a throw-away demo key stored in that
folder (never the user's own key), and shows that a report with health details is refused.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .errors import EkspertrapportError
from .fileio import atomic_write_bytes, ensure_writable_dir

CLEAN_SAMPLE = "rapport-bokmal.md"
DIRTY_SAMPLE = "rapport-med-feil.md"
DEMO_WORKER_METHOD = "signatur"


@dataclass
class DemoStep:
    name: str
    seconds: float
    summary: str
    paths: list[Path] = field(default_factory=list)


@dataclass
class DemoResult:
    run_dir: Path
    steps: list[DemoStep] = field(default_factory=list)
    ok: bool = True


def find_samples(samples_dir: str | Path | None = None) -> Path:
    """The samples folder: given explicitly, else ``./samples`` (run from the repository root), else the
    repository the package is installed from (an editable install run from any folder)."""
    candidates = [Path(samples_dir)] if samples_dir else [Path.cwd() / "samples",
                                                          Path(__file__).resolve().parents[1] / "samples"]
    for candidate in candidates:
        if (candidate / CLEAN_SAMPLE).is_file():
            return candidate
    raise EkspertrapportError(
        f"fant ikke eksempelrapporten «{CLEAN_SAMPLE}» i {candidates[0]}; kjør demoen fra roten av repoet "
        "eller oppgi mappen med --samples."
    )


def new_run_dir(out: str | Path) -> Path:
    """A fresh folder under ``out`` for this run, so that no earlier run is ever overwritten."""
    base = ensure_writable_dir(out)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(100):
        run = base / (f"kjoring-{stamp}" + (f"-{n}" if n else ""))
        try:
            run.mkdir()
            return run
        except FileExistsError:
            continue
    raise EkspertrapportError(f"{base}: fant ikke et ledig navn for en ny kjøring.")


def run_demo(out: str | Path = "demo-ut", samples_dir: str | Path | None = None, *, echo=print) -> DemoResult:
    from .lint import Linter
    from .lock.approve import ApprovalRefused, approve_report
    from .lock.keys import create_key, to_pkcs12
    from .lock.verify import verify_file
    from .render import render_report
    from .source import load_report

    samples = find_samples(samples_dir)
    run = new_run_dir(out)
    result = DemoResult(run)
    source_dir = run / "kilde"
    source_dir.mkdir()
    source = Path(shutil.copy2(samples / CLEAN_SAMPLE, source_dir / CLEAN_SAMPLE))
    dirty = samples / DIRTY_SAMPLE

    def step(name: str, started: float, summary: str, paths: list[Path] | None = None) -> None:
        result.steps.append(DemoStep(name, time.perf_counter() - started, summary, paths or []))
        echo(f"[{name}] {summary} ({time.perf_counter() - started:.2f} s)")

    t = time.perf_counter()
    report = load_report(source)
    drafts = render_report(report, run / "utkast", ("docx", "pdf", "html"))
    step("render", t, f"utkast laget: {', '.join(p.name for p in drafts)}", drafts)

    t = time.perf_counter()
    linter = Linter()
    clean = linter.lint_path(source)
    errors = [f for f in clean.findings if f.severity == "error" and not f.suppressed]
    summary = f"{CLEAN_SAMPLE}: {len(clean.findings)} funn, {len(errors)} feil"
    if dirty.is_file():
        dirty_result = linter.lint_path(dirty)
        by_category: dict[str, int] = {}
        for f in dirty_result.findings:
            by_category[f.category] = by_category.get(f.category, 0) + 1
        summary += f"; {DIRTY_SAMPLE}: {len(dirty_result.findings)} funn ({', '.join(f'{k} {v}' for k, v in sorted(by_category.items()))})"
    step("lint", t, summary)
    if errors:
        result.ok = False
        for f in errors:
            echo(f"  {source}:{f.line}: {f.rule} {f.message} «{f.text}»")
        return result

    t = time.perf_counter()
    key = create_key("Demoekspert (kun for demonstrasjon)", report.meta.ekspert.virksomhet)
    atomic_write_bytes(run / "demo-nokkel.p12", to_pkcs12(key, None), exclusive=True, mode=0o600)
    if dirty.is_file():
        dirty_copy = Path(shutil.copy2(dirty, source_dir / DIRTY_SAMPLE))
        try:
            approve_report(dirty_copy, by="Demo Arbeidstaker", method=DEMO_WORKER_METHOD,
                           out_dir=run / "avvist", key=key, linter=linter)
            result.ok = False
            echo(f"  FEIL: {DIRTY_SAMPLE} ble godkjent, men skulle vært avvist")
        except ApprovalRefused as refused:
            echo(f"  {DIRTY_SAMPLE} avvist som ventet: {len(refused.findings)} feil må rettes før godkjenning")
    outcome = approve_report(source, by=report.meta.arbeidstaker.navn, method=DEMO_WORKER_METHOD,
                             out_dir=run / "last", key=key, linter=linter)
    step("approve", t, f"versjon {outcome.version} godkjent og låst: "
                       f"{', '.join(p.name for p in outcome.files)}", list(outcome.files))

    t = time.perf_counter()
    checked = [verify_file(p, trust=None) for p in outcome.files if p.suffix in (".pdf", ".docx")]
    intact = [r for r in checked if r.valid]
    step("verify", t, f"{len(intact)} av {len(checked)} låste filer er intakte og uendret")
    result.ok = result.ok and len(intact) == len(checked) and bool(checked)
    return result
