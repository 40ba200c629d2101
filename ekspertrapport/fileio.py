"""Reading inputs with clear Norwegian errors, and writing outputs atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import EkspertrapportError

#: Inputs larger than this are refused before they are read (a report is a few dozen kB).
MAX_TEXT_BYTES = 20 * 1024 * 1024


def read_bytes(path: str | os.PathLike, *, limit: int = MAX_TEXT_BYTES) -> bytes:
    """Read a whole input file, turning every OS error into a Norwegian message."""
    p = Path(path)
    if not p.exists():
        raise EkspertrapportError(f"{p}: filen finnes ikke.")
    if p.is_dir():
        raise EkspertrapportError(f"{p}: er en mappe, ikke en fil.")
    try:
        size = p.stat().st_size
        if size > limit:
            raise EkspertrapportError(
                f"{p}: filen er for stor ({size // (1024 * 1024)} MiB; grensen er {limit // (1024 * 1024)} MiB)."
            )
        return p.read_bytes()
    except PermissionError:
        raise EkspertrapportError(f"{p}: mangler tilgang til å lese filen.") from None
    except OSError as exc:
        raise EkspertrapportError(f"{p}: kan ikke lese filen ({exc.strerror or exc}).") from None


def decode_text(data: bytes, path: str | os.PathLike) -> str:
    """Decode UTF-8 text; refuse empty, binary and non-UTF-8 input with a message saying which."""
    if not data.strip():
        raise EkspertrapportError(f"{path}: filen er tom.")
    if b"\x00" in data[:8192]:
        raise EkspertrapportError(f"{path}: ser ut som en binærfil, ikke tekst (forventet UTF-8-tekst).")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EkspertrapportError(
            f"{path}:{line}: filen er ikke gyldig UTF-8 (byte 0x{data[exc.start]:02x}). "
            "Lagre filen som UTF-8 og prøv igjen."
        ) from None
    return text.removeprefix("\ufeff")


def read_text(path: str | os.PathLike) -> str:
    """Read a UTF-8 text file (BOM tolerated) with Norwegian errors for every way it can fail."""
    return decode_text(read_bytes(path), path)


def ensure_writable_dir(path: str | os.PathLike) -> Path:
    """Create ``path`` if needed and check that files can be written there."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise EkspertrapportError(f"{p}: finnes, men er ikke en mappe.") from None
    except OSError as exc:
        raise EkspertrapportError(f"{p}: kan ikke opprette mappen ({exc.strerror or exc}).") from None
    if not os.access(p, os.W_OK | os.X_OK):
        raise EkspertrapportError(f"{p}: mangler skrivetilgang til mappen.")
    return p


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, *, exclusive: bool = False, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is fsynced and renamed into place.

    With ``exclusive`` the rename refuses to replace a file that exists (also one that appeared
    while we wrote). On any error the temporary file is removed and ``path`` is untouched.
    ``mode`` sets the permissions (e.g. 0o600 for a private key); by default the user's umask applies.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if exclusive and target.exists():
        raise EkspertrapportError(f"{target}: filen finnes allerede, og ekspertrapport overskriver den ikke.")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise EkspertrapportError(f"{directory}: kan ikke skrive i mappen ({exc.strerror or exc}).") from None
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())  # mkstemp itself makes 0600
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        if exclusive:
            try:
                os.link(tmp, target)  # atomic and fails if target exists
            except FileExistsError:
                raise EkspertrapportError(
                    f"{target}: filen finnes allerede, og ekspertrapport overskriver den ikke."
                ) from None
            tmp.unlink()
        else:
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, exclusive: bool = False,
                       mode: int | None = None) -> Path:
    with atomic_writer(path, exclusive=exclusive, mode=mode) as tmp:
        _write(tmp, data, path)
    return Path(path)


def atomic_write_all(files: list[tuple[str | os.PathLike, bytes]]) -> list[Path]:
    """Write several files as one step: every file goes to a temporary file first, and only when all of
    them are written are they renamed into place; if any write fails, no target is touched."""
    with contextlib.ExitStack() as stack:
        temps = [(path, stack.enter_context(atomic_writer(path)), data) for path, data in files]
        for path, tmp, data in temps:
            _write(tmp, data, path)
    return [Path(path) for path, _ in files]


def _write(tmp: Path, data: bytes, target: str | os.PathLike) -> None:
    try:
        tmp.write_bytes(data)
    except OSError as exc:  # a full disk, a quota: a message, not a traceback
        raise EkspertrapportError(f"{target}: kan ikke skrive filen ({exc.strerror or exc}).") from None


def atomic_write_text(path: str | os.PathLike, text: str, *, exclusive: bool = False) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"), exclusive=exclusive)
