"""``manifest.json``: what a locked output folder holds, in canonical JSON.

The manifest is not signed itself; instead every field in it can be derived from the signed PDFs
(their payloads, their signer certificate and their file hashes) and the Word copy's hash that those
payloads carry. :func:`expected_manifest` rebuilds it from them, and verification compares the file
byte for byte with the rebuilt one, so that any change to the manifest is detected.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import EkspertrapportError

MANIFEST_NAME = "manifest.json"
FORMAT = "ekspertrapport-manifest/1"


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """Canonical serialisation: sorted keys, two-space indent, UTF-8, final newline."""
    return (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def expected_manifest(pdfs: list[tuple[str, str, dict[str, Any]]], *, signer: dict[str, str]) -> dict[str, Any]:
    """The manifest for locked PDFs given as (file name, file SHA-256, payload).

    All payloads must describe the same approval; the approval record is stored without the remarks
    text (the folder may go to the employer), with ``has_remarks`` and ``share_remarks``.
    """
    if not pdfs:
        raise EkspertrapportError("ingen låste PDF-er å lage manifest for.")
    first = pdfs[0][2]
    files: list[dict[str, Any]] = []
    for name, digest, payload in sorted(pdfs):
        files.append({"name": name, "kind": "pdf", "recipient": payload["recipient"], "sha256": digest,
                      "remarks_included": payload["remarks_included"]})
    companions = first.get("companions") or {}
    for kind, entry in sorted(companions.items()):
        files.append({"name": entry["name"], "kind": kind, "recipient": entry.get("recipient", "arbeidsgiver"),
                      "sha256": entry["sha256"], "remarks_included": entry.get("remarks_included", False)})
    approval = dict(first["approval"])
    approval["remarks"] = None
    return {
        "format": FORMAT,
        "tool": first.get("tool", "ekspertrapport"),
        "tool_version": first["tool_version"],
        "version": first["version"],
        "fingerprint": first["fingerprint"],
        "locked_at": first["locked_at"],
        "approval": approval,
        "recipients": sorted({p["recipient"] for _, _, p in pdfs}),
        "signer": signer,
        "files": files,
    }


def consistency_problems(pdfs: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    """Norwegian problems where the PDFs of one folder disagree about what was approved."""
    problems = []
    if not pdfs:
        return problems
    keys = ("fingerprint", "version", "locked_at", "companions", "tool_version", "audit_head")
    first_name, _, first = pdfs[0]
    for name, _, payload in pdfs[1:]:
        for key in keys:
            if payload.get(key) != first.get(key):
                problems.append(f"{name} og {first_name} er uenige om «{key}»")
        a = {k: v for k, v in payload["approval"].items() if k != "remarks"}
        b = {k: v for k, v in first["approval"].items() if k != "remarks"}
        if a != b:
            problems.append(f"{name} og {first_name} har ulik godkjenning")
    return problems


def load_manifest(data: bytes, where: str) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EkspertrapportError(f"{where}: manifestet er ikke gyldig JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), list):
        raise EkspertrapportError(f"{where}: er ikke et manifest fra ekspertrapport.")
    for entry in manifest["files"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or "/" in entry["name"] \
                or "\\" in entry["name"] or entry["name"] in ("", ".", ".."):
            raise EkspertrapportError(f"{where}: manifestet har en ugyldig filoppføring.")
    return manifest
