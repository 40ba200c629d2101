"""What a locked copy carries besides its pages: the machine-readable payload and metadata keys.

Every locked PDF embeds ``ekspertrapport-innhold.json`` (an embedded file, covered by the signature)
holding the report's canonical content, the approval record, the version and the recipient, so that
``verify`` can recompute the fingerprint on its own and NAV's ``measures export`` can read the
measures of a locked report without parsing its pages. The same facts are written as short entries
in the PDF document information dictionary (and the .docx custom properties) for people and tools
that only look at metadata.

The worker's remarks are in the payload only of copies that include the remarks appendix.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from .. import __version__
from ..errors import EkspertrapportError
from ..report import Approval, Report

FORMAT = "ekspertrapport-laast/1"
ATTACHMENT_NAME = "ekspertrapport-innhold.json"
REASON = "Godkjent av arbeidstaker, låst av ekspertrapport"
SIGNATURE_FIELD = "Godkjenning"

#: Metadata keys (PDF info dictionary ``/Key`` and .docx custom property names).
META_FORMAT = "EkspertrapportFormat"
META_FINGERPRINT = "EkspertrapportFingeravtrykk"
META_VERSION = "EkspertrapportVersjon"
META_RECIPIENT = "EkspertrapportMottaker"
META_APPROVED_BY = "EkspertrapportGodkjentAv"
META_APPROVED_DATE = "EkspertrapportGodkjentDato"
META_APPROVAL_METHOD = "EkspertrapportGodkjenningsmaate"
META_LOCKED_AT = "EkspertrapportLaast"
META_CONTENT = "EkspertrapportInnhold"  # .docx only: the canonical content (a PDF embeds a file instead)


def canonical_json(value: Any) -> str:
    """Deterministic JSON (sorted keys, no insignificant whitespace, UTF-8 kept)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def approval_record(approval: Approval, *, with_remarks: bool) -> dict[str, Any]:
    """The approval as stored in a copy: the remarks text only where the appendix is included."""
    record = approval.model_dump(mode="json")
    record["has_remarks"] = bool((approval.remarks or "").strip())
    if not with_remarks:
        record["remarks"] = None
    return record


def build_payload(report: Report, approval: Approval, *, version: int, recipient: str, locked_at: str,
                  include_remarks: bool, companions: dict[str, dict[str, str]],
                  audit_head: str | None = None) -> dict[str, Any]:
    """The payload of one locked copy. No file names or paths: they travel further than the files."""
    content = report.canonical_content()
    return {
        "format": FORMAT,
        "tool": "ekspertrapport",
        "tool_version": __version__,
        "version": version,
        "recipient": recipient,
        "fingerprint": sha256_hex(content),
        "content": content,
        "approval": approval_record(approval, with_remarks=include_remarks),
        "remarks_included": include_remarks,
        "locked_at": locked_at,
        "companions": companions,
        "audit_head": audit_head,
    }


def payload_metadata(payload: dict[str, Any]) -> dict[str, str]:
    approval = payload["approval"]
    return {
        META_FORMAT: payload["format"],
        META_FINGERPRINT: payload["fingerprint"],
        META_VERSION: str(payload["version"]),
        META_RECIPIENT: payload["recipient"],
        META_APPROVED_BY: approval["by"],
        META_APPROVED_DATE: approval["date"],
        META_APPROVAL_METHOD: approval["method"],
        META_LOCKED_AT: payload["locked_at"],
    }


def payload_bytes(payload: dict[str, Any]) -> bytes:
    return canonical_json(payload).encode("utf-8")


def parse_payload(data: bytes, where: str) -> dict[str, Any]:
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EkspertrapportError(f"{where}: de innebygde rapportdataene er skadet (ikke gyldig JSON).") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or not isinstance(payload.get("content"), str):
        raise EkspertrapportError(f"{where}: de innebygde rapportdataene har ukjent format.")
    return payload


# --- reading the payload of a locked PDF ------------------------------------------------------------


def embedded_payload_from_reader(reader, where: str) -> bytes | None:
    """The raw payload bytes from a pyHanko ``PdfFileReader``, or None when there is none."""
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except (KeyError, TypeError):
        return None
    for i in range(0, len(names) - 1, 2):
        if str(names[i]) == ATTACHMENT_NAME:
            spec = names[i + 1].get_object()
            return spec["/EF"]["/F"].get_object().data
    return None


def read_locked_payload(pdf_path) -> dict[str, Any]:
    """The report content, approval, version and recipient embedded in a locked PDF.

    This only reads; it does not check the signature. Call :func:`ekspertrapport.lock.verify.verify_file`
    first when the answer must be trustworthy. ``content`` is the parsed canonical content (``meta`` with
    the measures in ``meta.tiltak``, and ``sections``); ``canonical_content`` is the exact string the
    fingerprint covers.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    from ..fileio import read_bytes

    data = read_bytes(pdf_path, limit=100 * 1024 * 1024)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        raw = embedded_payload_from_reader(reader, str(pdf_path))
    except EkspertrapportError:
        raise
    except Exception:  # noqa: BLE001 - any parse failure of a foreign file
        raise EkspertrapportError(f"{pdf_path}: filen kan ikke leses som PDF.") from None
    if raw is None:
        raise EkspertrapportError(f"{pdf_path}: er ikke en låst rapport fra ekspertrapport (mangler innebygde rapportdata).")
    payload = parse_payload(raw, str(pdf_path))
    result = dict(payload)
    result["canonical_content"] = payload["content"]
    result["content"] = json.loads(payload["content"])
    return result
