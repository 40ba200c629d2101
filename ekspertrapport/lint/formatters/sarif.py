"""``--format sarif``: SARIF 2.1.0 with rule metadata from the rule files.

Columns are Unicode code points (``run.columnKind``), as in the JSON output; suppressed findings carry a
SARIF ``suppressions`` entry (kind ``inSource``) with the reason; files that could not be read are
``toolExecutionNotifications`` of the invocation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ... import __version__
from ..rules import load_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    p = Path(path)
    return p.as_posix() if not p.is_absolute() else p.as_uri()


def document(results: Iterable[Any], *, malform: str = "nb") -> dict[str, Any]:
    results = list(results)
    rules = load_rules()
    ids = list(rules)
    driver_rules = []
    for rid in ids:
        rule = rules[rid]
        entry: dict[str, Any] = {
            "id": rid,
            "name": rid.replace(".", "/"),
            "shortDescription": {"text": rule.message_for(malform)},
            "fullDescription": {"text": rule.description},
            "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            "properties": {"category": rule.category, "tags": [rule.category]},
        }
        if rule.suggestion:
            entry["help"] = {"text": rule.suggestion_for(malform)}
        driver_rules.append(entry)
    sarif_results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    artifacts: list[dict[str, Any]] = []
    for index, result in enumerate(results):
        artifacts.append({"location": {"uri": _uri(result.path)}})
        if result.error is not None:
            notifications.append({"level": "error", "message": {"text": result.error},
                                  "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(result.path), "index": index}}}]})
            continue
        for f in result.findings:
            region: dict[str, Any] = {"charOffset": f.start, "charLength": f.end - f.start, "snippet": {"text": f.text}}
            if f.line:
                region.update({"startLine": f.line, "startColumn": f.column})
            message = f.message + (f" {f.suggestion}" if f.suggestion else "")
            item: dict[str, Any] = {
                "ruleId": f.rule,
                "ruleIndex": ids.index(f.rule) if f.rule in rules else -1,
                "level": _LEVEL[f.severity],
                "message": {"text": message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(result.path), "index": index},
                                                    "region": region}}],
                "properties": {"category": f.category, "explanation": f.explanation},
            }
            if f.location:
                item["properties"]["location"] = f.location
            if f.suppressed:
                item["suppressions"] = [{"kind": "inSource", "justification": f.suppression_reason or ""}]
            if item["ruleIndex"] < 0:
                del item["ruleIndex"]
            sarif_results.append(item)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "ekspertrapport", "version": __version__, "semanticVersion": __version__,
                            "rules": driver_rules}},
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
        "artifacts": artifacts,
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(results: Iterable[Any], *, malform: str = "nb") -> str:
    return json.dumps(document(results, malform=malform), ensure_ascii=False, indent=2) + "\n"
