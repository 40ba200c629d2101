"""NAV intake check: one verdict per received file, for a whole folder at a time.

``check_paths(paths)`` returns a :class:`CheckReport`; iterating it checks the files (in parallel worker
processes with ``jobs`` > 1) and yields one :class:`CheckRow` per file, sorted by path, as soon as it and
every row before it are done. Memory stays bounded: only a few files are in flight at a time and a
file is read inside the worker that checks it.

Verdicts, in order of precedence (the first that applies is the row's verdict; ``reasons`` lists
everything found, most serious first):

- ``FEIL``        the file cannot be read (corrupt, encrypted, not a report format, no text, too large);
- ``UGYLDIG``     it carries our signature or fingerprint and verification fails;
- ``PERSONVERN``  error-level ``health`` or ``identity`` findings;
- ``MANGLER``     required content is missing (approval, causes, a measure with responsible party,
                  period, parties);
- ``OK``          none of the above.

``HOPPET_OVER`` is for files in a folder that are not report files (other types, sub-folders without
``--recursive``, symlink loops): listed with the reason, never silently dropped, and not counted as OK.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from .errors import EkspertrapportError, ExitStatus
from .intake import completeness, signature, strip_path
from .intake.discover import Entry, discover


class Verdict(StrEnum):
    FEIL = "FEIL"
    UGYLDIG = "UGYLDIG"
    PERSONVERN = "PERSONVERN"
    MANGLER = "MANGLER"
    OK = "OK"
    HOPPET_OVER = "HOPPET_OVER"


#: Most serious first; a row's verdict is the first level with a reason.
PRECEDENCE: tuple[Verdict, ...] = (Verdict.FEIL, Verdict.UGYLDIG, Verdict.PERSONVERN, Verdict.MANGLER)
#: Every verdict in the order the summary lists them.
VERDICTS: tuple[Verdict, ...] = (*PRECEDENCE, Verdict.OK, Verdict.HOPPET_OVER)

#: Finding categories of the linter (``spec/lint-json.md``), as counted per file.
CATEGORIES: tuple[str, ...] = ("health", "identity", "special-category", "agency", "structure", "style")
#: Categories whose error-level findings make a report ``PERSONVERN``.
PRIVACY_CATEGORIES = ("health", "identity")
_CATEGORY_NAMES = {"health": "helseopplysninger", "identity": "identitetsopplysninger"}

#: Files larger than this are not read (a report is well under a megabyte; scanned PDFs a few MiB).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Longer extracted texts are not linted (the language pipeline refuses them, and no report is this long).
MAX_TEXT_CHARS = 1_000_000
#: Time allowed for one file before it is reported as FEIL (bounded time for pathological files).
FILE_TIMEOUT_SECONDS = 120.0

#: Fewer files than this are checked in this process: starting workers would cost more than it saves.
MIN_FILES_FOR_POOL = 8

#: Columns of a row in JSON and CSV, in order (documented in docs/check.md).
COLUMNS: tuple[str, ...] = (
    "path", "type", "verdict", "reasons", "signature", "signer", "version", "recipient", "fingerprint",
    "approval_found", "approved_by", "approved_at", "measures_count",
    *(f"findings_{c.replace('-', '_')}" for c in CATEGORIES),
    "sha256", "duplicate_of",
)


@dataclass
class CheckRow:
    path: str
    verdict: Verdict = Verdict.OK
    reasons: list[str] = field(default_factory=list)
    type: str | None = None  # markdown | text | docx | pdf (as read), or the suffix when not read
    signature: str = signature.UNSIGNED
    signer: str | None = None
    version: int | str | None = None
    recipient: str | None = None
    fingerprint: str | None = None
    approval_found: bool = False
    approved_by: str | None = None
    approved_at: str | None = None
    measures_count: int = 0
    findings_by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    sha256: str | None = None
    duplicate_of: str | None = None
    #: Reasons per verdict level, filled while checking; ``verdict`` and ``reasons`` derive from it.
    problems: dict[str, list[str]] = field(default_factory=dict, repr=False)
    notes: list[str] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.OK

    def add(self, level: Verdict, reason: str) -> None:
        self.problems.setdefault(level.value, []).append(reason)

    def decide(self) -> CheckRow:
        """Set ``verdict`` and ``reasons`` from the problems found (precedence order)."""
        if Verdict.HOPPET_OVER.value in self.problems:
            self.verdict = Verdict.HOPPET_OVER
            self.reasons = list(self.problems[Verdict.HOPPET_OVER.value]) + self.notes
            return self
        self.verdict = next((v for v in PRECEDENCE if self.problems.get(v.value)), Verdict.OK)
        self.reasons = [r for v in PRECEDENCE for r in self.problems.get(v.value, [])] + self.notes
        return self

    def to_json(self) -> dict[str, Any]:
        """The row as a flat dict with :data:`COLUMNS` as keys (``reasons`` a list)."""
        out: dict[str, Any] = {
            "path": self.path, "type": self.type, "verdict": self.verdict.value, "reasons": list(self.reasons),
            "signature": self.signature, "signer": self.signer, "version": self.version,
            "recipient": self.recipient, "fingerprint": self.fingerprint,
            "approval_found": self.approval_found, "approved_by": self.approved_by, "approved_at": self.approved_at,
            "measures_count": self.measures_count,
        }
        for category in CATEGORIES:
            out[f"findings_{category.replace('-', '_')}"] = self.findings_by_category.get(category, 0)
        out["sha256"] = self.sha256
        out["duplicate_of"] = self.duplicate_of
        return out


# --- checking one file ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckOptions:
    trust: str | None = None
    max_bytes: int = MAX_FILE_BYTES
    timeout: float | None = FILE_TIMEOUT_SECONDS


class _Timeout(BaseException):
    """Raised by the per-file alarm; a BaseException, so that ``except Exception`` in readers cannot swallow it."""


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`_Timeout` in the main thread after ``seconds`` (POSIX; a no-op elsewhere)."""
    usable = (seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None))
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_file(path: str, options: CheckOptions, linter: Any) -> CheckRow:
    """Check one file; never raises (every failure becomes a ``FEIL`` row)."""
    row = CheckRow(path=path, type=Path(path).suffix.lower().lstrip(".") or None)
    try:
        with _time_limit(options.timeout):
            _inspect(row, path, options, linter)
    except EkspertrapportError as exc:
        row.add(Verdict.FEIL, strip_path(exc.message, path))
    except _Timeout:
        row.add(Verdict.FEIL, f"kontrollen tok for lang tid (over {options.timeout:g} sekunder); filen er hoppet over")
    except MemoryError:
        row.add(Verdict.FEIL, "filen krever for mye minne til å kontrolleres")
    except RecursionError:
        row.add(Verdict.FEIL, "filen er for dypt nøstet til å leses (mulig skadet fil)")
    except Exception as exc:  # one bad file never stops the batch
        row.add(Verdict.FEIL, f"uventet feil i kontrollen av filen ({type(exc).__name__}: {exc})")
    return row.decide()


def _inspect(row: CheckRow, path: str, options: CheckOptions, linter: Any) -> None:
    size = _size(path)
    if size > options.max_bytes:
        row.add(Verdict.FEIL, f"filen er for stor ({_mib(size)} MiB; grensen er {_mib(options.max_bytes)} MiB)")
        return
    if size == 0:
        row.add(Verdict.FEIL, "filen er tom")
        return
    row.sha256 = _sha256(path)

    status = signature.inspect(path, trust=options.trust)
    row.signature = status.status
    row.signer, row.version, row.recipient, row.fingerprint = (
        status.signer, status.version, status.recipient, status.fingerprint)
    row.notes += status.notes
    if status.status == signature.SIGNED_INVALID:
        detail = "; ".join(status.reasons) or "verifiseringen feilet"
        row.add(Verdict.UGYLDIG, f"signert med ekspertrapport, men verifiseringen feiler: {detail}")

    if status.payload is not None:
        document = signature.payload_document(status.payload, path)
    else:
        from .document import document_from_path

        document = document_from_path(path)
    row.type = document.kind
    if not document.text.strip():
        row.add(Verdict.FEIL, "filen har ingen tekst som kan hentes ut (skannet bilde?)")
        return
    if len(document.text) > MAX_TEXT_CHARS:
        row.add(Verdict.FEIL, f"teksten er for lang til å kontrolleres ({len(document.text):,} tegn; grensen er "
                              f"{MAX_TEXT_CHARS:,}; en rapport er vanligvis under 50 000 tegn)".replace(",", " "))
        return

    _privacy(row, document, linter)
    facts = (completeness.from_payload(status.payload) if status.payload is not None
             else completeness.from_document(document))
    verified = status.status == signature.SIGNED_VALID  # an invalid file's approval record proves nothing
    if verified and status.approver:
        facts.approval_found = True
    row.approval_found = facts.approval_found
    row.approved_by = (status.approver if verified else None) or facts.approved_by
    row.approved_at = (status.approved_at if verified else None) or facts.approved_at
    row.measures_count = len(facts.measures)
    for reason in facts.missing():
        row.add(Verdict.MANGLER, reason)
    if not facts.measures and facts.no_measures_reason:
        row.notes.append("ingen tiltak foreslått; rapporten begrunner hvorfor")


def _privacy(row: CheckRow, document: Any, linter: Any) -> None:
    """Findings per category; error-level health/identity findings make the row PERSONVERN."""
    try:
        result = linter.lint_document(document)
    except EkspertrapportError as exc:
        row.add(Verdict.FEIL, f"personvernsjekken kunne ikke kjøres på filen: {strip_path(exc.message, row.path)}")
        return
    except Exception as exc:  # noqa: BLE001 - a linter bug on one file must not hide the rest of the row
        row.add(Verdict.FEIL, f"personvernsjekken feilet på filen ({type(exc).__name__}: {exc})")
        return
    if getattr(result, "error", None):
        row.add(Verdict.FEIL, f"personvernsjekken kunne ikke kjøres på filen: {strip_path(result.error, row.path)}")
        return
    active = [f for f in result.findings if not f.suppressed]
    for finding in active:
        row.findings_by_category[finding.category] = row.findings_by_category.get(finding.category, 0) + 1
    for category in PRIVACY_CATEGORIES:
        errors = [f for f in active if f.category == category and f.severity == "error"]
        if errors:
            rules = ", ".join(sorted({f.rule for f in errors}))
            row.add(Verdict.PERSONVERN, f"{_CATEGORY_NAMES[category]}: {len(errors)} funn på feilnivå ({rules})")


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        raise EkspertrapportError("filen finnes ikke (lenger)") from None
    except PermissionError:
        raise EkspertrapportError("mangler tilgang til filen") from None
    except OSError as exc:
        raise EkspertrapportError(f"kan ikke lese filen ({exc.strerror or exc})") from None


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except PermissionError:
        raise EkspertrapportError("mangler tilgang til å lese filen") from None
    except OSError as exc:
        raise EkspertrapportError(f"kan ikke lese filen ({exc.strerror or exc})") from None
    return digest.hexdigest()


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


def _skipped_row(entry: Entry) -> CheckRow:
    row = CheckRow(path=entry.path, type=Path(entry.path).suffix.lower().lstrip(".") or None)
    if entry.error:
        row.add(Verdict.FEIL, entry.error)
    else:
        row.add(Verdict.HOPPET_OVER, entry.skip or "hoppet over")
    return row.decide()


# --- the linter, once per process -------------------------------------------------------------------


def default_linter_factory() -> Any:
    try:
        from .lint import Linter
    except (ModuleNotFoundError, ImportError) as exc:
        raise EkspertrapportError(f"personvernsjekken (ekspertrapport.lint) er ikke tilgjengelig: {exc}") from None
    return Linter()


#: The linter of a worker process: set by the parent just before it forks, or built by the initializer.
_WORKER_LINTER: Any = None


def _init_worker(factory: Callable[[], Any] | None) -> None:
    """Pool initializer: keep the linter inherited through fork, or build one in a spawned process."""
    global _WORKER_LINTER
    if _WORKER_LINTER is None:
        _WORKER_LINTER = (factory or default_linter_factory)()
    # A caseworker's Ctrl-C is handled by the parent, which shuts the pool down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _warm_up(linter: Any) -> None:
    """Load the linter's pipeline and the readers now (the real linter loads on first use), so forks inherit them."""
    import importlib

    lint_text = getattr(linter, "lint_text", None)
    if callable(lint_text):
        lint_text("Oppvarming av kontrollen.")
    for module in ("ekspertrapport.source.docx", "ekspertrapport.source.pdf", "ekspertrapport.lock.verify",
                   "pdfplumber", "pypdf"):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)


def _worker_check(path: str, options: CheckOptions) -> CheckRow:
    return check_file(path, options, _WORKER_LINTER)


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork where it is safe: workers then share the parent's loaded linter (copy-on-write).

    Forking a process that runs other threads (an intake service calling :func:`check_paths` from a
    web server, say) can deadlock the child; there the workers are started fresh and load their own
    linter (``forkserver`` on Linux, ``spawn`` elsewhere).
    """
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


# --- the batch --------------------------------------------------------------------------------------


ProgressCallback = Callable[[CheckRow, int, int], None]


class CheckReport:
    """The rows of a batch check; iterate to run it (rows stream in path order), or read :attr:`rows`."""

    def __init__(self, entries: list[Entry], notes: list[str], *, jobs: int, options: CheckOptions,
                 progress: ProgressCallback | None, linter_factory: Callable[[], Any] | None,
                 linter: Any = None):
        self.entries = entries
        self.notes = list(notes)
        self.jobs = jobs
        self.options = options
        self.progress = progress
        self._factory = linter_factory
        self._linter = linter
        self._rows: list[CheckRow] = []
        self._done = False
        self._running = False

    @property
    def total(self) -> int:
        return len(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[CheckRow]:
        if self._done:
            yield from self._rows
            return
        if self._running:
            raise RuntimeError("CheckReport is already being iterated")
        self._running = True
        self._rows = []  # a run that was abandoned half-way starts over
        first_by_hash: dict[str, str] = {}
        try:
            for row in self._run():
                if row.sha256:
                    first = first_by_hash.setdefault(row.sha256, row.path)
                    if first != row.path:
                        row.duplicate_of = first
                        row.notes.append(f"samme innhold som {first} (duplikat)")
                        row.decide()
                self._rows.append(row)
                if self.progress is not None:
                    self.progress(row, len(self._rows), self.total)
                yield row
            self._done = True
        finally:
            self._running = False

    @property
    def rows(self) -> list[CheckRow]:
        if not self._done:
            for _ in self:
                pass
        return self._rows

    def summary(self) -> dict[str, Any]:
        counts = Counter(row.verdict.value for row in self.rows)
        return {
            "total": len(self._rows),
            "verdicts": {v.value: counts.get(v.value, 0) for v in VERDICTS},
            "duplicates": sum(1 for r in self._rows if r.duplicate_of),
            "notes": list(self.notes),
        }

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if all(row.ok for row in self.rows) else ExitStatus.FINDINGS

    # -- running ------------------------------------------------------------------------------------

    def _linter_here(self) -> Any:
        if self._linter is None:
            self._linter = (self._factory or default_linter_factory)()
        return self._linter

    def _run(self) -> Iterator[CheckRow]:
        tasks = [e for e in self.entries if e.checkable]
        if self.jobs <= 1 or len(tasks) < MIN_FILES_FOR_POOL:
            for entry in self.entries:
                yield check_file(entry.path, self.options, self._linter_here()) if entry.checkable \
                    else _skipped_row(entry)
            return
        yield from self._run_pool(min(self.jobs, len(tasks)))

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        global _WORKER_LINTER
        context = _pool_context()
        if context.get_start_method() == "fork":
            # Build the linter (and its models) once here; forked workers share it instead of each loading it.
            _WORKER_LINTER = self._linter_here()
            _warm_up(_WORKER_LINTER)
            gc.freeze()  # keep the shared objects out of the workers' collections: fewer copied pages
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                                   initargs=(self._factory,))
        if context.get_start_method() == "fork":
            try:
                pool.submit(int).result()  # with fork, the first task starts every worker
            finally:
                gc.unfreeze()
        return pool

    def _run_pool(self, workers: int) -> Iterator[CheckRow]:
        window = workers * 8  # files in flight (paths out, small rows back): bounded memory, workers kept busy
        pending: deque[tuple[Entry, Future[CheckRow] | None]] = deque()
        entries = iter(self.entries)
        pool = self._new_pool(workers)
        try:
            def fill() -> None:
                while len(pending) < window:
                    entry = next(entries, None)
                    if entry is None:
                        return
                    pending.append((entry, pool.submit(_worker_check, entry.path, self.options)
                                    if entry.checkable else None))

            fill()
            while pending:
                entry, future = pending.popleft()
                if future is None:
                    row = _skipped_row(entry)
                else:
                    try:
                        row = future.result()
                    except BrokenProcessPool:
                        # A worker died (out of memory, a crash in a C library). Re-check every file that was
                        # in flight on its own, so that only the file that kills a worker gets FEIL.
                        pool.shutdown(wait=False, cancel_futures=True)
                        row = self._isolated(entry)
                        rest = list(pending)
                        pending.clear()
                        pending.extend((e, f if f is None or _succeeded(f) else _done_future(self._isolated(e)))
                                       for e, f in rest)
                        pool = self._new_pool(workers)
                    except Exception as exc:  # pickling trouble and the like: still one row per file
                        row = CheckRow(path=entry.path)
                        row.add(Verdict.FEIL, f"uventet feil i kontrollen ({type(exc).__name__}: {exc})")
                        row.decide()
                yield row
                fill()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _isolated(self, entry: Entry) -> CheckRow:
        pool = self._new_pool(1)
        try:
            return pool.submit(_worker_check, entry.path, self.options).result()
        except BrokenProcessPool:
            row = CheckRow(path=entry.path)
            row.add(Verdict.FEIL, "kontrollprosessen stoppet under lesing av filen (krasj eller tom for minne)")
            return row.decide()
        finally:
            pool.shutdown(wait=True)


def _succeeded(future: Future[CheckRow]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _done_future(row: CheckRow) -> Future[CheckRow]:
    future: Future[CheckRow] = Future()
    future.set_result(row)
    return future


def check_paths(paths: Iterable[str | os.PathLike], *, recursive: bool = False, jobs: int | None = None,
                trust: str | os.PathLike | None = None, progress: ProgressCallback | None = None,
                max_bytes: int = MAX_FILE_BYTES, timeout: float | None = FILE_TIMEOUT_SECONDS,
                linter_factory: Callable[[], Any] | None = None, linter: Any = None) -> CheckReport:
    """Check received reports (files and folders) for NAV intake; see the module docstring.

    The files are found here (raising :class:`EkspertrapportError` when there is none at all); they are
    read and checked while the returned report is iterated. ``jobs`` defaults to the number of cores
    (``1`` checks in this process). ``trust`` is a certificate file whose signatures are trusted.
    ``linter`` (used with ``jobs=1``) or ``linter_factory`` replaces the default linter, e.g. with a
    configured one.
    """
    paths = [os.fspath(p) for p in paths]
    if not paths:
        raise EkspertrapportError("ingen filer eller mapper å kontrollere.")
    found = discover(paths, recursive=recursive)
    if not found.entries:
        notes = " ".join(found.notes) or "fant ingen filer."
        raise EkspertrapportError(f"ingen filer å kontrollere: {notes}")
    if not any(os.path.lexists(e.path) for e in found.entries):
        raise EkspertrapportError("ingen filer å kontrollere: " + "; ".join(f"{e.path}: finnes ikke" for e in found.entries))
    if trust is not None:
        signature.trust_certificates(os.fspath(trust))  # a bad certificate file stops the command, not each row
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise EkspertrapportError("--jobs må være minst 1.")
    options = CheckOptions(trust=os.fspath(trust) if trust is not None else None, max_bytes=max_bytes,
                           timeout=timeout)
    return CheckReport(found.entries, found.notes, jobs=jobs, options=options, progress=progress,
                       linter_factory=linter_factory, linter=linter)
