"""``ekspertrapport render``: a report source → Word, PDF and HTML."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EkspertrapportError
from .common import run_safely


def _check_not_locked(source: Path) -> int:
    """Refuse to render over an approved, locked report; return the version the draft belongs to.

    Hook for the approval/lock step: it raises :class:`~ekspertrapport.errors.LockedError` when
    ``source`` is locked: its current version is approved and the source has changed since (the
    message names ``ekspertrapport revise``). An unchanged approved source may be rendered again.
    After ``ekspertrapport revise`` the draft is version N+1, not version 1.
    """
    from ..lock.state import check_not_locked

    current = check_not_locked(source).current
    if current.status == "approved":  # the draft says «not approved yet»: say where the real copies are
        click.echo(f"merk: versjon {current.version} er allerede godkjent og låst; de låste kopiene til "
                   f"arbeidstaker, arbeidsgiver og NAV ligger i {current.out_dir}. Det som lages nå, er bare et utkast.",
                   err=True)
    return current.version


@click.command("render")
@click.argument("source", metavar="KILDE", type=click.Path(dir_okay=True, file_okay=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, metavar="MAPPE",
              help="Mappen filene skrives til (opprettes om den mangler).")
@click.option("--format", "formats", default="docx,pdf", show_default=True, metavar="FORMATER",
              help="Kommaseparert liste: docx, pdf, html.")
@click.option("--template", "template", type=click.Path(path_type=Path), default=None, metavar="MAL.docx",
              help="Virksomhetens egen Word-mal for .docx-filen.")
@run_safely
def render(source: Path, out_dir: Path | None, formats: str, template: Path | None) -> None:
    """Lag Word (.docx), PDF og HTML fra rapportkilden KILDE (.md eller .docx).

    Rapporten lages som utkast, merket UTKAST, til arbeidstaker har godkjent den.
    Filene får faste, beskrivende navn og skrives først når alt er laget.

    \b
    Eksempel:
      ekspertrapport render rapport.md --out ut
      ekspertrapport render rapport.md --out ut --format docx,pdf,html
    """
    from ..render import RenderOptions, parse_formats, render_report
    from ..source import load_report

    if out_dir is None:
        raise EkspertrapportError("mangler --out MAPPE: oppgi mappen filene skal skrives til")
    chosen = parse_formats(formats)
    if template is not None:
        if not template.is_file():
            raise EkspertrapportError(f"{template}: Word-malen finnes ikke.")
        if template.suffix.lower() not in (".docx", ".dotx"):
            raise EkspertrapportError(f"{template}: Word-malen må være en .docx- eller .dotx-fil.")
    version = _check_not_locked(source)
    report = load_report(source)
    for path in render_report(report, out_dir, chosen, RenderOptions(version=version), template=template):
        click.echo(str(path))
