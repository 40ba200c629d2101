"""Open Word files safely: every check happens on the zip container BEFORE any XML is parsed.

Refused with a Norwegian :class:`~ekspertrapport.errors.EkspertrapportError` (exit 2):
old binary Word (.doc), password-protected/encrypted OOXML (an OLE2 container), macro-enabled
documents (.docm, ``vbaProject.bin``, macro content types), corrupt or truncated zip files, zip bombs
(size and compression-ratio limits, checked while decompressing, not trusted from the headers) and
files with an absurd number of parts. Macros are never executed or kept.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import EkspertrapportError
from ..fileio import read_bytes

#: Limits. A ten-page report is ~50 kB zipped and ~300 kB unzipped; a report with photos a few MiB.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PARTS = 1000
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
#: Compression ratio above which a part larger than RATIO_MIN_BYTES is taken for a zip bomb.
MAX_RATIO = 200
RATIO_MIN_BYTES = 1024 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MACRO_MARKERS = ("vbaproject.bin", "vbadata.xml", "activex", "macroenabled", "vbaproject")


def _ole2_message(path: str | Path, data: bytes) -> str:
    # An encrypted .docx is an OLE2 compound file holding "EncryptionInfo" and "EncryptedPackage"
    # streams (directory entry names are UTF-16LE).
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return (f"{path}: dokumentet er passordbeskyttet (kryptert). Åpne det i Word, fjern passordet "
                "(Fil → Informasjon → Beskytt dokument → Krypter med passord) og lagre det på nytt som .docx.")
    return (f"{path}: dette er et gammelt Word-dokument (.doc, binært format), som ikke støttes. "
            "Åpne det i Word og velg Fil → Lagre som → Word-dokument (.docx).")


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str | Path) -> bytes:
    """Decompress one part, stopping as soon as it exceeds the limits (headers may lie)."""
    chunks, total = [], 0
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(256 * 1024)
            if not chunk:
                break
            total += len(chunk)
            if total > MAX_PART_BYTES or (total > RATIO_MIN_BYTES and total > MAX_RATIO * max(info.compress_size, 1)):
                raise EkspertrapportError(
                    f"{path}: delen «{info.filename}» pakker seg ut til urimelig mye data (mulig «zip-bombe»); "
                    "filen avvises.")
            chunks.append(chunk)
    return b"".join(chunks)


def check_docx(path: str | Path) -> bytes:
    """Check a .docx and return its bytes, or raise a Norwegian error. Every part is decompressed
    once under the limits (which also verifies each CRC), so a later full read is bounded."""
    p = Path(path)
    if p.suffix.lower() in (".docm", ".dotm"):
        raise EkspertrapportError(
            f"{p}: Word-filer med makroer ({p.suffix}) støttes ikke, og makroer kjøres eller beholdes aldri. "
            "Lagre dokumentet som Word-dokument (.docx) uten makroer.")
    data = read_bytes(p, limit=MAX_FILE_BYTES)
    if not data:
        raise EkspertrapportError(f"{p}: filen er tom.")
    if data.startswith(OLE2_MAGIC):
        raise EkspertrapportError(_ole2_message(p, data))
    if not data.startswith(ZIP_MAGIC):
        raise EkspertrapportError(
            f"{p}: er ikke et Word-dokument (.docx); filen er skadet eller av en annen type.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise EkspertrapportError(
            f"{p}: Word-filen er skadet eller ufullstendig (ødelagt zip-arkiv). "
            "Åpne den i Word og lagre den på nytt, eller hent en ny kopi.") from None
    if len(infos) > MAX_PARTS:
        raise EkspertrapportError(
            f"{p}: Word-filen har urimelig mange deler ({len(infos)}; grensen er {MAX_PARTS}); filen avvises.")
    names = {info.filename.lower() for info in infos}
    if any(marker in name for name in names for marker in MACRO_MARKERS):
        raise EkspertrapportError(
            f"{p}: dokumentet inneholder makroer (VBA), som ikke støttes, og makroer kjøres eller beholdes aldri. "
            "Lagre dokumentet som Word-dokument (.docx) uten makroer.")
    if "[content_types].xml" not in names or "word/document.xml" not in names:
        raise EkspertrapportError(
            f"{p}: er ikke et Word-dokument (.docx); zip-arkivet mangler dokumentdelen (word/document.xml).")
    declared = sum(info.file_size for info in infos)
    if declared > MAX_TOTAL_BYTES:
        raise EkspertrapportError(
            f"{p}: Word-filen pakker seg ut til {declared // (1024 * 1024)} MiB (grensen er "
            f"{MAX_TOTAL_BYTES // (1024 * 1024)} MiB; mulig «zip-bombe»); filen avvises.")
    total = 0
    content_types = b""
    strict = False
    try:
        for info in infos:
            if info.is_dir():
                continue
            content = _read_limited(archive, info, p)
            total += len(content)
            if total > MAX_TOTAL_BYTES:
                raise EkspertrapportError(
                    f"{p}: Word-filen pakker seg ut til mer enn {MAX_TOTAL_BYTES // (1024 * 1024)} MiB "
                    "(mulig «zip-bombe»); filen avvises.")
            if info.filename == "[Content_Types].xml":
                content_types = content.lower()
            elif info.filename == "word/document.xml" and b"purl.oclc.org/ooxml/wordprocessingml" in content[:4096]:
                strict = True
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError,
            RuntimeError) as exc:  # RuntimeError: an encrypted zip entry
        raise EkspertrapportError(
            f"{p}: Word-filen er skadet eller ufullstendig ({type(exc).__name__}); "
            "åpne den i Word og lagre den på nytt.") from None
    if b"macroenabled" in content_types or b"vbaproject" in content_types:
        raise EkspertrapportError(
            f"{p}: dokumentet er makroaktivert (Word med makroer), som ikke støttes, og makroer kjøres eller "
            "beholdes aldri. Lagre det som Word-dokument (.docx) uten makroer.")
    if strict:
        raise EkspertrapportError(
            f"{p}: dokumentet er lagret som «Strict Open XML-dokument», som ikke støttes. Åpne det i Word og "
            "lagre det som vanlig Word-dokument (.docx).")
    return data


_DOTX_TYPE = b"wordprocessingml.template.main+xml"
_DOCX_TYPE = b"wordprocessingml.document.main+xml"


def as_document(data: bytes) -> bytes:
    """A Word template (.dotx, saved under any name) opened as a document: only its content type differs."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
        if _DOTX_TYPE not in types:
            return data
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                content = archive.read(info)
                if info.filename == "[Content_Types].xml":
                    content = types.replace(_DOTX_TYPE, _DOCX_TYPE)
                out.writestr(info, content)
    return buffer.getvalue()


def open_docx(path: str | Path):
    """A python-docx Document for a checked file (opened from memory, so the file is read once)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    data = as_document(check_docx(path))
    try:
        return docx.Document(io.BytesIO(data))
    except PackageNotFoundError:
        raise EkspertrapportError(f"{path}: er ikke et Word-dokument (.docx); pakken mangler dokumentdelen.") from None
    except ValueError as exc:  # e.g. a template (.dotx) or another Office type renamed to .docx
        raise EkspertrapportError(f"{path}: Word-filen kan ikke leses ({exc}); lagre den på nytt som .docx i Word.") from None
    except Exception as exc:  # noqa: BLE001 - a damaged part fails deep inside python-docx/lxml in many ways
        raise damaged(path, exc) from None


def damaged(path: str | Path, exc: BaseException) -> EkspertrapportError:
    """The message for a Word file whose parts cannot be parsed."""
    what = "ugyldig XML i en del" if type(exc).__name__ == "XMLSyntaxError" else type(exc).__name__
    return EkspertrapportError(f"{path}: Word-filen er skadet ({what}); åpne den i Word og lagre den på nytt.")
