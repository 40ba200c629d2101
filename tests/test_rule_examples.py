"""Meta-test: every rule has must-flag and must-pass examples, and they behave (proselint's idea).

Examples are sentences (linted as plain text) or ``{file: name.md}`` — a whole report under
``tests/fixtures/lint/`` (structure and style rules need one).
"""

from __future__ import annotations

import pytest

from ekspertrapport.lint.rules import ExampleFile, load_rules

FIXTURES = "tests/fixtures/lint"
RULES = load_rules()


def _cases(kind: str):
    for rule in RULES.values():
        examples = rule.examples.flag if kind == "flag" else rule.examples.pass_
        for index, example in enumerate(examples):
            label = example.file if isinstance(example, ExampleFile) else example[:40]
            yield pytest.param(rule.id, example, id=f"{rule.id}-{kind}{index}-{label}")


def _rules_found(linter, repo_root, example) -> set[str]:
    if isinstance(example, ExampleFile):
        path = repo_root / FIXTURES / example.file
        assert path.is_file(), f"example file {path} is missing"
        return {f.rule for f in linter.lint_path(path).findings}
    return {f.rule for f in linter.lint_text(example)}


def test_every_rule_has_examples():
    assert RULES
    for rule in RULES.values():
        assert rule.examples.flag and rule.examples.pass_, rule.id


@pytest.mark.parametrize(("rule_id", "example"), list(_cases("flag")))
def test_flag_example_is_flagged(linter, repo_root, rule_id, example):
    found = _rules_found(linter, repo_root, example)
    assert rule_id in found, f"{rule_id} not reported for {example!r}; got {sorted(found)}"


@pytest.mark.parametrize(("rule_id", "example"), list(_cases("pass")))
def test_pass_example_is_not_flagged(linter, repo_root, rule_id, example):
    found = _rules_found(linter, repo_root, example)
    assert rule_id not in found, f"{rule_id} wrongly reported for {example!r}"


def test_every_recognizer_entity_is_a_rule():
    from ekspertrapport.lint.engine import shared_analyzer

    recognizers = shared_analyzer().registry.recognizers
    assert recognizers
    for recognizer in recognizers:
        assert recognizer.supported_language in ("nb", "nn")
        for entity in recognizer.supported_entities:
            assert entity in RULES, f"{recognizer.name} reports {entity}, which has no rule record"


def test_every_text_rule_has_a_recognizer_in_both_languages():
    from ekspertrapport.lint.engine import shared_analyzer

    registry = shared_analyzer().registry
    for language in ("nb", "nn"):
        covered = {e for r in registry.recognizers if r.supported_language == language for e in r.supported_entities}
        for rule_id, rule in RULES.items():
            if rule.category not in ("structure", "style"):
                assert rule_id in covered, f"no {language} recognizer reports {rule_id}"
