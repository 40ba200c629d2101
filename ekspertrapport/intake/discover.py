"""Which files a batch covers: folders expanded, other file types and loops listed with a reason.

Nothing is skipped silently: every path the walk meets becomes an :class:`Entry`, either to be checked
or with ``skip`` (not a report file: listed as ``HOPPET_OVER``) or ``error`` (cannot be looked at:
listed as ``FEIL``). Only the file names are collected here; no file is opened.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

#: Suffixes ``check`` reads (``.txt`` and ``.markdown`` are read as Markdown / plain text).
CHECKED_SUFFIXES = frozenset({".pdf", ".docx", ".md", ".markdown", ".txt"})

#: Why a few common neighbours of reports are not read, in words a caseworker can act on.
_SKIP_HINTS = {
    ".doc": "eldre Word-format (.doc) leses ikke; be om filen som .docx eller PDF",
    ".docm": "Word-fil med makroer leses ikke av sikkerhetshensyn; be om .docx uten makroer eller PDF",
    ".dot": "Word-mal, ikke en rapport",
    ".dotx": "Word-mal, ikke en rapport",
    ".odt": "OpenDocument leses ikke; be om .docx eller PDF",
    ".rtf": "RTF leses ikke; be om .docx eller PDF",
    ".tmp": "midlertidig fil",
}


@dataclass(frozen=True)
class Entry:
    path: str  # as the user will recognise it (argument joined with names found in folders)
    skip: str | None = None  # reason the file is not a report file (verdict HOPPET_OVER)
    error: str | None = None  # reason the path cannot be looked at (verdict FEIL)

    @property
    def checkable(self) -> bool:
        return self.skip is None and self.error is None


@dataclass
class Discovery:
    entries: list[Entry] = field(default_factory=list)
    #: Messages about the batch that are not about one file (e.g. an empty folder).
    notes: list[str] = field(default_factory=list)


def discover(paths: Iterable[str | os.PathLike], *, recursive: bool = False,
             suffixes: frozenset[str] = CHECKED_SUFFIXES) -> Discovery:
    """Expand ``paths`` into entries sorted by path; every file met is listed exactly once."""
    found = Discovery()
    by_path: dict[str, Entry] = {}
    visited_dirs: set[tuple[int, int]] = set()

    def add(entry: Entry) -> None:
        by_path.setdefault(entry.path, entry)

    def walk(directory: str) -> None:
        try:
            st = os.stat(directory)
        except OSError as exc:
            add(Entry(directory, error=_os_message(exc, "mappen")))
            return
        key = (st.st_dev, st.st_ino)
        if key in visited_dirs:
            add(Entry(directory, skip="symbolsk lenke tilbake til en mappe som allerede er med (lenkeløkke); "
                                      "hoppet over"))
            return
        visited_dirs.add(key)
        try:
            with os.scandir(directory) as it:
                children = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            add(Entry(directory, error=_os_message(exc, "mappen")))
            return
        if not children:
            found.notes.append(f"{directory}: mappen er tom.")
        for child in children:
            child_path = os.path.join(directory, child.name)
            try:
                is_dir = child.is_dir()  # follows symlinks
            except OSError:
                is_dir = False
            if is_dir:
                if recursive:
                    walk(child_path)
                else:
                    add(Entry(child_path, skip="undermappe; bruk --recursive for å ta med filene i den"))
            else:
                add(_file_entry(child_path, suffixes))

    for raw in paths:
        path = os.fspath(raw)
        if os.path.isdir(path):
            walk(path)
        else:
            add(_file_entry(path, suffixes))
    found.entries = sorted(by_path.values(), key=lambda e: e.path)
    return found


def _file_entry(path: str, suffixes: frozenset[str]) -> Entry:
    try:
        st = os.stat(path)  # follows symlinks
    except FileNotFoundError:
        if os.path.islink(path):
            return Entry(path, error="symbolsk lenke til en fil som ikke finnes")
        return Entry(path, error="filen finnes ikke")
    except OSError as exc:
        return Entry(path, error=_os_message(exc, "filen"))
    if not stat.S_ISREG(st.st_mode):
        return Entry(path, skip="ikke en vanlig fil (f.eks. en enhet eller et rør); hoppet over")
    name = os.path.basename(path)
    suffix = Path(name).suffix.lower()
    if name.startswith("~$"):
        return Entry(path, skip="Words midlertidige låsefil, ikke en rapport")
    if suffix not in suffixes:
        hint = _SKIP_HINTS.get(suffix)
        if hint is None:
            shown = f"«{suffix}»" if suffix else "uten filendelse"
            hint = f"filtypen {shown} er ikke en rapportfil (les .pdf, .docx og .md)"
        return Entry(path, skip=hint)
    return Entry(path)


def _os_message(exc: OSError, what: str) -> str:
    if isinstance(exc, PermissionError):
        return f"mangler tilgang til {what}"
    if exc.errno == errno.ELOOP:  # a symlink that points to itself
        return "symbolsk lenke i løkke (peker til seg selv)"
    return f"kan ikke åpne {what} ({exc.strerror or exc})"
