"""The employer's Word copy of a locked report: read-only protection and custom properties.

A .docx cannot carry a signature that ordinary tools check, so the Word copy is tamper-evident only
together with the signed PDFs: its SHA-256 is written into every signed PDF's payload and into
``manifest.json``. Word's read-only protection (``w:documentProtection w:edit="readOnly"
w:enforcement="1"``) stops accidental edits; it is not a security boundary.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree as ET

from ..errors import EkspertrapportError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

SETTINGS = "word/settings.xml"
CUSTOM = "docProps/custom.xml"

#: Elements of w:settings that come before w:documentProtection in the schema's sequence.
_BEFORE_PROTECTION = {
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
    "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
    "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
    "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate",
    "linkStyles", "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
    "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting",
}

_PARSER = ET.XMLParser(resolve_entities=False, no_network=True)


def _parse(xml: bytes) -> ET._Element:
    return ET.fromstring(xml, parser=_PARSER)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _serialise(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)


def _read_zip(data: bytes, where: str) -> dict[str, tuple[zipfile.ZipInfo, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {info.filename: (info, archive.read(info)) for info in archive.infolist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, ValueError, OSError, EOFError,
            NotImplementedError, UnicodeDecodeError):
        raise EkspertrapportError(f"{where}: filen er ikke et gyldig Word-dokument (.docx).") from None


def _protected_settings(xml: bytes) -> bytes:
    root = _parse(xml)
    for old in [c for c in root if _local(c.tag) == "documentProtection"]:
        root.remove(old)
    protection = ET.Element(f"{{{W_NS}}}documentProtection",
                            {f"{{{W_NS}}}edit": "readOnly", f"{{{W_NS}}}enforcement": "1"})
    index = next((i for i, c in enumerate(root) if _local(c.tag) not in _BEFORE_PROTECTION), len(root))
    root.insert(index, protection)
    return _serialise(root)


def _custom_properties(xml: bytes | None, properties: dict[str, str]) -> bytes:
    root = _parse(xml) if xml else ET.Element(f"{{{CP_NS}}}Properties", nsmap={None: CP_NS, "vt": VT_NS})
    for old in [p for p in root if isinstance(p.tag, str) and p.get("name") in properties]:
        root.remove(old)
    pids = [p.get("pid", "1") for p in root if isinstance(p.tag, str)]
    pid = max([int(v) for v in pids if v.isdigit()] + [1])
    for name, value in properties.items():
        pid += 1
        prop = ET.SubElement(root, f"{{{CP_NS}}}property", {"fmtid": FMTID, "pid": str(pid), "name": name})
        ET.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    return _serialise(root)


def _with_custom_content_type(xml: bytes) -> bytes:
    root = _parse(xml)
    if not any(e.get("PartName") == "/" + CUSTOM for e in root):
        ET.SubElement(root, f"{{{CT_NS}}}Override", {"PartName": "/" + CUSTOM, "ContentType": CUSTOM_CT})
    return _serialise(root)


def _with_custom_relationship(xml: bytes) -> bytes:
    root = _parse(xml)
    if not any(e.get("Type") == CUSTOM_REL for e in root):
        ids = {e.get("Id") for e in root}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        ET.SubElement(root, f"{{{REL_NS}}}Relationship", {"Id": f"rId{n}", "Type": CUSTOM_REL, "Target": CUSTOM})
    return _serialise(root)


def protect_docx(data: bytes, properties: dict[str, str]) -> bytes:
    """Word read-only protection + custom properties; other parts are copied unchanged."""
    parts = _read_zip(data, "Word-kopien")
    if SETTINGS not in parts or "[Content_Types].xml" not in parts or "_rels/.rels" not in parts:
        raise EkspertrapportError("Word-kopien mangler word/settings.xml eller pakkedelene; kan ikke låse den.")
    new = {
        SETTINGS: _protected_settings(parts[SETTINGS][1]),
        CUSTOM: _custom_properties(parts[CUSTOM][1] if CUSTOM in parts else None, properties),
        "[Content_Types].xml": _with_custom_content_type(parts["[Content_Types].xml"][1]),
        "_rels/.rels": _with_custom_relationship(parts["_rels/.rels"][1]),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        names = list(parts) + ([CUSTOM] if CUSTOM not in parts else [])
        for name in names:
            info = parts[name][0] if name in parts else zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            fresh = zipfile.ZipInfo(name, info.date_time)
            fresh.compress_type = zipfile.ZIP_DEFLATED
            fresh.external_attr = info.external_attr
            archive.writestr(fresh, new.get(name, parts[name][1] if name in parts else b""))
    return out.getvalue()


def read_docx_lock(data: bytes, where: str) -> tuple[dict[str, str], bool]:
    """(custom properties, whether read-only protection is enforced) of a .docx."""
    parts = _read_zip(data, where)
    properties: dict[str, str] = {}
    try:
        if CUSTOM in parts:
            for prop in _parse(parts[CUSTOM][1]):
                name = prop.get("name") if isinstance(prop.tag, str) else None
                if name and len(prop):
                    properties[name] = prop[0].text or ""
        read_only = False
        if SETTINGS in parts:
            for child in _parse(parts[SETTINGS][1]):
                if _local(child.tag) == "documentProtection":
                    read_only = (child.get(f"{{{W_NS}}}edit") == "readOnly"
                                 and child.get(f"{{{W_NS}}}enforcement") in ("1", "true", "on"))
    except ET.XMLSyntaxError:
        raise EkspertrapportError(f"{where}: Word-dokumentet er skadet (ugyldig XML i egenskapene).") from None
    return properties, read_only
