"""Lock a rendered PDF: embed the payload, then certify it with a PAdES signature allowing no changes.

Everything happens in memory; the caller writes the result atomically. The certification signature
(DocMDP level 1, ``MDPPerm.NO_CHANGES``) tells every conforming reader that any later revision of the
file invalidates it, and covers the whole file including the embedded payload and the metadata.
"""

from __future__ import annotations

import io
from datetime import datetime

from ..errors import EkspertrapportError
from .keys import SigningKey
from .payload import ATTACHMENT_NAME, REASON, SIGNATURE_FIELD


def embed_payload(pdf: bytes, payload: bytes, metadata: dict[str, str]) -> bytes:
    """Add the payload as an embedded file and the metadata entries; returns a new PDF (unsigned)."""
    import pypdf

    try:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    except Exception as exc:  # noqa: BLE001 - the renderer's output should always parse
        raise EkspertrapportError(f"den genererte PDF-en kan ikke leses ({exc}).") from None
    writer.add_metadata({f"/{key}": value for key, value in metadata.items()})
    writer.add_attachment(ATTACHMENT_NAME, payload)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def certify_pdf(pdf: bytes, key: SigningKey, *, location: str | None = None,
                signing_time: datetime | None = None) -> bytes:
    """A PAdES (B-B) certification signature with DocMDP «no changes», appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter

    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=REASON,
        location=location or None,
        name=key.common_name or None,
    )
    pdf_signer = signers.PdfSigner(meta, key.signer())
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        kwargs = {"timestamp": signing_time} if signing_time else {}
        out = pdf_signer.sign_pdf(writer, output=io.BytesIO(), **kwargs)
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many types; all mean "could not sign"
        raise EkspertrapportError(f"kunne ikke signere PDF-en ({type(exc).__name__}: {exc}).") from None
    return out.getvalue()


def lock_pdf(pdf: bytes, key: SigningKey, payload: bytes, metadata: dict[str, str], *,
             location: str | None = None, signing_time: datetime | None = None) -> bytes:
    return certify_pdf(embed_payload(pdf, payload, metadata), key, location=location, signing_time=signing_time)
