"""Verify a locked report: a signed PDF, the employer's Word copy, or a folder's manifest.

For a PDF (all offline; no CRL/OCSP fetching):

- exactly one signature, a certification signature with DocMDP «no changes»;
- pyHanko: the signed bytes are intact, the signature is cryptographically valid, it covers the
  entire file and no revision was added after it (modification level NONE, DocMDP respected);
- the unsigned gap (the /Contents hex string) holds exactly the signature and zero padding, so that
  not even a byte there can change unnoticed;
- the embedded payload's canonical content hashes to the fingerprint in the payload and in the
  metadata;
- the signer is trusted only when ``trust`` certificates are given and the signer chains to one of
  them (a self-made certificate proves integrity, not identity).

A Word copy cannot carry a signature; it is checked against ``manifest.json`` beside it, whose entries
are in turn derived from the signed PDFs (see :mod:`.manifest`).

Result status: ``gyldig`` (exit 0), ``ugyldig`` (exit 1), ``uleselig`` (exit 2).
"""

from __future__ import annotations

import binascii
import hashlib
import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EkspertrapportError, ExitStatus
from ..fileio import read_bytes
from .manifest import MANIFEST_NAME, consistency_problems, expected_manifest, load_manifest, manifest_bytes
from .payload import (
    META_CONTENT, META_FINGERPRINT, META_RECIPIENT, META_VERSION, embedded_payload_from_reader,
    parse_payload, sha256_hex,
)

VALID, INVALID, UNREADABLE = "gyldig", "ugyldig", "uleselig"
MAX_FILE = 100 * 1024 * 1024
RECIPIENT_WORDS = {"arbeidstaker": "arbeidstaker", "arbeidsgiver": "arbeidsgiver", "nav": "NAV"}


@dataclass
class VerifyResult:
    path: str
    kind: str  # pdf | docx | manifest (| ukjent: a file that is none of them)
    status: str = VALID
    problems: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    files: list[VerifyResult] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.status == VALID

    @property
    def exit_status(self) -> ExitStatus:
        return {VALID: ExitStatus.OK, INVALID: ExitStatus.FINDINGS}.get(self.status, ExitStatus.USAGE)

    def check(self, name: str, ok: bool, problem: str) -> bool:
        self.checks[name] = bool(ok)
        if not ok:
            self.fail(problem)
        return bool(ok)

    def fail(self, problem: str, status: str = INVALID) -> None:
        self.problems.append(problem)
        if self.status != UNREADABLE:
            self.status = status

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "status": self.status, "valid": self.valid,
                "problems": self.problems, "checks": self.checks, "details": self.details,
                "files": [f.to_dict() for f in self.files]}


def verify_file(path: str | Path, trust=None) -> VerifyResult:
    """Verify a locked .pdf, .docx or manifest.json; ``trust`` is a list of cryptography certificates."""
    p = Path(path)
    kind = {".pdf": "pdf", ".docx": "docx", ".json": "manifest"}.get(p.suffix.lower())
    result = VerifyResult(str(p), kind or "ukjent")
    try:
        data = read_bytes(p, limit=MAX_FILE)
    except EkspertrapportError as exc:
        result.fail(exc.message, UNREADABLE)
        return result
    if kind is None:  # an odd suffix: go by the content, so a renamed PDF still verifies
        head = data.lstrip()[:5]
        kind = "pdf" if head.startswith(b"%PDF-") else "docx" if head.startswith(b"PK") else None
        if kind is None:
            result.fail("bare låste kopier kan kontrolleres: en PDF eller Word-fil (.docx) fra «ekspertrapport approve», "
                        "eller manifest.json i mappen med de låste kopiene.", UNREADABLE)
            return result
        result.kind = kind
    try:
        if kind == "pdf":
            _verify_pdf(data, result, trust)
        elif kind == "docx":
            _verify_docx(data, p, result, trust)
        else:
            _verify_manifest(data, p, result, trust)
    except EkspertrapportError as exc:
        result.fail(exc.message)
    except Exception as exc:  # noqa: BLE001 - never let a damaged file crash verification
        result.fail(f"filen kan ikke kontrolleres ({_short(exc)}).")
    return result


# --- PDF --------------------------------------------------------------------------------------------


def _quiet_pyhanko() -> None:
    # pyHanko logs expected trust failures (self-signed certificates) with tracebacks; without a
    # handler of its own they would reach Python's last-resort handler and stderr.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def _validation_context(trust, moment=None):
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko_certvalidator import ValidationContext

    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in (trust or [])]
    # trust_roots=[] (not None): never fall back to the operating system's list; never fetch.
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail",
                             best_signature_time=moment)


def _gap_is_canonical(data: bytes, sig) -> bool:
    """The bytes outside the signed ranges are exactly ``<HEX(signature + zero padding)>``."""
    from asn1crypto import parser
    from pyhanko.sign.validation.pdf_embedded import extract_contents

    byte_range = [int(x) for x in sig.byte_range]
    if len(byte_range) != 4 or byte_range[0] != 0:
        return False
    start, end = byte_range[0] + byte_range[1], byte_range[2]
    contents = extract_contents(sig.sig_object)
    _, _, _, header, body, trailer = parser.parse(contents, strict=False)
    used = len(header) + len(body) + len(trailer)
    if contents[used:].strip(b"\x00"):
        return False
    return data[start:end] == b"<" + binascii.hexlify(contents).upper() + b">"


def _verify_pdf(data: bytes, result: VerifyResult, trust) -> dict[str, Any] | None:
    """Fill ``result``; returns the payload when the file is a valid locked PDF."""
    try:
        return _verify_pdf_checks(data, result, trust)
    except Exception as exc:  # noqa: BLE001 - a damaged file can make the PDF parser fail anywhere
        result.fail(f"PDF-en kan ikke kontrolleres ({_short(exc)}).")
        return None


def _verify_pdf_checks(data: bytes, result: VerifyResult, trust) -> dict[str, Any] | None:
    _quiet_pyhanko()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.pdf_embedded import read_certification_data
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if not data.lstrip()[:5].startswith(b"%PDF-"):
        result.fail("filen er ikke en PDF.", UNREADABLE)
        return None
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - a damaged file can fail anywhere in the parser
        result.fail(f"PDF-en kan ikke leses ({_short(exc)}).", UNREADABLE)
        return None
    if not result.check("signed", len(signatures) >= 1,
                        "PDF-en har ingen signatur; den er ikke en låst rapport (eller signaturen er fjernet)."):
        return None
    if not result.check("single_signature", len(signatures) == 1,
                        f"PDF-en har {len(signatures)} signaturer; en låst rapport har nøyaktig én."):
        return None
    sig = signatures[0]
    try:
        status = validate_pdf_signature(
            sig, _validation_context(trust, sig.self_reported_timestamp),
            key_usage_settings=KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                                                   match_all_key_usages=False),
        )
        certification = read_certification_data(reader)
        gap_ok = _gap_is_canonical(data, sig)
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many types for a damaged signature
        result.fail(f"signaturen kan ikke kontrolleres ({_short(exc)}).")
        return None
    result.check("intact", status.intact, "innholdet er endret etter signering (sjekksummen stemmer ikke).")
    result.check("signature_valid", status.valid, "signaturen er ikke gyldig for innholdet.")
    result.check("covers_entire_file", status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                 "signaturen dekker ikke hele filen; noe er lagt til etter signering.")
    result.check("no_changes_after_signing",
                 status.modification_level == ModificationLevel.NONE and status.docmdp_ok is not False,
                 "dokumentet er endret etter signering.")
    result.check("certified_no_changes",
                 certification is not None and certification.permission == MDPPerm.NO_CHANGES
                 and sig.docmdp_level == MDPPerm.NO_CHANGES,
                 "signaturen er ikke en sertifiseringssignatur som forbyr endringer (DocMDP nivå 1).")
    result.check("signature_bytes_canonical", gap_ok, "signaturfeltet i filen er endret.")

    cert = status.signing_cert
    subject = cert.subject.native
    signed_at = sig.self_reported_timestamp
    result.details.update({
        "signer": {"name": subject.get("common_name", ""), "organisation": subject.get("organization_name", ""),
                   "certificate_sha256": hashlib.sha256(cert.dump()).hexdigest()},
        "signed_at": signed_at.isoformat() if signed_at else None,
        "trusted": bool(status.trusted),
    })
    if trust:
        result.check("trusted", status.trusted,
                     "underskriveren er ikke klarert: sertifikatet kjedes ikke til noe sertifikat gitt med --trust.")

    try:
        raw = embedded_payload_from_reader(reader, result.path)
        payload = parse_payload(raw, result.path) if raw is not None else None
    except EkspertrapportError as exc:
        result.fail(exc.message)
        return None
    except Exception as exc:  # noqa: BLE001
        result.fail(f"de innebygde rapportdataene kan ikke leses ({_short(exc)}).")
        return None
    if not result.check("payload", payload is not None, "PDF-en mangler de innebygde rapportdataene."):
        return None
    info = _info_dict(reader)
    computed = sha256_hex(payload["content"])
    result.check("fingerprint", computed == payload.get("fingerprint") == info.get(META_FINGERPRINT),
                 "fingeravtrykket stemmer ikke med rapportinnholdet.")
    result.check("metadata", info.get(META_VERSION) == str(payload.get("version"))
                 and info.get(META_RECIPIENT) == payload.get("recipient"),
                 "metadataene (versjon/mottaker) stemmer ikke med rapportdataene.")
    result.details.update({
        "fingerprint": computed,
        "version": payload.get("version"),
        "recipient": payload.get("recipient"),
        "approval": payload.get("approval"),
        "locked_at": payload.get("locked_at"),
        "remarks_included": payload.get("remarks_included"),
    })
    return payload if result.valid else None


def _info_dict(reader) -> dict[str, str]:
    try:
        info = reader.trailer["/Info"]
        return {str(k).lstrip("/"): str(v) for k, v in info.items()}
    except (KeyError, TypeError, AttributeError):
        return {}


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


# --- manifest and Word copy -------------------------------------------------------------------------


def _verify_manifest(data: bytes, path: Path, result: VerifyResult, trust) -> None:
    try:
        manifest = load_manifest(data, str(path))
    except EkspertrapportError as exc:
        result.fail(exc.message)
        return
    folder = path.parent
    pdfs: list[tuple[str, str, dict[str, Any]]] = []
    signers: set[str] = set()
    signer: dict[str, str] = {}
    docx_entries = []
    for entry in manifest["files"]:
        name = entry["name"]
        if entry.get("kind") != "pdf":
            docx_entries.append(entry)
            continue
        sub = VerifyResult(str(folder / name), "pdf")
        try:
            pdf_data = read_bytes(folder / name, limit=MAX_FILE)
        except EkspertrapportError as exc:
            sub.fail(exc.message, UNREADABLE)
            result.files.append(sub)
            result.fail(f"{name}: {exc.message}")
            continue
        payload = _verify_pdf(pdf_data, sub, trust)
        result.files.append(sub)
        if payload is None:
            result.fail(f"{name}: {'; '.join(sub.problems)}")
            continue
        pdfs.append((name, hashlib.sha256(pdf_data).hexdigest(), payload))
        signer = {k: sub.details["signer"][k] for k in ("name", "organisation", "certificate_sha256")}
        signers.add(signer["certificate_sha256"])
    result.check("all_pdfs_valid", len(pdfs) == sum(1 for e in manifest["files"] if e.get("kind") == "pdf"),
                 "minst én av de låste PDF-ene er ikke gyldig.")
    if not pdfs:
        result.fail("manifestet viser ikke til noen gyldig låst PDF.")
        return
    result.check("same_signer", len(signers) == 1, "PDF-ene er signert med ulike sertifikater.")
    for problem in consistency_problems(pdfs):
        result.fail(problem)
    expected = expected_manifest(pdfs, signer=signer)
    result.check("manifest_matches", manifest_bytes(expected) == data,
                 "manifest.json stemmer ikke med de signerte PDF-ene (filen er endret).")
    first = pdfs[0][2]
    for entry in (first.get("companions") or {}).values():
        docx_path = folder / entry["name"]
        sub = VerifyResult(str(docx_path), "docx")
        _check_docx_bytes(docx_path, entry, sub)
        result.files.append(sub)
        if not sub.valid:
            result.fail(f"{entry['name']}: {'; '.join(sub.problems)}")
    result.details.update({
        "fingerprint": first["fingerprint"], "version": first["version"], "approval": expected["approval"],
        "locked_at": first["locked_at"], "signer": signer,
        "trusted": all(f.details.get("trusted") for f in result.files if f.kind == "pdf"),
    })


def _check_docx_bytes(path: Path, entry: dict[str, Any], result: VerifyResult) -> None:
    """The Word copy's hash against the one the signed PDFs carry, plus its own properties."""
    from .docx import read_docx_lock

    try:
        data = read_bytes(path, limit=MAX_FILE)
    except EkspertrapportError as exc:
        result.fail(exc.message, UNREADABLE)
        return
    result.check("hash", hashlib.sha256(data).hexdigest() == entry["sha256"],
                 "Word-filen er endret etter låsing (SHA-256 stemmer ikke med de signerte PDF-ene).")
    try:
        properties, read_only = read_docx_lock(data, str(path))
    except EkspertrapportError as exc:
        result.fail(exc.message)
        return
    _check_docx_properties(properties, read_only, result)


def _check_docx_properties(properties: dict[str, str], read_only: bool, result: VerifyResult) -> None:
    content = properties.get(META_CONTENT)
    fingerprint = properties.get(META_FINGERPRINT)
    result.check("read_only", read_only, "Word-filen mangler skrivebeskyttelse.")
    result.check("fingerprint", bool(content) and sha256_hex(content or "") == fingerprint,
                 "fingeravtrykket i Word-filens egenskaper stemmer ikke med innholdet.")
    result.details.update({"fingerprint": fingerprint, "version": properties.get(META_VERSION),
                           "recipient": properties.get(META_RECIPIENT)})


def _verify_docx(data: bytes, path: Path, result: VerifyResult, trust) -> None:
    from .docx import read_docx_lock

    try:
        properties, read_only = read_docx_lock(data, str(path))
    except EkspertrapportError as exc:
        result.fail(exc.message, UNREADABLE)
        return
    if not result.check("locked_copy", META_FINGERPRINT in properties,
                        "Word-filen er ikke en låst kopi fra ekspertrapport (mangler fingeravtrykk)."):
        return
    _check_docx_properties(properties, read_only, result)
    manifest_path = path.parent / MANIFEST_NAME
    if not result.check("manifest_present", manifest_path.is_file(),
                        f"fant ikke {MANIFEST_NAME} ved siden av Word-filen; uten den (og de signerte PDF-ene) "
                        "kan ikke endringer i selve teksten oppdages."):
        return
    manifest = VerifyResult(str(manifest_path), "manifest")
    try:
        _verify_manifest(read_bytes(manifest_path, limit=MAX_FILE), manifest_path, manifest, trust)
    except EkspertrapportError as exc:
        manifest.fail(exc.message)
    result.files.append(manifest)
    listed = any(Path(f.path).name == path.name and f.kind == "docx" for f in manifest.files)
    result.check("listed_in_manifest", listed, f"Word-filen står ikke i {MANIFEST_NAME}.")
    own = next((f for f in manifest.files if Path(f.path).name == path.name and f.kind == "docx"), None)
    if own is not None:
        result.check("hash", own.checks.get("hash", False),
                     "Word-filen er endret etter låsing (SHA-256 stemmer ikke med de signerte PDF-ene).")
    result.check("manifest_valid", manifest.valid, f"{MANIFEST_NAME} eller de signerte PDF-ene er ikke gyldige.")
    result.details.update({k: manifest.details.get(k) for k in ("approval", "locked_at", "signer", "trusted")})


# --- output -----------------------------------------------------------------------------------------


def format_text(result: VerifyResult) -> str:
    label = {"pdf": "PDF", "docx": "Word", "manifest": "manifest"}.get(result.kind, "ukjent filtype")
    head = {VALID: "GYLDIG", INVALID: "UGYLDIG", UNREADABLE: "ULESELIG"}[result.status]
    lines = [f"{result.path}: {head} ({label})"]
    d = result.details
    if d and not result.valid:
        lines.append("  (opplysningene under kommer fra en fil som ikke er gyldig, og kan være endret)")
    signer = d.get("signer") or {}
    if signer:
        who = signer.get("name", "")
        if signer.get("organisation"):
            who += f", {signer['organisation']}"
        trusted = "klarert" if d.get("trusted") else "ikke klarert (bruk --trust SERTIFIKAT.pem)"
        lines.append(f"  Signert av:    {who} – {trusted}")
        lines.append(f"  Sertifikat:    SHA-256 {signer.get('certificate_sha256', '')}")
    if d.get("signed_at"):
        lines.append(f"  Signert:       {d['signed_at']}")
    approval = d.get("approval") or {}
    if approval:
        lines.append(f"  Godkjent av:   {approval.get('by')} ({approval.get('method')}, {approval.get('date')})")
    if d.get("version") is not None:
        lines.append(f"  Versjon:       {d['version']}")
    if d.get("recipient"):
        lines.append(f"  Mottaker:      {RECIPIENT_WORDS.get(d['recipient'], d['recipient'])}")
    if d.get("fingerprint"):
        lines.append(f"  Fingeravtrykk: {d['fingerprint']}")
    for problem in result.problems:
        lines.append(f"  - {problem}")
    return "\n".join(lines)


def format_json(results: list[VerifyResult]) -> str:
    return json.dumps({"results": [r.to_dict() for r in results],
                       "valid": all(r.valid for r in results)}, ensure_ascii=False, indent=2)
