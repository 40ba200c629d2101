"""``ekspertrapport lint``: a thin shell over :class:`ekspertrapport.lint.Linter`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import EkspertrapportError, ExitStatus
from .common import fail, run_safely

_FORMATS = ("text", "json", "sarif")
_LEVELS = ("error", "warning", "info")


def _choice(value: str | None, allowed: tuple[str, ...], option: str) -> str | None:
    if value is not None and value not in allowed:
        fail(f"ugyldig verdi «{value}» for {option}; bruk {', '.join(allowed[:-1])} eller {allowed[-1]}.")
    return value


@click.command("lint")
@click.argument("files", nargs=-1, required=True, metavar="FIL...")
@click.option("--format", "fmt", default="text", metavar="text|json|sarif", help="Utdataformat (standard: text).")
@click.option("--fail-on", default=None, metavar="error|warning|info",
              help="Avslutt med kode 1 ved funn på dette nivået eller høyere (standard: error).")
@click.option("--config", "config_path", default=None, metavar="FIL",
              help="Konfigurasjonsfil (ellers ekspertrapport.toml eller pyproject.toml fra filens mappe og oppover).")
@click.option("--malform", default=None, metavar="nb|nn", help="Målform for meldingene (standard: rapportens).")
@click.option("--annotate", "annotate_out", default=None, metavar="UT.docx",
              help="Skriv en kopi av Word-filen med funnene som kommentarer (bare for én .docx-fil).")
@run_safely
def lint(files: tuple[str, ...], fmt: str, fail_on: str | None, config_path: str | None, malform: str | None,
         annotate_out: str | None) -> None:
    """Sjekk rapporter (.md, .txt, .docx, .pdf) for helseopplysninger, personopplysninger, styring av
    andre etater og mangler i strukturen.

    Avslutningskoder: 0 ingen funn på --fail-on-nivået, 1 funn, 2 feil i bruk eller inndata.
    """
    _choice(fmt, _FORMATS, "--format")
    _choice(fail_on, _LEVELS, "--fail-on")
    _choice(malform, ("nb", "nn"), "--malform")
    if annotate_out is not None and (len(files) != 1 or Path(files[0]).suffix.lower() != ".docx"):
        fail("--annotate kan bare brukes med én .docx-fil.")

    from ..document import document_from_path
    from ..lint.config import find_config, read_config
    from ..lint.engine import Linter, LintResult
    from ..lint.formatters import text as text_format

    explicit = read_config(config_path) if config_path else None
    linter = Linter(explicit)
    if files:
        import gc

        linter.load()
        gc.freeze()  # this process is ours: the loaded pipeline is never garbage (see Linter.load)
    results: list[LintResult] = []
    texts: dict[str, str] = {}
    colour = fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    levels: list[str] = []  # --fail-on, or each file's configured fail_on
    for path in files:
        config = None
        try:
            config = explicit or find_config(path)
            document = document_from_path(path)
            result = linter.lint_document(document, malform=malform, config=config)
            texts[path] = document.text
        except EkspertrapportError as exc:
            result = LintResult(path, [], malform or "nb", error=exc.message)
            click.echo(f"feil: {exc.message}", err=True)
        except Exception as exc:  # a bug must not stop the other files from being checked
            message = f"{path}: intern feil under sjekken ({type(exc).__name__}: {exc}); meld gjerne fra om dette."
            result = LintResult(path, [], malform or "nb", error=message)
            click.echo(f"feil: {message}", err=True)
        results.append(result)
        levels.append(fail_on or (config.fail_on if config is not None else "error"))
        if fmt == "text":  # as we go, so a long run shows progress
            click.echo(text_format.render_one(result, colour=colour, text=texts.get(path)), nl=False)
    if fmt == "json":
        from ..lint.formatters import json as json_format

        click.echo(json_format.render(results), nl=False)
    elif fmt == "sarif":
        from ..lint.formatters import sarif

        click.echo(sarif.render(results, malform=malform or next((r.malform for r in results if r.error is None), "nb")), nl=False)
    if annotate_out is not None and results[0].error is None:
        _annotate(files[0], results[0], annotate_out)
    if any(r.error is not None for r in results):
        sys.exit(int(ExitStatus.USAGE))
    if any(r.fails(level) for r, level in zip(results, levels)):
        sys.exit(int(ExitStatus.FINDINGS))
    sys.exit(int(ExitStatus.OK))


def _annotate(src: str, result, out: str) -> None:
    try:
        from ..lint.formatters.docx_comments import annotate_docx
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.endswith("docx_comments"):
            raise EkspertrapportError("Word-kommentarer (--annotate) er ikke tilgjengelig i denne installasjonen.") from None
        raise
    annotate_docx(src, result.active, out)
