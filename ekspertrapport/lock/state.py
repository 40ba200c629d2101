"""Per-report lock state, kept beside the source in ``.<source name>.ekspertrapport/``.

The folder holds ``state.json`` (the versions and which are approved, with their fingerprints),
``audit.jsonl`` (the audit log) and ``lock`` (a file lock, so that two commands working on the same
report run one after the other). The state follows the source's file name: moving or renaming the
source without its state folder starts a fresh history.

Rules:

- version 1 is open until approved; an approved version is locked to its fingerprint;
- a locked source whose content changed is refused by ``render`` and ``approve`` until
  ``ekspertrapport revise`` opens version N+1, which needs its own approval;
- earlier versions and their outputs are never touched.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EkspertrapportError, LockedError
from ..fileio import atomic_write_text

STATE_NAME = "state.json"
AUDIT_NAME = "audit.jsonl"
LOCK_NAME = "lock"
LOCK_TIMEOUT = 60.0


def state_dir(source: str | os.PathLike) -> Path:
    p = Path(source).absolute()
    return p.parent / f".{p.name}.ekspertrapport"


def audit_path(source: str | os.PathLike) -> Path:
    return state_dir(source) / AUDIT_NAME


@dataclass
class VersionState:
    version: int
    status: str = "open"  # open | approved
    fingerprint: str | None = None
    approved_at: str | None = None
    out_dir: str | None = None
    files: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "status": self.status, "fingerprint": self.fingerprint,
                "approved_at": self.approved_at, "out_dir": self.out_dir, "files": self.files}


@dataclass
class ReportState:
    source_name: str
    versions: list[VersionState] = field(default_factory=lambda: [VersionState(1)])
    audit_head: str | None = None
    audit_count: int = 0

    @property
    def current(self) -> VersionState:
        return self.versions[-1]

    @property
    def last_approved(self) -> VersionState | None:
        return next((v for v in reversed(self.versions) if v.status == "approved"), None)

    def to_dict(self) -> dict[str, Any]:
        return {"format": "ekspertrapport-state/1", "source_name": self.source_name,
                "versions": [v.to_dict() for v in self.versions],
                "audit_head": self.audit_head, "audit_count": self.audit_count}


def load_state(source: str | os.PathLike) -> ReportState:
    path = state_dir(source) / STATE_NAME
    name = Path(source).name
    if not path.exists():
        return ReportState(name)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        versions = [VersionState(int(v["version"]), v["status"], v.get("fingerprint"), v.get("approved_at"),
                                 v.get("out_dir"), list(v.get("files") or [])) for v in raw["versions"]]
        if not versions or any(v.status not in ("open", "approved") for v in versions):
            raise ValueError
        return ReportState(raw.get("source_name", name), versions, raw.get("audit_head"), int(raw.get("audit_count", 0)))
    except (OSError, ValueError, KeyError, TypeError):
        raise EkspertrapportError(
            f"{path}: låsetilstanden for rapporten er skadet; ekspertrapport endrer ingenting før den er rettet."
        ) from None


def save_state(source: str | os.PathLike, state: ReportState) -> None:
    directory = state_dir(source)
    _ensure_dir(directory)
    atomic_write_text(directory / STATE_NAME, json.dumps(state.to_dict(), ensure_ascii=False, indent=2) + "\n")


def _ensure_dir(directory: Path) -> None:
    try:
        directory.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise EkspertrapportError(f"{directory}: kan ikke opprette mappen for låsetilstand ({exc.strerror or exc}).") from None


@contextlib.contextmanager
def report_lock(source: str | os.PathLike, timeout: float = LOCK_TIMEOUT) -> Iterator[Path]:
    """Hold the report's file lock: one approve/revise at a time per report."""
    from filelock import FileLock, Timeout

    directory = state_dir(source)
    _ensure_dir(directory)
    lock = FileLock(str(directory / LOCK_NAME))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise EkspertrapportError(
            f"{source}: en annen ekspertrapport-kommando arbeider med denne rapporten; prøv igjen når den er ferdig."
        ) from None
    try:
        yield directory
    finally:
        lock.release()


def record(source: str | os.PathLike, state: ReportState, event: str, data: dict[str, Any]) -> dict[str, Any]:
    """Append an audit entry and remember the new head in the state (caller holds the lock and saves)."""
    from . import audit

    _ensure_dir(state_dir(source))
    entry = audit.append(audit_path(source), event, data)
    state.audit_head, state.audit_count = entry["hash"], entry["seq"]
    return entry


def changed_message(source: str | os.PathLike, version: VersionState) -> str:
    return (
        f"{source}: versjon {version.version} av rapporten er godkjent og låst, men kilden er endret etterpå. "
        f"En godkjent rapport endres ikke i det stille: kjør «ekspertrapport revise {source}» for å starte "
        f"versjon {version.version + 1}, som må godkjennes av arbeidstaker på nytt."
    )


def check_not_locked(source: str | os.PathLike, fingerprint: str | None = None) -> ReportState:
    """Refuse (LockedError) when the current version is approved and the source no longer matches it.

    ``fingerprint`` is the source's current fingerprint; when None it is computed by loading the
    source (a source that no longer parses counts as changed).
    """
    state = load_state(source)
    current = state.current
    if current.status != "approved":
        return state
    if fingerprint is None:
        from ..source import load_report

        try:
            fingerprint = load_report(source).fingerprint()
        except EkspertrapportError:
            raise LockedError(changed_message(source, current)) from None
    if fingerprint != current.fingerprint:
        raise LockedError(changed_message(source, current))
    return state
