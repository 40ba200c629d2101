"""Fixed texts of the rendered report, read from the jinja2 templates ``templates/tekster_<malform>.j2``.

Every heading, label and standard statement the renderers print comes from those templates, as
top-level ``{% set %}`` variables, so that wording is edited in one place per målform::

    >>> texts("nb").approval_heading
    'Arbeidstakers godkjenning'
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

from .errors import EkspertrapportError

MALFORMER = ("nb", "nn")


class Texts:
    """The fixed texts of one målform; attribute access, read-only."""

    __slots__ = ("malform", "_values")

    def __init__(self, malform: str, values: Mapping[str, str]):
        object.__setattr__(self, "malform", malform)
        object.__setattr__(self, "_values", MappingProxyType(dict(values)))

    def __getattr__(self, name: str) -> str:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"tekster_{self.malform}.j2 has no text {name!r}") from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Texts is read-only")

    def names(self) -> frozenset[str]:
        return frozenset(self._values)

    def as_dict(self) -> dict[str, str]:
        return dict(self._values)

    # Values of the model's enums, in words.
    def spor(self, value: str) -> str:
        return getattr(self, "spor_" + str(value).replace("-", "_"))

    def ansvarlig(self, value: str | None) -> str:
        return getattr(self, "ansvarlig_" + str(value)) if value else ""

    def method(self, value: str) -> str:
        return getattr(self, "method_" + str(value).replace("-", "_"))

    def copy_mark(self, recipient: str) -> str:
        return getattr(self, "copy_" + recipient)

    def page(self, x: int | str, y: int | str) -> str:
        return self.page_x_of_y.format(x=x, y=y)


@functools.lru_cache(maxsize=None)
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("ekspertrapport", "templates"), autoescape=False,
                       undefined=StrictUndefined, keep_trailing_newline=True)


@functools.lru_cache(maxsize=None)
def texts(malform: str = "nb") -> Texts:
    """The fixed texts for ``malform`` ("nb" bokmål or "nn" nynorsk)."""
    if malform not in MALFORMER:
        raise EkspertrapportError(f"ukjent målform «{malform}»; bruk nb (bokmål) eller nn (nynorsk)")
    module = _environment().get_template(f"tekster_{malform}.j2").module
    values = {name: str(getattr(module, name)) for name in dir(module)
              if not name.startswith("_") and isinstance(getattr(module, name), str)}
    return Texts(malform, values)
