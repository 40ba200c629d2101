"""``ekspertrapport check`` and ``ekspertrapport measures export``: NAV intake of received reports."""

from __future__ import annotations

import io
import sys

import click

from ..errors import ExitStatus
from .common import run_safely

_FORMATS = ("table", "csv", "json")


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--recursive", "-r", is_flag=True, help="Ta med filer i undermapper.")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True,
              help="Utdataformat: tabell på skjermen, CSV eller JSON.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str),
              help="Skriv resultatet til denne filen (atomisk) i stedet for til skjermen.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Antall parallelle prosesser (standard: antall kjerner).")
@click.option("--trust", type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Sertifikat (PEM/DER) for signaturer som skal regnes som klarerte.")
@run_safely
def check(paths: tuple[str, ...], recursive: bool, fmt: str, output: str | None, jobs: int | None,
          trust: str | None) -> None:
    """Kontroller mottatte rapporter (PDF, Word, Markdown): er de hele, komplette og fri for
    helse- og identitetsopplysninger?

    Hver fil får én vurdering, i denne rekkefølgen: FEIL (kan ikke leses), UGYLDIG (signert med
    ekspertrapport, men endret), PERSONVERN (helse- eller identitetsopplysninger), MANGLER (godkjenning,
    årsaker, tiltak med ansvarlig, periode eller parter mangler), OK. Filer som ikke er rapporter,
    får HOPPET_OVER med begrunnelse.

    Avslutningskode: 0 når alle filene er OK, 1 når minst én ikke er det, 2 når kontrollen ikke kunne kjøres.

    \b
    Eksempler:
      ekspertrapport check innkommet/
      ekspertrapport check innkommet/ --recursive --format json --output resultat.json
    """
    from ..check import COLUMNS, check_paths
    from ..intake.output import to_csv, to_json

    _quiet_libraries()
    report = check_paths(paths, recursive=recursive, jobs=jobs, trust=trust)
    rows = _run_with_progress(report)
    for note in report.notes:
        click.echo(f"merknad: {note}", err=True)
    summary = report.summary()
    if fmt == "json":
        text = to_json("files", (r.to_json() for r in rows), summary=summary)
    elif fmt == "csv":
        text = to_csv(COLUMNS, (r.to_json() for r in rows))
    else:
        text = _table(rows, summary, to_file=output is not None)  # printed directly when not to a file
    if text:
        _emit(text, output)
    if fmt != "table" or output is not None:
        click.echo(_summary_line(summary), err=True)
    sys.exit(int(report.exit_status))


def _quiet_libraries() -> None:
    """PDF libraries log warnings about every damaged file they meet; the rows already say what is wrong."""
    import logging

    for name in ("pypdf", "pdfminer", "pyhanko", "pyhanko_certvalidator", "presidio-analyzer"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _run_with_progress(report) -> list:
    """Run the check; on a terminal with a progress bar on stderr (no refresh thread: safe with fork)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal or report.total < 2:
        return list(report)
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("Kontrollerer"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.description}"), console=console, transient=True,
                  auto_refresh=False) as progress:
        task = progress.add_task("", total=report.total)
        rows = []
        for row in report:
            rows.append(row)
            progress.update(task, completed=len(rows), description=escape(row.path[-40:]), refresh=True)
    return rows


def _summary_line(summary: dict) -> str:
    """«7 fil(er): OK 1, PERSONVERN 3, …» (verdicts with at least one file, in the order of precedence)."""
    counts = ", ".join(f"{name} {count}" for name, count in summary["verdicts"].items() if count)
    extra = f"; {summary['duplicates']} duplikat(er)" if summary["duplicates"] else ""
    return f"{summary['total']} fil(er): {counts}{extra}"


def _table(rows: list, summary: dict, *, to_file: bool) -> str:
    """The rows as a rich table with the summary line; printed to the screen, or returned as plain text."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..intake.output import VERDICT_STYLES

    table = Table(show_lines=True, header_style="bold")
    table.add_column("Fil", overflow="fold", ratio=2, min_width=24)
    table.add_column("Vurdering", no_wrap=True)
    table.add_column("Signatur", no_wrap=True)
    table.add_column("Godkjent", ratio=1)
    table.add_column("Tiltak", justify="right", no_wrap=True)
    table.add_column("Helse/ID", justify="right", no_wrap=True)
    table.add_column("Begrunnelse", ratio=3, min_width=20)
    for row in rows:
        approved = "\n".join(["ja" if row.approval_found else "nei",
                               *(x for x in (row.approved_by, row.approved_at) if x and row.approval_found)])
        privacy = f"{row.findings_by_category.get('health', 0)}/{row.findings_by_category.get('identity', 0)}"
        # Text, not markup: file names and reasons may hold «[...]».
        table.add_row(Text(row.path), Text(row.verdict.value, style=VERDICT_STYLES.get(row.verdict.value, "")),
                      row.signature, Text(approved), str(row.measures_count), privacy,
                      Text("\n".join(f"• {r}" for r in row.reasons)))
    if not to_file:
        console = Console(highlight=False)
        console.print(table if console.width >= 110 else _compact(rows))  # a 7-column table needs room
        console.print(_summary_line(summary))
        return ""
    buffer = io.StringIO()
    console = Console(file=buffer, width=160, no_color=True, highlight=False)
    console.print(table)
    console.print(_summary_line(summary))
    return buffer.getvalue()


def _compact(rows: list):
    """One block per file for narrow terminals: verdict and path, then the details indented."""
    from rich.console import Group
    from rich.text import Text

    from ..intake.output import VERDICT_STYLES

    blocks = []
    for row in rows:
        head = Text.assemble((f"{row.verdict.value:<11}", VERDICT_STYLES.get(row.verdict.value, "")), " ", row.path)
        approved = "ja" if row.approval_found else "nei"
        if row.approval_found and (row.approved_by or row.approved_at):
            approved += f" ({', '.join(x for x in (row.approved_by, row.approved_at) if x)})"
        details = (f"signatur: {row.signature} · godkjent: {approved} · tiltak: {row.measures_count} · "
                   f"helse/ID: {row.findings_by_category.get('health', 0)}/{row.findings_by_category.get('identity', 0)}")
        lines = [head, Text(f"    {details}")] + [Text(f"    • {r}") for r in row.reasons]
        blocks.append(Group(*lines))
    return Group(*blocks)


def _emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from ..fileio import atomic_write_text

    atomic_write_text(output, text)
    click.echo(f"skrev {output}", err=True)


@click.group("measures")
def measures() -> None:
    """NAV: tiltak fra låste rapporter, til oppfølging."""


@measures.command("export", short_help="Tiltakene som rader (CSV/JSON), én gang per rapportversjon.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--recursive", "-r", is_flag=True, help="Ta med filer i undermapper.")
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), default="csv", show_default=True,
              help="Utdataformat.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str),
              help="Skriv resultatet til denne filen (atomisk) i stedet for til skjermen.")
@click.option("--trust", type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Sertifikat (PEM/DER) for signaturer som skal regnes som klarerte.")
@run_safely
def export(paths: tuple[str, ...], recursive: bool, fmt: str, output: str | None, trust: str | None) -> None:
    """Eksporter tiltakene i mottatte rapporter som rader (referanse, versjon, arbeidsgiver, hva,
    ansvarlig, frist, oppfølging, spor), så NAV kan følge opp hvilke tiltak som er gjennomført.

    Låste rapporter fra ekspertrapport leses fra de innebygde dataene (etter verifisering); andre
    rapporter fra tiltakstabellen (kolonnene «Tiltak» og «Ansvarlig»). Mottakerkopiene av samme
    rapportversjon (arbeidstaker, arbeidsgiver, NAV, Word) telles én gang.

    Avslutningskode: 0 når alle filene ga tiltak (eller var kopier), 1 når noen filer ble hoppet over,
    2 når eksporten ikke kunne kjøres.

    \b
    Eksempler:
      ekspertrapport measures export innkommet/ --output tiltak.csv
      ekspertrapport measures export innkommet/ --format json
    """
    from ..intake.measures import COLUMNS, export_measures
    from ..intake.output import to_csv, to_json

    _quiet_libraries()
    result = export_measures(paths, recursive=recursive, trust=trust)
    if fmt == "json":
        data = result.to_json()
        text = to_json("measures", data["measures"], summary=data["summary"])
    else:
        text = to_csv(COLUMNS, (m.to_json() for m in result.measures))
    _emit(text, output)
    for skipped in result.skipped:
        click.echo(f"hoppet over: {skipped['fil']}: {skipped['grunn']}", err=True)
    click.echo(f"{len(result.measures)} tiltak fra {result.reports} rapportversjon(er)"
               + (f"; {len(result.copies)} mottakerkopi(er) telt én gang" if result.copies else ""), err=True)
    sys.exit(int(ExitStatus.FINDINGS if result.skipped else ExitStatus.OK))
