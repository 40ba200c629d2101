"""``ekspertrapport new``: start a new report from the template with writing guidance."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EkspertrapportError
from ..scaffold import check_malform, write_new_docx, write_new_report
from .common import run_safely


#: Suffixes a Markdown source may have (what the readers take as Markdown).
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt", "")


@click.command("new")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--malform", "-m", default="nb", show_default=True, metavar="nb|nn",
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
    check_malform(malform)  # a Norwegian message, not click's English one
    if not as_docx and path.suffix.lower() not in MARKDOWN_SUFFIXES + (".docx",):
        raise EkspertrapportError(
            f"{path}: en ny rapport kan bare lages som Markdown (.md) eller Word (.docx), ikke som «{path.suffix}»."
        )
    if as_docx or path.suffix.lower() == ".docx":
        if path.suffix.lower() != ".docx":
            path = path.with_suffix(".docx")
        written = write_new_docx(path, malform)
        click.echo(f"Laget Word-malen {written}. Åpne den i Word og fyll inn tekstene i [ ].")
    else:
        written = write_new_report(path, malform)
        click.echo(f"Laget {written}. Fyll inn feltene øverst og skriv hver del; veiledningen står i kommentarene.")
