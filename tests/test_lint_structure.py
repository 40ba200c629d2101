"""Structure and style checks on full reports (fixtures in tests/fixtures/lint/)."""

from __future__ import annotations

import pytest

from ekspertrapport.lint.config import LintConfig

FIX = "tests/fixtures/lint"


def _rules(result):
    return sorted(f.rule for f in result.findings)


@pytest.mark.parametrize(("name", "expected"), [
    ("rapport-ok.md", []),
    ("missing-section.md", ["structure.missing-section"]),
    ("empty-section.md", ["structure.empty-section"]),
    ("no-measures.md", ["structure.no-measures"]),
    ("no-measures-justified.md", []),
    ("invalid-field.md", ["structure.invalid"]),
    ("measure-incomplete.md", ["structure.measure-incomplete"]),
    ("vague-measure.md", ["style.vague-measure"]),
    ("long-report.md", ["style.length"]),
    ("history-heavy.md", ["style.history-heavy"]),
])
def test_fixture_findings(linter, repo_root, name, expected):
    assert _rules(linter.lint_path(repo_root / FIX / name)) == expected


def test_findings_are_located(linter, repo_root):
    result = linter.lint_path(repo_root / FIX / "measure-incomplete.md")
    [f] = result.findings
    text = (repo_root / FIX / "measure-incomplete.md").read_text(encoding="utf-8")
    assert text[f.start:f.end] == f.text
    assert f.text.startswith("- hva: Arbeidstaker får en fast arbeidsplass")
    assert f.message.endswith("(mangler: ansvarlig, frist)")
    assert (f.line, f.column) == (29, 3)


def test_vague_phrase_is_the_span(linter, repo_root):
    [f] = linter.lint_path(repo_root / FIX / "vague-measure.md").findings
    assert f.text == "Følges opp ved behov"


def test_invalid_field_message_names_the_field(linter, repo_root):
    [f] = linter.lint_path(repo_root / FIX / "invalid-field.md").findings
    assert "arbeidsgiver.orgnr" in f.message and f.line == 5


def test_nynorsk_messages(linter, repo_root):
    text = (repo_root / FIX / "measure-incomplete.md").read_text(encoding="utf-8").replace("malform: nb", "malform: nn")
    [f] = linter.lint_text(text)
    assert f.message == "Tiltaket manglar ansvarleg, frist eller oppfølging. (manglar: ansvarlig, frist)"
    assert f.suggestion.startswith("Fyll inn")


def test_plain_text_gets_no_structure_rules(linter):
    findings = linter.lint_text("Dette er bare en tekst uten front matter.\n\nTiltaket følges opp ved behov.")
    assert [f.rule for f in findings if f.category in ("structure", "style")] == []


def test_max_words_from_config(linter, repo_root):
    path = repo_root / FIX / "rapport-ok.md"
    result = linter.lint_path(path, config=LintConfig(max_words=100))
    [f] = result.findings
    assert f.rule == "style.length" and "grensen er 100" in f.message


def test_approval_is_not_required(linter, repo_root):
    assert not any("godkjenning" in f.message.lower() for f in linter.lint_path(repo_root / FIX / "rapport-ok.md").findings)
