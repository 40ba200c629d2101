"""``ekspertrapport new``: a new report source from the template with writing guidance.

The Markdown templates (``templates/ny_rapport_<målform>.md.j2``) hold the front matter with
commented placeholders and every section of the report format, each with guidance as HTML comments
only, so that the validator reports the sections as empty until the expert has written them.
The Word skeleton lives in :mod:`ekspertrapport.scaffold_docx`.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import jinja2

from .errors import EkspertrapportError
from .fileio import atomic_write_bytes, atomic_write_text

MALFORMER: tuple[str, ...] = ("nb", "nn")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("ekspertrapport", "templates"),
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def check_malform(malform: str) -> str:
    """Return ``malform`` if it is supported, else raise a Norwegian error."""
    if malform not in MALFORMER:
        raise EkspertrapportError(
            f"Ukjent målform «{malform}». Bruk «nb» (bokmål) eller «nn» (nynorsk)."
        )
    return malform


def render_new_report(malform: str = "nb", *, today: date | None = None) -> str:
    """The text of a new, empty report source in ``malform``."""
    check_malform(malform)
    template = _environment().get_template(f"ny_rapport_{malform}.md.j2")
    return template.render(today=(today or date.today()).isoformat())


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise EkspertrapportError(
            f"Filen finnes allerede: {path}. Velg et annet navn; "
            "ekspertrapport overskriver aldri en eksisterende fil."
        )
    if not path.parent.is_dir():
        raise EkspertrapportError(f"Mappen finnes ikke: {path.parent}. Opprett mappen først.")


def _write_exclusive(path: Path, data: str | bytes) -> Path:
    """Write atomically, failing (never replacing) if ``path`` exists or appears meanwhile."""
    _refuse_existing(path)
    try:
        if isinstance(data, bytes):
            atomic_write_bytes(path, data, exclusive=True)
        else:
            atomic_write_text(path, data, exclusive=True)
    except EkspertrapportError:
        if path.exists():  # it appeared while we wrote: say so in the same words
            _refuse_existing(path)
        raise
    return path


def write_new_report(path: Path, malform: str = "nb", *, today: date | None = None) -> Path:
    """Write a new Markdown report source with writing guidance to ``path``; never overwrites."""
    path = Path(path)
    return _write_exclusive(path, render_new_report(malform, today=today))


def write_new_docx(path: Path, malform: str = "nb") -> Path:
    """Write a new Word report skeleton with writing guidance to ``path``; never overwrites."""
    from .scaffold_docx import build_skeleton, document_bytes

    path = Path(path)
    check_malform(malform)
    _refuse_existing(path)
    return _write_exclusive(path, document_bytes(build_skeleton(malform)))
