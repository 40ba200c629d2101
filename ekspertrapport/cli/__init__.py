"""The ``ekspertrapport`` command: a thin click layer over the library.

Each command family lives in its own module and is imported only when used, so that
``ekspertrapport lint`` does not pay for loading the PDF signer and vice versa.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from .. import __version__

#: command name → (module, attribute, one-line help shown in ``--help``)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "new": ("ekspertrapport.cli.new", "new", "Lag en ny rapport fra malen, med skriveveiledning."),
    "render": ("ekspertrapport.cli.render", "render", "Lag Word, PDF og HTML fra en rapportkilde."),
    "lint": ("ekspertrapport.cli.lint", "lint", "Sjekk rapporter for helseopplysninger, personopplysninger og mangler."),
    "codes": ("ekspertrapport.cli.codes", "codes", "Importer offisielle kodelister (ICD-10, ICPC-2)."),
    "keys": ("ekspertrapport.cli.lock", "keys", "Lag eller vis ekspertens signeringsnøkkel."),
    "approve": ("ekspertrapport.cli.lock", "approve", "Registrer arbeidstakers godkjenning og lås rapporten."),
    "revise": ("ekspertrapport.cli.lock", "revise", "Start en ny versjon av en godkjent rapport."),
    "log": ("ekspertrapport.cli.lock", "log", "Vis revisjonsloggen for en rapport."),
    "verify": ("ekspertrapport.cli.lock", "verify", "Kontroller en låst rapport (PDF eller Word)."),
    "check": ("ekspertrapport.cli.check", "check", "NAV: kontroller mottatte rapporter i bulk."),
    "measures": ("ekspertrapport.cli.check", "measures", "NAV: eksporter tiltak fra låste rapporter."),
    "demo": ("ekspertrapport.cli.demo", "demo", "Kjør hele jobben på eksempelrapporten."),
}


#: click's usage messages (English, from gettext) → Norwegian. Matched on the formatted message.
_USAGE_TRANSLATIONS: tuple[tuple[str, str], ...] = (
    (r"^Missing argument '(.+)'\.?$", r"mangler argumentet \1"),
    (r"^Missing option '(.+)'\.?$", r"mangler valget \1"),
    (r"^No such option:? '?([^'\s]+?)'?\.?(?: Did you mean .*)?$", r"ukjent valg: \1"),
    (r"^No such command '(.+)'\.?$", r"ukjent kommando «\1»"),
    (r"^Got unexpected extra arguments? \((.+)\)$", r"uventede argumenter: \1"),
    (r"^Option '(.+)' requires an argument\.?$", r"valget \1 trenger en verdi"),
    (r"^Option '(.+)' requires (\d+) arguments\.?$", r"valget \1 trenger \2 verdier"),
    (r"^Invalid value for '(.+)': '(.+)' is not one of (.+)\.$", r"ugyldig verdi for \1: «\2» (tillatt: \3)"),
    (r"^Invalid value for '(.+)': (?:File|Path|Directory) '(.+)' does not exist\.$", r"\2: finnes ikke (\1)"),
    (r"^Invalid value for '(.+)': (?:File|Path) '(.+)' is a directory\.$", r"\2: er en mappe, ikke en fil (\1)"),
    (r"^Invalid value for '(.+)': (?:Directory|Path) '(.+)' is a file\.$", r"\2: er en fil, ikke en mappe (\1)"),
    (r"^Invalid value for '(.+)': '(.+)' is not a valid integer(?: range)?\.$", r"ugyldig verdi for \1: «\2» er ikke et heltall"),
    (r"^Invalid value for '(.+)': (.+)$", r"ugyldig verdi for \1: \2"),
)


def norwegian_usage_message(message: str) -> str:
    import re

    for pattern, replacement in _USAGE_TRANSLATIONS:
        if re.match(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class LazyGroup(click.Group):
    def main(self, *args, **kwargs):  # type: ignore[override]
        """Run with click's usage errors in Norwegian (exit 2, as click does)."""
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "ekspertrapport"
            click.echo(f"feil: {norwegian_usage_message(exc.format_message())}", err=True)
            click.echo(f"Se «{command} --help».", err=True)
            sys.exit(2)
        except click.exceptions.Abort:
            click.echo("avbrutt", err=True)
            sys.exit(2)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)


    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _, _) in COMMANDS.items() if _available(module)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS or not _available(COMMANDS[name][0]):
            return None
        module, attribute, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Kommandoer"):
                formatter.write_dl(rows)


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ekspertrapport", message="%(prog)s %(version)s")
def main() -> None:
    """ekspertrapport: rapportmal, personvernsjekk og godkjenning for rapporter fra ekspertbistand.

    Alt kjører lokalt; ingenting sendes over nettet.
    """


