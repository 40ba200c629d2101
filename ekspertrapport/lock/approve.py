"""The approval workflow: lint → approval record → locked recipient copies → manifest → state and log.

:func:`approve_report` is the library entry point (the CLI and the demo call it). Order matters:

1. every check that can fail on bad input (arguments, key and passphrase, the source, the output
   folder) runs before anything is written;
2. under the report's file lock: the lock state is checked (a changed source after approval is
   refused), the report is linted (error findings → refused with exit 1; suppressions are recorded);
3. all files are made in a staging folder inside ``--out``: three signed PDFs, the employer's Word
   copy and ``manifest.json``; the staged folder is verified as a whole;
4. the files are linked into place without replacing anything (manifest last), then the state and
   the audit log are updated. On any failure the staging folder is removed and nothing is left
   half-written.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..errors import EkspertrapportError, ExitStatus, LockedError
from ..fileio import atomic_write_bytes, ensure_writable_dir, read_text
from ..report import Approval, Report
from . import state as lock_state
from .manifest import MANIFEST_NAME, expected_manifest, manifest_bytes
from .payload import META_CONTENT, build_payload, payload_bytes, payload_metadata

METHODS: tuple[str, ...] = ("signatur", "e-post", "digital", "muntlig")
RECIPIENTS: tuple[str, ...] = ("arbeidstaker", "arbeidsgiver", "nav")
DEFAULT_LOCATION = "Norge"

#: Used where the worker has remarks: the standard «no objections» statement would not be true.
#: (Move into templates/tekster_*.j2 as ``approval_statement_with_remarks`` when convenient.)
STATEMENT_WITH_REMARKS = {
    "nb": "Arbeidstaker har lest gjennom rapporten.",
    "nn": "Arbeidstakaren har lese gjennom rapporten.",
}


class ApprovalRefused(EkspertrapportError):
    """Approval refused because error-level findings remain (exit 1, findings listed)."""

    exit_status = ExitStatus.FINDINGS

    def __init__(self, message: str, findings: list[Any]):
        super().__init__(message)
        self.findings = findings


@dataclass
class ApprovalOutcome:
    source: Path
    version: int
    fingerprint: str
    approval: Approval
    out_dir: Path
    files: list[Path]
    manifest: Path
    signer_cert_sha256: str
    lint: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def approval_statement(malform: str, has_remarks: bool) -> str:
    """The statement in the report's målform: the standard one, or the neutral one with remarks."""
    from ..texts import texts

    t = texts(malform)
    if has_remarks:
        return getattr(t, "approval_statement_with_remarks", None) or STATEMENT_WITH_REMARKS[malform]
    return t.approval_statement


def parse_date(value: str | date | None, *, today: date | None = None) -> date:
    """``2025-05-05`` or ``05.05.2025``; not in the future."""
    today = today or date.today()
    if value is None:
        return today
    if isinstance(value, date):
        parsed = value
    else:
        text = value.strip()
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
        try:
            parsed = date(int(m[3]), int(m[2]), int(m[1])) if m else date.fromisoformat(text)
        except ValueError:
            raise EkspertrapportError(
                f"ugyldig dato «{value}» for --date; skriv den som 2025-05-05 eller 05.05.2025."
            ) from None
    if parsed > today:
        raise EkspertrapportError(f"godkjenningsdatoen {parsed:%d.%m.%Y} er i fremtiden; oppgi datoen arbeidstaker godkjente.")
    return parsed


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_approval_inputs(by: str | None, method: str | None, out_dir: str | os.PathLike | None) -> tuple[str, str, Path]:
    if by is None or not str(by).strip():
        raise EkspertrapportError(
            "mangler --by: skriv navnet på arbeidstakeren som har lest og godkjent rapporten (for eksempel --by \"Kari Nordmann\")."
        )
    if method is None or method not in METHODS:
        shown = f"«{method}» er ikke en gyldig" if method else "mangler"
        raise EkspertrapportError(
            f"{shown} godkjenningsmåte (--method); bruk en av: {', '.join(METHODS)}."
        )
    if out_dir is None:
        raise EkspertrapportError("mangler --out MAPPE: oppgi mappen de låste kopiene skal skrives til.")
    return str(by).strip(), method, Path(out_dir)


def _planned_names(report: Report, version: int) -> dict[str, str]:
    from ..render import RenderOptions, output_basename

    names = {r: output_basename(report, RenderOptions(draft=False, recipient=r, version=version)) + ".pdf"
             for r in RECIPIENTS}
    names["docx"] = output_basename(report, RenderOptions(draft=False, recipient="arbeidsgiver", version=version)) + ".docx"
    return names


def _check_out_dir(out_dir: Path, names: dict[str, str]) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise EkspertrapportError(f"{out_dir}: finnes, men er ikke en mappe.")
    if not out_dir.exists():
        return
    if (out_dir / MANIFEST_NAME).exists():
        raise LockedError(
            f"{out_dir}: mappen inneholder allerede en låst rapport ({MANIFEST_NAME}); låste filer overskrives "
            "aldri. Velg en ny mappe med --out."
        )
    taken = [n for n in [*names.values(), MANIFEST_NAME] if (out_dir / n).exists()]
    if taken:
        raise LockedError(f"{out_dir}: filen {taken[0]} finnes allerede; velg en ny mappe med --out.")


def _lint(source: Path, linter: Any = None) -> tuple[Any, dict[str, Any]]:
    from ..document import document_from_path
    from ..lint.config import approval_config, find_config

    if linter is None:
        from ..lint import Linter

        linter = Linter()
    # The same configuration as «ekspertrapport lint» on this file, so both agree on what is an error.
    # Privacy rules cannot be turned off or down by a config file here, only suppressed inline with a reason.
    config, ignored = approval_config(find_config(source))
    result = linter.lint_document(document_from_path(source), config=config)
    if getattr(result, "error", None):
        raise EkspertrapportError(result.error)
    active = [f for f in result.findings if not f.suppressed]
    summary = {
        "errors": sum(1 for f in active if f.severity == "error"),
        "warnings": sum(1 for f in active if f.severity == "warning"),
        "info": sum(1 for f in active if f.severity == "info"),
        "suppressed": sum(1 for f in result.findings if f.suppressed),
        "rules": sorted({f.rule for f in active}),
    }
    if config.source:  # what the configuration turned off or down is part of the record
        summary["config"] = {"path": config.source, "disable": list(config.disable),
                             "severity": dict(config.severity), "ignored_for_approval": ignored}
    return result, summary


def _refusal_message(source: Path, errors: list[Any]) -> str:
    lines = [f"{source}: rapporten kan ikke godkjennes før disse {len(errors)} feilene er rettet "
             "(eller unntatt med begrunnelse i kilden):"]
    for f in errors:
        location = getattr(f, "location", None)
        if location:  # .docx/.pdf: a line of the extracted text means nothing to a Word user
            from ..source.docx_text import describe_location

            where = f"{source} ({describe_location(location)})"
        else:
            where = f"{source}:{f.line}" if f.line else str(source)
        text = getattr(f, "text", None)
        lines.append(f"  {where}: [{f.rule}] {f.message}" + (f" («{text}»)" if text and location else ""))
    return "\n".join(lines)


def approve_report(source: str | os.PathLike, *, by: str | None, method: str | None, out_dir: str | os.PathLike | None,
                   approval_date: str | date | None = None, remarks: str | None = None,
                   remarks_file: str | os.PathLike | None = None, share_remarks: bool = False,
                   key=None, key_path: str | os.PathLike | None = None, passphrase: bytes | None = None,
                   location: str | None = DEFAULT_LOCATION, linter: Any = None) -> ApprovalOutcome:
    """Record the worker's approval of ``source`` and write the locked copies to ``out_dir``.

    ``key`` is a loaded :class:`~.keys.SigningKey` (else it is loaded from ``key_path``/the default
    place with ``passphrase``); ``linter`` is an :class:`ekspertrapport.lint.Linter` to reuse (a new
    one is built when None).

    Raises :class:`ApprovalRefused` (exit 1) while error findings remain, :class:`LockedError` for a
    locked report or an occupied output folder and :class:`EkspertrapportError` for bad input (exit 2).
    """
    started = time.monotonic()
    source = Path(source)
    by, method, out = check_approval_inputs(by, method, out_dir)
    when = parse_date(approval_date)
    if remarks_file is not None:
        remarks = read_text(remarks_file)
    remarks = (remarks or "").strip() or None
    if share_remarks and not remarks:
        raise EkspertrapportError("--share-remarks er oppgitt, men det finnes ingen merknader (--remarks FIL).")
    from ..source import load_report
    from .keys import load_key

    if key is None:
        key = load_key(key_path, passphrase)
    report = load_report(source)
    fingerprint = report.fingerprint()
    state = lock_state.load_state(source)
    _check_out_dir(out, _planned_names(report, state.current.version))

    with lock_state.report_lock(source):
        state = lock_state.load_state(source)
        current = state.current
        if current.status == "approved":
            if current.fingerprint == fingerprint:
                raise LockedError(
                    f"{source}: versjon {current.version} er allerede godkjent og låst ({current.out_dir}). "
                    f"Skal rapporten endres, endre kilden og kjør «ekspertrapport revise {source}»."
                )
            raise LockedError(lock_state.changed_message(source, current))
        version = current.version
        names = _planned_names(report, version)
        _check_out_dir(out, names)

        result, summary = _lint(source, linter)
        summary.update(version=version, fingerprint=fingerprint)
        lock_state.record(source, state, "lint", summary)
        for f in result.findings:
            if f.suppressed:
                lock_state.record(source, state, "suppression", {"version": version, "rule": f.rule, "line": f.line,
                                                                 "reason": f.suppression_reason})
        errors = [f for f in result.findings if f.severity == "error" and not f.suppressed]
        if errors:
            lock_state.record(source, state, "refusal", {"version": version, "reason": f"{len(errors)} feil gjenstår",
                                                         "rules": sorted({f.rule for f in errors})})
            lock_state.save_state(source, state)
            raise ApprovalRefused(_refusal_message(source, errors), errors)

        approval = Approval(by=by, date=when, method=method, statement=approval_statement(report.malform, bool(remarks)),
                            remarks=remarks, share_remarks=share_remarks)
        ensure_writable_dir(out)
        locked_at = datetime.now(UTC).isoformat(timespec="seconds")
        staging = Path(tempfile.mkdtemp(prefix=".ekspertrapport-staging-", dir=out))
        try:
            staged = _build_locked_copies(report, approval, key, version=version, names=names, staging=staging,
                                          locked_at=locked_at, location=location, audit_head=state.audit_head)
            _self_check(staging)
            placed = _move_into_place(staging, out, staged)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

        current.status, current.fingerprint, current.approved_at = "approved", fingerprint, locked_at
        current.out_dir, current.files = str(out.absolute()), [p.name for p in placed]
        lock_state.record(source, state, "approval", {
            "version": version, "by": by, "date": when.isoformat(), "method": method, "statement": approval.statement,
            "has_remarks": bool(remarks), "share_remarks": share_remarks,
            "remarks_sha256": _sha256(remarks.encode("utf-8")) if remarks else None,
        })
        files = {p.name: _sha256(p.read_bytes()) for p in placed}
        lock_state.record(source, state, "lock", {
            "version": version, "fingerprint": fingerprint, "out_dir": str(out.absolute()), "files": files,
            "signer_certificate_sha256": key.cert_sha256, "signer": key.common_name,
        })
        lock_state.record(source, state, "verification", {"file": MANIFEST_NAME, "status": "gyldig",
                                                          "version": version, "by": "approve"})
        lock_state.save_state(source, state)

    return ApprovalOutcome(source, version, fingerprint, approval, out, placed, out / MANIFEST_NAME,
                           key.cert_sha256, summary, time.monotonic() - started)


def _build_locked_copies(report: Report, approval: Approval, key, *, version: int, names: dict[str, str],
                         staging: Path, locked_at: str, location: str | None,
                         audit_head: str | None) -> list[str]:
    """Render, protect and sign every copy into ``staging``; returns the file names, manifest last."""
    from ..render import RenderOptions, build_bytes
    from .docx import protect_docx
    from .sign import lock_pdf

    has_remarks = bool(approval.remarks)
    fingerprint = report.fingerprint()

    def payload_for(recipient: str, include_remarks: bool, companions: dict) -> dict[str, Any]:
        return build_payload(report, approval, version=version, recipient=recipient, locked_at=locked_at,
                             include_remarks=include_remarks, companions=companions, audit_head=audit_head)

    def options(recipient: str, include_remarks: bool, payload: dict[str, Any]) -> RenderOptions:
        return RenderOptions(draft=False, approval=approval, recipient=recipient, version=version,
                             fingerprint=fingerprint, include_remarks=include_remarks,
                             extra_metadata=payload_metadata(payload))

    # The employer's Word copy first: its hash goes into every signed PDF.
    docx_remarks = has_remarks and approval.share_remarks
    docx_payload = payload_for("arbeidsgiver", docx_remarks, {})
    properties = payload_metadata(docx_payload) | {META_CONTENT: docx_payload["content"]}
    docx = protect_docx(build_bytes(report, "docx", options("arbeidsgiver", docx_remarks, docx_payload)), properties)
    atomic_write_bytes(staging / names["docx"], docx, exclusive=True)
    companions = {"docx": {"name": names["docx"], "sha256": _sha256(docx), "recipient": "arbeidsgiver",
                           "remarks_included": docx_remarks}}

    pdfs: list[tuple[str, str, dict[str, Any]]] = []
    for recipient in RECIPIENTS:
        include = has_remarks and (recipient == "arbeidstaker" or approval.share_remarks)
        payload = payload_for(recipient, include, companions)
        pdf = build_bytes(report, "pdf", options(recipient, include, payload))
        signed = lock_pdf(pdf, key, payload_bytes(payload), payload_metadata(payload), location=location)
        atomic_write_bytes(staging / names[recipient], signed, exclusive=True)
        pdfs.append((names[recipient], _sha256(signed), payload))

    signer = {"name": key.common_name, "organisation": key.organisation, "certificate_sha256": key.cert_sha256}
    atomic_write_bytes(staging / MANIFEST_NAME, manifest_bytes(expected_manifest(pdfs, signer=signer)), exclusive=True)
    return [names[r] for r in RECIPIENTS] + [names["docx"], MANIFEST_NAME]


def _self_check(staging: Path) -> None:
    from .verify import verify_file

    result = verify_file(staging / MANIFEST_NAME)
    if not result.valid:
        raise EkspertrapportError("de låste kopiene besto ikke kontrollen etter signering: " + "; ".join(result.problems))


def _move_into_place(staging: Path, out: Path, names: list[str]) -> list[Path]:
    """Hard-link each staged file into ``out`` without replacing anything; undo on any failure."""
    placed: list[Path] = []
    try:
        for name in names:
            target = out / name
            try:
                os.link(staging / name, target)
            except FileExistsError:
                raise LockedError(f"{target}: filen finnes allerede, og låste filer overskrives aldri.") from None
            except OSError as exc:
                raise EkspertrapportError(f"{target}: kan ikke skrive filen ({exc.strerror or exc}).") from None
            placed.append(target)
        _fsync_dir(out)
    except BaseException:
        for target in placed:
            try:
                target.unlink()
            except OSError:
                pass
        raise
    return placed


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def revise_report(source: str | os.PathLike) -> lock_state.VersionState:
    """Open version N+1 of an approved report; earlier versions and their outputs stay as they are."""
    source = Path(source)
    if not source.is_file():
        raise EkspertrapportError(f"{source}: filen finnes ikke.")

    def check_approved(current: lock_state.VersionState) -> None:
        if current.status != "approved":
            raise EkspertrapportError(
                f"{source}: versjon {current.version} er ikke godkjent ennå, så den kan fortsatt endres; "
                "en ny versjon trengs ikke."
            )

    check_approved(lock_state.load_state(source).current)  # before the lock, which makes the state folder
    with lock_state.report_lock(source):
        state = lock_state.load_state(source)
        current = state.current
        check_approved(current)
        new = lock_state.VersionState(current.version + 1)
        state.versions.append(new)
        lock_state.record(source, state, "revision", {"from_version": current.version, "to_version": new.version,
                                                      "previous_fingerprint": current.fingerprint})
        lock_state.save_state(source, state)
    return new
