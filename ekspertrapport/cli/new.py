"""``ekspertrapport new``: start a new report from the template with writing guidance."""

from __future__ import annotations

from pathlib import Path

import click

from ..scaffold import MALFORMER, write_new_docx, write_new_report
from .common import run_safely


@click.command("new")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--malform", "-m", type=click.Choice(MALFORMER), default="nb", show_default=True,
              help="Målform for overskrifter og veiledning: nb (bokmål) eller nn (nynorsk).")
@click.option("--docx", "as_docx", is_flag=True,
              help="Lag en Word-mal (.docx) i stedet for en Markdown-kilde. Velges automatisk når PATH slutter på .docx.")
@run_safely
def new(path: Path, malform: str, as_docx: bool) -> None:
    """Lag en ny rapport i PATH fra malen, med skriveveiledning i hver del.

    Markdown-kilden har feltene for partene, perioden og tiltakene øverst og veiledning som
    kommentarer (<!-- ... -->) i hver del; kommentarene kommer aldri med i rapporten. Med --docx
    lages en Word-mal med samme innhold, der veiledningen står i [ ].

    En eksisterende fil blir aldri overskrevet.
    """
    if as_docx or path.suffix.lower() == ".docx":
        if path.suffix.lower() != ".docx":
            path = path.with_suffix(".docx")
        written = write_new_docx(path, malform)
        click.echo(f"Laget Word-malen {written}. Åpne den i Word og fyll inn tekstene i [ ].")
    else:
        written = write_new_report(path, malform)
        click.echo(f"Laget {written}. Fyll inn feltene øverst og skriv hver del; veiledningen står i kommentarene.")
