"""Does a received file carry our signature or fingerprint, and does it verify?

Our locked copies (``ekspertrapport.lock``) carry the report fingerprint in their metadata (PDF document
information / Word custom properties, keys ``Ekspertrapport…`` from :mod:`ekspertrapport.lock.payload`)
and, for PDFs, a PAdES signature and the canonical content as an embedded file
(``ekspertrapport-innhold.json``). A file without those marks is another tool's report: ``usignert``, which is not a
failure by itself. A file with them is verified with :func:`ekspertrapport.lock.verify.verify_file`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EkspertrapportError
from ..lock.payload import (
    ATTACHMENT_NAME, META_FINGERPRINT, META_FORMAT, META_RECIPIENT, META_VERSION, SIGNATURE_FIELD,
)
from . import strip_path

SIGNED_VALID = "signert-gyldig"
SIGNED_INVALID = "signert-ugyldig"
UNSIGNED = "usignert"

#: What marks a locked copy: these metadata keys (PDF document information / Word custom properties),
#: the embedded payload file, or the approval signature field. Drafts carry other keys and are not ours.
OUR_KEYS = frozenset({META_FORMAT, META_FINGERPRINT})


@dataclass
class SignatureStatus:
    status: str = UNSIGNED
    reasons: list[str] = field(default_factory=list)
    signer: str | None = None
    approver: str | None = None
    approved_at: str | None = None
    version: int | str | None = None
    recipient: str | None = None
    fingerprint: str | None = None
    #: The canonical content embedded at approval (our valid PDFs only).
    payload: dict[str, Any] | None = None
    #: Remarks that are not failures (e.g. a Word copy that cannot be verified on its own).
    notes: list[str] = field(default_factory=list)
    #: Our locked Word copy found without its manifest: its own fingerprint matches its content property.
    word_copy: bool = False


def our_marks(path: str | Path) -> dict[str, str]:
    """Our metadata on ``path`` ({} for a file that does not carry our fingerprint or signature)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        return _pdf_marks(path)
    if suffix == ".docx":
        return _docx_marks(path)
    return {}


_PREFIX = "Ekspertrapport"  # every META_* key of ekspertrapport.lock.payload starts so


def _pdf_marks(path: str | Path) -> dict[str, str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            return {}
        info = reader.metadata or {}
        marks = {str(k).lstrip("/"): str(v) for k, v in info.items() if str(k).lstrip("/").startswith(_PREFIX)}
        if not OUR_KEYS & set(marks):
            marks = {}
        root = reader.trailer["/Root"]
        form = root.get("/AcroForm")
        for ref in (form.get_object().get("/Fields") or []) if form is not None else []:
            fld = ref.get_object()
            if fld.get("/FT") == "/Sig" and str(fld.get("/T")) == SIGNATURE_FIELD:
                marks.setdefault("signature_field", SIGNATURE_FIELD)
        names = root.get("/Names")
        if names is not None:
            embedded = names.get_object().get("/EmbeddedFiles")
            if embedded is not None:
                flat = embedded.get_object().get("/Names") or []
                for name in flat[::2]:
                    if str(name) == ATTACHMENT_NAME:
                        marks.setdefault("embedded", str(name))
        return marks
    except Exception:  # noqa: BLE001 - a damaged PDF fails anywhere in pypdf; the document reader reports it
        return {}


def _docx_marks(path: str | Path) -> dict[str, str]:
    import zipfile

    from lxml import etree

    try:
        with zipfile.ZipFile(str(path)) as archive:
            info = archive.getinfo("docProps/custom.xml")
            if info.file_size > 4 * 1024 * 1024:
                return {}
            xml = archive.read(info)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(xml, parser=parser)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, etree.XMLSyntaxError):
        return {}
    marks = {}
    for prop in root:
        name = prop.get("name") if isinstance(prop.tag, str) else None
        if name and name.startswith(_PREFIX) and len(prop):
            marks[name] = prop[0].text or ""
    return marks if OUR_KEYS & set(marks) else {}


def inspect(path: str | Path, *, trust: str | None = None) -> SignatureStatus:
    """Signature status of ``path``; verification only for files that carry our marks.

    ``trust`` is a certificate file (PEM/DER): signatures must chain to it to be valid.
    """
    marks = our_marks(path)
    if not marks:
        return SignatureStatus()
    from ..lock.verify import verify_file

    result = verify_file(path, trust=trust_certificates(trust) if trust else None)
    details = result.details
    approval = details.get("approval") or {}
    status = SignatureStatus(
        SIGNED_VALID if result.valid else SIGNED_INVALID,
        reasons=[strip_path(str(p), path).rstrip(".") for p in result.problems],
        signer=(details.get("signer") or {}).get("name") or None,
        approver=approval.get("by"),
        approved_at=approval.get("date"),
        version=_version(details.get("version") or marks.get(META_VERSION)),
        recipient=details.get("recipient") or marks.get(META_RECIPIENT),
        fingerprint=details.get("fingerprint") or marks.get(META_FINGERPRINT),
    )
    if result.kind == "docx" and not result.valid and _only_manifest_missing(result):
        # A Word copy is not signed; alone (without manifest.json and the signed PDFs beside it) only
        # its own fingerprint can be checked, and that passed. Not a failure, and not a valid signature.
        status.status = UNSIGNED
        status.reasons = []
        status.word_copy = True
        status.notes.append("låst Word-kopi fra ekspertrapport: Word-filer kan ikke signeres og kontrolleres "
                            "bare sammen med manifest.json og de signerte PDF-ene; be om PDF-en")
    if result.valid and Path(path).suffix.lower() == ".pdf":
        status.payload = locked_payload(path)
    return status


def _version(value: Any) -> int | str | None:
    """Version numbers as int (metadata and Word properties carry them as text)."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _only_manifest_missing(result: Any) -> bool:
    failed = {name for name, ok in result.checks.items() if not ok}
    return failed == {"manifest_present"}


@functools.lru_cache(maxsize=4)
def trust_certificates(path: str) -> list[Any]:
    """The certificates in a ``--trust`` file (cached per process); EkspertrapportError when unreadable."""
    from ..lock.keys import load_trust_certificates

    return load_trust_certificates(path)


def locked_payload(path: str | Path) -> dict[str, Any] | None:
    """The payload embedded in our locked PDF (``content`` parsed), or None when it cannot be read."""
    from ..lock.payload import read_locked_payload

    try:
        return read_locked_payload(path)
    except EkspertrapportError:
        return None


def _attr(obj: Any, *names: str) -> Any:
    for name in names:
        value = getattr(obj, name, None)
        if value not in (None, ""):
            return value
    return None




def payload_document(payload: dict[str, Any], path: str | Path, kind: str = "pdf") -> Any:
    """The Document the linter sees for a valid locked copy: its signed content, as a Markdown source.

    The signature binds the pages to this content, so linting it is linting the file, without
    extracting text from the pages, and with the parties known (their names are not flagged).
    """
    import yaml

    from ..document import document_from_markdown

    content = payload.get("content") or {}
    front = yaml.safe_dump(content.get("meta") or {}, allow_unicode=True, sort_keys=False)
    body = "".join(f"## {s.get('heading')}\n\n{s.get('body') or ''}\n\n" for s in content.get("sections") or [])
    document = document_from_markdown(f"---\n{front}---\n\n{body}", str(path))
    document.kind = kind
    return document
