"""Rules are data: ``ekspertrapport/lint/rules/<category>.yaml``, one record per rule.

:func:`load_rules` reads and validates every file (pydantic, ``extra="forbid"``) and raises an
:class:`~ekspertrapport.errors.EkspertrapportError` with a Norwegian message naming the file and the
field for a broken rule file. See ``docs/LINT_DESIGN.md`` for the record format.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import EkspertrapportError

CATEGORIES: tuple[str, ...] = ("health", "identity", "special-category", "agency", "structure", "style")
Severity = Literal["error", "warning", "info"]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ID_RE = re.compile(r"^[a-z][a-z-]*\.[a-z0-9][a-z0-9-]*$")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Record):
    nb: str = Field(min_length=1)
    nn: str = Field(min_length=1)

    def get(self, malform: str) -> str:
        return self.nn if malform == "nn" else self.nb


class ExampleFile(_Record):
    """An example that needs a whole file (structure and style rules): a path under ``tests/fixtures/lint``."""

    file: str = Field(min_length=1)


Example = str | ExampleFile


class Examples(_Record):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    flag: list[Example] = Field(min_length=1)
    pass_: list[Example] = Field(alias="pass", min_length=1)


class Rule(_Record):
    id: str
    severity: Severity
    description: str = Field(min_length=1)
    message: Localized
    suggestion: Localized | None = None
    examples: Examples
    #: Rule parameters that are data too (phrase lists, thresholds); read by the rule's checker.
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _dotted(cls, value: str) -> str:
        if not _ID_RE.match(value):
            raise ValueError(f"«{value}» er ikke en gyldig regel-id (forventet <kategori>.<navn>, små bokstaver)")
        if value.split(".", 1)[0] not in CATEGORIES:
            raise ValueError(f"«{value}»: ukjent kategori; bruk en av {', '.join(CATEGORIES)}")
        return value

    @property
    def category(self) -> str:
        return self.id.split(".", 1)[0]

    def message_for(self, malform: str) -> str:
        return self.message.get(malform)

    def suggestion_for(self, malform: str) -> str | None:
        return self.suggestion.get(malform) if self.suggestion else None


def parse_rule_file(name: str, text: str) -> list[Rule]:
    """Parse one rule file; its name (``health.yaml``, ``identity-person.yaml``) starts with the category of
    every rule in it."""
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (libyaml's when built)
    except yaml.YAMLError as exc:
        raise EkspertrapportError(f"regelfilen {name} er ikke gyldig YAML: {exc}") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise EkspertrapportError(f"regelfilen {name} må være en liste med regler (hver regel starter med «- id:»)")
    category = name.removesuffix(".yaml")
    rules = []
    for index, record in enumerate(data, start=1):
        try:
            rule = Rule.model_validate(record)
        except ValidationError as exc:
            rid = record.get("id", f"regel nr. {index}") if isinstance(record, dict) else f"regel nr. {index}"
            details = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'regel'}: {_norsk(err)}" for err in exc.errors(include_url=False)
            )
            raise EkspertrapportError(f"regelfilen {name}, {rid}: {details}") from None
        if category != rule.category and not category.startswith(rule.category + "-"):
            raise EkspertrapportError(f"regelfilen {name}: regelen {rule.id} hører til kategorien «{rule.category}», ikke «{category}»")
        rules.append(rule)
    return rules


def _norsk(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "mangler (påkrevd felt)"
    if kind == "extra_forbidden":
        return "ukjent felt"
    if kind in ("too_short", "string_too_short"):
        return "er tom"
    if kind == "literal_error":
        return "ugyldig verdi; bruk error, warning eller info"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    return f"ugyldig verdi ({error['msg']})"


@functools.cache
def load_rules() -> dict[str, Rule]:
    """Every rule from every shipped rule file, by id (cached)."""
    rules: dict[str, Rule] = {}
    folder = resources.files("ekspertrapport.lint") / "rules"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        for rule in parse_rule_file(entry.name, entry.read_text(encoding="utf-8")):
            if rule.id in rules:
                raise EkspertrapportError(f"regelfilen {entry.name}: regel-id {rule.id} finnes allerede")
            rules[rule.id] = rule
    return rules


def selector_matches(selector: str, rule_id: str) -> bool:
    """Whether a selector names a rule: the exact id, a category (``health``) or an id prefix (``health.``)."""
    selector = selector.strip().rstrip(".")
    return rule_id == selector or rule_id.startswith(selector + ".")


def matching_rules(selector: str, rules: dict[str, Rule] | None = None) -> list[str]:
    """Rule ids a selector names (see :func:`selector_matches`)."""
    rules = load_rules() if rules is None else rules
    return [rid for rid in rules if selector_matches(selector, rid)]
