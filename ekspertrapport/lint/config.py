"""Lint configuration: ``ekspertrapport.toml`` or ``[tool.ekspertrapport]`` in ``pyproject.toml``,
found from the input's directory upward, or given with ``--config``.

```toml
disable = ["style"]                 # rule ids or prefixes (a category, or «health.»)
enable = ["style.length"]           # the most specific selector wins
max_words = 1500                    # style.length warns above this many words
fail_on = "error"                   # default for --fail-on
[severity]                          # in pyproject.toml: [tool.ekspertrapport.severity]
"health.medication" = "warning"
```
Every key is validated (pydantic, ``extra="forbid"``); a broken file is a Norwegian error (exit 2).
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from ..errors import EkspertrapportError

Severity = Literal["error", "warning", "info"]
CONFIG_NAME = "ekspertrapport.toml"


class LintConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    disable: list[str] = Field(default_factory=list)
    enable: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)
    max_words: int = Field(default=1500, gt=0)
    fail_on: Severity = "error"
    #: Where the configuration was read from (None for the defaults).
    _source: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _known_rules(self) -> LintConfig:
        from .rules import matching_rules

        for key, selectors in (("disable", self.disable), ("enable", self.enable), ("severity", list(self.severity))):
            for selector in selectors:
                if not matching_rules(selector):
                    raise ValueError(f"{key}: «{selector}» er ingen kjent regel eller kategori")
        return self

    @property
    def source(self) -> str | None:
        return self._source

    def is_enabled(self, rule_id: str) -> bool:
        """The most specific matching selector decides; rules are enabled unless disabled."""
        choices = [(s, False) for s in self.disable] + [(s, True) for s in self.enable]
        return _most_specific(choices, rule_id, True)

    def severity_for(self, rule_id: str, default: str) -> str:
        return _most_specific(list(self.severity.items()), rule_id, default)


def _most_specific(choices: list[tuple[str, Any]], rule_id: str, default: Any) -> Any:
    """The value of the longest selector that names ``rule_id`` (later entries win ties)."""
    from .rules import selector_matches

    best, value = -1, default
    for selector, choice in choices:
        length = len(selector.strip().rstrip("."))
        if selector_matches(selector, rule_id) and length >= best:
            best, value = length, choice
    return value


def parse_config(data: dict[str, Any], source: str) -> LintConfig:
    """Validate the settings table (the top level of ``ekspertrapport.toml``, or ``[tool.ekspertrapport]``)."""
    try:
        config = LintConfig.model_validate(data)
    except ValidationError as exc:
        raise EkspertrapportError(f"{source}: ugyldig konfigurasjon: {_explain(exc)}") from None
    config._source = source
    return config


_ALLOWED = "tillatt: disable, enable, severity, max_words, fail_on"


def _explain(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(p) for p in err["loc"]) or "konfigurasjonen"
        kind = err["type"]
        if kind == "extra_forbidden":
            what = f"ukjent innstilling ({_ALLOWED})"
        elif kind == "literal_error":
            what = f"«{err.get('input')}» er ugyldig; bruk error, warning eller info"
        elif kind in ("int_parsing", "int_type", "greater_than", "int_from_float"):
            what = "må være et positivt heltall"
        elif kind == "list_type":
            what = 'må være en liste, f.eks. ["style"]'
        elif kind == "dict_type":
            what = "må være en tabell"
        elif kind == "value_error":
            what = str(err.get("ctx", {}).get("error", err["msg"]))
        else:
            what = err["msg"]
        parts.append(f"{where}: {what}")
    return "; ".join(parts)


def read_config(path: str | Path) -> LintConfig:
    """Read a config file given explicitly (``--config``); pyproject.toml files use ``[tool.ekspertrapport]``."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EkspertrapportError(f"{p}: konfigurasjonsfilen finnes ikke.") from None
    except IsADirectoryError:
        raise EkspertrapportError(f"{p}: er en mappe, ikke en konfigurasjonsfil.") from None
    except UnicodeDecodeError:
        raise EkspertrapportError(f"{p}: konfigurasjonsfilen er ikke gyldig UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise EkspertrapportError(f"{p}: ugyldig TOML ({exc}).") from None
    except OSError as exc:
        raise EkspertrapportError(f"{p}: kan ikke lese konfigurasjonsfilen ({exc.strerror or exc}).") from None
    if p.name == "pyproject.toml":
        section = data.get("tool", {}).get("ekspertrapport", {})
        if not isinstance(section, dict):
            raise EkspertrapportError(f"{p}: ugyldig konfigurasjon: [tool.ekspertrapport] må være en tabell")
        return parse_config(section, f"{p} [tool.ekspertrapport]")
    return parse_config(data, str(p))


def find_config(start: str | Path) -> LintConfig:
    """The configuration for an input: the nearest ``ekspertrapport.toml`` or ``pyproject.toml`` with
    ``[tool.ekspertrapport]`` from the input's directory upward; the defaults if there is none."""
    p = Path(start).resolve()
    return _find_in(p if p.is_dir() else p.parent)


@functools.lru_cache(maxsize=64)
def _find_in(directory: Path) -> LintConfig:
    for folder in (directory, *directory.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return read_config(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
                continue  # someone else's broken pyproject is not our configuration
            if "ekspertrapport" in data.get("tool", {}):
                return read_config(pyproject)
    return LintConfig()


#: Categories whose findings block approval; a config file cannot turn them off or down for ``approve``
#: (only an inline suppression with a reason, recorded in the audit log, can allow one finding).
PRIVACY_CATEGORIES = ("health", "identity", "special-category", "agency")


def approval_config(config: LintConfig) -> tuple[LintConfig, list[str]]:
    """The configuration ``approve`` uses, and the settings it ignored.

    Disabling or downgrading a rule in a privacy category would let health or identity data through
    to the employer and NAV without a trace in the report; those settings are dropped (and reported),
    the rest of the configuration applies as for ``lint``.
    """
    from .rules import matching_rules

    def privacy(selector: str) -> bool:
        return any(rid.split(".", 1)[0] in PRIVACY_CATEGORIES for rid in matching_rules(selector))

    ignored = [f"disable {s}" for s in config.disable if privacy(s)]
    ignored += [f"severity {s} = {v}" for s, v in config.severity.items() if privacy(s) and v != "error"]
    if not ignored:
        return config, []
    kept = config.model_copy(update={
        "disable": [s for s in config.disable if not privacy(s)],
        "severity": {s: v for s, v in config.severity.items() if not (privacy(s) and v != "error")},
    })
    kept._source = config.source
    return kept, ignored
