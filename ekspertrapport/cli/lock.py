"""``keys``, ``approve``, ``revise``, ``log`` and ``verify``: worker approval that locks the report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import EkspertrapportError, ExitStatus
from .common import run_safely

PASSPHRASE_HELP = "Fil med passordet til nøkkelen (første linje)."


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    """A Norwegian message for a wrong option value (click's own is English)."""
    if value not in allowed:
        raise EkspertrapportError(f"ugyldig verdi «{value}» for {option}; bruk {', '.join(allowed[:-1])} eller {allowed[-1]}.")
    return value


def _passphrase(passphrase_file: Path | None) -> bytes | None:
    if passphrase_file is None:
        return None
    from ..lock.keys import read_passphrase_file

    return read_passphrase_file(passphrase_file)


def _load_key(key_file: Path | None, passphrase_file: Path | None):
    """Load the key; ask for the passphrase on a terminal when the file needs one and none was given."""
    from ..lock.keys import load_key

    passphrase = _passphrase(passphrase_file)
    try:
        return load_key(key_file, passphrase)
    except EkspertrapportError as exc:
        if passphrase is None and "beskyttet med passord" in exc.message and sys.stdin.isatty():
            typed = click.prompt("Passord for nøkkelen", hide_input=True, default="", show_default=False)
            return load_key(key_file, typed.encode("utf-8") if typed else None)
        raise


# --- keys -------------------------------------------------------------------------------------------


@click.group("keys")
def keys() -> None:
    """Ekspertens signeringsnøkkel: lag en ny (init) eller vis den (show).

    Nøkkelen lagres i brukerens konfigurasjonsmappe (bare eieren kan lese den). Et eget
    virksomhetssertifikat (PKCS#12) kan brukes i stedet med --key FIL.p12 på approve.
    """


@keys.command("init")
@click.option("--name", "name", metavar="NAVN", help="Ekspertens navn (står i sertifikatet og signaturen).")
@click.option("--org", "org", metavar="VIRKSOMHET", help="Virksomheten eksperten arbeider for.")
@click.option("--algorithm", default="ec", show_default=True, metavar="ec|rsa",
              help="Nøkkeltype: ec (P-256) eller rsa (RSA-3072).")
@click.option("--passphrase-file", type=click.Path(path_type=Path), default=None, metavar="FIL",
              help="Beskytt nøkkelen med passordet i denne filen (første linje).")
@click.option("--ask-passphrase", is_flag=True, help="Spør etter et passord for nøkkelen.")
@click.option("--out", "out", type=click.Path(path_type=Path), default=None, metavar="FIL.p12",
              help="Lagre nøkkelen her i stedet for i konfigurasjonsmappen.")
@run_safely
def keys_init(name: str | None, org: str | None, algorithm: str, passphrase_file: Path | None,
              ask_passphrase: bool, out: Path | None) -> None:
    """Lag en signeringsnøkkel og et selvutstedt sertifikat for eksperten (gyldig i tre år).

    Eksempel: ekspertrapport keys init --name "Eva Ekspert" --org "Eksempel BHT AS"
    """
    from ..lock.keys import init_key

    _choice(algorithm, ("ec", "rsa"), "--algorithm")
    passphrase = _passphrase(passphrase_file)
    if ask_passphrase and passphrase is None:
        typed = click.prompt("Nytt passord for nøkkelen", hide_input=True, confirmation_prompt="Gjenta passordet")
        passphrase = typed.encode("utf-8") or None
    key = init_key(name or "", org or "", algorithm=algorithm, passphrase=passphrase, path=out)
    click.echo(f"Laget nøkkel: {key.path}")
    _print_key(key)
    click.echo("Sertifikatet er selvutstedt: mottakerne kan se at rapporten er uendret, men må få "
               "sertifikatet fra deg (keys show --pem) for å kunne stole på at det er ditt.")


@keys.command("show")
@click.option("--key", "key_file", type=click.Path(path_type=Path), default=None, metavar="FIL.p12",
              help="Vis denne nøkkelfilen i stedet for standardnøkkelen.")
@click.option("--passphrase-file", type=click.Path(path_type=Path), default=None, metavar="FIL", help=PASSPHRASE_HELP)
@click.option("--pem", is_flag=True, help="Skriv sertifikatet som PEM (til mottakere som vil bruke --trust).")
@run_safely
def keys_show(key_file: Path | None, passphrase_file: Path | None, pem: bool) -> None:
    """Vis sertifikatet til signeringsnøkkelen og fingeravtrykket (SHA-256)."""
    from ..lock.keys import certificate_pem

    key = _load_key(key_file, passphrase_file)
    if pem:
        click.echo(certificate_pem(key), nl=False)
        return
    _print_key(key)


def _print_key(key) -> None:
    d = key.describe()
    rows = [("Fil", d["path"]), ("Navn", d["name"]), ("Virksomhet", d["organisation"]), ("Subjekt", d["subject"]),
            ("Utsteder", d["issuer"] + (" (selvutstedt)" if d["self_signed"] == "true" else "")),
            ("Gyldig fra", d["valid_from"]), ("Gyldig til", d["valid_to"]), ("Nøkkel", d["key"]),
            ("Serienummer", d["serial"]), ("SHA-256", d["sha256"])]
    for label, value in rows:
        if value:
            click.echo(f"{label + ':':<13} {value}")


# --- approve / revise / log -------------------------------------------------------------------------


@click.command("approve")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--by", "by", default=None, metavar="NAVN", help="Arbeidstakeren som har lest og godkjent rapporten.")
@click.option("--method", "method", default=None, metavar="MÅTE",
              help="Hvordan godkjenningen er gitt: signatur, e-post, digital eller muntlig.")
@click.option("--date", "approval_date", default=None, metavar="DATO",
              help="Datoen arbeidstaker godkjente (2025-05-05 eller 05.05.2025); standard i dag.")
@click.option("--remarks", "remarks_file", type=click.Path(path_type=Path), default=None, metavar="FIL",
              help="Arbeidstakers merknader (tekst/Markdown); blir vedlegg i arbeidstakers kopi.")
@click.option("--share-remarks", is_flag=True,
              help="Arbeidstaker samtykker til at merknadene også følger kopiene til arbeidsgiver og NAV.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, metavar="MAPPE",
              help="Ny mappe for de låste kopiene (en mappe med en låst rapport brukes aldri på nytt).")
@click.option("--key", "key_file", type=click.Path(path_type=Path), default=None, metavar="FIL.p12",
              help="Signer med denne PKCS#12-filen (f.eks. virksomhetssertifikat) i stedet for standardnøkkelen.")
@click.option("--passphrase-file", type=click.Path(path_type=Path), default=None, metavar="FIL", help=PASSPHRASE_HELP)
@click.option("--location", default="Norge", show_default=True, metavar="STED", help="Sted som står i signaturen.")
@run_safely
def approve(source: Path, by: str | None, method: str | None, approval_date: str | None, remarks_file: Path | None,
            share_remarks: bool, out_dir: Path | None, key_file: Path | None, passphrase_file: Path | None,
            location: str) -> None:
    """Registrer at arbeidstaker har godkjent rapporten SOURCE, og lås den.

    Rapporten sjekkes først; så lenge det finnes feil, avvises godkjenningen (kode 1).
    Deretter lages signerte, låste PDF-kopier til arbeidstaker, arbeidsgiver og NAV, en
    skrivebeskyttet Word-kopi til arbeidsgiver og manifest.json.

    Eksempel: ekspertrapport approve rapport.md --by "Kari Nordmann" --method e-post --out laast-v1
    """
    from ..lock.approve import approve_report, check_approval_inputs

    check_approval_inputs(by, method, out_dir)  # argument errors before the passphrase prompt
    key = _load_key(key_file, passphrase_file)
    outcome = approve_report(source, by=by, method=method, out_dir=out_dir, approval_date=approval_date,
                             remarks_file=remarks_file, share_remarks=share_remarks, key=key, location=location)
    click.echo(f"Versjon {outcome.version} godkjent av {outcome.approval.by} og låst "
               f"(fingeravtrykk {outcome.fingerprint}).")
    for path in outcome.files:
        click.echo(str(path))


@click.command("revise")
@click.argument("source", type=click.Path(path_type=Path))
@run_safely
def revise(source: Path) -> None:
    """Start en ny versjon av den godkjente rapporten SOURCE.

    Den nye versjonen må godkjennes av arbeidstaker på nytt. Tidligere låste kopier blir stående urørt.
    """
    from ..lock.approve import revise_report

    new = revise_report(source)
    click.echo(f"{source}: versjon {new.version} er startet. Gjør endringene i kilden, og godkjenn på nytt med "
               f"«ekspertrapport approve {source} --by … --method … --out NY-MAPPE».")


@click.command("log")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--format", "fmt", default="text", show_default=True, metavar="text|json",
              help="Utdataformat.")
@run_safely
def log(source: Path, fmt: str) -> None:
    """Vis revisjonsloggen for rapporten SOURCE, og om kjeden er intakt (kode 1 hvis ikke)."""
    from ..lock import audit
    from ..lock.state import audit_path, load_state

    _choice(fmt, ("text", "json"), "--format")
    path = audit_path(source)
    if not path.exists():
        if not Path(source).exists():
            raise EkspertrapportError(f"{source}: filen finnes ikke.")
        raise EkspertrapportError(f"{source}: rapporten har ingen revisjonslogg ennå (den lages ved første approve).")
    state = load_state(source)
    status = audit.verify_chain(path, expected_head=state.audit_head, expected_count=state.audit_count)
    if fmt == "json":
        click.echo(json.dumps({"path": str(path), "intact": status.intact, "problems": status.problems,
                               "entries": status.entries}, ensure_ascii=False, indent=2))
    else:
        for entry in status.entries:
            click.echo(audit.describe(entry))
        if status.intact:
            click.echo(f"Kjeden er intakt ({len(status.entries)} oppføringer).")
        else:
            click.echo("Kjeden er BRUTT:")
            for problem in status.problems:
                click.echo(f"  - {problem}")
    if not status.intact:
        sys.exit(int(ExitStatus.FINDINGS))


# --- verify -----------------------------------------------------------------------------------------


@click.command("verify")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--trust", "trust_file", type=click.Path(path_type=Path), default=None, metavar="SERTIFIKAT.pem",
              help="Stol på underskrivere med dette sertifikatet (PEM eller DER); ellers «ikke klarert».")
@click.option("--format", "fmt", default="text", show_default=True, metavar="text|json",
              help="Utdataformat.")
@click.option("--log", "log_source", type=click.Path(path_type=Path), default=None, metavar="KILDE",
              help="Før kontrollen inn i revisjonsloggen til rapportkilden KILDE.")
@run_safely
def verify(files: tuple[Path, ...], trust_file: Path | None, fmt: str, log_source: Path | None) -> None:
    """Kontroller låste rapporter: signert PDF, Word-kopi eller manifest.json.

    Kode 0: gyldig og uendret. Kode 1: endret, ugyldig eller ikke klarert (med --trust).
    Kode 2: filen kan ikke leses.
    """
    from ..lock.keys import load_trust_certificates
    from ..lock.verify import format_json, format_text, verify_file

    _choice(fmt, ("text", "json"), "--format")
    if not files:
        raise EkspertrapportError("mangler fil: oppgi en låst PDF, Word-kopi eller manifest.json.")
    trust = load_trust_certificates(trust_file) if trust_file else None
    results = [verify_file(path, trust) for path in files]
    if log_source is not None:
        _record_verifications(log_source, results)
    click.echo(format_json(results) if fmt == "json" else "\n".join(format_text(r) for r in results))
    sys.exit(int(max(r.exit_status for r in results)))


def _record_verifications(source: Path, results) -> None:
    from ..lock import state as lock_state

    with lock_state.report_lock(source):
        state = lock_state.load_state(source)
        for r in results:
            lock_state.record(source, state, "verification", {
                "file": Path(r.path).name, "status": r.status, "version": r.details.get("version"),
                "fingerprint": r.details.get("fingerprint"), "problems": r.problems[:5], "by": "verify",
            })
        lock_state.save_state(source, state)
