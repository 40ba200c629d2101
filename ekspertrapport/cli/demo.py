"""``ekspertrapport demo``: the main job end to end on the bundled sample."""

from __future__ import annotations

import click

from ..errors import ExitStatus
from .common import fail, run_safely


@click.command("demo")
@click.option("--out", "out", default="demo-ut", show_default=True, type=click.Path(file_okay=False),
              help="Mappe for resultatet; hver kjøring får en ny undermappe.")
@click.option("--samples", "samples", default=None, type=click.Path(file_okay=False),
              help="Mappen med eksempelrapportene (standard: ./samples).")
@run_safely
def demo(out: str, samples: str | None) -> None:
    """Kjør hele jobben på eksempelrapporten: lag Word/PDF/HTML, sjekk personvern,
    registrer en demogodkjenning med en midlertidig demonøkkel, lås og kontroller kopiene.

    Eksempel: ekspertrapport demo --out demo-ut
    """
    from ..demo import run_demo

    result = run_demo(out, samples, echo=click.echo)
    click.echo(f"Resultat: {result.run_dir}")
    if not result.ok:
        fail("demoen fullførte ikke som ventet (se over)", ExitStatus.FINDINGS)
