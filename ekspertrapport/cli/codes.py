"""``ekspertrapport codes import FILE.json``: load an official code list (ICD-10, ICPC-2)."""

from __future__ import annotations

import click

from .common import run_safely


@click.group("codes")
def codes() -> None:
    """Offisielle kodelister (ICD-10, ICPC-2) som personvernsjekken bruker.

    Kodelistene publiseres av NAV og Helsedirektoratet som JSON: en liste med
    {"code": ..., "text": ...}. Etter import kjenner sjekken alle kodene og diagnosetitlene.
    """


@codes.command("import")
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@run_safely
def import_(file: str) -> None:
    """Importer kodelisten FILE (JSON) til brukerens datamappe."""
    from ..codes import import_codes

    target, count = import_codes(file)
    click.echo(f"Importerte {count} koder fra {file} til {target}.")
