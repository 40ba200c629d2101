"""Turn pydantic validation errors into located Norwegian problems."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..errors import Problem
from ..report import Ansvarlig, Spor

FIELD_HINTS: dict[str, str] = {
    "malform": "bruk nb (bokmål) eller nn (nynorsk)",
    "ansvarlig": "tillatte verdier: " + ", ".join(a.value for a in Ansvarlig),
    "spor": "tillatte verdier: " + ", ".join(s.value for s in Spor),
}


def field_path(loc: tuple[Any, ...]) -> str:
    """('tiltak', 0, 'ansvarlig') → 'tiltak[1].ansvarlig' (measures counted from 1, as people do)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        elif part in ("date", "str", "function-after[_valid_orgnr(), str]") or "[" in str(part):
            continue  # union/validator branch names pydantic adds to the location
        else:
            out += ("." if out else "") + str(part)
    return out


def _show(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return ""
    return f" «{value}»"


def translate_error(error: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    """One pydantic error → (location, Norwegian message naming the field and what is expected)."""
    loc = tuple(error.get("loc", ()))
    field = field_path(loc) or "front matter"
    leaf = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return loc, f"{field} mangler (påkrevd felt)"
    if kind == "extra_forbidden":
        return loc, f"ukjent felt «{field}»; sjekk stavemåten mot rapportformatet"
    if kind in ("literal_error", "enum"):
        hint = FIELD_HINTS.get(leaf, "se rapportformatet for tillatte verdier")
        return loc, f"{field}{_show(value)} er ikke en gyldig verdi; {hint}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return loc, f"{field}{_show(value)} er ikke en gyldig dato; skriv ÅÅÅÅ-MM-DD, f.eks. 2025-03-14"
    if kind in ("string_too_short",):
        return loc, f"{field} er tom; fyll inn en verdi"
    if kind in ("string_type",):
        return loc, f"{field}{_show(value)} må være tekst"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        return loc, f"{field}{_show(value)} må være et tall"
    if kind in ("greater_than_equal",):
        return loc, f"{field}{_show(value)} kan ikke være negativ"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return loc, f"{field} må være en gruppe med underfelt (nøkkel: verdi), ikke{_show(value) or ' en liste'}"
    if kind in ("list_type",):
        return loc, f"{field} må være en liste (hvert element på en linje som starter med «- »)"
    if kind == "value_error":
        msg = str(error.get("ctx", {}).get("error", error.get("msg", "")))
        msg = msg.removeprefix("Value error, ")
        if not loc:
            return loc, msg
        return loc, f"{field} {msg}" if msg.startswith("«") else f"{field}: {msg}"
    return loc, f"{field}: ugyldig verdi{_show(value)} ({error.get('msg', kind)})"


def problems_from_validation(exc: ValidationError, path: str, line_of) -> list[Problem]:
    """Problems for every error, located with ``line_of(loc) -> int | None``."""
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for error in exc.errors(include_url=False):
        loc, message = translate_error(error)
        key = (field_path(loc), message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(path, line_of(loc), message, field_path(loc) or None))
    return problems
