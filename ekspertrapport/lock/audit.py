"""The audit log: append-only, hash-chained JSON Lines, one file per report.

Each line is one entry in canonical JSON::

    {"seq": 3, "time": "...", "event": "approval", "data": {...}, "prev": "<hash of entry 2>", "hash": "<...>"}

``hash`` is the SHA-256 of the entry's canonical JSON without ``hash``; ``prev`` of the first entry is
64 zeros. :func:`verify_chain` recomputes every hash and link, so an edited, inserted, reordered or
deleted line breaks the chain. Removing lines at the end cannot be seen from the log alone; the lock
state records the head (hash and count) after every append, and the signed PDFs record the head at
the time of locking.

Events: ``lint`` (summary), ``suppression`` (rule, reason, line), ``approval``, ``lock``,
``revision``, ``verification``, ``refusal``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import EkspertrapportError

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


@dataclass
class ChainStatus:
    intact: bool
    entries: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def head(self) -> str:
        return self.entries[-1]["hash"] if self.entries else GENESIS


def read_entries(path: Path) -> ChainStatus:
    """Parse and check the log; problems are Norwegian and name the line."""
    status = ChainStatus(True)
    if not path.exists():
        return status
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EkspertrapportError(f"{path}: revisjonsloggen kan ikke leses ({exc}).") from None
    prev = GENESIS
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            status.intact = False
            status.problems.append(f"linje {number}: tom linje i loggen")
            continue
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict):
                raise ValueError
        except ValueError:
            status.intact = False
            status.problems.append(f"linje {number}: ikke gyldig JSON")
            continue
        if entry.get("prev") != prev:
            status.intact = False
            status.problems.append(f"linje {number}: lenken til forrige oppføring er brutt")
        if entry.get("hash") != entry_hash(entry):
            status.intact = False
            status.problems.append(f"linje {number}: oppføringen er endret (hash stemmer ikke)")
        if entry.get("seq") != len(status.entries) + 1:
            status.intact = False
            status.problems.append(f"linje {number}: feil løpenummer (oppføringer mangler eller er flyttet)")
        if _canonical(entry) != line:
            status.intact = False
            status.problems.append(f"linje {number}: linjen er ikke skrevet av ekspertrapport (ikke kanonisk)")
        status.entries.append(entry)
        prev = entry.get("hash", "")
    if text and not text.endswith("\n"):
        status.intact = False
        status.problems.append("siste linje er ufullstendig")
    return status


def verify_chain(path: Path, *, expected_head: str | None = None, expected_count: int | None = None) -> ChainStatus:
    """Check the chain; with the head recorded in the lock state, also detect a truncated log."""
    status = read_entries(path)
    if expected_count is not None and len(status.entries) < expected_count:
        status.intact = False
        status.problems.append(
            f"loggen har {len(status.entries)} oppføringer, men {expected_count} er registrert; oppføringer er slettet"
        )
    elif expected_head is not None and expected_count is not None and status.entries and expected_count > 0:
        if status.entries[expected_count - 1].get("hash") != expected_head:
            status.intact = False
            status.problems.append("loggen stemmer ikke med siste registrerte oppføring i låsetilstanden")
    return status


def append(path: Path, event: str, data: dict[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """Append one entry (caller holds the report's file lock). Refuses to extend a broken chain."""
    status = read_entries(path)
    if not status.intact:
        raise EkspertrapportError(
            f"{path}: revisjonsloggen er skadet eller endret ({status.problems[0]}); "
            "ekspertrapport skriver ikke videre i en brutt logg. Undersøk filen før du fortsetter."
        )
    entry = {
        "seq": len(status.entries) + 1,
        "time": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "event": event,
        "data": data,
        "prev": status.head,
    }
    entry["hash"] = entry_hash(entry)
    line = _canonical(entry) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise EkspertrapportError(f"{path}: kan ikke skrive til revisjonsloggen ({exc.strerror or exc}).") from None
    return entry


EVENT_WORDS = {
    "lint": "sjekk", "suppression": "unntak", "approval": "godkjenning", "lock": "låst",
    "revision": "ny versjon", "verification": "kontroll", "refusal": "avvist",
}


def describe(entry: dict[str, Any]) -> str:
    """One line per entry for ``ekspertrapport log``."""
    data = entry.get("data") or {}
    event = entry.get("event", "?")
    word = EVENT_WORDS.get(event, event)
    if event == "lint":
        text = (f"{data.get('errors', 0)} feil, {data.get('warnings', 0)} advarsler, "
                f"{data.get('suppressed', 0)} unntak (versjon {data.get('version')})")
        config = data.get("config")
        if isinstance(config, dict):
            changed = [f"{rule} av" for rule in config.get("disable") or []]
            changed += [f"{rule} → {level}" for rule, level in (config.get("severity") or {}).items()]
            text += f"; konfigurasjon {config.get('path')}" + (f": {', '.join(changed)}" if changed else "")
    elif event == "suppression":
        text = f"{data.get('rule')} linje {data.get('line')}: «{data.get('reason')}»"
    elif event == "approval":
        text = (f"versjon {data.get('version')} godkjent av {data.get('by')} ({data.get('method')}, "
                f"{data.get('date')}){' med merknader' if data.get('has_remarks') else ''}")
    elif event == "lock":
        text = f"versjon {data.get('version')} låst i {data.get('out_dir')}, fingeravtrykk {str(data.get('fingerprint'))[:16]}…"
    elif event == "revision":
        text = f"versjon {data.get('from_version')} → {data.get('to_version')}"
    elif event == "verification":
        text = f"{data.get('file')}: {data.get('status')}"
    elif event == "refusal":
        text = f"{data.get('reason')}"
    else:
        text = _canonical(data)
    return f"{entry.get('seq', '?'):>4}  {entry.get('time', '?')}  {word:<12} {text}"
